import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventQuery } from '../../emulator/store/event-query.js';
import { EventTable } from '../../emulator/store/event-table.js';
import type { AuditEvent } from '../../emulator/store/model.js';

const ORGS = ['o1', 'o2', 'o3'];
const WORKSPACES = ['w1', 'w2', 'w3', 'w4'];
const USERS = ['u1', 'u2', 'u3'];
const EVENTS = ['org_updated', 'workspace_created', 'added_member_to_org', 'credits_threshold_reached'];
const CATEGORIES = ['org', 'workspace', 'billing'];
const SUBCATEGORIES = ['members', 'settings', 'lifecycle'];
const OBJECTS = ['x1', 'x2', 'x3', 'x4', 'x5'];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const eventArb = fc.record({
  orgId: maybe(fc.constantFrom(...ORGS)),
  workspaceId: maybe(fc.constantFrom(...WORKSPACES)),
  shareId: maybe(fc.constantFrom('s1')),
  userId: maybe(fc.constantFrom(...USERS)),
  callingUserId: maybe(fc.constantFrom(...USERS)),
  objectId: maybe(fc.constantFrom(...OBJECTS)),
  event: fc.constantFrom(...EVENTS),
  category: fc.constantFrom(...CATEGORIES),
  subcategory: fc.constantFrom(...SUBCATEGORIES),
  acknowledged: fc.boolean(),
  /** minutes; mostly increasing, sometimes out of order */
  minute: fc.integer({ min: 0, max: 60 }),
});

const undef = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const queryArb = fc.record({
  org: undef(fc.constantFrom(...ORGS)),
  workspace: undef(fc.constantFrom(...WORKSPACES)),
  user: undef(fc.constantFrom(...USERS)),
  share: undef(fc.constantFrom('s1', 's2')),
  event: undef(fc.constantFrom(...EVENTS, 'nope')),
  category: undef(fc.constantFrom(...CATEGORIES)),
  subcategory: undef(fc.constantFrom(...SUBCATEGORIES)),
  callingUserId: undef(fc.constantFrom(...USERS)),
  objectId: undef(fc.constantFrom(...OBJECTS)),
  acknowledged: undef(fc.boolean()),
  createdMin: undef(fc.integer({ min: 0, max: 60 })),
  createdMax: undef(fc.integer({ min: 0, max: 60 })),
  limit: fc.integer({ min: 1, max: 30 }),
  offset: fc.integer({ min: 0, max: 40 }),
});

type Q = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

const T0 = Date.UTC(2026, 3, 1);

function toQuery(q: Q): EventQuery {
  const scopes: EventQuery['scopes'] = {};
  if (q.org) scopes.org = q.org;
  if (q.workspace) scopes.workspace = q.workspace;
  if (q.user) scopes.user = q.user;
  if (q.share) scopes.share = q.share;
  if (Object.keys(scopes).length === 0) scopes.org = 'o1';
  return {
    scopes,
    event: q.event,
    category: q.category,
    subcategory: q.subcategory,
    callingUserId: q.callingUserId,
    objectId: q.objectId,
    acknowledged: q.acknowledged,
    createdMin: q.createdMin === undefined ? undefined : T0 + q.createdMin * 60_000,
    createdMax: q.createdMax === undefined ? undefined : T0 + q.createdMax * 60_000,
    limit: q.limit,
    offset: q.offset,
  };
}

/** The answer by brute force: filter everything, sort newest first (insertion order breaks ties). */
function naive(rows: AuditEvent[], q: EventQuery): { ids: string[]; total: number } {
  const s = q.scopes;
  const hits = rows
    .map((e, i) => ({ e, i }))
    .filter(
      ({ e }) =>
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
        (q.createdMin === undefined || e.created >= q.createdMin) &&
        (q.createdMax === undefined || e.created <= q.createdMax),
    )
    .sort((a, b) => b.e.created - a.e.created || b.i - a.i);
  return { ids: hits.slice(q.offset, q.offset + q.limit).map((h) => h.e.id), total: hits.length };
}

type Spec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function build(specs: Spec[]) {
  const table = new EventTable();
  const rows: AuditEvent[] = [];
  specs.forEach((spec, i) => {
    const { minute, acknowledged, ...rest } = spec;
    const row: AuditEvent = { id: `e${i}`, ...rest, data: {}, acknowledged: false, created: T0 + minute * 60_000 };
    table.insert(row);
    rows.push(row);
    // Acknowledge through update, as the ack route does (the one mutable field).
    if (acknowledged) rows[i] = table.update(row.id, { acknowledged: true });
  });
  return { table, rows };
}

describe('the event table', () => {
  it('answers every query exactly as a brute-force filter does, newest first, with the right total', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 120 }), fc.array(queryArb, { minLength: 1, maxLength: 15 }), (specs, queries) => {
        const { table, rows } = build(specs);
        for (const raw of queries) {
          const q = toQuery(raw);
          const page = table.query(q);
          expect({ ids: page.events.map((e) => e.id), total: page.total }).toEqual(naive(rows, q));
        }
        // The same after a reload (a state import): the index is rebuilt from the rows.
        const reloaded = new EventTable();
        reloaded.load(table.toArray());
        for (const raw of queries) {
          const q = toQuery(raw);
          const page = reloaded.query(q);
          expect({ ids: page.events.map((e) => e.id), total: page.total }).toEqual(naive(rows, q));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('answers a one-scope query from one list, whatever the number of events, and keeps acknowledgements', () => {
    const table = new EventTable();
    for (let i = 0; i < 5000; i++) {
      table.insert({
        id: `e${i}`,
        event: i % 10 === 0 ? 'org_updated' : 'workspace_created',
        category: 'org',
        subcategory: 'settings',
        orgId: i % 2 === 0 ? 'o1' : 'o2',
        workspaceId: null,
        shareId: null,
        userId: 'u1',
        callingUserId: 'u1',
        objectId: null,
        data: {},
        acknowledged: false,
        created: T0 + i,
      });
    }
    const page = table.query({ scopes: { org: 'o1' }, limit: 250, offset: 100 });
    expect(page.total).toBe(2500);
    expect(page.plan).toMatchObject({ exact: true, scanned: 250 });
    expect(page.events[0]!.id).toBe('e4798');
    const named = table.query({ scopes: { org: 'o1' }, event: 'org_updated', limit: 5, offset: 0 });
    expect(named.plan).toMatchObject({ list: 'org+event', exact: true });
    expect(named.total).toBe(500);
    table.update('e4990', { acknowledged: true });
    table.update('e10', { acknowledged: true });
    const unread = table.query({ scopes: { org: 'o1' }, acknowledged: false, limit: 3, offset: 0 });
    expect(unread.plan.exact).toBe(true);
    expect(unread.total).toBe(2498);
    expect(unread.events.map((e) => e.id)).toEqual(['e4998', 'e4996', 'e4994']);
    const read = table.query({ scopes: { org: 'o1' }, acknowledged: true, limit: 10, offset: 0 });
    expect(read.events.map((e) => e.id)).toEqual(['e4990', 'e10']);
  });

  it('keeps answering exactly when events are recorded and acknowledged after a rebuild', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 20, maxLength: 80 }),
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(queryArb, { minLength: 1, maxLength: 10 }),
        (first, later, queries) => {
          const { table, rows } = build(first);
          // A reload (state import), a first query (the rebuild), then more events in time order.
          const reloaded = new EventTable();
          reloaded.load(table.toArray());
          reloaded.query({ scopes: { org: 'o1' }, limit: 1, offset: 0 });
          const all = [...rows];
          // In time order (an earlier one would mark the index for a rebuild): every one is appended.
          later.forEach((spec, i) => {
            const { minute: _minute, acknowledged, ...rest } = spec;
            const row: AuditEvent = { id: `late${i}`, ...rest, data: {}, acknowledged: false, created: T0 + (61 + i) * 60_000 };
            reloaded.insert(row);
            all.push(row);
            if (acknowledged) all[all.length - 1] = reloaded.update(row.id, { acknowledged: true });
          });
          if (all.length > 0 && first.length > 0) all[0] = reloaded.update(all[0]!.id, { acknowledged: !all[0]!.acknowledged });
          for (const raw of queries) {
            const q = toQuery(raw);
            const page = reloaded.query(q);
            expect({ ids: page.events.map((e) => e.id), total: page.total }).toEqual(naive(all, q));
          }
          // Every list whole (the random pages above reach a list's oldest entries less often).
          const whole: EventQuery['scopes'][] = [
            ...ORGS.map((org) => ({ org })),
            ...WORKSPACES.map((workspace) => ({ workspace })),
            ...USERS.map((user) => ({ user })),
          ];
          for (const scopes of whole) {
            const q: EventQuery = { scopes, limit: 200, offset: 0 };
            const page = reloaded.query(q);
            expect({ ids: page.events.map((e) => e.id), total: page.total }).toEqual(naive(all, q));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a long list built by a rebuild grows when events are added to it', () => {
    const table = new EventTable();
    const base = {
      event: 'x',
      category: 'org',
      subcategory: 'settings',
      workspaceId: null,
      shareId: null,
      userId: null,
      callingUserId: null,
      objectId: null,
      data: {},
      acknowledged: false,
    };
    const rows: AuditEvent[] = [];
    for (let i = 0; i < 600; i++) rows.push({ ...base, id: `e${i}`, orgId: 'o1', created: T0 + i });
    table.load(rows);
    expect(table.query({ scopes: { org: 'o1' }, limit: 1, offset: 0 }).total).toBe(600);
    for (let i = 600; i < 1000; i++) table.insert({ ...base, id: `e${i}`, orgId: 'o1', created: T0 + i });
    const page = table.query({ scopes: { org: 'o1' }, event: 'x', limit: 2, offset: 399 });
    expect(page.total).toBe(1000);
    expect(page.events.map((e) => e.id)).toEqual(['e600', 'e599']);
    expect(table.query({ scopes: { org: 'o1' }, createdMin: T0 + 598, createdMax: T0 + 601, limit: 10, offset: 0 }).events.map((e) => e.id)).toEqual([
      'e601',
      'e600',
      'e599',
      'e598',
    ]);
  });

  it('an event inserted with an earlier time than the last still sorts by time', () => {
    const table = new EventTable();
    const base = {
      event: 'x',
      category: 'org',
      subcategory: 'settings',
      orgId: 'o1',
      workspaceId: null,
      shareId: null,
      userId: null,
      callingUserId: null,
      objectId: null,
      data: {},
      acknowledged: false,
    };
    table.insert({ ...base, id: 'late', created: T0 + 10 });
    table.insert({ ...base, id: 'early', created: T0 + 5 });
    table.insert({ ...base, id: 'latest', created: T0 + 20 });
    expect(table.query({ scopes: { org: 'o1' }, limit: 10, offset: 0 }).events.map((e) => e.id)).toEqual(['latest', 'late', 'early']);
    expect(table.query({ scopes: { org: 'o1' }, createdMax: T0 + 9, limit: 10, offset: 0 }).events.map((e) => e.id)).toEqual(['early']);
  });
});
