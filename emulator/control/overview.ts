/**
 * What the dashboard shows, in one JSON document: tenants (orgs) -> workspaces -> members and files
 * with their AI state, a credit gauge per org, recent audit events, recent requests, the clock.
 *
 * Read straight from the instance's tables (a read-only, cross-tenant view, which only the control
 * plane may take). Tables other areas fill (nodes, events, ledger, chats) may be empty or sparse:
 * every field is read defensively and a missing one shows as empty, never as an error.
 *
 * Live updates without a reload: the document carries a `hash` of everything it shows except the
 * running clock; `waitForOverviewChange` answers as soon as that hash differs from the one the
 * dashboard already has (woken by each journal entry, and checked every second for changes made
 * off the request path such as ingestion steps), or at the wait limit.
 */
import { createHash } from 'node:crypto';
import type { Emulator } from '../emulator.js';
import type { MemberStatus, Org, User } from '../store/model.js';
import { VERSION } from '../version.js';
import { faultToJson } from './faults.js';
import type { JournalEntry, RequestJournal } from './journal.js';
import type { Overview, OverviewCredits, OverviewEvent, OverviewOrg, OverviewPerson, OverviewRequest, OverviewWorkspace } from './overview-types.js';
import { newestFirst } from '../store/order.js';

export interface OverviewOptions {
  /** substring of an org's domain, name or id */
  q?: string | undefined;
  /** orgs shown (newest first) */
  orgLimit?: number | undefined;
  /** files shown per workspace */
  fileLimit?: number | undefined;
  eventLimit?: number | undefined;
  requestLimit?: number | undefined;
}

const DEFAULTS = { orgLimit: 100, fileLimit: 50, eventLimit: 50, requestLimit: 50 };

function iso(ms: unknown): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

interface MemberRow {
  userId: string | null;
  inviteEmail: string | null;
  role: string;
  status: MemberStatus;
}

function person(emu: Emulator, m: MemberRow): OverviewPerson {
  const user: User | undefined = m.userId ? emu.db.users.get(m.userId) : undefined;
  const name = user ? [user.firstName, user.lastName].filter(Boolean).join(' ') : '';
  return {
    user_id: m.userId,
    email: user?.email ?? m.inviteEmail ?? null,
    name: name || null,
    account_type: user?.accountType ?? null,
    role: m.role,
    status: m.status,
  };
}

function orgMatches(org: Org, q: string): boolean {
  const needle = q.toLowerCase();
  return org.id.includes(needle) || (org.domain ?? '').toLowerCase().includes(needle) || (org.name ?? '').toLowerCase().includes(needle);
}

function credits(emu: Emulator, org: Org): OverviewCredits {
  try {
    const period = emu.ledger.period(org);
    const byKind: Record<string, number> = {};
    for (const e of emu.ledger.entries(org.id, period.start, period.end)) byKind[e.kind] = (byKind[e.kind] ?? 0) + (e.credits ?? 0);
    return {
      used: emu.ledger.used(org),
      limit: emu.ledger.limit(org),
      period_start: iso(period.start),
      period_end: iso(period.end),
      by_kind: byKind,
    };
  } catch (e) {
    return { used: null, limit: null, error: (e as Error).message };
  }
}

function workspaceOverview(emu: Emulator, workspaceId: string, fileLimit: number): OverviewWorkspace | undefined {
  const { db } = emu;
  const ws = db.workspaces.get(workspaceId);
  if (!ws || ws.deleted) return undefined;
  const members = db.workspaceMembers.find('workspace', ws.id).map((m) => person(emu, m));
  const nodes = db.nodes.find('workspace', ws.id).filter((n) => n.type !== 'folder' && !n.trashed);
  const aiStates: Record<string, number> = {};
  for (const n of nodes) {
    const state = n.ai?.state ?? 'disabled';
    aiStates[state] = (aiStates[state] ?? 0) + 1;
  }
  const files = nodes.slice(-fileLimit).map((n) => ({
    id: n.id,
    name: n.name,
    type: n.type,
    size: n.size ?? 0,
    mimetype: n.mimetype ?? null,
    ai: { state: n.ai?.state ?? 'disabled', reason: n.ai?.reason ?? null, pages: n.ai?.pages ?? null },
    updated: iso(n.updated),
  }));
  return {
    id: ws.id,
    folder_name: ws.folderName,
    name: ws.name,
    intelligence: Boolean(ws.intelligence),
    archived: Boolean(ws.archived),
    created: iso(ws.created),
    members,
    files_total: nodes.length,
    files,
    ai_states: aiStates,
    chats: db.chats.find('workspace', ws.id).filter((c) => !c.deleted).length,
    shares: db.shares
      .find('live', ws.id)
      .sort((a, b) => a.created - b.created)
      .map((s) => ({
        id: s.id,
        custom_name: s.customName,
        title: s.title,
        share_type: s.shareType,
        access_options: s.accessOptions,
        archived: s.archived,
        password_protected: s.passwordHash !== null,
        members: db.shareMembers.find('share', s.id).filter((m) => m.status === 'active').length,
      })),
  };
}

function orgOverview(emu: Emulator, org: Org, fileLimit: number): OverviewOrg {
  const { db } = emu;
  const plan = emu.plans.get(org.plan);
  const now = emu.clock.now();
  const transferPending = db.transferTokens.find('org', org.id).some((t) => !t.claimed && t.expires > now);
  return {
    id: org.id,
    domain: org.domain,
    name: org.name,
    plan: org.plan,
    plan_name: plan?.name ?? org.plan,
    created: iso(org.created),
    transfer_pending: transferPending,
    credits: credits(emu, org),
    members: db.orgMembers.find('org', org.id).map((m) => person(emu, m)),
    workspaces: db.workspaces
      .find('org', org.id)
      .map((w) => workspaceOverview(emu, w.id, fileLimit))
      .filter((w): w is OverviewWorkspace => w !== undefined),
  };
}

function recentEvents(emu: Emulator, limit: number): OverviewEvent[] {
  const rows = emu.db.events.toArray();
  return (
    rows
      .slice(-limit)
      .reverse()
      // The dashboard's summary of an event (a few ids, ISO time), not the API's eventJson, which
      // carries the whole event; it lists the same fields as the audit row it reads.
      .map((e) => ({
        id: e.id,
        event: e.event,
        category: e.category,
        subcategory: e.subcategory,
        org_id: e.orgId ?? null,
        workspace_id: e.workspaceId ?? null,
        user_id: e.userId ?? null,
        object_id: e.objectId ?? null,
        created: iso(e.created),
      }))
  );
}

function requestJson(e: JournalEntry): OverviewRequest {
  return {
    seq: e.seq,
    method: e.method,
    path: e.path,
    status: e.status,
    latency_ms: e.latencyMs,
    user_id: e.userId,
    org_id: e.orgId,
    workspace_id: e.workspaceId,
    faults: [...e.faults],
    time: iso(e.time),
    mcp: e.mcp ?? null,
  };
}

/** The dashboard's document. */
export function buildOverview(emu: Emulator, journal: RequestJournal, options: OverviewOptions = {}): Overview {
  const orgLimit = options.orgLimit ?? DEFAULTS.orgLimit;
  const fileLimit = options.fileLimit ?? DEFAULTS.fileLimit;
  const { db } = emu;
  const open = db.orgs.toArray().filter((o) => !o.closed);
  const matching = options.q ? open.filter((o) => orgMatches(o, options.q!)) : open;
  // Newest tenants first: the one a developer just made is at the top.
  const shown = newestFirst(matching).slice(0, orgLimit);
  let workspaces = 0;
  for (const w of db.workspaces.values()) if (!w.deleted) workspaces++;
  let files = 0;
  for (const n of db.nodes.values()) if (n.type !== 'folder' && !n.trashed) files++;

  const state = {
    totals: { users: db.users.size, orgs: open.length, workspaces, files, events: db.events.size, ledger_entries: db.ledger.size },
    orgs_total: matching.length,
    orgs: shown.map((o) => orgOverview(emu, o, fileLimit)),
    events: recentEvents(emu, options.eventLimit ?? DEFAULTS.eventLimit),
    requests: journal.list({ limit: options.requestLimit ?? DEFAULTS.requestLimit }).map(requestJson),
    faults: emu.faults.list().map(faultToJson),
  };
  // The clock runs on its own; only a jump of its offset is a change worth an update.
  const hash = createHash('sha1')
    .update(JSON.stringify([state, emu.clock.offset]))
    .digest('base64url');
  return { hash, version: VERSION, api_dialect: emu.config.apiDialect, clock: { now: emu.clock.nowIso(), offset_ms: emu.clock.offset }, ...state };
}

/**
 * Answer when the overview's hash differs from `knownHash`, or after `waitMs`, or when the client
 * goes away. Journal entries wake it (debounced, so a burst of requests costs one rebuild); a
 * one-second check catches changes made off the request path.
 */
export function waitForOverviewChange(
  build: () => Overview,
  journal: RequestJournal,
  knownHash: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<Overview> {
  const first = build();
  if (first.hash !== knownHash || waitMs <= 0 || signal.aborted) return Promise.resolve(first);
  return new Promise((resolve) => {
    let debounce: NodeJS.Timeout | undefined;
    const finish = (doc: Overview) => {
      clearTimeout(deadline);
      clearInterval(tick);
      clearTimeout(debounce);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      resolve(doc);
    };
    const check = () => {
      const doc = build();
      if (doc.hash !== knownHash) finish(doc);
    };
    const deadline = setTimeout(() => finish(build()), waitMs);
    const tick = setInterval(check, 1000);
    const unsubscribe = journal.onRecord((entry) => {
      // The dashboard's own reads change nothing it shows.
      if (entry.method === 'GET' && entry.path.startsWith('/_emulator/')) return;
      debounce ??= setTimeout(() => {
        debounce = undefined;
        check();
      }, 25);
    });
    const onAbort = () => finish(first);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
