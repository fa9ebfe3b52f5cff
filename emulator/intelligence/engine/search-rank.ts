/**
 * Which indexed passages a search may return (`files_scope`, `folders_scope`) and the first ones in
 * rank order, for the workspace search index (search-index.ts), which owns the order itself.
 */
import type { SearchOptions } from './search-types.js';

/** Whether a node's indexed version is inside the search's scopes (no scope: every node). */
export function inScope(nodeId: string, versionId: string, options: SearchOptions): boolean {
  const { fileScope, folderScope } = options;
  if (fileScope === undefined && folderScope === undefined) return true;
  // PARITY: CHOICE. files_scope and folders_scope together mean "these files and everything in
  // these folders" (a union), as a chat scoped to picked files and folders reads them.
  if (fileScope !== undefined) {
    const allowed = fileScope instanceof Map ? fileScope.get(nodeId) === versionId : fileScope.has(nodeId);
    if (allowed) return true;
  }
  if (folderScope !== undefined) {
    return typeof folderScope === 'function' ? folderScope(nodeId) : folderScope.has(nodeId);
  }
  return false;
}

/** The first `count` candidates in rank order, by a bounded heap (worst of the kept on top). */
export function topRanked<T>(candidates: readonly T[], count: number, ranksBefore: (a: T, b: T) => boolean): T[] {
  if (count <= 0) return [];
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => ranksBefore(heap[j] as T, heap[i] as T);
  const swap = (i: number, j: number): void => {
    const held = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = held;
  };
  const siftDown = (from: number): void => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && worse(left, worst)) worst = left;
      if (right < heap.length && worse(right, worst)) worst = right;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  for (const candidate of candidates) {
    if (heap.length < count) {
      heap.push(candidate);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (ranksBefore(candidate, heap[0] as T)) {
      heap[0] = candidate;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
}
