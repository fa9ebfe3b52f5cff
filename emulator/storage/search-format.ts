/**
 * The V2 search answers: `/storage/search/` with intelligence on (`results[]`) and off (a `files`
 * map keyed by node id), and the unified `/search/` buckets.
 */
import type { SearchResultPage, SearchRow } from '../intelligence/search.js';
import { searchHitJson } from '../intelligence/format.js';

/** One hit as both V2 shapes carry it: the April hit (intelligence/format.ts) with the file's size. */
function hitJson(row: SearchRow, details: boolean): Record<string, unknown> {
  return { ...searchHitJson(row, details), size: row.node.size };
}

function pagination(page: SearchResultPage): Record<string, unknown> {
  return { total: page.total, limit: page.limit, offset: page.offset, has_more: page.offset + page.rows.length < page.total };
}

/**
 * PARITY: official client 96b1551 src/api/storage.rs:654-702 (`normalize_search_response`): the
 * keyword-only (intelligence off) answer is a `files` MAP keyed by node id, the id only in the key;
 * with intelligence on, `results[]` with `pagination`. CHOICE: the map carries `pagination` too,
 * and its values are the hit without `id`/`node_id`.
 */
export function storageSearchJson(page: SearchResultPage, intelligence: boolean, details: boolean): Record<string, unknown> {
  if (intelligence) return { results: page.rows.map((row) => hitJson(row, details)), pagination: pagination(page) };
  const files: Record<string, unknown> = {};
  for (const row of page.rows) {
    const { id: _id, node_id: _nodeId, ...rest } = hitJson(row, details);
    files[row.node.id] = rest;
  }
  return { files, pagination: pagination(page) };
}

/** A bucket of the unified search (client src/output/mod.rs render_buckets reads these fields). */
export interface Bucket {
  items: unknown[];
  status: 'ok' | 'degraded';
  total: number;
  total_relation: 'eq' | 'gte';
  has_more: boolean;
  offset: number;
  limit: number;
}

export function fileBucket(page: SearchResultPage): Bucket {
  return {
    items: page.rows.map((row) => hitJson(row, false)),
    status: 'ok',
    total: page.total,
    total_relation: 'eq',
    has_more: page.offset + page.rows.length < page.total,
    offset: page.offset,
    limit: page.limit,
  };
}

/** A bucket of an area the emulator does not have yet (metadata, comments): empty and healthy. */
export function emptyBucket(offset: number, limit: number): Bucket {
  return { items: [], status: 'ok', total: 0, total_relation: 'eq', has_more: false, offset, limit };
}
