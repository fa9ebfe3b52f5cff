/**
 * Searching a share's storage: `/share/{id}/storage/search/` (both dialects, each in its own answer
 * shape) and V2's unified `/share/{id}/search/`. The ranking is the workspace's (the intelligence
 * area's search), narrowed to the share's folder; nothing outside the share is ever a hit.
 *
 * PARITY: official client 96b1551 src/api/storage.rs search_files_share ("Returns 404 (error 1609)
 * for workspace-backed (folder) shares, where search is unavailable"), src/api/search.rs.
 */
import { commentBucketOf } from '../comments/search.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { searchHitJson } from '../intelligence/format.js';
import { searchQuery, type SearchInput } from '../intelligence/schema.js';
import type { SearchResultPage } from '../intelligence/search.js';
import { normalizeOpaqueId } from '../store/ids.js';
import { unifiedSearchQuery } from '../storage/schema.js';
import { BUCKET_DEFAULT_LIMIT } from '../storage/search-routes.js';
import { emptyBucket, fileBucket, storageSearchJson } from '../storage/search-format.js';
import { shareParams } from './schema.js';
import { SHARE_STORAGE_CHOICES, ShareStorage, type ShareStorageScope } from './share-storage.js';
import type { Emulator } from '../emulator.js';
import type { RequestContext } from '../http/context.js';

const SOURCE =
  'official client 96b1551 src/api/storage.rs search_files_share, normalize_search_response, src/api/search.rs; agent guide v2.6 "Two Storage Modes"';

/** PARITY: CHOICE. The depth a share search reaches below the share's folder (the scope's largest). */
const SHARE_SEARCH_DEPTH = 10;

const SEARCH_CHOICES = [
  ...SHARE_STORAGE_CHOICES,
  'a workspace_folder share answers 404/1609 (the client: search is unavailable there); an independent share searches its own tree, ranked as the workspace search ranks (semantic with the workspace’s intelligence on, names only with it off)',
  'without files_scope/folders_scope the scope is the share’s folder, 10 levels deep; scopes may name only nodes of the share (`root` is its folder), others answer 401/115069',
];

/** The search input narrowed to the share: its scopes checked against the share, or the share's folder. */
function narrowed(st: ShareStorage, s: ShareStorageScope, input: SearchInput): SearchInput {
  const refs = (raw: string | undefined, each: (ref: string, rest: string) => string) =>
    raw
      ?.split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((pair) => {
        const at = pair.indexOf(':');
        const ref = at < 0 ? pair : pair.slice(0, at);
        return each(ref === 'root' ? 'root' : normalizeOpaqueId(ref), at < 0 ? '' : pair.slice(at));
      })
      .join(',');
  const files = refs(input.files_scope, (ref, rest) => `${st.node(s, ref).id}${rest}`);
  const folders = refs(input.folders_scope, (ref, rest) => `${st.folder(s, ref)}${rest}`);
  if (!files && !folders) return { ...input, files_scope: undefined, folders_scope: `${s.root}:${SHARE_SEARCH_DEPTH}` };
  return { ...input, files_scope: files || undefined, folders_scope: folders || undefined };
}

/** Run the share search: open, narrow, search, open again (the search may wait for the index). */
async function shareSearch(
  ctx: RequestContext,
  emu: Emulator,
  shareRef: string,
  input: SearchInput,
): Promise<{ page: SearchResultPage; s: ShareStorageScope }> {
  const st = new ShareStorage(emu);
  const s = st.open(ctx, shareRef, 'read');
  if (s.share.share.storageMode === 'workspace_folder') throw Errors.notFound('search (a shared-folder share is searched through its workspace)');
  const page = await emu.intelligence.search(s.ws, narrowed(st, s, input));
  const now = st.open(ctx, shareRef, 'read');
  const rows = page.rows.filter((row) => st.inside(now, row.node));
  return { page: { ...page, rows }, s: now };
}

export const shareSearchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/search/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "Search the share's files: `results[]` (the workspace's intelligence on) or a `files` map keyed by node id (off)",
    params: shareParams,
    query: searchQuery,
    parity: { status: 'implemented', source: SOURCE, choices: SEARCH_CHOICES },
    handler: async (ctx, { params, query }, emu) => {
      const { page, s } = await shareSearch(ctx, emu, params.share_id, query);
      return storageSearchJson(page, s.ws.workspace.intelligence, query.details ?? false);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/storage/search/',
    dialects: ['2026-04'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "Search the share's files: `results[]` with `pagination`, as the April workspace search answers",
    params: shareParams,
    query: searchQuery,
    parity: { status: 'implemented', source: 'official client 41dde01 src/api/storage.rs search; agent guide "Semantic Search"', choices: SEARCH_CHOICES },
    handler: async (ctx, { params, query }, emu) => {
      const { page } = await shareSearch(ctx, emu, params.share_id, query);
      return {
        results: page.rows.map((row) => searchHitJson(row, query.details ?? false)),
        pagination: { total: page.total, limit: page.limit, offset: page.offset, has_more: page.offset + page.rows.length < page.total },
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/search/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Unified search of a share: `buckets` (files, metadata, comments), each paginated on its own',
    params: shareParams,
    query: unifiedSearchQuery,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        ...SEARCH_CHOICES,
        "the files bucket is the share storage search; the comments bucket is the share's comments matching every word (comments/search.ts commentBucketOf), empty for a visitor token (a comment needs a signed-in author); the metadata bucket is empty (status ok, total 0): CHOICE, metadata templates and values belong to workspaces, and a share's files are searched through the share",
      ],
    },
    handler: async (ctx, { params, query }, emu) => {
      const { page } = await shareSearch(ctx, emu, params.share_id, {
        search: query.search,
        limit: query.files_limit ?? BUCKET_DEFAULT_LIMIT,
        offset: query.files_offset ?? 0,
      });
      return {
        buckets: {
          files: fileBucket(page),
          metadata: emptyBucket(query.metadata_offset ?? 0, query.metadata_limit ?? BUCKET_DEFAULT_LIMIT),
          comments: ctx.caller
            ? commentBucketOf(emu, ctx.caller, 'share', params.share_id, query.search, query.comments_offset ?? 0, query.comments_limit ?? BUCKET_DEFAULT_LIMIT)
            : emptyBucket(query.comments_offset ?? 0, query.comments_limit ?? BUCKET_DEFAULT_LIMIT),
        },
      };
    },
  }),
];
