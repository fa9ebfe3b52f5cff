/**
 * `workspace`: settings and lifecycle, notes (create-note/read-note/update-note, with `blob_id`
 * for large content), jobs, shares, and the consolidated `metadata-*` actions. PARITY: client
 * tools.rs `workspace` (96b1551); notes vs files: agent guide v2.6 section 5.
 */
import { answer, call, fail, invalid, ok, rest, str, type ActionSpec, type Args, type ToolCtx, type ToolResult, type ToolSpec } from '../kit.js';

/** `content` or the bytes of a staged blob (mutually exclusive, guide section 5 "Note limits"). */
export function contentOrBlob(ctx: ToolCtx, a: Args): { content?: string; error?: ToolResult } {
  const content = typeof a.content === 'string' ? a.content : undefined;
  const blobId = str(a, 'blob_id');
  if (content !== undefined && blobId) return { error: invalid(ctx, '`content` and `blob_id` are mutually exclusive.') };
  if (!blobId) return content !== undefined ? { content } : {};
  const blob = ctx.session.takeBlob(blobId);
  if (!blob) return { error: invalid(ctx, `Blob ${blobId} was not found in this session: blobs are single use and expire after 5 minutes.`) };
  return { content: blob.data.toString('utf8') };
}

/** PARITY: 80 KB rollover hint on note writes (agent guide v2.6 section 5). */
function noteWarnings(content: string | undefined): string[] {
  return content !== undefined && Buffer.byteLength(content) >= 80 * 1024 ? ['This note is over 80 KB (limit 100 KB): start a new note soon.'] : [];
}

/** PARITY: agent guide v2.6 "Notes vs Files": update-note on a file is error 153548. */
const NOT_A_NOTE = 153548;

const v2 = (ctx: ToolCtx) => ctx.dialect === 'v2';

const createNote: ActionSpec = {
  summary: 'Create a note (type "note") from markdown `content` or a `blob_id` (V2 createnote; April notes/)',
  params: ['workspace_id', 'parent_node_id', 'name', 'content', 'blob_id'],
  required: ['workspace_id', 'name'],
  async run(ctx, a) {
    const ws = str(a, 'workspace_id', 'profile_id', 'context_id');
    if (!ws) return invalid(ctx, 'Missing required parameter: workspace_id');
    const { content, error } = contentOrBlob(ctx, a);
    if (error) return error;
    const parent = str(a, 'parent_node_id', 'folder_id', 'node_id') ?? 'root';
    // PARITY: both dialects document createnote (April also documents `notes/`, which the emulator does not serve).
    const path = `/workspace/${encodeURIComponent(ws)}/storage/${encodeURIComponent(parent)}/createnote/`;
    const res = await call(ctx, { method: 'POST', path, form: { name: str(a, 'name'), content: content ?? '' } });
    const id = ((res.body?.node ?? {}) as { id?: string }).id;
    return answer(ctx, res, { next: id ? [`workspace action=update-note workspace_id=${ws} node_id=${id} content=...`] : [], warnings: noteWarnings(content) });
  },
};

const updateNote: ActionSpec = {
  summary: 'Replace a note\'s content (a File answers 153548 "Node is not a note")',
  params: ['workspace_id', 'node_id', 'content', 'blob_id', 'name'],
  required: ['workspace_id', 'node_id'],
  async run(ctx, a) {
    const ws = str(a, 'workspace_id', 'profile_id', 'context_id');
    const node = str(a, 'node_id');
    if (!ws || !node) return invalid(ctx, 'Missing required parameter: workspace_id and node_id');
    const { content, error } = contentOrBlob(ctx, a);
    if (error) return error;
    // PARITY: both dialects document updatenote (April also `notes/update/`).
    const path = `/workspace/${encodeURIComponent(ws)}/storage/${encodeURIComponent(node)}/updatenote/`;
    const res = await call(ctx, { method: 'POST', path, form: { content, name: str(a, 'name') } });
    const err = res.body?.error as { code?: number; params?: { code?: number }[] } | undefined;
    if (res.status === 400 && (err?.code === NOT_A_NOTE || err?.params?.some((p) => p.code === NOT_A_NOTE))) {
      // CHOICE: the REST route answers 400/1605 with 153548 on the node_id row (what the official
      // client reads); the tool error carries the guide's 153548 as its code, with the recovery.
      const r = fail(ctx, 400, NOT_A_NOTE, 'Node is not a note: update-note changes Notes only.', err?.params);
      r.structuredContent!._recovery = ['A File is not a Note: re-upload it (same parent, same name) to replace its bytes, or delete it and create-note.'];
      return r;
    }
    const r = answer(ctx, res, { warnings: noteWarnings(content) });
    return r;
  },
};

const readNote: ActionSpec = {
  summary: 'Read a note (V2 readnote; April notes/)',
  params: ['workspace_id', 'node_id', 'version_id'],
  required: ['workspace_id', 'node_id'],
  async run(ctx, a) {
    const ws = str(a, 'workspace_id', 'profile_id', 'context_id');
    const node = str(a, 'node_id');
    if (!ws || !node) return invalid(ctx, 'Missing required parameter: workspace_id and node_id');
    const base = `/workspace/${encodeURIComponent(ws)}/storage/${encodeURIComponent(node)}`;
    const res = await call(ctx, { method: 'GET', path: `${base}/${v2(ctx) ? 'readnote' : 'notes'}/`, query: { version_id: str(a, 'version_id') } });
    if (res.status !== 501 || v2(ctx)) return answer(ctx, res);
    // CHOICE: April's `notes/` read is not emulated; like the official client's `view`, read the
    // note's bytes instead (storage read/), answering its markdown as `content`.
    const bytes = await call(ctx, { method: 'GET', path: `${base}/read/` });
    if (bytes.status !== 200) return answer(ctx, bytes);
    return ok(ctx, { node_id: node, content: bytes.raw.toString('utf8'), via: 'read' });
  },
};

const W = '/workspace/{workspace_id}';
const md = (summary: string, method: string, path: string) => rest(`${summary} (metadata)`, method, path);

export const workspaceTool: ToolSpec = {
  name: 'workspace',
  description: 'Workspaces: details, update/delete/archive, notes (create-note/read-note/update-note), jobs, shares, metadata-* actions.',
  actions: {
    list: rest('Every workspace you can reach', 'GET', '/workspaces/all/'),
    create: rest('Create a workspace in an org (intelligence defaults OFF here)', 'POST', '/org/{org_id}/create/workspace/', {
      fixed: { intelligence: 'false', perm_join: 'Member or above', perm_member_manage: 'Member or above' },
    }),
    info: rest('Workspace details', 'GET', `${W}/details/`),
    details: rest('Workspace details', 'GET', `${W}/details/`),
    update: rest('Update a workspace (intelligence=true ingests every document: 10 credits/page)', 'POST', `${W}/update/`),
    delete: rest('Delete a workspace', 'DELETE', `${W}/delete/`, { destructive: true }),
    'jobs-status': rest('Async job status', 'GET', `${W}/jobs/status/`),
    search: rest('Search files by name or content', 'GET', `${W}/storage/search/`, { fields: { search: ['query', 'search'] } }),
    limits: rest('Workspace limits', 'GET', `${W}/limits/`),
    archive: rest('Archive', 'POST', `${W}/archive/`, { destructive: true }),
    unarchive: rest('Unarchive', 'POST', `${W}/unarchive/`),
    members: rest('Members', 'GET', `${W}/members/list/`),
    'list-shares': rest('Shares of the workspace', 'GET', `${W}/list/shares/`),
    'import-share': rest('Import a share', 'POST', `${W}/import/share/{share_id}/`),
    available: rest('Workspaces available to join', 'GET', '/workspaces/available/'),
    'check-name': rest('Is a folder name free', 'GET', '/workspaces/check/name/{name}/'),
    'create-note': createNote,
    'update-note': updateNote,
    'read-note': readNote,
    'metadata-template-create': md('Create a template', 'POST', `${W}/metadata/templates/`),
    'metadata-template-preview-match': md('Preview matching', 'POST', `${W}/metadata/templates/preview-match/`),
    'metadata-template-suggest-fields': md('Suggest fields', 'POST', `${W}/metadata/templates/suggest-fields/`),
    'metadata-template-delete': md('Delete a template', 'DELETE', `${W}/metadata/templates/{template_id}/`),
    'metadata-template-list': md('Templates', 'GET', `${W}/metadata/templates/list/`),
    'metadata-template-details': md('A template', 'GET', `${W}/metadata/templates/{template_id}/details/`),
    'metadata-template-settings': md('Template settings', 'POST', `${W}/metadata/templates/{template_id}/settings/`),
    'metadata-template-update': md('Update a template', 'POST', `${W}/metadata/templates/{template_id}/`),
    'metadata-delete': md("Delete a node's metadata", 'DELETE', `${W}/storage/{node_id}/metadata/`),
    'metadata-details': md("A node's metadata", 'GET', `${W}/storage/{node_id}/metadata/details/`),
    'metadata-extract': md('Extract metadata from a node', 'POST', `${W}/storage/{node_id}/metadata/extract/`),
    'metadata-list': md('Node metadata of a template', 'GET', `${W}/storage/{node_id}/metadata/list/{template_id}/`),
    'metadata-templates-in-use': md('Templates used by a node', 'GET', `${W}/storage/{node_id}/metadata/templates/`),
    'metadata-update': md("Update a node's metadata", 'POST', `${W}/storage/{node_id}/metadata/update/{template_id}/`),
    'metadata-view-save': md('Save a view', 'POST', `${W}/metadata/view/{template_id}/`),
    'metadata-view-get': md('A saved view', 'GET', `${W}/metadata/view/{template_id}/`),
    'metadata-view-delete': md('Delete a view', 'DELETE', `${W}/metadata/view/{template_id}/`),
    'metadata-views-list': md('Saved views', 'GET', `${W}/metadata/views/`),
  },
};
