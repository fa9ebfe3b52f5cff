/**
 * Previews and image transforms of a share's files (issue 18 item 6, the `{context_type}` twins of
 * emulator/storage/preview-routes.ts): the share opens first (ShareStorage), its files are named
 * only through it, then the workspace renderer answers. The read routes take the token a share's
 * preauthorize or requestread handed out, through this share only.
 */
import { defineRoute } from '../http/define.js';
import { formatTime } from '../http/format.js';
import { renderCacheOf, renderPreview, type PreviewType } from '../storage/previews.js';
import { PREVIEW_CHOICES, PREVIEW_SOURCE, preauthorize, serveRendered, sourceBytes, TRANSFORM_CHOICES, transformRead } from '../storage/preview-routes.js';
import { sharePreviewParams, sharePreviewReadParams, shareTransformParams, transformParamsOf, transformReadQuery } from '../storage/preview-schema.js';
import { Errors } from '../http/errors.js';
import type { StorageNode } from '../store/model.js';
import { isShareVisitor, SHARE_STORAGE_CHOICES, ShareStorage } from './share-storage.js';
import type { Emulator } from '../emulator.js';
import { invalidDownloadToken } from '../storage/download-tokens.js';

const TOKEN_CHOICE =
  "the token opens the version it was issued for, through this share only; another share's or workspace's token, or one whose reader lost the share, answers 401/1650";

/**
 * A preview or transform token opens its node through this share for viewing (share-storage-routes.ts
 * openByToken does the same for downloads). PARITY: CHOICE, previews need the share's view use, not download.
 */
async function openByToken(emu: Emulator, shareRef: string, nodeId: string, token: string, use: 'read' | 'download' = 'read') {
  const grant = await emu.storage.verifyReadToken(token, nodeId);
  const st = new ShareStorage(emu);
  const found = emu.shares.access.find(shareRef);
  if (!found || found.workspace.id !== grant.workspaceId) throw invalidDownloadToken();
  if (isShareVisitor(grant.userId, found.share.id)) return { st, s: st.openAsVisitor(found.share.id), grant };
  const user = emu.db.users.get(grant.userId);
  if (!user) throw invalidDownloadToken();
  try {
    return { st, s: st.openForUser({ user }, found.share.id, use), grant };
  } catch {
    throw invalidDownloadToken();
  }
}

/** PARITY: CHOICE. `bin` and `pdf` hand out the file's own bytes: they need the share's download use; rendered previews need view. */
const useOf = (type: PreviewType): 'read' | 'download' => (type === 'bin' || type === 'pdf' ? 'download' : 'read');

const atVersion = (node: StorageNode, versionId: string | null): StorageNode => (versionId && versionId !== node.versionId ? { ...node, versionId } : node);

export const sharePreviewRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/preview/:preview_type/preauthorize/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "A preview of a share's file: a tokenised `path` to GET it without a bearer",
    params: sharePreviewParams,
    parity: {
      status: 'partial',
      source: PREVIEW_SOURCE,
      choices: [
        ...SHARE_STORAGE_CHOICES,
        ...PREVIEW_CHOICES,
        'a share that allows viewing allows rendered previews (thumbnail, image); bin and pdf (the file itself) need its download use',
      ],
    },
    handler: async (ctx, { params }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, useOf(params.preview_type));
      const node = st.node(s, params.node_id);
      if (node.type === 'folder') throw Errors.badRequest('A folder has no preview.');
      return preauthorize(emu, s.reader, s.ws, node, params.preview_type, `/current/share/${s.share.share.id}`);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/preview/:preview_type/read/:download_token/file/:file_name/',
    area: 'shares',
    emulatorOnly: true,
    auth: 'bearer-optional',
    summary: "A share file's preview bytes, through the tokenised path preauthorize answered (bandwidth credits of the org)",
    params: sharePreviewReadParams,
    parity: { status: 'implemented', source: PREVIEW_SOURCE, choices: [TOKEN_CHOICE, ...PREVIEW_CHOICES] },
    handler: async (ctx, { params }, emu) => {
      const { st, s, grant } = await openByToken(emu, params.share_id, params.node_id, params.download_token, useOf(params.preview_type));
      const node = atVersion(st.node(s, params.node_id), grant.versionId);
      const rendered = await renderPreview(renderCacheOf(emu), params.preview_type, node, sourceBytes(emu, s.reader, s.ws, node));
      return serveRendered(emu, ctx.method, s.reader, s.ws, node, rendered);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/transform/:transform_name/requestread/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "A token for the image transform of a share's file: `transform/image/read/?token=…` applies the params",
    params: shareTransformParams,
    parity: { status: 'implemented', source: PREVIEW_SOURCE, choices: [...SHARE_STORAGE_CHOICES, ...TRANSFORM_CHOICES] },
    handler: async (ctx, { params }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, 'read');
      const { token, expires } = await emu.storage.requestRead(s.reader, s.ws, st.node(s, params.node_id).id);
      return { token, expires: formatTime(expires) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/transform/:transform_name/read/',
    area: 'shares',
    emulatorOnly: true,
    auth: 'bearer-optional',
    summary: "The transformed image of a share's file, with `?token=` from the share's transform requestread or a member's bearer",
    params: shareTransformParams,
    query: transformReadQuery,
    parity: { status: 'implemented', source: PREVIEW_SOURCE, choices: [TOKEN_CHOICE, ...TRANSFORM_CHOICES, 'without a token and without a Bearer: 401/1650'] },
    handler: async (ctx, { params, query }, emu) => {
      let opened;
      if (query.token !== undefined) opened = await openByToken(emu, params.share_id, params.node_id, query.token);
      else if (!ctx.caller) throw Errors.unauthenticated();
      const st = opened?.st ?? new ShareStorage(emu);
      const s = opened?.s ?? st.open(ctx, params.share_id, 'read');
      const node = atVersion(st.node(s, params.node_id), opened?.grant.versionId ?? null);
      return transformRead(emu, ctx.method, s.reader, s.ws, node, transformParamsOf(query));
    },
  }),
];
