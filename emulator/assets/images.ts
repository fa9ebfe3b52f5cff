/**
 * What an uploaded asset is: its image kind and pixel size, read from the bytes with image-size
 * (loaded on first use, so start-up does not pay for it). Anything that is not one of the
 * accepted kinds, or falls outside the type's bounds, is refused with the live envelope.
 */
import { ApiError, Codes, Errors } from '../http/errors.js';
import { ASSET_IMAGE_TYPES, type AssetImageKind, type AssetType } from './catalogue.js';

export interface AssetImage {
  mimetype: string;
  width: number;
  height: number;
}

type ImageSize = (input: Uint8Array) => { width?: number; height?: number; type?: string };
let imageSize: ImageSize | undefined;

async function sizer(): Promise<ImageSize> {
  imageSize ??= (await import('image-size')).imageSize as ImageSize;
  return imageSize;
}

const isAccepted = (kind: string | undefined): kind is AssetImageKind => kind !== undefined && Object.hasOwn(ASSET_IMAGE_TYPES, kind);

/** The image the bytes hold, checked against the asset type; throws the API's 400/1605 or 413/1606. */
export async function checkedImage(bytes: Buffer, t: AssetType): Promise<AssetImage> {
  if (bytes.length === 0) throw Errors.invalidField('file', 'The file is empty.');
  if (bytes.length > t.maxSize) throw new ApiError(413, Codes.payloadTooLarge, `A ${t.name} may be at most ${t.maxSize} bytes; this file is ${bytes.length}.`);
  let found: { width?: number; height?: number; type?: string };
  try {
    found = (await sizer())(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    found = {};
  }
  if (!isAccepted(found.type)) throw Errors.invalidField('file', `A ${t.name} must be a PNG, JPEG, GIF or WebP image.`);
  const { width = 0, height = 0 } = found;
  if (width < t.minWidth || height < t.minHeight || width > t.maxWidth || height > t.maxHeight)
    throw Errors.invalidField(
      'file',
      `A ${t.name} must be ${t.minWidth}x${t.minHeight} to ${t.maxWidth}x${t.maxHeight} pixels; this image is ${width}x${height}.`,
    );
  return { mimetype: ASSET_IMAGE_TYPES[found.type], width, height };
}
