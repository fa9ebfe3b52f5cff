/**
 * The unified find's `metadata` bucket (GET /workspace/{id}/search/): the workspace's files whose
 * metadata values (template and custom) hold words of the query, best first, paginated on its
 * own. PARITY: official client 96b1551 src/api/search.rs and output/mod.rs render_buckets read
 * `items`, `status`, `total`, `has_more`, `offset`, `limit`; an item is CHOICE, the metadata
 * search's hit (values.ts search: node, score, matching values).
 */
import type { Emulator } from '../emulator.js';
import type { Bucket } from '../storage/search-format.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { nodeBrief } from './format.js';

export function metadataBucket(emu: Emulator, scope: WorkspaceScope, search: string, offset: number, limit: number): Bucket {
  const hits = emu.metadata.values.search(scope, search, undefined);
  const page = hits.slice(offset, offset + limit);
  return {
    items: page.map((h) => ({ node_id: h.node.id, node: nodeBrief(h.node), score: h.score, matches: h.matches })),
    status: 'ok',
    total: hits.length,
    total_relation: 'eq',
    has_more: offset + page.length < hits.length,
    offset,
    limit,
  };
}
