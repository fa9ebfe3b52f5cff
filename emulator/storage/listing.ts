/**
 * Listing as the official client pages it: `sort_by`, `sort_dir`, `page_size` (100, 250, 500) and
 * `cursor` (src/api/storage.rs list_files, list_trash, list_recent; commands/files.rs
 * validate_page_size). The project's own `limit`/`offset` keep working beside them.
 *
 * PARITY: CHOICE. A cursor is keyset: it names the last row of the page it ends (its sort key and
 * id) plus the list and order it belongs to, so the next page starts after that row whatever was
 * added or removed meanwhile (no row is skipped or repeated across writes, except one written past
 * the cursor, which a later page shows). A cursor that does not decode, or that was issued for
 * another list or order, answers 400/1605 naming `cursor` (never a silent first page).
 */
import { Errors } from '../http/errors.js';
import type { StorageNode } from '../store/model.js';
import type { ListOptions } from './schema.js';

/** One node's place in an order: folders first (`f` 0), then the sort value, then the id. */
type SortKey = [f: 0 | 1, value: string | number, id: string];

interface CursorBody {
  /** which list (a folder id, `trash`, `recent:{type}`) */
  l: string;
  s: string;
  d: 'asc' | 'desc';
  k: SortKey;
}

/** What a page answers: the project's `pagination` (limit/offset) plus `next_cursor` (null on the last page). */
export interface NodePagination {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
  /** only when the caller pages the client's way (`page_size` or `cursor`) */
  next_cursor?: string | null;
}

export interface ListOrder {
  /** the list's identity, so a cursor of another list is refused */
  list: string;
  sortBy: string;
  sortDir: 'asc' | 'desc';
  /** folders before files (folder listings); `recent` orders by time only */
  foldersFirst: boolean;
}

function sortValue(n: StorageNode, key: string): string | number {
  switch (key) {
    case 'size':
      return n.size;
    case 'created':
      return n.created;
    case 'modified':
    case 'updated':
      return n.updated;
    case 'type':
      return n.type;
    default:
      return n.name;
  }
}

function keyOf(n: StorageNode, order: ListOrder): SortKey {
  return [order.foldersFirst && n.type === 'folder' ? 0 : 1, sortValue(n, order.sortBy), n.id];
}

function compareKeys(a: SortKey, b: SortKey, dir: 1 | -1): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return (a[1] < b[1] ? -1 : 1) * dir;
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0;
}

function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function badCursor(): never {
  throw Errors.invalidField(
    'cursor',
    'This cursor is not valid for this list (take the next_cursor of the previous page, with the same sort_by and sort_dir).',
  );
}

function decodeCursor(raw: string, order: ListOrder): SortKey {
  let body: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) badCursor();
    body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    badCursor();
  }
  const c = body as Partial<CursorBody> | null;
  const k = c?.k;
  const wellFormed =
    Array.isArray(k) && k.length === 3 && (k[0] === 0 || k[0] === 1) && (typeof k[1] === 'string' || typeof k[1] === 'number') && typeof k[2] === 'string';
  if (!wellFormed || c?.l !== order.list || c.s !== order.sortBy || c.d !== order.sortDir) badCursor();
  return k as SortKey;
}

/** The page size asked for: `page_size`, else `limit`, else 100. */
export function pageSizeOf(opts: Pick<ListOptions, 'limit' | 'page_size'>): number {
  return opts.page_size ?? opts.limit ?? 100;
}

/**
 * Sort `rows` in the list's total order and cut the page: after the cursor when one is given
 * (offset is then ignored), else at `offset`.
 */
export function pageNodes(
  rows: readonly StorageNode[],
  order: ListOrder,
  opts: Pick<ListOptions, 'limit' | 'page_size' | 'offset' | 'cursor'>,
): { nodes: StorageNode[]; pagination: NodePagination } {
  const dir = order.sortDir === 'desc' ? -1 : 1;
  const keyed = rows.map((n) => ({ n, k: keyOf(n, order) })).sort((a, b) => compareKeys(a.k, b.k, dir));
  const limit = pageSizeOf(opts);
  let start = opts.offset ?? 0;
  if (opts.cursor !== undefined) {
    const after = decodeCursor(opts.cursor, order);
    start = keyed.findIndex((r) => compareKeys(r.k, after, dir) > 0);
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + limit);
  const hasMore = start + page.length < keyed.length;
  const last = page.at(-1);
  const nextCursor = hasMore && last ? encodeCursor({ l: order.list, s: order.sortBy, d: order.sortDir, k: last.k }) : null;
  return {
    nodes: page.map((r) => r.n),
    // PARITY: CHOICE. `next_cursor` joins `pagination` when the caller pages with page_size or cursor.
    pagination: {
      total: keyed.length,
      limit,
      offset: start,
      has_more: hasMore,
      ...(opts.page_size !== undefined || opts.cursor !== undefined ? { next_cursor: nextCursor } : {}),
    },
  };
}
