import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { workspaceParams } from '../workspaces/schema.js';
import { agentChatRoutes } from './agent-routes.js';
import { aprilChatRoutes, SCOPE_CHOICES } from './april-chat-routes.js';
import { shareChatAprilRoutes } from './share-chat-april-routes.js';
import { shareAgentRoutes } from './share-chat-routes.js';
import { shareAiRoutes } from './share-ai-routes.js';
import { searchHitJson } from './format.js';
import { searchQuery } from './schema.js';

const SEARCH_SOURCE = 'API notes "Intelligence"; agent guide v1.29 "Semantic Search"; official client src/api/storage.rs search_files';

export const intelligenceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/search/',
    // V2's answer shapes are emulator/storage/search-routes.ts's.
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "Search this workspace's ready files: keyword (BM25) fused with a local semantic score",
    params: workspaceParams,
    query: searchQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SEARCH_SOURCE,
      choices: [
        'hits come as `results[]` with `pagination` (one hit per file, its best passage); `node` with details=true',
        'relevance_score: mean of normalised BM25 and trigram-variant coverage, 0-1, 4 decimals; ties by node id then passage; same state and query, same order',
        'semantic leg: spelling variants (character trigrams), not synonyms (no model)',
        'with intelligence off the search matches file names only (match_source keyword, content_snippet null)',
        'indexes are rebuilt lazily on the first search after a restart or state import (not charged)',
        ...SCOPE_CHOICES,
      ],
      divergences: [{ path: 'results[].relevance_score', reason: 'live scores come from an embedding model; local scores order the same content differently' }],
    },
    handler: async (ctx, { query, scope }, emu) => {
      const page = await emu.intelligence.search(scope, query);
      // The search may have waited for the index: a caller who lost the workspace meanwhile gets nothing.
      emu.access.recheck(callerOf(ctx), scope);
      return {
        results: page.rows.map((row) => searchHitJson(row, query.details ?? false)),
        pagination: { total: page.total, limit: page.limit, offset: page.offset, has_more: page.offset + page.rows.length < page.total },
      };
    },
  }),

  ...aprilChatRoutes,
  ...agentChatRoutes,
  ...shareAgentRoutes,
  ...shareChatAprilRoutes,
  ...shareAiRoutes,
];
