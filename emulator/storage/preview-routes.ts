/**
 * Workspace previews and image transforms (issue 18 item 6): `preview/{type}/preauthorize/`
 * answers a tokenised read path, `transform/image/requestread/` a token for the transform's
 * `read/?token=&…`. The two read routes are the emulator's (the client builds or follows them;
 * the catalogue does not list them). Rendering is previews.ts's; bytes are charged as bandwidth
 * like a download, for the bytes served.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { formatTime } from '../http/format.js';
import { RawResponse } from '../http/route.js';
import type { Emulator } from '../emulator.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { invalidDownloadToken } from './download-tokens.js';
import { checkPreviewable, renderCacheOf, renderPreview, renderTransform, type PreviewType, type Rendered, type TransformParams } from './previews.js';
import { transformParamsOf, transformReadQuery, workspacePreviewParams, workspacePreviewReadParams, workspaceTransformParams } from './preview-schema.js';

export const PREVIEW_SOURCE =
  'official client 96b1551 src/api/preview.rs, commands/preview.rs, mcp/tools.rs sanitize_preview_response (41dde01 for the April forms); agent guide v2.6 "Reference Values: Preview Types, Image Transformations"';
export const PREVIEW_CHOICES = [
  'preauthorize answers {downloadToken, path, primaryFilename}; path is /current/{context}/{id}/storage/{node}/preview/{type}/read/{token}/file/{name} (the requestread token: 1 hour, one version of one node)',
  'thumbnail and image previews of PNG, JPEG, GIF, BMP and TIFF are rendered with jimp (thumbnail: PNG within 256x256; image: within 1920x1920, JPEG stays JPEG), never enlarged, cached per (version, type)',
  'bin serves the file itself; pdf serves a PDF itself; pdf of any other type, thumbnail/image of a PDF, video or note, hlsstream, mp4, audio and spreadsheet answer 501/1501 naming the preview type (no canvas or ffmpeg offline)',
  'bytes that are not a decodable image answer 409/1660; images above 40 megapixels or 64 MB are refused (409/1660) from their header, before decoding',
  'a folder answers 400/1605; the bytes served are charged as bandwidth (212 credits per 10^9 bytes) when read, not when preauthorized',
];
export const TRANSFORM_CHOICES = [
  'requestread checks the node is a file and answers {token, expires} (it ignores the image params, as the client says); the read applies them',
  'order: crop, rotate (clockwise), resize; width or height alone keeps the aspect ratio, both resize exactly; a size preset fits the longest side (IconTiny 32, IconSmall 64, IconMedium 128, Preview 1024), never enlarging',
  'without output-format the source format is kept (JPEG stays JPEG, else PNG); a crop outside the image, or a result above 40 megapixels, answers 400/1605',
];
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";

/** A node at the version a token names (the token opens the version it was issued for). */
function atVersion(node: StorageNode, versionId: string | null): StorageNode {
  return versionId && versionId !== node.versionId ? { ...node, versionId } : node;
}

/** The bytes of a node at a version, not charged (the rendered bytes are charged instead). */
export function sourceBytes(emu: Emulator, user: User, scope: WorkspaceScope, node: StorageNode): () => Buffer {
  return () => emu.storage.download(user, scope, node.id, node.versionId ?? undefined, false).bytes;
}

/** Serve rendered bytes, charging them as a download is charged (HEAD is not charged). */
export function serveRendered(emu: Emulator, method: string, user: User, scope: WorkspaceScope, node: StorageNode, r: Rendered): RawResponse {
  if (method !== 'HEAD') emu.storage.chargeBandwidth(scope.org, node, r.bytes.length, user.id);
  return new RawResponse(r.bytes, r.mimetype, 200, {
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(r.filename)}`,
    'content-length': String(r.bytes.length),
  });
}

/** Render once at preauthorize (errors surface there; the read serves the cache) and build the answer. */
export async function preauthorize(emu: Emulator, user: User, scope: WorkspaceScope, node: StorageNode, type: PreviewType, base: string) {
  checkPreviewable(type, node);
  const rendered = await renderPreview(renderCacheOf(emu), type, node, sourceBytes(emu, user, scope, node));
  const { token } = await emu.storage.requestRead(user, scope, node.id);
  const path = `${base}/storage/${node.id}/preview/${type}/read/${encodeURIComponent(token)}/file/${encodeURIComponent(rendered.filename)}`;
  return { downloadToken: token, path, primaryFilename: rendered.filename };
}

export async function transformRead(emu: Emulator, method: string, user: User, scope: WorkspaceScope, node: StorageNode, p: TransformParams) {
  const rendered = await renderTransform(renderCacheOf(emu), node, p, sourceBytes(emu, user, scope, node));
  return serveRendered(emu, method, user, scope, node, rendered);
}

export const storagePreviewRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/preview/:preview_type/preauthorize/',
    area: 'storage',
    summary: 'A preview of a file (`thumbnail`, `image`, `bin`, `pdf`, …): a tokenised `path` to GET it without a bearer',
    params: workspacePreviewParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'partial', source: PREVIEW_SOURCE, choices: [...PREVIEW_CHOICES, FOREIGN_NODE_CHOICE] },
    handler: async (ctx, { params, scope }, emu) => {
      const node = emu.storage.file(scope, params.node_id);
      return preauthorize(emu, callerOf(ctx).user, scope, node, params.preview_type, `/current/workspace/${scope.workspace.id}`);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/preview/:preview_type/read/:download_token/file/:file_name/',
    area: 'storage',
    // PARITY: the path preauthorize answers (96b1551 mcp/tools.rs sanitize_preview_response); the
    // token in the path stands in for the bearer, so none is needed.
    emulatorOnly: true,
    auth: 'bearer-optional',
    summary: "A preview's bytes, through the tokenised path preauthorize answered (bandwidth credits)",
    params: workspacePreviewReadParams,
    parity: {
      status: 'implemented',
      source: PREVIEW_SOURCE,
      choices: [
        'the token opens the version it was issued for; a bad or expired token, or one whose user lost the workspace, answers 401/1650; the file name segment is not checked',
        ...PREVIEW_CHOICES,
      ],
    },
    handler: async (ctx, { params }, emu) => {
      const grant = await emu.storage.verifyReadToken(params.download_token, params.node_id);
      const user = emu.db.users.get(grant.userId);
      if (!user) throw invalidDownloadToken();
      let scope: WorkspaceScope;
      try {
        scope = emu.access.workspace({ user }, params.workspace_id, 'workspace.storage.read');
      } catch {
        throw invalidDownloadToken();
      }
      if (scope.workspace.id !== grant.workspaceId) throw invalidDownloadToken();
      const node = atVersion(emu.storage.file(scope, params.node_id), grant.versionId);
      const rendered = await renderPreview(renderCacheOf(emu), params.preview_type, node, sourceBytes(emu, user, scope, node));
      return serveRendered(emu, ctx.method, user, scope, node, rendered);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/transform/:transform_name/requestread/',
    area: 'storage',
    summary: 'A token for the image transform: GET `transform/image/read/?token=…&width=…` applies the params',
    params: workspaceTransformParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: PREVIEW_SOURCE, choices: [...TRANSFORM_CHOICES, FOREIGN_NODE_CHOICE] },
    handler: async (ctx, { params, scope }, emu) => {
      const { token, expires } = await emu.storage.requestRead(callerOf(ctx).user, scope, params.node_id);
      return { token, expires: formatTime(expires) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/transform/:transform_name/read/',
    area: 'storage',
    // PARITY: the URL the client builds (96b1551 src/api/preview.rs build_transform_read_url).
    emulatorOnly: true,
    auth: 'bearer-or-download-token',
    summary: 'The transformed image (crop, rotate, resize, png/jpg), with `?token=` from transform requestread or a bearer (bandwidth credits)',
    params: workspaceTransformParams,
    query: transformReadQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: PREVIEW_SOURCE, choices: [...TRANSFORM_CHOICES, 'a token opens the version it was issued for'] },
    handler: async (ctx, { params, query, scope }, emu) => {
      const node = atVersion(emu.storage.file(scope, params.node_id), ctx.download?.versionId ?? null);
      return transformRead(emu, ctx.method, callerOf(ctx).user, scope, node, transformParamsOf(query));
    },
  }),
];
