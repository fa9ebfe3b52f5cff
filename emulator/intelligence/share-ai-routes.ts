/**
 * The AI routes around chat: a share's auto title, the shareable AI summary (`ai/share/`) of a
 * workspace or a share, the April `ai/search/` of a workspace or a share, the April share
 * `ai/transactions/`, and the V2 unified `/search/` of a share. A share's answers read the share's
 * files only (share-scope.ts), as its chats do.
 */
import { callerOf, type RequestContext } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { shareJson } from '../shares/format.js';
import { shareParams } from '../shares/schema.js';
import type { ShareScope } from '../shares/access.js';
import type { StorageNode } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { workspaceParams } from '../workspaces/schema.js';
import type { Emulator } from '../emulator.js';
import { transactionJson } from './agent-format.js';
import { searchHitJson } from './format.js';
import type { SearchInput } from './schema.js';
import type { SearchResultPage } from './search.js';
import { aiSearchQuery, autotitleBody, summaryBody, summaryIds } from './share-ai-schema.js';
import { SHARE_AI_CHOICES } from './share-chat-routes.js';
import { shareContents, shareWorkspaceScope } from './share-scope.js';

const V2_SOURCE = 'official client 96b1551 src/api/ai.rs (autotitle, summarize/build_share_form), src/api/search.rs';
const APRIL_SOURCE =
  'official client 41dde01 src/api/ai.rs (search, summarize), src/bin/fastio/mcp/tools.rs (ai: search, share-generate, transactions, autotitle)';

const SUMMARY_CHOICES = [
  'answers `markdown` (a heading per file, its opening text quoted, its download link) and `files[]` (`node_id`, `name`, `url`, `expires`), with `tokens` and `credits`',
  'each `url` is the read route with a requestread-style token (1 hour), relative to the API base: the emulator does not know the address it is reached at',
  '`files` is a JSON array or a comma-separated list; `nodes` (the April workspace form) is taken too; 1-25 files else 400/1605; a folder 400/1605; a node of another workspace 401/115069, unknown 404/1609',
  'the text read and the markdown are charged as AI tokens (1 credit per 100) on the one ledger',
];

const SEARCH_CHOICES = [
  'the April `ai/search/` is the storage search under its old name: `question` (the client) or `search`, `files_scope`, `folders_scope`, `limit`, `offset`; answers `results[]` with `pagination` as /storage/search/ does',
  'with intelligence off it matches file names only',
];

/** The April search answer (intelligence/routes.ts's storage search shape). */
function searchAnswer(page: SearchResultPage) {
  return {
    results: page.rows.map((row) => searchHitJson(row, false)),
    pagination: { total: page.total, limit: page.limit, offset: page.offset, has_more: page.offset + page.rows.length < page.total },
  };
}

function searchInput(query: {
  question?: string | undefined;
  search?: string | undefined;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}): SearchInput {
  const search = query.question ?? query.search;
  if (search === undefined) throw Errors.missingField('question', 'string');
  return { search, files_scope: query.files_scope, folders_scope: query.folders_scope, limit: query.limit, offset: query.offset };
}

/** The summary of files already checked, with a download token for each. */
async function summaryAnswer(ctx: RequestContext, emu: Emulator, ws: WorkspaceScope, nodes: StorageNode[], shareId?: string) {
  const user = callerOf(ctx).user;
  const files = [];
  for (const node of nodes) {
    const { token, expires } = await emu.storage.requestRead(user, ws, node.id);
    files.push({ node, url: `/current/workspace/${ws.workspace.id}/storage/${node.id}/read/?token=${encodeURIComponent(token)}`, expires });
  }
  const summary = await emu.intelligence.summaries.summarize(user, ws.org, { workspaceId: ws.workspace.id, ...(shareId ? { shareId } : {}) }, files);
  return {
    markdown: summary.markdown,
    files: files.map((f) => ({ node_id: f.node.id, name: f.node.name, url: f.url, expires: formatTime(f.expires) })),
    tokens: summary.tokens,
    credits: summary.credits,
  };
}

function summaryNodes(
  emu: Emulator,
  ws: WorkspaceScope,
  body: { files?: string | string[] | undefined; nodes?: string | undefined },
  held?: ReadonlySet<string>,
): StorageNode[] {
  const ids = summaryIds(body);
  if (typeof ids === 'string') throw Errors.invalidField('files', ids);
  return ids.map((id) => {
    const node = emu.storage.file(ws, id, 'files');
    if (held && !held.has(node.id)) throw Errors.notShared();
    return node;
  });
}

function shareOf(ctx: RequestContext, emu: Emulator, ref: string): ShareScope {
  return emu.shares.access.scope(callerOf(ctx), ref, 'share.storage.read');
}

export const shareAiRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/ai/autotitle/',
    area: 'intelligence',
    summary: "Generate a share's title, description and display type from its files, and apply them",
    params: shareParams,
    body: autotitleBody,
    parity: {
      status: 'implemented',
      source: `${V2_SOURCE}; ${APRIL_SOURCE}`,
      choices: [
        'needs the share role that changes settings (admin); applies title, description and display_type through the share update (share_updated event) and answers them with the `share`',
        '`user_context` (V2) or `context` (April), when given, is the title; else the first file name (by name) as words, with the count of the others; the description names up to five files; `grid` when most files are images or videos',
        'a share with no files and no context answers 400/1605',
        ...SHARE_AI_CHOICES.slice(0, 2),
      ],
    },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.update');
      const held = shareContents(emu.db, scope.share);
      const nodes = [...held.files].map((id) => emu.db.nodes.get(id)).filter((n): n is StorageNode => n !== undefined);
      const generated = emu.intelligence.summaries.title(nodes, body.user_context ?? body.context);
      const share = emu.shares.update(
        caller.user,
        scope,
        { title: generated.title, description: generated.description, display_type: generated.display_type },
        undefined,
      );
      return { ...generated, share: shareJson(share, scope.role) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/ai/autotitle/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Suggest a title and description for a workspace from its files (April; not applied)',
    params: workspaceParams,
    body: autotitleBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: {
      status: 'implemented',
      source: APRIL_SOURCE,
      choices: [
        'CHOICE: the sources say only that autotitle takes a workspace or share context and `context`; for a workspace the suggestion is answered (`title`, `description`, `display_type`) and not applied (a workspace has no display type, and its name is a member decision)',
        'the same generation as the share autotitle, over the files of the whole workspace',
      ],
    },
    handler: (_ctx, { body, scope }, emu) => {
      const nodes = emu.db.nodes.find('workspace', scope.workspace.id).filter((n) => n.type !== 'folder' && n.trashed === null);
      return emu.intelligence.summaries.title(nodes, body.context ?? body.user_context);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/ai/share/',
    area: 'intelligence',
    summary: 'A shareable AI summary of 1-25 workspace files: markdown with a temporary download link per file',
    params: workspaceParams,
    body: summaryBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: `${V2_SOURCE}; ${APRIL_SOURCE}`, choices: SUMMARY_CHOICES },
    handler: async (ctx, { body, scope }, emu) => summaryAnswer(ctx, emu, scope, summaryNodes(emu, scope, body)),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/ai/share/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "A shareable AI summary of 1-25 of a share's files",
    params: shareParams,
    body: summaryBody,
    parity: {
      status: 'implemented',
      source: APRIL_SOURCE,
      choices: [...SUMMARY_CHOICES, 'a file of the workspace outside the share answers 401/115069', ...SHARE_AI_CHOICES.slice(0, 3)],
    },
    handler: async (ctx, { params, body }, emu) => {
      const sc = shareOf(ctx, emu, params.share_id);
      const ws = shareWorkspaceScope(sc);
      return summaryAnswer(ctx, emu, ws, summaryNodes(emu, ws, body, shareContents(emu.db, sc.share).files), sc.share.id);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/search/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "Search this workspace's ready files (the April name of the storage search)",
    params: workspaceParams,
    query: aiSearchQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: APRIL_SOURCE, choices: SEARCH_CHOICES },
    handler: async (ctx, { query, scope }, emu) => {
      const page = await emu.intelligence.search(scope, searchInput(query));
      emu.access.recheck(callerOf(ctx), scope);
      return searchAnswer(page);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/ai/search/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "Search a share's files (April)",
    params: shareParams,
    query: aiSearchQuery,
    parity: {
      status: 'implemented',
      source: APRIL_SOURCE,
      choices: [...SEARCH_CHOICES, "a share's search finds the share's files only; scopes name nodes inside the share", ...SHARE_AI_CHOICES.slice(0, 3)],
    },
    handler: async (ctx, { params, query }, emu) => {
      const page = await emu.intelligence.shareSearch(shareOf(ctx, emu, params.share_id), searchInput(query));
      // The search may have waited for the index: the share is asked again.
      shareOf(ctx, emu, params.share_id);
      return searchAnswer(page);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/ai/transactions/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "The caller's share's most recent AI token charges (at most 40), newest first",
    params: shareParams,
    parity: {
      status: 'implemented',
      source: APRIL_SOURCE,
      choices: [
        "answers `transactions[]` (`id`, `chat_id`, `user_id`, `tokens`, `credits`, `created`) read from the one ledger: the charges carrying this share's id",
        'any share role that reads the share lists them (V2 has no share transactions: client 96b1551 ai.rs transactions is workspace-only)',
      ],
    },
    handler: (ctx, { params }, emu) => ({ transactions: emu.intelligence.shareChats.transactions(shareOf(ctx, emu, params.share_id)).map(transactionJson) }),
  }),
];
