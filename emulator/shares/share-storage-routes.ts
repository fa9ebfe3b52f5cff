/**
 * Share storage routes (issue 17 item 3): list, readnote, requestread and read, addfile and
 * update, in the share's folder (share-storage.ts decides which folder and who may do what). The
 * searches are share-search-routes.ts's, the locks share-storage-lock-routes.ts's. Each handler
 * opens the share first (`ShareStorage.open`, through ShareAccess), then names nodes only through
 * `ShareStorage.node` / `folder`, then asks the workspace storage service.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { lazy } from '../http/schema.js';
import { RawResponse } from '../http/route.js';
import { normalizeOpaqueId } from '../store/ids.js';
import { addFileBody, listQuery, readNoteQuery, readQuery, updateNodeBody } from '../storage/schema.js';
import { isShareVisitor, SHARE_STORAGE_CHOICES, ShareStorage } from './share-storage.js';
import type { Emulator } from '../emulator.js';

const SOURCE =
  'official client 96b1551 src/api/share.rs list_share_files, src/api/storage.rs add_file/update_node ({context_type} twins), src/api/download.rs get_download_url_ctx/build_download_url_ctx, src/api/workspace.rs read_share_note; 41dde01 for the April forms; agent guide v2.6 "Shares", "Two Storage Modes"';

/** `share_id` and a node reference (`root` or a node id), as the storage routes take them. */
export const shareNodeParams = lazy(() =>
  z.object({
    share_id: z.string().min(1).max(100),
    node_id: z
      .string()
      .max(100)
      .transform((s) => (s === 'root' || s === 'trash' ? s : normalizeOpaqueId(s)))
      .pipe(z.string().regex(/^(root|trash|2[0-9a-z]{28,29})$/, 'Expected a node id or "root".')),
  }),
);

const storage = (emu: Emulator) => new ShareStorage(emu);

const invalidToken = () => Errors.unauthenticated('The download token is invalid or has expired; ask requestread for a new one.');

/**
 * `read/?token=`: the requestread token stands for its reader on the one node it names, through
 * this share. PARITY: CHOICE, a token of another workspace's node, a token whose user no longer
 * reaches the share, or a visitor's token of another share is refused as invalid (401/1650); a
 * visitor's token works while the share is open to visitors.
 */
async function openByToken(emu: Emulator, shareRef: string, nodeId: string, token: string) {
  const grant = await emu.storage.verifyReadToken(token, nodeId);
  const st = storage(emu);
  const found = emu.shares.access.find(shareRef);
  if (!found || found.workspace.id !== grant.workspaceId) throw invalidToken();
  if (isShareVisitor(grant.userId, found.share.id)) return { st, s: st.openAsVisitor(found.share.id), grant };
  const user = emu.db.users.get(grant.userId);
  if (!user) throw invalidToken();
  try {
    return { st, s: st.openForUser({ user }, found.share.id, 'download'), grant };
  } catch {
    throw invalidToken();
  }
}

export const shareStorageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/list/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "List a folder of the share's storage (`root` is the share's folder); page_size/cursor as the workspace list",
    params: shareNodeParams,
    query: listQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        ...SHARE_STORAGE_CHOICES,
        'answers `nodes[]` with `pagination` exactly as the workspace list (limit/offset or page_size and cursor); a share has no trash (`trash` answers 400/1605)',
      ],
    },
    handler: (ctx, { params, query }, emu) => {
      const st = storage(emu);
      const s = st.open(ctx, params.share_id, 'read');
      const { nodes, pagination } = emu.storage.list(s.ws, st.folder(s, params.node_id), query);
      return { nodes: nodes.map((n) => st.json(s, n)), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/readnote/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'A note of the share: its markdown (`content`) and node (`note`); `version_id` reads a kept version',
    params: shareNodeParams,
    query: readNoteQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [...SHARE_STORAGE_CHOICES, 'as the workspace readnote: a file or folder answers 400/1605, not charged as bandwidth'],
    },
    handler: (ctx, { params, query }, emu) => {
      const st = storage(emu);
      const s = st.open(ctx, params.share_id, 'read');
      const { content, note } = emu.storage.readNote(s.ws, st.node(s, params.node_id).id, query.version_id);
      return { content, note: st.json(s, note) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/requestread/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "A download token for the share's read/?token= (no bearer needed)",
    params: shareNodeParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [...SHARE_STORAGE_CHOICES, 'answers `token` and `expires`; the token lives 1 hour and opens one version of one node, through this share only'],
    },
    handler: async (ctx, { params }, emu) => {
      const st = storage(emu);
      const s = st.open(ctx, params.share_id, 'download');
      const { token, expires } = await emu.storage.requestRead(s.reader, s.ws, st.node(s, params.node_id).id);
      return { token, expires: formatTime(expires) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/:node_id/read/',
    area: 'shares',
    // PARITY: the client builds this URL (96b1551 src/api/download.rs build_download_url_ctx) though
    // the catalogue does not list it; the token rides in `?token=`, so the Bearer is optional.
    emulatorOnly: true,
    auth: 'bearer-optional',
    summary: "Download a file of the share, with `?token=` from the share's requestread or a member's bearer (bandwidth credits of the org)",
    params: shareNodeParams,
    query: readQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [...SHARE_STORAGE_CHOICES, 'without a token and without a Bearer: 401/1650', 'HEAD is not charged'],
    },
    handler: async (ctx, { params, query }, emu) => {
      let opened;
      if (query.token !== undefined) opened = await openByToken(emu, params.share_id, params.node_id, query.token);
      else if (!ctx.caller) throw Errors.unauthenticated();
      const st = opened?.st ?? storage(emu);
      const s = opened?.s ?? st.open(ctx, params.share_id, 'download');
      // PARITY: CHOICE. A token opens the version it was issued for, if it names one.
      const versionId = opened?.grant.versionId ?? query.version_id;
      const { node, bytes } = emu.storage.download(s.reader, s.ws, st.node(s, params.node_id).id, versionId, ctx.method !== 'HEAD');
      return new RawResponse(bytes, node.mimetype ?? 'application/octet-stream', 200, {
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(node.name)}`,
        'content-length': String(bytes.length),
      });
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/storage/:node_id/addfile/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Add a file to a folder of the share from `from` (JSON): a stored upload session of the caller',
    params: shareNodeParams,
    body: addFileBody,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        ...SHARE_STORAGE_CHOICES,
        'answers the file under `node`; as the workspace addfile: the upload must be the caller’s, of this share’s workspace and stored',
        'a `hash` source (content-hash dedup, which the client allows only here) answers 400/1605: the emulator keeps no cross-account content store to dedup against',
      ],
    },
    handler: (ctx, { params, body }, emu) => {
      const st = storage(emu);
      const s = st.open(ctx, params.share_id, 'add');
      return { node: st.json(s, emu.storage.addFile(ShareStorage.writer(s), s.ws, st.folder(s, params.node_id), body.name, body.from)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/storage/:node_id/update/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Rename a node of the share (`name`) and/or give a file new content from a stored upload (`from`)',
    params: shareNodeParams,
    body: updateNodeBody,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        ...SHARE_STORAGE_CHOICES,
        'as the workspace update: no field 400/1605, metadata_* alone 501/1501; the share folder itself cannot be changed here (400/1605)',
      ],
    },
    handler: (ctx, { params, body }, emu) => {
      const st = storage(emu);
      const s = st.open(ctx, params.share_id, 'modify');
      const node = emu.storage.updateNode(ShareStorage.writer(s), s.ws, st.node(s, params.node_id).id, {
        name: body.name,
        from: body.from,
        metadataTitle: body.metadata_title,
        metadataShort: body.metadata_short,
      });
      return { node: st.json(s, node) };
    },
  }),
];
