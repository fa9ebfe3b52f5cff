/**
 * V2's searches of a workspace: `/storage/search/` in the answer shapes the V2 client reads, and
 * the unified `/search/` with its buckets. The ranking is the intelligence area's
 * (`emu.intelligence.search`); these routes only shape its pages. The April `/storage/search/`
 * is intelligence/routes.ts's.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { searchQuery } from '../intelligence/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { unifiedSearchQuery } from './schema.js';
import { fileBucket, storageSearchJson } from './search-format.js';
import { commentBucket } from '../comments/search.js';
import { metadataBucket } from '../metadata/search-bucket.js';

const SEARCH_SOURCE = 'official client 96b1551 src/api/storage.rs search_files, normalize_search_response; agent guide v2.6 "search — content vs API"';
const UNIFIED_SOURCE = 'official client 96b1551 src/api/search.rs, src/bin/fastio/commands/search.rs, src/output/mod.rs render_buckets';

/** PARITY: CHOICE. A bucket's default and largest page. */
export const BUCKET_DEFAULT_LIMIT = 10;

export const storageSearchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/search/',
    dialects: ['v2'],
    area: 'storage',
    summary: "Search this workspace's files: semantic over ready files (intelligence on, `results[]`) or names only (off, a `files` map keyed by node id)",
    params: workspaceParams,
    query: searchQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SEARCH_SOURCE,
      choices: [
        'intelligence on: `results[]` with `pagination`, ranked as the April search ranks (one hit per file, its best passage)',
        'intelligence off: file names only, answered as `files: {node_id: hit}` with `pagination` (content_snippet null, match_source keyword); files_scope/folders_scope still narrow it',
        '`output` (snippet verbosity) is accepted and not applied',
      ],
      divergences: [{ path: 'results[].relevance_score', reason: 'live scores come from an embedding model; local scores order the same content differently' }],
    },
    handler: async (ctx, { query, scope }, emu) => {
      const page = await emu.intelligence.search(scope, query);
      // The search may have waited for the index: a caller who lost the workspace meanwhile gets nothing.
      const now = emu.access.recheck(callerOf(ctx), scope);
      return storageSearchJson(page, now.workspace.intelligence, query.details ?? false);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/search/',
    dialects: ['v2'],
    area: 'storage',
    summary: 'Unified search: one query, answered in `buckets` (files, metadata, comments), each paginated on its own',
    params: workspaceParams,
    query: unifiedSearchQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'partial',
      source: UNIFIED_SOURCE,
      choices: [
        '`search` 1-1,024 characters (the client checks the same); `<bucket>_offset` / `<bucket>_limit` per bucket (limit 1-100, default 10); no global limit',
        'the files bucket is the storage search (semantic with intelligence on, names only with it off)',
        'the metadata bucket: files whose metadata values hold words of the query, best first (metadata/search-bucket.ts)',
        'the comments bucket: the workspace comments whose shown text holds every word of the query, newest first (comments/search.ts)',
        'buckets carry items, status (always ok), total, total_relation (eq), has_more, offset, limit',
      ],
    },
    handler: async (ctx, { query, scope }, emu) => {
      const files = await emu.intelligence.search(scope, {
        search: query.search,
        limit: query.files_limit ?? BUCKET_DEFAULT_LIMIT,
        offset: query.files_offset ?? 0,
      });
      emu.access.recheck(callerOf(ctx), scope);
      return {
        buckets: {
          files: fileBucket(files),
          metadata: metadataBucket(emu, scope, query.search, query.metadata_offset ?? 0, query.metadata_limit ?? BUCKET_DEFAULT_LIMIT),
          comments: commentBucket(emu, callerOf(ctx), scope, query.search, query.comments_offset ?? 0, query.comments_limit ?? BUCKET_DEFAULT_LIMIT),
        },
      };
    },
  }),
];
