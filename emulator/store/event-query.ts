/**
 * What an events search asks and answers, and how one candidate list is read: the date range cut
 * with two binary searches, then walked from the newest end, either as the answer itself (the list
 * implies every filter) or checked event by event. The event table (event-table.ts) picks the list.
 */
import type { AuditEvent } from './model.js';
import type { PositionList } from './event-positions.js';

export type ScopeKind = 'org' | 'workspace' | 'user' | 'share';
const SCOPE_KINDS: readonly ScopeKind[] = ['org', 'workspace', 'user', 'share'];

export interface EventQuery {
  /** every given scope must match (at least one is required) */
  scopes: Partial<Record<ScopeKind, string>>;
  event?: string | undefined;
  category?: string | undefined;
  subcategory?: string | undefined;
  callingUserId?: string | undefined;
  objectId?: string | undefined;
  acknowledged?: boolean | undefined;
  /** a further test no index answers (the events search's visibility and parent filters) */
  accept?: ((e: AuditEvent) => boolean) | undefined;
  /** inclusive bounds, emulator-clock ms */
  createdMin?: number | undefined;
  createdMax?: number | undefined;
  limit: number;
  offset: number;
}

export interface EventPage {
  /** newest first */
  events: AuditEvent[];
  total: number;
  /** how the query was answered (tests and the bench read it) */
  plan: { list: string; exact: boolean; scanned: number };
}

/** A source list for a query: the positions in range, and what it already guarantees. */
export interface Candidate {
  name: string;
  list: PositionList;
  lo: number;
  hi: number;
  /** the number of query constraints the list implies on its own */
  covers: number;
  /** acknowledged positions to leave out (the `acknowledged=false` shortcut) */
  exclude?: { list: PositionList; lo: number; hi: number };
}

export function candidate(all: readonly AuditEvent[], name: string, list: PositionList, q: EventQuery, covers: number): Candidate {
  const lo = q.createdMin === undefined ? 0 : lowerBound(all, list, q.createdMin);
  const hi = q.createdMax === undefined ? list.length : upperBound(all, list, q.createdMax);
  return { name, list, lo, hi: Math.max(lo, hi), covers };
}

export function readExact(all: readonly AuditEvent[], c: Candidate, q: EventQuery): EventPage {
  const events: AuditEvent[] = [];
  if (!c.exclude) {
    const total = c.hi - c.lo;
    for (let i = c.hi - 1 - q.offset; i >= c.lo && events.length < q.limit; i--) events.push(all[c.list.at(i)]!);
    return { events, total, plan: { list: c.name, exact: true, scanned: events.length } };
  }
  // Every event of the scope minus the acknowledged ones: walk both lists from the newest end.
  const ex = c.exclude;
  const total = c.hi - c.lo - (ex.hi - ex.lo);
  let j = ex.hi - 1;
  let skipped = 0;
  let scanned = 0;
  for (let i = c.hi - 1; i >= c.lo && events.length < q.limit; i--) {
    const pos = c.list.at(i);
    scanned++;
    while (j >= ex.lo && ex.list.at(j) > pos) j--;
    if (j >= ex.lo && ex.list.at(j) === pos) continue;
    if (skipped < q.offset) skipped++;
    else events.push(all[pos]!);
  }
  return { events, total, plan: { list: c.name, exact: true, scanned } };
}

export function readFiltered(all: readonly AuditEvent[], c: Candidate, q: EventQuery): EventPage {
  const events: AuditEvent[] = [];
  let total = 0;
  for (let i = c.hi - 1; i >= c.lo; i--) {
    const e = all[c.list.at(i)]!;
    if (!matches(e, q)) continue;
    if (total >= q.offset && events.length < q.limit) events.push(e);
    total++;
  }
  return { events, total, plan: { list: c.name, exact: false, scanned: c.hi - c.lo } };
}

/** First index in `list` whose event was created at or after `t`. */
function lowerBound(all: readonly AuditEvent[], list: PositionList, t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[list.at(mid)]!.created < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in `list` whose event was created after `t`. */
function upperBound(all: readonly AuditEvent[], list: PositionList, t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[list.at(mid)]!.created <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function countConstraints(q: EventQuery): number {
  let n = 0;
  for (const kind of SCOPE_KINDS) if (q.scopes[kind] !== undefined) n++;
  for (const v of [q.event, q.category, q.subcategory, q.callingUserId, q.objectId, q.acknowledged, q.accept]) if (v !== undefined) n++;
  return n;
}

function matches(e: AuditEvent, q: EventQuery): boolean {
  const s = q.scopes;
  return (
    (s.org === undefined || e.orgId === s.org) &&
    (s.workspace === undefined || e.workspaceId === s.workspace) &&
    (s.user === undefined || e.userId === s.user) &&
    (s.share === undefined || e.shareId === s.share) &&
    (q.event === undefined || e.event === q.event) &&
    (q.category === undefined || e.category === q.category) &&
    (q.subcategory === undefined || e.subcategory === q.subcategory) &&
    (q.callingUserId === undefined || e.callingUserId === q.callingUserId) &&
    (q.objectId === undefined || e.objectId === q.objectId) &&
    (q.acknowledged === undefined || e.acknowledged === q.acknowledged) &&
    (q.accept === undefined || q.accept(e))
  );
}
