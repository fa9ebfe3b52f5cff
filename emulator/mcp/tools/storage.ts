/**
 * `storage` (the client's `files` tool, renamed as the guide names it), `download`, `find`, and
 * `lock`-style node actions. Every action needs `profile_type` (workspace|share) and
 * `profile_id` (aliases: context_type/context_id/instance_id). PARITY: client tools.rs `files`,
 * `download` (96b1551); agent guide v2.6 sections 4, 5 "Downloads".
 */
import { answer, call, invalid, ok, profileOf, rest, str, type ActionSpec, type ToolSpec } from '../kit.js';

const P = '/{profile_type}/{profile_id}/storage';
const N = `${P}/{node_id}`;
const node = { aliases: { node_id: ['file_id', 'folder_id', 'parent_node_id'] } } as const;
const root = { ...node, defaults: { node_id: 'root' } } as const;

export const storageTool: ToolSpec = {
  name: 'storage',
  description:
    'Files and folders in a workspace or share (profile_type + profile_id): list, details, search, create-folder, move/copy/rename/delete/purge/restore, versions, locks, preview and read URLs.',
  actions: {
    list: rest('List a folder (root by default)', 'GET', `${N}/list/`, root),
    details: rest('Node details (type file|note|folder|link)', 'GET', `${N}/details/`, node),
    info: rest('Node details', 'GET', `${N}/details/`, node),
    'create-folder': rest('Create a folder', 'POST', `${N}/createfolder/`, { ...root, aliases: { node_id: ['parent_node_id', 'folder_id'] } }),
    move: rest('Move a node (a conflicting file is trashed first)', 'POST', `${N}/move/`, node),
    copy: rest('Copy a node', 'POST', `${N}/copy/`, node),
    rename: rest('Rename a node', 'POST', `${N}/update/`, node),
    update: rest('Update a node', 'POST', `${N}/update/`, node),
    'add-file': rest('Add a finished upload to a folder', 'POST', `${N}/addfile/`, root),
    'add-link': rest('Add a link', 'POST', `${N}/addlink/`, root),
    delete: rest('Move a node to the trash', 'DELETE', `${N}/delete/`, { ...node, destructive: true }),
    restore: rest('Restore from the trash', 'POST', `${N}/restore/`, node),
    purge: rest('Delete permanently', 'DELETE', `${N}/purge/`, { ...node, destructive: true }),
    trash: rest('The trash', 'GET', `${P}/trash/list/`),
    versions: rest('Versions of a file', 'GET', `${N}/versions/`, node),
    'version-list': rest('Versions of a file', 'GET', `${N}/versions/`, node),
    'version-restore': rest('Restore a version (the current content becomes a version)', 'POST', `${N}/restore-version/`, node),
    search: rest('Search by name (intelligence off) or content', 'GET', `${P}/search/`, { fields: { search: ['query', 'search'] } }),
    recent: rest('Recently changed files', 'GET', `${P}/recent/`),
    transfer: rest('Transfer a node to another workspace', 'POST', `${N}/transfer/`, node),
    'lock-acquire': rest('Acquire a lock', 'POST', `${N}/lock/`, node),
    'lock-status': rest('Lock status', 'GET', `${N}/lock/`, node),
    'lock-release': rest('Release a lock', 'DELETE', `${N}/lock/`, node),
    'lock-heartbeat': rest('Extend a lock', 'POST', `${N}/lock/heartbeat/`, node),
    'preview-url': rest('A preauthorized preview URL', 'GET', `${N}/preview/{preview_type}/preauthorize/`, node),
    read: {
      summary: 'Bytes are not streamed over MCP: use the download:// resource or download action=file-url',
      params: ['node_id'],
      async run(ctx, a) {
        const { type, id } = profileOf(a);
        const n = str(a, 'node_id');
        if (!id || !n) return invalid(ctx, 'Missing required parameter: profile_id and node_id');
        return ok(
          ctx,
          { resource_uri: `download://${type}/${id}/${n}` },
          { next: [`resources/read uri=download://${type}/${id}/${n}`, `download action=file-url profile_type=${type} profile_id=${id} node_id=${n}`] },
        );
      },
    },
  },
};

const fileUrl: ActionSpec = {
  summary: 'A temporary pre-authenticated download URL (GET .../storage/{node_id}/requestread/)',
  params: ['profile_type', 'profile_id', 'node_id'],
  required: ['profile_id', 'node_id'],
  async run(ctx, a) {
    const { type, id } = profileOf(a);
    const n = str(a, 'node_id', 'file_id');
    if (!id || !n) return invalid(ctx, 'Missing required parameter: profile_id and node_id');
    const res = await call(ctx, { method: 'GET', path: `/${type}/${encodeURIComponent(id)}/storage/${encodeURIComponent(n)}/requestread/` });
    if (res.status !== 200) return answer(ctx, res);
    const token = (res.body?.token ?? res.body?.download_token) as string | undefined;
    const base = ctx.apiUrl ?? '';
    const url = token ? `${base}/current/${type}/${id}/storage/${n}/read/?token=${encodeURIComponent(token)}` : undefined;
    const { result: _r, ...body } = res.body ?? {};
    return ok(ctx, { ...body, ...(url ? { download_url: url } : {}), resource_uri: `download://${type}/${id}/${n}` });
  },
};

const zipUrl: ActionSpec = {
  summary: 'A ZIP URL of a folder plus the Authorization header value it needs (GET .../storage/{node_id}/zip/)',
  params: ['profile_type', 'profile_id', 'node_id'],
  required: ['profile_id'],
  async run(ctx, a) {
    const { type, id } = profileOf(a);
    const n = str(a, 'node_id', 'folder_id') ?? 'root';
    if (!id) return invalid(ctx, 'Missing required parameter: profile_id');
    const path = `/current/${type}/${id}/storage/${n}/zip/`;
    // Probe the route through the pipeline, so an unserved route reports 501 and a foreign id 401/404.
    const res = await call(ctx, { method: 'GET', path, headers: { range: 'bytes=0-0' } });
    if (res.status >= 400) return answer(ctx, res);
    return ok(ctx, { zip_url: `${ctx.apiUrl ?? ''}${path}`, authorization: ctx.session.token ? `Bearer ${ctx.session.token}` : null });
  },
};

export const downloadTool: ToolSpec = {
  name: 'download',
  description: 'Download and ZIP URLs (MCP never streams bytes): file-url, zip-url (with the Authorization value), quickshare-details.',
  actions: {
    'file-url': fileUrl,
    'zip-url': zipUrl,
    'quickshare-details': rest('Public QuickShare details (April; fileshares replace it in V2)', 'GET', '/quickshare/{quickshare_id}/details/', {
      auth: false,
    }),
  },
};

export const findTool: ToolSpec = {
  name: 'find',
  description: 'Unified search of a workspace or share: one query, buckets (files, metadata, comments) paginated independently.',
  actions: {
    search: rest('Unified search', 'GET', '/{profile_type}/{profile_id}/search/', { fields: { query: ['query', 'search', 'q'] } }),
  },
};
