/**
 * Events search benchmark: a million audit events recorded through the audit log (the path every
 * mutation takes), then searches as the route runs them (the index query and the JSON rendering),
 * with latency percentiles, the heap the events and their indexes take, and the time a state
 * export/import round trip takes to rebuild the indexes.
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc dist/scripts/bench/events-search.js [events] [queries]
 *
 * Two shapes of tenant: 10,000 orgs of 10 workspaces sharing the events evenly (the scale shape),
 * and one "hot" org that holds half of all events (the worst case for an org-filtered search).
 */
import { Emulator } from '../../emulator/emulator.js';
import { loadConfig } from '../../emulator/config.js';
import { eventJson } from '../../emulator/events/format.js';
import type { EventQuery } from '../../emulator/store/event-query.js';
import { summarize } from './stats.js';
import { mulberry32 } from '../../emulator/store/random.js';
import { AuditEvents, type CataloguedEvent } from '../../emulator/events/catalogue.js';
import type { Org, OrgMember, StorageNode, User, Workspace, WorkspaceMember } from '../../emulator/store/model.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const QUERIES = Number(process.argv[3] ?? 2_000);
const ORGS = 10_000;
const WORKSPACES_PER_ORG = 10;
const USERS = 20_000;

/** One synthetic event: where it happened, who caused it, what it is about. */
interface Synthetic {
  orgId: string;
  /** set for the kinds recorded on a workspace */
  workspaceId: string | null;
  userId: string;
  callingUserId: string;
  objectId: string;
  data: Record<string, unknown>;
}

const at = (s: Synthetic) => ({ orgId: s.orgId, workspaceId: s.workspaceId! });

// The mix the benchmark records, built by the event catalogue like every recorded event (the
// model objects carry only what the constructors read).
const KINDS: [build: (s: Synthetic) => CataloguedEvent, onWorkspace: boolean][] = [
  [(s) => AuditEvents.storageFileAdded(at(s), s.callingUserId, { id: s.objectId } as StorageNode, s.data), true],
  [
    (s) => AuditEvents.storageRemoved('workspace_storage_file_deleted', at(s), s.callingUserId, { id: s.objectId, name: 'n', type: 'file' } as StorageNode, 1),
    true,
  ],
  [(s) => AuditEvents.addedMemberToWorkspace({ ...at(s), userId: s.userId, status: 'active' } as WorkspaceMember, s.callingUserId, s.data), true],
  [(s) => AuditEvents.workspaceUpdated({ id: s.callingUserId } as User, { id: s.workspaceId!, orgId: s.orgId } as Workspace, ['name']), true],
  [(s) => AuditEvents.aiChatNewMessage(at(s), s.callingUserId, s.objectId, s.data), true],
  [(s) => AuditEvents.orgUpdated({ id: s.callingUserId } as User, { id: s.orgId } as Org, ['name']), false],
  [(s) => AuditEvents.addedMemberToOrg({ orgId: s.orgId, userId: s.userId, status: 'active' } as OrgMember, s.callingUserId, s.data), false],
  [(s) => AuditEvents.creditsThresholdReached({ id: s.orgId } as Org, s.data), false],
];

const gc = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

function main(): void {
  const rnd = mulberry32(5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const emu = new Emulator(loadConfig({ port: 0 }));
  const orgIds = Array.from({ length: ORGS }, () => emu.ids.profileId());
  const workspaceIds = orgIds.map(() => Array.from({ length: WORKSPACES_PER_ORG }, () => emu.ids.profileId()));
  const userIds = Array.from({ length: USERS }, () => emu.ids.profileId());
  const hot = orgIds[0]!;

  const before = heapUsed();
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i++) {
    // Spread the events over 30 days of emulator time.
    if (i % 1000 === 999) emu.clock.advance((30 * 86_400) / (EVENTS / 1000));
    // Half of the events go to the hot org, the rest spread over every org.
    const o = rnd() < 0.5 ? 0 : Math.floor(rnd() * ORGS);
    const [build, onWorkspace] = pick(KINDS);
    const user = pick(userIds);
    emu.audit.record(
      build({
        orgId: orgIds[o]!,
        workspaceId: onWorkspace ? pick(workspaceIds[o]!) : null,
        userId: user,
        callingUserId: rnd() < 0.8 ? user : pick(userIds),
        objectId: onWorkspace ? emu.ids.opaqueId('2') : orgIds[o]!,
        data: { name: `thing ${i}` },
      }),
    );
  }
  const recordMs = performance.now() - t0;
  const after = heapUsed();

  const queries: [string, () => EventQuery][] = [
    ['org, limit 250 (scale org)', () => ({ scopes: { org: pick(orgIds) }, limit: 250, offset: 0 })],
    ['org, limit 250 (hot org)', () => ({ scopes: { org: hot }, limit: 250, offset: 0 })],
    ['org, limit 250, offset 100k (hot org)', () => ({ scopes: { org: hot }, limit: 250, offset: 100_000 })],
    ['org + subcategory members, limit 250 (hot org)', () => ({ scopes: { org: hot }, subcategory: 'members', limit: 250, offset: 0 })],
    [
      'org + event, last 24 h of a 30-day spread (hot org)',
      () => ({ scopes: { org: hot }, event: 'org_updated', createdMin: emu.clock.now() - 86_400_000, limit: 250, offset: 0 }),
    ],
    ['workspace + category, limit 250', () => ({ scopes: { workspace: pick(workspaceIds[0]!) }, category: 'ai', limit: 250, offset: 0 })],
    ['org + acknowledged=false, limit 250 (hot org)', () => ({ scopes: { org: hot }, acknowledged: false, limit: 250, offset: 0 })],
    [
      'org + calling user + category (filtered walk, hot org)',
      () => ({ scopes: { org: hot }, callingUserId: pick(userIds), category: 'org', limit: 250, offset: 0 }),
    ],
  ];

  console.log(`events: ${EVENTS.toLocaleString('en')} recorded in ${(recordMs / 1000).toFixed(1)} s (${((recordMs * 1000) / EVENTS).toFixed(1)} µs each)`);
  console.log(
    `heap: ${mb(after)} in use; events and their indexes ${mb(after - before)} (${((after - before) / EVENTS).toFixed(0)} bytes per event); rss ${mb(process.memoryUsage().rss)}`,
  );
  console.log(`hot org: ${emu.db.events.query({ scopes: { org: hot }, limit: 1, offset: 0 }).total.toLocaleString('en')} events`);
  const e0 = performance.now();
  let state: ReturnType<Emulator['exportState']> | undefined = emu.exportState();
  const exported = performance.now() - e0;
  const i0 = performance.now();
  emu.importState(state);
  // eslint-disable-next-line no-useless-assignment -- drops the export so the collector can free it
  state = undefined;
  const imported = performance.now() - i0;
  console.log(`\nstate round trip: export ${exported.toFixed(0)} ms, import (rows; indexes are built on first use) ${imported.toFixed(0)} ms`);
  const b0 = performance.now();
  const check = emu.db.events.query({ scopes: { org: hot }, limit: 250, offset: 0 });
  console.log(`first search after import (builds the indexes): ${(performance.now() - b0).toFixed(0)} ms`);
  const heapAfterImport = heapUsed();
  console.log(
    `after import: hot org has ${check.total.toLocaleString('en')} events; heap ${mb(heapAfterImport)} (${((heapAfterImport - before) / EVENTS).toFixed(0)} bytes per event, the activity hub empty); rss ${mb(process.memoryUsage().rss)}`,
  );
  heapUsed();
  console.log('\nquery (index + rendering the page as JSON)                 p50 ms   p99 ms   max ms   list / exact / scanned');
  for (const [name, make] of queries) {
    for (let i = 0; i < 50; i++) emu.db.events.query(make());
    const samples: number[] = [];
    let plan = '';
    for (let i = 0; i < QUERIES; i++) {
      const q = make();
      const s = performance.now();
      const page = emu.db.events.query(q);
      JSON.stringify({ result: true, events: page.events.map(eventJson), pagination: { total: page.total } });
      samples.push(performance.now() - s);
      plan = `${page.plan.list} / ${page.plan.exact} / ${page.plan.scanned}`;
    }
    const st = summarize(samples);
    console.log(`${name.padEnd(58)} ${st.p50.toFixed(3).padStart(7)} ${st.p99.toFixed(3).padStart(8)} ${st.max.toFixed(3).padStart(8)}   ${plan}`);
  }
}

main();
