/**
 * Previews and image transforms (issue 18 item 6), rendered locally: image previews and the
 * `image` transform through jimp (pure JS, imported lazily inside the render path so start-up
 * never pays for it), dimensions read first with image-size so a huge image is refused before it
 * is decoded. What cannot be rendered offline (PDF pages, video, audio, spreadsheets: no canvas,
 * no ffmpeg) answers an honest 501 that names the preview type. Rendered previews are cached per
 * (version, type) in memory, bounded by bytes; a new version has a new id, so nothing goes stale.
 *
 * Sources: official client 96b1551 src/api/preview.rs (the transform names, params and their
 * limits), src/bin/fastio/mcp/tools.rs sanitize_preview_response (the preauthorize answer
 * `{result, downloadToken, path, primaryFilename}`, the path `.../preview/{type}/read/{token}/file/{name}`),
 * agent guide v2.6 "Reference Values" (preview types, transform parameters).
 */
import { ApiError, Codes, Errors, paramInvalid } from '../http/errors.js';
import type { StorageNode } from '../store/model.js';

/** PARITY: the client's preview types (96b1551 commands/preview.rs, mcp PREVIEW_TYPES). */
export const PREVIEW_TYPES = ['bin', 'thumbnail', 'image', 'hlsstream', 'pdf', 'spreadsheet', 'audio', 'mp4'] as const;
export type PreviewType = (typeof PREVIEW_TYPES)[number];

/** PARITY: `SyncRenderer::names()` has one value (96b1551 src/api/preview.rs IMAGE_TRANSFORM_NAME). */
export const TRANSFORM_NAMES = ['image'] as const;

/** PARITY: CHOICE. The longest side of each size preset (the client names them, the sources give no pixels). */
export const SIZE_PRESETS: Readonly<Record<string, number>> = { icontiny: 32, iconsmall: 64, iconmedium: 128, preview: 1024 };
/** PARITY: CHOICE. The `thumbnail` preview fits 256x256, the `image` preview 1920x1920 (never enlarged). */
const PREVIEW_BOX: Readonly<Record<'thumbnail' | 'image', number>> = { thumbnail: 256, image: 1920 };
/** PARITY: CHOICE. Images above 40 megapixels or 64 MB are not decoded (the emulator must not stall on them). */
export const MAX_PIXELS = 40_000_000;
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/** PARITY: CHOICE. The render cache holds at most 32 MB of rendered bytes, oldest out first. */
const CACHE_BYTES = 32 * 1024 * 1024;

/** The image formats jimp decodes. */
const DECODABLE = new Set(['png', 'jpg', 'bmp', 'gif', 'tiff']);
const MIME: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

export interface Rendered {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

/** What the `image` transform applies, as the read URL carries it (96b1551 build_transform_read_url). */
export interface TransformParams {
  format?: 'png' | 'jpg' | 'jpeg' | undefined;
  width?: number | undefined;
  height?: number | undefined;
  size?: string | undefined;
  crop?: { w: number; h: number; x: number; y: number } | undefined;
  rotate?: 0 | 90 | 180 | 270 | undefined;
}

/** 501 naming what cannot be rendered offline, so a caller can tell it from a missing route. */
export function notRenderable(type: string, node: Pick<StorageNode, 'mimetype' | 'type'>, why: string): ApiError {
  const what = node.type === 'note' ? 'a note' : `${node.mimetype ?? 'an unknown type'}`;
  return new ApiError(501, Codes.notImplemented, `The emulator cannot render the "${type}" preview of ${what} offline: ${why}.`, {
    hint: 'Image previews (thumbnail, image) of PNG, JPEG, GIF, BMP and TIFF files are rendered; bin serves the file itself.',
  });
}

/** Bad image bytes: a 409 in the live envelope (the file is there, it cannot be rendered), never a 5xx. */
const unrenderable = (reason: string) => new ApiError(409, Codes.conflict, `The file cannot be rendered as an image: ${reason}.`);

/** The source format and dimensions, read from the header only (image-size), with the pixel cap applied. */
async function probe(bytes: Buffer): Promise<{ type: string; width: number; height: number }> {
  if (bytes.length > MAX_IMAGE_BYTES) throw unrenderable(`it is larger than ${MAX_IMAGE_BYTES} bytes`);
  const { imageSize } = await import('image-size');
  let dims: { width?: number; height?: number; type?: string };
  try {
    dims = imageSize(new Uint8Array(bytes));
  } catch {
    throw unrenderable('its bytes are not an image the emulator reads');
  }
  const { width = 0, height = 0, type = '' } = dims;
  if (!DECODABLE.has(type)) throw unrenderable(`${type || 'this'} images are not decoded offline`);
  if (width <= 0 || height <= 0) throw unrenderable('it has no pixels');
  if (width * height > MAX_PIXELS) throw unrenderable(`${width}x${height} is more than ${MAX_PIXELS} pixels`);
  return { type, width, height };
}

type JimpImage = Awaited<ReturnType<(typeof import('jimp'))['Jimp']['fromBuffer']>>;

async function decode(bytes: Buffer): Promise<{ img: JimpImage; type: string }> {
  const { type } = await probe(bytes);
  const { Jimp } = await import('jimp');
  try {
    return { img: await Jimp.fromBuffer(bytes), type };
  } catch {
    throw unrenderable('its bytes do not decode');
  }
}

async function encode(img: JimpImage, format: 'png' | 'jpg'): Promise<Buffer> {
  return format === 'png' ? img.getBuffer('image/png') : img.getBuffer('image/jpeg');
}

/** Scale down (never up) so the longest side fits `box`. */
function fitInside(img: JimpImage, box: number): void {
  if (img.width <= box && img.height <= box) return;
  img.scaleToFit({ w: box, h: box });
}

/** Rendered bytes per key, oldest first out past the byte budget. One per emulator instance. */
export class RenderCache {
  private readonly entries = new Map<string, Rendered>();
  private bytes = 0;

  get(key: string): Rendered | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // refresh its place: the oldest untouched entry goes first
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Rendered): void {
    if (value.bytes.length > CACHE_BYTES) return;
    this.entries.set(key, value);
    this.bytes += value.bytes.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= CACHE_BYTES) break;
      this.entries.delete(k);
      this.bytes -= v.bytes.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const caches = new WeakMap<object, RenderCache>();
/** The render cache of one emulator instance (keyed by the instance, gone with it). */
export function renderCacheOf(owner: object): RenderCache {
  let c = caches.get(owner);
  if (!c) caches.set(owner, (c = new RenderCache()));
  return c;
}

const baseName = (name: string) => name.replace(/\.[^.]*$/, '') || 'preview';

/**
 * Checks what a preview type can be of this node before anything is rendered: 501 (named) for the
 * types the emulator cannot render offline, 400 for a folder. `bin` is the file itself.
 */
export function checkPreviewable(type: PreviewType, node: StorageNode): void {
  if (node.type === 'folder') throw Errors.badRequest('A folder has no preview.');
  switch (type) {
    case 'bin':
    case 'thumbnail':
    case 'image':
      return;
    case 'pdf':
      // PARITY: CHOICE. A PDF's pdf preview is the PDF itself; any other document would need a converter.
      if (node.mimetype === 'application/pdf') return;
      throw notRenderable(type, node, 'converting documents to PDF needs an office renderer');
    case 'hlsstream':
    case 'mp4':
      throw notRenderable(type, node, 'video previews need ffmpeg');
    case 'audio':
      throw notRenderable(type, node, 'audio previews need ffmpeg');
    case 'spreadsheet':
      throw notRenderable(type, node, 'spreadsheet previews need a spreadsheet renderer');
  }
}

/** Renders (or serves from the cache) one preview of one version of a file. */
export async function renderPreview(cache: RenderCache, type: PreviewType, node: StorageNode, bytes: () => Buffer): Promise<Rendered> {
  checkPreviewable(type, node);
  if (type === 'bin' || type === 'pdf') {
    return { bytes: bytes(), mimetype: node.mimetype ?? 'application/octet-stream', filename: node.name };
  }
  const key = `${node.versionId ?? node.id}:${type}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (node.type === 'note') throw notRenderable(type, node, 'rendering markdown to an image needs a browser engine');
  if (node.mimetype === 'application/pdf') throw notRenderable(type, node, 'rendering PDF pages needs a PDF rasteriser (canvas)');
  if (node.mimetype?.startsWith('video/')) throw notRenderable(type, node, 'video frames need ffmpeg');
  if (type !== 'thumbnail' && type !== 'image') throw notRenderable(type, node, 'it is not an image preview');
  const { img, type: source } = await decode(bytes());
  fitInside(img, PREVIEW_BOX[type]);
  // PARITY: CHOICE. A thumbnail is PNG; an image preview keeps JPEG for a JPEG source, else PNG.
  const format = type === 'image' && source === 'jpg' ? 'jpg' : 'png';
  const rendered = { bytes: await encode(img, format), mimetype: MIME[format]!, filename: `${type}.${format}` };
  cache.set(key, rendered);
  return rendered;
}

/** A stable cache key for a transform's params. */
const transformKey = (p: TransformParams) => JSON.stringify([p.format, p.width, p.height, p.size?.toLowerCase(), p.crop, p.rotate]);

/**
 * The `image` transform: crop, then rotate, then resize (width and/or height, or a size preset),
 * then encode. PARITY: CHOICE (the order is not documented): the crop names pixels of the source
 * as stored, so it comes first. Width alone or height alone keeps the aspect ratio; both resize
 * to exactly that; a size preset fits the longest side and never enlarges.
 */
export async function renderTransform(cache: RenderCache, node: StorageNode, p: TransformParams, bytes: () => Buffer): Promise<Rendered> {
  if (node.type !== 'file') throw Errors.badRequest('Only a file can be transformed.');
  const key = `${node.versionId ?? node.id}:transform:${transformKey(p)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { img, type: source } = await decode(bytes());
  if (p.crop) {
    const { w, h, x, y } = p.crop;
    if (x + w > img.width || y + h > img.height) {
      throw Errors.invalidInput([paramInvalid('cropwidth', `The crop ${w}x${h} at ${x},${y} is outside the ${img.width}x${img.height} image.`)]);
    }
    img.crop({ x, y, w, h });
  }
  // jimp rotates counter-clockwise for a positive angle; the API's rotate is clockwise (CHOICE).
  if (p.rotate) img.rotate(-p.rotate);
  // The result's size is checked before jimp allocates it.
  const w = p.width ?? (p.height ? Math.round((img.width * p.height) / img.height) : img.width);
  const h = p.height ?? (p.width ? Math.round((img.height * p.width) / img.width) : img.height);
  if (w * h > MAX_PIXELS) throw Errors.invalidInput([paramInvalid(p.width ? 'width' : 'height', `The result may hold at most ${MAX_PIXELS} pixels.`)]);
  if (p.width && p.height) img.resize({ w: p.width, h: p.height });
  else if (p.width) img.resize({ w: p.width });
  else if (p.height) img.resize({ h: p.height });
  else if (p.size) fitInside(img, SIZE_PRESETS[p.size.toLowerCase()]!);
  // PARITY: CHOICE. Without output-format the source's format is kept (JPEG stays JPEG, anything else is PNG).
  const format = p.format === 'jpg' || p.format === 'jpeg' || (!p.format && source === 'jpg') ? 'jpg' : 'png';
  const rendered = { bytes: await encode(img, format), mimetype: MIME[format]!, filename: `${baseName(node.name)}.${format}` };
  cache.set(key, rendered);
  return rendered;
}
