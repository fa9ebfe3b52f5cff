import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Codes } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { RawResponse } from '../http/route.js';
import { nodeJson, uploadJson } from './format.js';
import { FILESHARE_WRITEBACK_CHOICES } from './upload-target.js';
import { storageLockRoutes } from './lock-routes.js';
import { storageNodeRoutes } from './node-routes.js';
import { storageSearchRoutes } from './search-routes.js';
import { storageV2Routes } from './v2-routes.js';
import { storageUploadRoutes } from './upload-routes.js';
import { storageWebUploadRoutes } from './web-upload-routes.js';
import { storageZipRoutes } from './zip-routes.js';
import { storagePreviewRoutes } from './preview-routes.js';
import { storageAddLinkRoutes } from './addlink-routes.js';
import { storageAprilNoteRoutes } from './april-notes-routes.js';
import {
  chunkBody,
  chunkQuery,
  createFolderBody,
  createNoteBody,
  listQuery,
  nodeDetailsParams,
  readQuery,
  uploadCreateBody,
  uploadDetailsQuery,
  uploadParams,
  workspaceNodeParams,
} from './schema.js';

const STORAGE_SOURCE = 'API notes "Storage and ingestion"; docs.fast.io/storage.html; official client src/api/storage.rs';
const UPLOAD_SOURCE = 'API notes "Storage and ingestion"; agent guide v1.29 "File Uploads"; official client src/api/upload.rs';

const STORAGE_CREDITS_CHOICE =
  'storage credits: 100 per GiB held, pro-rated; a stored version is charged for the rest of the period, bytes held at a period start for the whole period at the first storage operation of that period; no refunds; never refused (past the limit only what is left is charged)';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const NAME_CHOICE = 'names: 1-255 characters, trimmed, no "/", "\\", control characters, "." or ".."';

const storageV1Routes = [
  // ---- uploads
  defineRoute({
    method: 'POST',
    path: '/current/upload/',
    area: 'storage',
    summary: 'Upload a file in one call (multipart `chunk`, up to 4 MB) or open a chunked upload session (no `chunk`)',
    body: uploadCreateBody,
    files: true,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'answers `{id, new_file_id}` (single call) or `{id}` (session), flat',
        'a single call larger than 4 MiB answers 400/1605 naming `chunk`; a `size` that differs from the bytes answers 400/1605',
        'a file named like an existing file of the folder becomes its new version (same node id, new version id); the previous content is kept as a version (held storage)',
        '`action=update` with `file_id` stores a new version of that file of the instance_id workspace (folder_id ignored; `name` renames it; a note answers 400/1605); served by both dialects',
        'instance_id is required (uploads without a destination are not emulated); profile_type=share puts the file in that share (instance_id the share, folder_id a folder of it; shares/share-uploads.ts)',
        'a text field `chunk` is taken as the file content (UTF-8)',
        'plan file size and storage limits are checked when a session opens and again when it is stored (402/1685)',
        '`stream=true` opens a streaming session without `size` (`max_size` optional, checked against the plan up front); its bytes come through stream/',
        STORAGE_CREDITS_CHOICE,
        NAME_CHOICE,
        ...FILESHARE_WRITEBACK_CHOICES,
      ],
    },
    handler: (ctx, { body, files }, emu) => {
      // The workspace (or the fileshare) is named in the body, not the path: the service resolves it.
      const { upload, node, scope } = emu.storage.upload(callerOf(ctx), body, files);
      ctx.tenantResolved(scope.org.id);
      const answer = node ? { id: upload.id, new_file_id: node.id } : { id: upload.id };
      // PARITY: 96b1551 src/api/upload.rs single_shot_fileshare_writeback reads the write-back's `session`.
      return upload.fileshareId ? { ...answer, session: uploadJson(upload) } : answer;
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/upload/:upload_id/chunk/',
    area: 'storage',
    summary: 'Add one chunk (multipart `chunk`, `order` from 1, `size`) to an upload session',
    params: uploadParams,
    query: chunkQuery,
    body: chunkBody,
    files: true,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'chunks up to 8 MiB (limits/ recommends 4 MiB), order 1-10,000; re-sending an order replaces that chunk',
        "another user's session answers 404/1609",
        'chunks after complete answer 409/1660',
        'one audit event per chunk (`upload_chunk_added`)',
        "every chunk and complete re-check that the session's owner may still write to its workspace (a removed member 401/10545, a lowered role 403/1680)",
        '`hash` + `hash_algo` (query or form) check the chunk (md5, sha1, sha256, sha384; sha256 when hash_algo is absent); a digest that differs answers 400/1605 naming hash',
        'a streaming session (stream=true) takes no chunks: 400/1605',
      ],
    },
    handler: (ctx, { params, query, body, files }, emu) => {
      emu.storage.addChunk(callerOf(ctx), params.upload_id, query.order, query.size, files, body.chunk, {
        hash: body.hash ?? query.hash,
        hash_algo: body.hash_algo ?? query.hash_algo,
      });
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/upload/:upload_id/complete/',
    area: 'storage',
    summary: 'Assemble an upload session and store the file (assembling -> complete -> storing -> stored)',
    params: uploadParams,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'each status step takes --ingest-delay-ms',
        'missing chunks or a byte count that differs from `size` end in assembly_failed with status_message',
        'a plan limit, a deleted folder or a lost membership at storing time ends in store_failed',
        'complete without chunks answers 400/1605; twice answers 409/1660',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const upload = emu.storage.complete(callerOf(ctx), params.upload_id);
      return { id: upload.id, status: upload.status };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/upload/:upload_id/details/',
    area: 'storage',
    summary: 'An upload session under `session`: status, status_message, new_file_id, chunks',
    params: uploadParams,
    query: uploadDetailsQuery,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: ['`wait` (seconds, up to 60) holds a session that is assembling or storing until it changes'],
    },
    handler: async (ctx, { params, query }, emu) => {
      const details = () => emu.storage.uploadDetails(callerOf(ctx).user, params.upload_id, query.wait ?? 0, ctx.signal);
      // With `wait` the request is a long-poll: it spends a slot of the credential's long-poll budget.
      return { session: uploadJson(query.wait ? await emu.held.hold('long-poll', callerOf(ctx), details) : await details()) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/upload/:upload_id/',
    area: 'storage',
    summary: 'Delete an upload session (a stored file stays)',
    params: uploadParams,
    parity: { status: 'implemented', source: UPLOAD_SOURCE },
    handler: (ctx, { params }, emu) => {
      emu.storage.cancelUpload(callerOf(ctx).user, params.upload_id);
    },
  }),

  // ---- nodes
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/list/',
    area: 'storage',
    summary: 'List a folder (`root`, `trash` or a folder id)',
    // PARITY: the client lists the trash with `GET .../storage/trash/list/` (src/api/storage.rs list_trash)
    serves: ['/current/workspace/:workspace_id/storage/trash/list/'],
    params: workspaceNodeParams,
    query: listQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: STORAGE_SOURCE,
      choices: [
        'answers `nodes[]` with `pagination` (limit/offset, or page_size 100/250/500 and a keyset `cursor`: `pagination.next_cursor`, null on the last page, stable across writes; a bad or foreign cursor answers 400/1605)',
        'folders first, then sort_by (name default), then id',
        'the trash lists deleted nodes, not the contents of deleted folders',
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (_ctx, { params, query, scope }, emu) => {
      const { nodes, pagination } = emu.storage.list(scope, params.node_id, query);
      return { nodes: nodes.map(nodeJson), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/details/',
    area: 'storage',
    summary: 'One node under `node`, with `ai: {state}`, size, mimetype, version',
    params: nodeDetailsParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: STORAGE_SOURCE,
      choices: [
        '`ai.reason` (why ingestion failed: `credits`, `parse_error: …`, `unsupported_type`) and `ai.pages` are emulator additions',
        'a node in the trash is shown with `deleted: true`',
        FOREIGN_NODE_CHOICE,
        'bulk form (`{id1},{id2}/details/`): `format: "multi"`, `nodes[]` and per-id `errors[]`; 200 when one id resolves, 404 with the same fields (and `error`) when none does',
      ],
    },
    handler: (_ctx, { params, scope }, emu) => {
      if (typeof params.node_id === 'string') return { node: nodeJson(emu.storage.node(scope, params.node_id, 'allow')) };
      // PARITY: official client src/api/storage.rs:145-150 and :172-178: partial results are a 200,
      // all ids failing a 404 that still carries `nodes[]`/`errors[]` (read with the partial envelope).
      const { nodes, errors } = emu.storage.nodesDetails(scope, params.node_id);
      const fields = { format: 'multi', nodes: nodes.map(nodeJson), errors };
      if (nodes.length > 0) return fields;
      const error = { code: Codes.notFound, text: 'None of the requested nodes was found.' };
      return new RawResponse(JSON.stringify({ result: false, ...fields, error }), 'application/json', 404);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/createfolder/',
    area: 'storage',
    summary: 'Create a folder under `root` or a folder (`name`; `force` makes a new one on a name clash)',
    params: workspaceNodeParams,
    body: createFolderBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: STORAGE_SOURCE,
      choices: [
        'answers the folder under `node`',
        'with force, a clash is renamed "name (2)", "name (3)", …',
        'a file of the same name answers 409/1660 without force',
        NAME_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(emu.storage.createFolder(callerOf(ctx).user, scope, params.node_id, body.name, body.force ?? false)),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/createnote/',
    area: 'storage',
    summary: 'Create a markdown note (`name` ending .md, `content` up to 100 KB); ingested like a file',
    params: workspaceNodeParams,
    body: createNoteBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Notes"; API notes "Storage and ingestion"',
      choices: ['answers the note under `node`', 'a name already used in the folder answers 409/1660 (change a note with updatenote)', STORAGE_CREDITS_CHOICE],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(emu.storage.createNote(callerOf(ctx).user, scope, params.node_id, body.name, body.content)),
    }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/delete/',
    area: 'storage',
    summary: 'Move a node to the trash (a folder with its contents); it leaves search at once',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: STORAGE_SOURCE, choices: ['trashed bytes still count as held storage until purged', FOREIGN_NODE_CHOICE] },
    handler: (ctx, { params, scope }, emu) => {
      emu.storage.trash(callerOf(ctx).user, scope, params.node_id);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/purge/',
    area: 'storage',
    summary: 'Delete a trashed node for good, with its bytes',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: STORAGE_SOURCE, choices: ['a node not in the trash answers 400/1605', 'purging refunds no storage credits'] },
    handler: (ctx, { params, scope }, emu) => {
      emu.storage.purge(callerOf(ctx).user, scope, params.node_id);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/requestread/',
    area: 'storage',
    summary: 'A download token for read/?token= (no bearer needed)',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Download Tokens"; official client src/api/download.rs',
      choices: ['a token lives 1 hour on the emulator clock and opens one version of one node', 'answers `token` and `expires`'],
    },
    handler: async (ctx, { params, scope }, emu) => {
      const { token, expires } = await emu.storage.requestRead(callerOf(ctx).user, scope, params.node_id);
      return { token, expires: formatTime(expires) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/read/',
    area: 'storage',
    summary: "Download a file's bytes, with `?token=` from requestread or a bearer (bandwidth credits)",
    // The token stands in for the bearer (the pipeline checks either, see http/authenticate.ts).
    auth: 'bearer-or-download-token',
    params: workspaceNodeParams,
    query: readQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Download Tokens"; official client src/api/download.rs, src/api/storage.rs read_raw',
      choices: [
        'bandwidth: 212 credits per 10^9 bytes, fractional; past the budget the download answers 402/1696 and sends nothing',
        'a token whose user lost access to the workspace answers 401/10545',
        'version_id may name the current version or a kept one of this node; any other answers 404/1609',
        'HEAD is not charged',
      ],
    },
    handler: (ctx, { params, query, scope }, emu) => {
      // PARITY: CHOICE. A token opens the version it was issued for, if it names one.
      const versionId = ctx.download?.versionId ?? query.version_id;
      const { node, bytes } = emu.storage.download(callerOf(ctx).user, scope, params.node_id, versionId, ctx.method !== 'HEAD');
      return new RawResponse(bytes, node.mimetype ?? 'application/octet-stream', 200, {
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(node.name)}`,
        'content-length': String(bytes.length),
      });
    },
  }),
];

/** Every storage route: the ones both dialects serve, V2's additions, V2's searches, node operations and locks. */
export const storageRoutes = [
  ...storageV1Routes,
  ...storageV2Routes,
  ...storageSearchRoutes,
  ...storageNodeRoutes,
  ...storageLockRoutes,
  ...storageUploadRoutes,
  ...storageWebUploadRoutes,
  ...storageZipRoutes,
  ...storagePreviewRoutes,
  ...storageAddLinkRoutes,
  ...storageAprilNoteRoutes,
];
