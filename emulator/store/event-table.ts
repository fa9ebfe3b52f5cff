/**
 * Audit event storage with the indexes the events search needs.
 *
 * Events are kept in one array ordered by `created` (the emulator clock never runs backwards, so
 * appending keeps the order); every index is a list of positions into that array, ascending. A
 * search picks the shortest list whose key the query implies, narrows it to the date range with two
 * binary searches, and walks it from the newest end: the work grows with `offset + limit`, not with
 * the number of events stored.
 *
 * The lists:
 *   - per org, workspace and share: every event; per event name, per category and per
 *     subcategory (org X + subcategory "members"); the acknowledged events (ack is the one field
 *     that changes)
 *   - per user the event is about, per calling user, per object id: every event
 * A query that one list answers (one tenant scope with at most one of event/category/subcategory
 * or `acknowledged`; user_id alone; ...) takes its total from list lengths. A query with more
 * filters checks them while walking the shortest candidate list, whose whole date range it walks to
 * count the total: still bounded by the most selective filter, never by the table.
 *
 * Memory: the lists a rebuild makes (a state load, then the first search) sit end to end in one
 * Uint32Array, the arena (4 bytes a position), each named in its map by a small negative integer
 * (`~id`: `offsets[id]` to `offsets[id + 1]`), so they cost no object at all; the rebuild counts
 * every list's length first, then fills the arena once, which makes no garbage beyond the maps.
 * Events recorded after that are added to growable lists: a key with one event keeps the bare
 * position; an arena list that gets a new event is copied out to a PositionList first; short
 * lists are arrays that double from two; long ones are Uint32Arrays. A workspace event sits in 11
 * lists.
 *
 * The lists themselves are in event-positions.ts; the query types and the reading of the chosen list
 * in event-query.ts. This file keeps the indexes up to date and picks the list a query reads.
 */
import { Table, type TableChange } from './table.js';
import type { AuditEvent } from './model.js';
import { EMPTY_LIST, PositionList, type Posting } from './event-positions.js';
import { candidate, countConstraints, readExact, readFiltered, type Candidate, type EventPage, type EventQuery } from './event-query.js';

const EMPTY_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The lists of one tenant scope (an org, a workspace, a share): every event, the acknowledged
 * ones, and per event name, category and subcategory (`dims`, keyed by interned `e:`/`c:`/`s:`
 * strings so the keys cost nothing per scope).
 */
class ScopeIndex {
  all: Posting | undefined = undefined;
  acknowledged: PositionList | null = null;
  readonly dims = new Map<string, Posting>();
}

type TenantKind = 'org' | 'workspace' | 'share';
const TENANT_KINDS: readonly TenantKind[] = ['org', 'workspace', 'share'];

export class EventTable extends Table<AuditEvent> {
  /** every event, ordered by `created` (then insertion) */
  private all: AuditEvent[] = [];
  /** tenant scopes, with their per-dimension lists */
  private readonly tenants: Record<TenantKind, Map<string, ScopeIndex>> = { org: new Map(), workspace: new Map(), share: new Map() };
  /** the user an event is about, the user who caused it, the object it names: one list each */
  private readonly byUser = new Map<string, Posting>();
  private readonly byCallingUser = new Map<string, Posting>();
  private readonly byObject = new Map<string, Posting>();
  /** `e:`/`c:`/`s:` + value, made once per distinct value and shared by every scope's `dims` */
  private readonly dimKeys = { e: new Map<string, string>(), c: new Map<string, string>(), s: new Map<string, string>() };
  /** the positions no longer match the rows (an out-of-order insert, a delete): rebuilt on next use */
  private dirty = false;
  /** the lists the last rebuild made, end to end; list `id` is `arena[offsets[id]]` to `arena[offsets[id + 1]]` */
  private arena = new Uint32Array(0);
  private offsets = new Uint32Array(1);

  constructor(onChange: (change: TableChange) => void = () => {}) {
    super('events', {}, onChange);
  }

  override insert(row: AuditEvent): AuditEvent {
    const stored = super.insert(row);
    const last = this.all[this.all.length - 1];
    if (this.dirty || (last && last.created > stored.created)) this.dirty = true;
    else this.addToIndex(stored, this.all.push(stored) - 1);
    return stored;
  }

  override update(id: string, patch: Partial<AuditEvent> | ((row: AuditEvent) => AuditEvent)): AuditEvent {
    const prev = this.get(id);
    const next = super.update(id, patch);
    if (this.dirty || !prev) {
      this.dirty = true;
      return next;
    }
    if (
      prev.created !== next.created ||
      prev.orgId !== next.orgId ||
      prev.workspaceId !== next.workspaceId ||
      prev.userId !== next.userId ||
      prev.shareId !== next.shareId ||
      prev.event !== next.event ||
      prev.category !== next.category ||
      prev.subcategory !== next.subcategory ||
      prev.callingUserId !== next.callingUserId ||
      prev.objectId !== next.objectId
    ) {
      this.dirty = true;
      return next;
    }
    const pos = this.positionOf(prev);
    if (pos < 0) {
      this.dirty = true;
      return next;
    }
    this.all[pos] = next;
    if (prev.acknowledged !== next.acknowledged) {
      for (const scope of this.tenantScopesOf(next)) {
        if (next.acknowledged) (scope.acknowledged ??= new PositionList()).insertSorted(pos);
        else scope.acknowledged?.removeValue(pos);
      }
    }
    return next;
  }

  override delete(id: string): AuditEvent | undefined {
    const gone = super.delete(id);
    if (gone) this.dirty = true;
    return gone;
  }

  override clear(): void {
    super.clear();
    this.resetIndex();
    this.dirty = false;
  }

  /**
   * Loading a state keeps start-up short: the indexes are built on first use. Rows read from a
   * file carry a fresh copy of every repeated string (event names, categories, the ids of orgs,
   * workspaces and users a million events share); they are interned here, which at a million
   * events saves a few hundred MB, and empty `data` objects share one frozen object.
   */
  override load(rows: readonly AuditEvent[]): void {
    const pool = new Map<string, string>();
    const intern = (v: string | null): string | null => {
      if (v === null) return null;
      const hit = pool.get(v);
      if (hit !== undefined) return hit;
      pool.set(v, v);
      return v;
    };
    for (const row of rows as AuditEvent[]) {
      row.event = intern(row.event)!;
      row.category = intern(row.category)!;
      row.subcategory = intern(row.subcategory)!;
      row.orgId = intern(row.orgId);
      row.workspaceId = intern(row.workspaceId);
      row.shareId = intern(row.shareId);
      row.userId = intern(row.userId);
      row.callingUserId = intern(row.callingUserId);
      if (row.data && Object.keys(row.data).length === 0) row.data = EMPTY_DATA;
    }
    super.load(rows);
    this.resetIndex();
    this.dirty = true;
  }

  /** The page of events matching `q`, newest first, and how many match in all. */
  query(q: EventQuery): EventPage {
    if (this.dirty) this.rebuild();
    const constraints = countConstraints(q);
    const candidates: Candidate[] = [];
    for (const kind of TENANT_KINDS) {
      const id = q.scopes[kind];
      if (id === undefined) continue;
      const scope = this.tenants[kind].get(id);
      if (!scope) return { events: [], total: 0, plan: { list: `${kind} (none)`, exact: true, scanned: 0 } };
      const all = this.asList(scope.all);
      candidates.push(candidate(this.all, kind, all, q, 1));
      const dims: [string, 'e' | 'c' | 's', string | undefined][] = [
        ['event', 'e', q.event],
        ['category', 'c', q.category],
        ['subcategory', 's', q.subcategory],
      ];
      for (const [name, dim, value] of dims) {
        if (value === undefined) continue;
        const key = this.dimKeys[dim].get(value);
        candidates.push(candidate(this.all, `${kind}+${name}`, this.asList(key === undefined ? undefined : scope.dims.get(key)), q, 2));
      }
      const ack = scope.acknowledged ?? EMPTY_LIST;
      if (q.acknowledged === true) candidates.push(candidate(this.all, `${kind}+acknowledged`, ack, q, 2));
      if (q.acknowledged === false) {
        const c = candidate(this.all, `${kind}-acknowledged`, all, q, 2);
        const range = candidate(this.all, '', ack, q, 0);
        c.exclude = { list: ack, lo: range.lo, hi: range.hi };
        candidates.push(c);
      }
    }
    if (q.scopes.user !== undefined) candidates.push(candidate(this.all, 'user', this.asList(this.byUser.get(q.scopes.user)), q, 1));
    if (q.callingUserId !== undefined) candidates.push(candidate(this.all, 'calling_user', this.asList(this.byCallingUser.get(q.callingUserId)), q, 1));
    if (q.objectId !== undefined) candidates.push(candidate(this.all, 'object', this.asList(this.byObject.get(q.objectId)), q, 1));
    if (candidates.length === 0) throw new Error('an event query needs at least one scope');

    // The shortest list wins; among equals, the one that implies the most constraints.
    let best = candidates[0]!;
    for (const c of candidates) {
      const size = c.hi - c.lo;
      const bestSize = best.hi - best.lo;
      if (size < bestSize || (size === bestSize && c.covers > best.covers)) best = c;
    }
    const exact = best.covers === constraints;
    return exact ? readExact(this.all, best, q) : readFiltered(this.all, best, q);
  }

  /** The position of a stored event: binary search on its time, then a look among equal times. */
  private positionOf(e: AuditEvent): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.all[mid]!.created < e.created) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.all.length && this.all[i]!.created === e.created; i++) if (this.all[i]!.id === e.id) return i;
    return -1;
  }

  private tenantScope(kind: TenantKind, id: string): ScopeIndex {
    const map = this.tenants[kind];
    let scope = map.get(id);
    if (!scope) map.set(id, (scope = new ScopeIndex()));
    return scope;
  }

  private tenantScopesOf(e: AuditEvent): ScopeIndex[] {
    const out: ScopeIndex[] = [];
    if (e.orgId !== null) out.push(this.tenantScope('org', e.orgId));
    if (e.workspaceId !== null) out.push(this.tenantScope('workspace', e.workspaceId));
    if (e.shareId !== null) out.push(this.tenantScope('share', e.shareId));
    return out;
  }

  private dimKey(dim: 'e' | 'c' | 's', value: string): string {
    const keys = this.dimKeys[dim];
    let key = keys.get(value);
    if (key === undefined) keys.set(value, (key = `${dim}:${value}`));
    return key;
  }

  /** A posting as a list to read (an arena list as a view of it). */
  private asList(p: Posting | undefined): PositionList {
    if (p === undefined) return EMPTY_LIST;
    if (typeof p !== 'number') return p;
    if (p >= 0) return new PositionList([p]);
    const start = this.offsets[~p]!;
    return PositionList.view(this.arena, start, this.offsets[~p + 1]! - start);
  }

  /** `p` with `pos` appended (a position after every other): the same list grown, or a new posting. */
  private appended(p: Posting | undefined, pos: number): Posting {
    if (p === undefined) return pos;
    if (typeof p !== 'number') {
      p.push(pos);
      return p;
    }
    if (p >= 0) return new PositionList([p, pos]);
    const start = this.offsets[~p]!;
    const list = PositionList.copyOf(this.arena, start, this.offsets[~p + 1]! - start);
    list.push(pos);
    return list;
  }

  private addPosting(map: Map<string, Posting>, key: string, pos: number): void {
    const cur = map.get(key);
    const next = this.appended(cur, pos);
    if (next !== cur) map.set(key, next);
  }

  private addToIndex(e: AuditEvent, pos: number): void {
    const ek = this.dimKey('e', e.event);
    const ck = this.dimKey('c', e.category);
    const sk = this.dimKey('s', e.subcategory);
    for (const scope of this.tenantScopesOf(e)) {
      scope.all = this.appended(scope.all, pos);
      this.addPosting(scope.dims, ek, pos);
      this.addPosting(scope.dims, ck, pos);
      this.addPosting(scope.dims, sk, pos);
      if (e.acknowledged) (scope.acknowledged ??= new PositionList()).push(pos);
    }
    if (e.userId !== null) this.addPosting(this.byUser, e.userId, pos);
    if (e.callingUserId !== null) this.addPosting(this.byCallingUser, e.callingUserId, pos);
    if (e.objectId !== null) this.addPosting(this.byObject, e.objectId, pos);
  }

  private resetIndex(): void {
    this.all = [];
    for (const kind of TENANT_KINDS) this.tenants[kind].clear();
    this.byUser.clear();
    this.byCallingUser.clear();
    this.byObject.clear();
    this.arena = new Uint32Array(0);
    this.offsets = new Uint32Array(1);
  }

  /**
   * Sort every event by time (stable: insertion order among equal times) and index it again, in
   * two passes: the first gives every key its list id (stored in the maps as `~id`), counts each
   * list's length and notes the ids of each event's lists; the second lays the lists end to end
   * in the arena, exactly sized, and fills them in event order (so each list is ascending).
   */
  private rebuild(): void {
    this.resetIndex();
    const rows = this.toArray();
    let sorted = true;
    for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1]!.created <= rows[i]!.created;
    if (sorted) this.all = rows;
    else {
      const order = rows.map((_, i) => i);
      order.sort((a, b) => rows[a]!.created - rows[b]!.created || a - b);
      this.all = order.map((i) => rows[i]!);
    }
    const all = this.all;

    // Each event's list ids, then -1: the exact room first (4 a tenant scope, 1 a user list, the end).
    let room = 0;
    for (const e of all) {
      room += 1 + (e.orgId !== null ? 4 : 0) + (e.workspaceId !== null ? 4 : 0) + (e.shareId !== null ? 4 : 0);
      room += (e.userId !== null ? 1 : 0) + (e.callingUserId !== null ? 1 : 0) + (e.objectId !== null ? 1 : 0);
    }
    const slots = new Int32Array(room);
    let used = 0;
    let counts = new Uint32Array(1024);
    let lists = 0;
    const newList = (): number => {
      if (lists === counts.length) {
        const grown = new Uint32Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
      return lists++;
    };
    const note = (map: Map<string, Posting>, key: string): void => {
      const p = map.get(key) as number | undefined;
      let id: number;
      if (p === undefined) map.set(key, ~(id = newList()));
      else id = ~p;
      counts[id]!++;
      slots[used++] = id;
    };
    const noteScope = (kind: TenantKind, scopeId: string, pos: number, e: AuditEvent, ek: string, ck: string, sk: string): void => {
      const scope = this.tenantScope(kind, scopeId);
      let id: number;
      if (scope.all === undefined) scope.all = ~(id = newList());
      else id = ~(scope.all as number);
      counts[id]!++;
      slots[used++] = id;
      note(scope.dims, ek);
      note(scope.dims, ck);
      note(scope.dims, sk);
      if (e.acknowledged) (scope.acknowledged ??= new PositionList()).push(pos);
    };
    for (let pos = 0; pos < all.length; pos++) {
      const e = all[pos]!;
      const ek = this.dimKey('e', e.event);
      const ck = this.dimKey('c', e.category);
      const sk = this.dimKey('s', e.subcategory);
      if (e.orgId !== null) noteScope('org', e.orgId, pos, e, ek, ck, sk);
      if (e.workspaceId !== null) noteScope('workspace', e.workspaceId, pos, e, ek, ck, sk);
      if (e.shareId !== null) noteScope('share', e.shareId, pos, e, ek, ck, sk);
      if (e.userId !== null) note(this.byUser, e.userId);
      if (e.callingUserId !== null) note(this.byCallingUser, e.callingUserId);
      if (e.objectId !== null) note(this.byObject, e.objectId);
      slots[used++] = -1;
    }

    const offsets = new Uint32Array(lists + 1);
    for (let id = 0; id < lists; id++) offsets[id + 1] = offsets[id]! + counts[id]!;
    const arena = new Uint32Array(offsets[lists]!);
    const next = offsets.slice(0, lists);
    for (let i = 0, pos = 0; i < used; i++) {
      const id = slots[i]!;
      if (id < 0) pos++;
      else arena[next[id]!++] = pos;
    }
    this.arena = arena;
    this.offsets = offsets;
    this.dirty = false;
  }
}
