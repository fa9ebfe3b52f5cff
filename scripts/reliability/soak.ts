/**
 * The soak: many mixed requests at many connections while long-polls stay open, against a real
 * emulator server in a child process (soak-server.ts). What it checks:
 *
 * - no 5xx and no connection error, and every answer is the one its request expects (a read 200,
 *   a refused cross-tenant read its documented 4xx): a mix that drifts into errors is caught, not
 *   counted as load;
 * - every long-poll is answered 200 (on a change, or when its wait ends) and re-issued at once,
 *   so the held count stays at `longPolls` through the run; when the clients go away the hub
 *   holds none of them any more;
 * - resident memory after the run, after a full GC, within a ratio of what it was after warm-up.
 *
 * The mix is three tenants (an org each, an intelligent workspace with indexed notes, a churn
 * workspace), their reads (user, org, workspace, members, listings, search, events, billing),
 * writes that do not grow the state without bound (a note created, deleted and purged; a workspace
 * description changed) and refusals (one tenant reading another's workspace and org).
 *
 *   npm run build && node dist/scripts/reliability/soak.js [--requests N] [--connections N] [--long-polls N]
 *
 * `npm run soak` runs it at full size through test/reliability/soak.test.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { fromPackageRoot } from '../../emulator/index.js';

export interface SoakOptions {
  /** mixed requests in the measured run (the long form: 200,000) */
  requests: number;
  /** keep-alive connections of the load generator (64) */
  connections: number;
  /** long-polls held open through the run (1,000) */
  longPolls: number;
  /** mixed requests before the first memory sample (default: a fifth of `requests`, at least 5,000) */
  warmup?: number;
  /** allowed ratio of resident memory after the run to after warm-up (default 1.10) */
  memoryRatio?: number;
}

export interface MemorySample {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** audit events in the state: the one thing the mix's writes add for good */
  events: number;
  external: number;
  arrayBuffers: number;
  waiting: number;
}

export interface SoakResult {
  requests: number;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  statusCounts: Record<string, number>;
  fiveXx: number;
  connectionErrors: number;
  timeouts: number;
  /** answers whose status is not the one the request expects, by request */
  unexpected: Record<string, Record<string, number>>;
  unexpectedSamples: string[];
  latencyMs: { p50: number; p99: number; max: number };
  longPolls: {
    held: number;
    answered: number;
    withActivity: number;
    statusCounts: Record<string, number>;
    errors: number;
    /** long-polls the hub still held after the clients went away */
    leftBehind: number;
  };
  memory: {
    afterWarmup: MemorySample;
    afterRun: MemorySample;
    /** after each fifth of the run */
    curve: { requests: number; rss: number; heapUsed: number; events: number }[];
    rssRatio: number;
    heapRatio: number;
    allowedRatio: number;
  };
  problems: string[];
}

interface Mixed {
  name: string;
  token: string;
  method: string;
  path: string;
  expect: number;
  body?: string;
  /** build the request from the connection's context (ids of what an earlier request created) */
  setup?: (ctx: Record<string, unknown>) => { path: string; body?: string } | undefined;
  /** keep what the answer says for the next request of this connection */
  remember?: (body: string, ctx: Record<string, unknown>) => void;
  /** the created note is gone after this request, whatever it answered */
  forget?: boolean;
}

interface Tenant {
  token: string;
  userId: string;
  orgId: string;
  docsWs: string;
  churnWs: string;
}

const FORM = 'application/x-www-form-urlencoded';
const WS_PERMS = { perm_join: 'Member or above', perm_member_manage: 'Admin or above' };

const NOTES = [
  ['renewal.md', 'The maintenance agreement renews every twelve months. Either party may end it with a termination notice of ninety days.'],
  ['orchard.md', 'The pruning schedule starts in March. The irrigation budget is reviewed every quarter with the growers.'],
  ['invoice.md', 'Invoice for the harbor sorter maintenance visit, payable within thirty days of the delivery date.'],
  ['onboarding.md', 'New members get a workspace, a welcome checklist and a security briefing during their first week.'],
] as const;

async function call(url: string, method: string, path: string, token: string | undefined, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(form ? { 'content-type': FORM } : {}),
      // the project's own clients name themselves on the control plane
      ...(path.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`soak set-up: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function tenant(url: string, n: number): Promise<Tenant> {
  const p = await call(url, 'POST', '/_emulator/users/', undefined, { account_type: 'human' });
  const token = p.api_key as string;
  const org = (await call(url, 'POST', '/current/org/create/', token, { domain: `soak-tenant-${n}`, name: `Soak tenant ${n}`, billing_plan: 'business' }))
    .org as { id: string };
  const ws = async (folder: string, intelligence: boolean) =>
    (
      (
        await call(url, 'POST', `/current/org/${org.id}/create/workspace/`, token, {
          ...WS_PERMS,
          folder_name: folder,
          name: folder,
          intelligence: String(intelligence),
        })
      ).workspace as { id: string }
    ).id;
  const docsWs = await ws('docs', true);
  const churnWs = await ws('churn', false);
  for (const [name, content] of NOTES) {
    await call(url, 'POST', `/current/workspace/${docsWs}/storage/root/createnote/`, token, { name, content: `Tenant ${n}. ${content}` });
  }
  return { token, userId: p.user_id as string, orgId: org.id, docsWs, churnWs };
}

/** Wait until every note of the docs workspaces is indexed (ingestion runs on a short timer). */
async function whenIndexed(url: string, tenants: Tenant[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const t of tenants) {
    for (;;) {
      const list = await call(url, 'GET', `/current/workspace/${t.docsWs}/storage/root/list/`, t.token);
      const nodes = list.nodes as { ai?: { state?: string } }[];
      if (nodes.length >= NOTES.length && nodes.every((n) => n.ai?.state === 'ready')) break;
      if (Date.now() > deadline) throw new Error(`soak set-up: notes not indexed within 30 s: ${JSON.stringify(list).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function mix(tenants: Tenant[]): Mixed[] {
  const reads: Mixed[] = [];
  const writes: Mixed[] = [];
  tenants.forEach((t, i) => {
    const other = tenants[(i + 1) % tenants.length]!;
    const get = (name: string, path: string, expect = 200): Mixed => ({ name, token: t.token, method: 'GET', path, expect });
    reads.push(
      get('user details', '/current/user/details/'),
      get('org details', `/current/org/${t.orgId}/details/`),
      get('org workspaces', `/current/org/${t.orgId}/list/workspaces/`),
      get('workspace details', `/current/workspace/${t.docsWs}/details/`),
      get('workspace members', `/current/workspace/${t.docsWs}/members/list/`),
      get('org members', `/current/org/${t.orgId}/members/list/`),
      get('storage list', `/current/workspace/${t.docsWs}/storage/root/list/`),
      get(
        'search',
        `/current/workspace/${t.docsWs}/storage/search/?search=${encodeURIComponent(['maintenance notice', 'pruning budget', 'welcome checklist'][i % 3]!)}`,
      ),
      get('events by org', `/current/events/search/?org_id=${t.orgId}&limit=50`),
      get('credits', `/current/org/${t.orgId}/billing/usage/limits/credits/`),
      get('workspaces all', '/current/workspaces/all/'),
      get('activity now', `/current/activity/poll/${t.docsWs}/`),
      // Refusals: another tenant's workspace and org, answered with the documented codes.
      get("other tenant's workspace", `/current/workspace/${other.docsWs}/details/`, 401),
      get("other tenant's org", `/current/org/${other.orgId}/details/`, 404),
    );
    // The writes, in the first tenant's churn workspace: its description changed, a note written,
    // trashed and purged. Files do not pile up; their audit events do (they are state: the run
    // reports how many it added and the memory curve shows what they cost).
    if (i === 0) {
      writes.push(
        {
          name: 'workspace update',
          token: t.token,
          method: 'POST',
          path: `/current/workspace/${t.churnWs}/update/`,
          expect: 200,
          setup: (ctx) => {
            ctx.updates = ((ctx.updates as number | undefined) ?? 0) + 1;
            return {
              path: `/current/workspace/${t.churnWs}/update/`,
              body: new URLSearchParams({ description: `Soaked ${ctx.updates as number} times` }).toString(),
            };
          },
        },
        {
          name: 'note create',
          token: t.token,
          method: 'POST',
          path: `/current/workspace/${t.churnWs}/storage/root/createnote/`,
          expect: 200,
          setup: (ctx) => {
            ctx.notes = ((ctx.notes as number | undefined) ?? 0) + 1;
            ctx.tag ??= Math.random().toString(36).slice(2, 10);
            return {
              path: `/current/workspace/${t.churnWs}/storage/root/createnote/`,
              body: new URLSearchParams({
                name: `soak-${ctx.tag as string}-${ctx.notes as number}.md`,
                content: 'A note written and purged by the soak.',
              }).toString(),
            };
          },
          remember: (body, ctx) => {
            ctx.node = (JSON.parse(body) as { node?: { id?: string } }).node?.id;
          },
        },
        {
          name: 'note delete',
          token: t.token,
          method: 'DELETE',
          path: `/current/workspace/${t.churnWs}/storage/root/delete/`,
          expect: 200,
          setup: (ctx) => (ctx.node ? { path: `/current/workspace/${t.churnWs}/storage/${ctx.node as string}/delete/` } : undefined),
        },
        {
          name: 'note purge',
          token: t.token,
          method: 'DELETE',
          path: `/current/workspace/${t.churnWs}/storage/root/purge/`,
          expect: 200,
          setup: (ctx) => (ctx.node ? { path: `/current/workspace/${t.churnWs}/storage/${ctx.node as string}/purge/` } : undefined),
          forget: true,
        },
      );
    }
  });
  // Every tenant's reads twice for one round of writes: about one request in twenty is a write,
  // a read-heavy API client's mix.
  return [...reads, ...writes, ...reads];
}

/** One autocannon run of `amount` requests over the mix; answers tallied per request. */
function load(
  url: string,
  tenants: Tenant[],
  amount: number,
  connections: number,
  tally: { statuses: Map<string, number>; unexpected: Map<string, Map<string, number>>; samples: string[] },
): Promise<autocannon.Result> {
  const requests = mix(tenants).map((m): autocannon.Request => {
    const headers: Record<string, string> = { authorization: `Bearer ${m.token}` };
    if (m.method === 'POST') headers['content-type'] = FORM;
    return {
      method: m.method,
      path: m.path,
      headers,
      ...(m.setup
        ? {
            setupRequest: (req, ctx) => {
              const built = m.setup!(ctx);
              // Nothing to delete (the create before it was refused, and counted): read the workspace instead.
              if (!built) return { ...req, method: 'GET', path: `/current/workspace/${m.path.split('/')[3]}/details/`, body: undefined };
              return { ...req, method: m.method, path: built.path, ...(built.body !== undefined ? { body: built.body } : {}) };
            },
          }
        : {}),
      onResponse: (status, body, ctx) => {
        const key = `${m.name} ${status}`;
        tally.statuses.set(key, (tally.statuses.get(key) ?? 0) + 1);
        if (status !== m.expect) {
          let by = tally.unexpected.get(m.name);
          if (!by) tally.unexpected.set(m.name, (by = new Map()));
          by.set(String(status), (by.get(String(status)) ?? 0) + 1);
          if (tally.samples.length < 10) tally.samples.push(`${m.name}: ${status} ${body.slice(0, 200)}`);
        }
        if (status === 200 && m.remember) m.remember(body, ctx);
        if (m.forget) ctx.node = undefined;
      },
    };
  });
  return new Promise((resolvePromise, reject) => {
    autocannon({ url, connections, amount, requests, timeout: 30 }, (err, result) => (err ? reject(err) : resolvePromise(result)));
  });
}

/** `n` long-polls held open, each re-issued as soon as it is answered, until stop(). */
function holdLongPolls(url: string, tenants: Tenant[], n: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const target = new URL(url);
  const statuses = new Map<string, number>();
  let answered = 0;
  let withActivity = 0;
  let errors = 0;
  let stopped = false;
  const open = new Set<ReturnType<typeof httpRequest>>();

  const poll = (i: number, cursor: string | undefined) => {
    if (stopped) return;
    const t = tenants[i % tenants.length]!;
    // Most wait on what nobody changes during the soak (the docs workspace, the caller's own user
    // id), so they stay open; one in a hundred on the churn workspace or the org, woken by writes.
    const entity = i % 100 === 0 ? t.churnWs : i % 100 === 1 ? t.orgId : i % 2 === 0 ? t.docsWs : t.userId;
    const query = new URLSearchParams({ wait: '95', ...(cursor ? { lastactivity: cursor } : {}) });
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        agent,
        method: 'GET',
        path: `/current/activity/poll/${entity}/?${query}`,
        headers: { authorization: `Bearer ${t.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          open.delete(req);
          answered++;
          statuses.set(String(res.statusCode), (statuses.get(String(res.statusCode)) ?? 0) + 1);
          let next = cursor;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { lastactivity?: string; activity?: unknown[] };
            next = body.lastactivity ?? cursor;
            if ((body.activity?.length ?? 0) > 0) withActivity++;
          } catch {
            errors++;
          }
          poll(i, next);
        });
      },
    );
    req.on('error', () => {
      open.delete(req);
      if (!stopped) errors++;
    });
    open.add(req);
    req.end();
  };

  for (let i = 0; i < n; i++) poll(i, undefined);
  return {
    stop() {
      stopped = true;
      for (const req of open) req.destroy();
      agent.destroy();
      return { held: n, answered, withActivity, errors, statusCounts: Object.fromEntries(statuses) };
    },
  };
}

function startServer(): Promise<{ child: ChildProcess; url: string; ask: (type: 'memory') => Promise<MemorySample>; stop: () => Promise<void> }> {
  // The built server, also when vitest runs this file from the sources.
  const child = fork(fromPackageRoot('dist', 'scripts', 'reliability', 'soak-server.js'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('the soak server did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the soak server exited with ${code} (is dist/ built? npm run build)`)));
    child.once('message', (m: { type: string; url: string }) => {
      clearTimeout(timer);
      const ask = (type: 'memory') =>
        new Promise<MemorySample>((res) => {
          child.once('message', (r: MemorySample) => res(r));
          child.send({ type });
        });
      const stop = () =>
        new Promise<void>((res) => {
          if (child.exitCode !== null) return res();
          child.once('exit', () => res());
          child.send({ type: 'stop' });
        });
      resolvePromise({ child, url: m.url, ask, stop });
    });
  });
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const warmup = options.warmup ?? Math.max(5_000, Math.round(options.requests / 5));
  const allowedRatio = options.memoryRatio ?? 1.1;
  const server = await startServer();
  const problems: string[] = [];
  try {
    const tenants: Tenant[] = [];
    for (let n = 1; n <= 3; n++) tenants.push(await tenant(server.url, n));
    await whenIndexed(server.url, tenants);

    const tally = { statuses: new Map<string, number>(), unexpected: new Map<string, Map<string, number>>(), samples: [] as string[] };
    // The long-polls are held from the start: warm-up and run see the same steady state.
    const polls = holdLongPolls(server.url, tenants, options.longPolls);
    const deadline = Date.now() + 10_000;
    while ((await server.ask('memory')).waiting < options.longPolls && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const warm = await load(server.url, tenants, warmup, options.connections, tally);
    const afterWarmup = await server.ask('memory');

    // The run in slices, a memory sample after each: the curve shows growth apart from a plateau.
    const slices = 5;
    const curve: SoakResult['memory']['curve'] = [];
    const runs: autocannon.Result[] = [];
    let done = 0;
    for (let k = 0; k < slices; k++) {
      const amount = Math.round((options.requests * (k + 1)) / slices) - done;
      runs.push(await load(server.url, tenants, amount, options.connections, tally));
      done += amount;
      const m = await server.ask('memory');
      curve.push({ requests: done, rss: m.rss, heapUsed: m.heapUsed, events: m.events });
    }
    const afterRun = await server.ask('memory');
    const longPolls = polls.stop();
    // The hub lets go of a long-poll when its client goes away: give the closes a moment to arrive.
    let after = await server.ask('memory');
    const closeDeadline = Date.now() + 10_000;
    while (after.waiting > 0 && Date.now() < closeDeadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await server.ask('memory');
    }
    const run = merge(runs);

    const statusCounts: Record<string, number> = {};
    for (const [code, { count }] of Object.entries(run.statusCodeStats)) statusCounts[code] = Number(count);
    const fiveXx = Object.entries(statusCounts).reduce((n, [code, c]) => (code.startsWith('5') ? n + c : n), 0) + (warm['5xx'] ?? 0);
    const unexpected = Object.fromEntries([...tally.unexpected].map(([k, v]) => [k, Object.fromEntries(v)]));
    const rssRatio = afterRun.rss / afterWarmup.rss;
    const heapRatio = afterRun.heapUsed / afterWarmup.heapUsed;

    if (fiveXx > 0) problems.push(`${fiveXx} answers were 5xx`);
    if (run.errors + warm.errors > 0) problems.push(`${run.errors + warm.errors} connection errors (${run.timeouts + warm.timeouts} timeouts)`);
    if (Object.keys(unexpected).length > 0) problems.push(`unexpected answers: ${JSON.stringify(unexpected)}`);
    const answeredTotal = run.requests.total;
    if (answeredTotal < options.requests) problems.push(`${answeredTotal} of ${options.requests} requests answered`);
    const pollStatuses = Object.keys(longPolls.statusCounts);
    if (pollStatuses.some((s) => s !== '200')) problems.push(`long-polls answered ${JSON.stringify(longPolls.statusCounts)}`);
    if (longPolls.errors > 0) problems.push(`${longPolls.errors} long-poll errors`);
    if (after.waiting > 0) problems.push(`${after.waiting} long-polls still held after their clients went away`);
    if (rssRatio > allowedRatio) problems.push(`resident memory grew ${rssRatio.toFixed(3)}x from warm-up (allowed ${allowedRatio}x)`);

    const seconds = (run.finish.getTime() - run.start.getTime()) / 1000;
    return {
      requests: answeredTotal,
      connections: options.connections,
      seconds: Math.round(seconds * 10) / 10,
      requestsPerSecond: Math.round(answeredTotal / seconds),
      statusCounts,
      fiveXx,
      connectionErrors: run.errors + warm.errors,
      timeouts: run.timeouts + warm.timeouts,
      unexpected,
      unexpectedSamples: tally.samples,
      latencyMs: { p50: run.latency.p50, p99: run.latency.p99, max: run.latency.max },
      longPolls: { ...longPolls, leftBehind: after.waiting },
      memory: { afterWarmup, afterRun, curve, rssRatio: round3(rssRatio), heapRatio: round3(heapRatio), allowedRatio },
      problems,
    };
  } finally {
    await server.stop();
  }
}

/** The slices of the run as one result: counts added, latency the worst slice's. */
function merge(runs: autocannon.Result[]): autocannon.Result {
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  const statusCodeStats: Record<string, { count: number }> = {};
  for (const r of runs)
    for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodeStats[code] = { count: (statusCodeStats[code]?.count ?? 0) + Number(count) };
  const sum = (f: (r: autocannon.Result) => number) => runs.reduce((n, r) => n + f(r), 0);
  const worst = (f: (r: autocannon.Histogram) => number) => Math.max(...runs.map((r) => f(r.latency)));
  return {
    ...last,
    start: first.start,
    finish: last.finish,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    '5xx': sum((r) => r['5xx'] ?? 0),
    requests: { ...last.requests, total: sum((r) => r.requests.total) },
    latency: { ...last.latency, p50: worst((h) => h.p50), p99: worst((h) => h.p99), max: worst((h) => h.max) },
    statusCodeStats,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const result = await runSoak({ requests: flag('requests', 200_000), connections: flag('connections', 64), longPolls: flag('long-polls', 1_000) });
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.problems.length > 0 ? 1 : 0;
}
