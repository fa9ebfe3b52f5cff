/**
 * Throughput and latency, keep-alive, side by side in one run: the emulator CLI (CI logging and
 * default logging), the framework's ceiling (minimal express 5), the platform's ceiling (bare
 * node:http) and, on the equivalent read, json-server and Prism. Every target is a child process;
 * the load generator (autocannon) runs in this process. Rounds alternate the targets in rotating
 * order so each sees the same machine noise, and ratios are taken per round, then the median.
 *
 *   node dist/scripts/bench/http.js [--quick]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromPackageRoot } from '../../emulator/paths.js';
import { ALL_SCENARIOS, ScenarioSkipped, type HttpScenario, type ScenarioSetup } from './http-scenarios.js';
import { pooledLatency, runLoad, type Latency, type LoadRequest, type LoadResult } from './load.js';
import { runPaced } from './paced.js';
import { startPeer, type PeerPackage } from './peers.js';
import { cpuTimeMs, startServer, type ServerProcess } from './processes.js';
import { median } from './stats.js';

export type TargetKind = 'emulator' | 'ceiling' | 'peer';

export interface TargetFigures {
  id: string;
  label: string;
  kind: TargetKind;
  command: string;
  /** median over rounds of 2xx responses per second */
  rps: number;
  rpsRounds: number[];
  /** pooled over rounds, ms */
  latency: Latency;
  /** median over rounds of each round's p99, ms (one round hit by a machine stall does not decide it) */
  p99Median: number;
  p99Rounds: number[];
  /** server CPU time (user + system) per answered request, µs, median over rounds; NaN where /proc is missing */
  cpuUsPerRequest: number;
  /** non-2xx responses and socket errors over all rounds (a valid run has none) */
  failures: number;
  statusCodes: Record<string, number>;
}

export interface Ratio {
  of: string;
  to: string;
  /** median of the per-round ratios of req/s */
  median: number;
  rounds: number[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  targets: boolean;
  skipped?: string;
  figures: TargetFigures[];
  /** targets that could not be measured, with the reason */
  unavailable: { id: string; label: string; reason: string }[];
  ratios: Ratio[];
  /** the emulator's answer the ceilings and peers reproduce */
  sampleBytes?: number;
  notes: string[];
}

export interface RateResult {
  scenarioId: string;
  rps: number;
  connections: number;
  durationSec: number;
  rounds: number;
  /** evenly paced, open loop (paced.ts): the target's figure */
  paced: TargetFigures[];
  /** autocannon `overallRate`: a burst at the top of each second */
  autocannon: TargetFigures[];
}

export interface HttpBenchResult {
  connections: number;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  emulatorCommands: Record<string, string>;
  scenarios: ScenarioResult[];
  rate?: RateResult;
  notes: string[];
}

export interface HttpBenchOptions {
  scenarios?: readonly HttpScenario[];
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  rate?: { scenarioId: string; rps: number; durationSec: number; rounds: number; connections: number };
  /** resolved peers, or undefined to leave the peers out */
  peers: PeerPackage[] | undefined;
  workDir: string;
  logDir: string;
  log: (msg: string) => void;
}

export interface Target {
  id: string;
  label: string;
  kind: TargetKind;
  server: ServerProcess;
  requests: LoadRequest[];
}

/** A plan catalog without workspace and member limits: create benchmarks make thousands of workspaces in one org. */
export function writeBenchPlans(workDir: string): string {
  const file = join(workDir, 'plans-unlimited.json');
  const catalog = JSON.parse(readFileSync(fromPackageRoot('fixtures', 'plans.json'), 'utf8')) as { plans: Record<string, unknown>[] };
  for (const p of catalog.plans) {
    p.workspaces = null;
    p.members_per_workspace = null;
    p.credits_per_period = null;
  }
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

export function emulatorArgs(logLevel: 'warn' | 'info', plansFile: string, extra: string[] = []): string[] {
  // --rate-limit off: the limiter still runs on every request (same cost), but a 10-second run at
  // 10k req/s would otherwise spend the default budget (100,000 per 60 s) and measure 429s.
  return [
    fromPackageRoot('dist', 'cli.mjs'),
    'start',
    '--port',
    '{port}',
    '--log-level',
    logLevel,
    '--log-format',
    'json',
    '--rate-limit',
    'off',
    '--plans',
    plansFile,
    ...extra,
  ];
}

async function routeTable(url: string): Promise<Set<string>> {
  const res = await fetch(`${url}/_emulator/routes`);
  const body = (await res.json()) as { routes: { method: string; path: string }[] };
  return new Set(body.routes.map((r) => routeKey(`${r.method} ${r.path}`)));
}

/** `GET /current/org/:org_id/details/` -> `GET /current/org/:/details/`: parameter names do not matter. */
function routeKey(s: string): string {
  return s.replace(/:[^/]+/g, ':');
}

async function probe(url: string, r: LoadRequest): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}${r.path}`, {
    method: r.method,
    headers: r.headers ?? {},
    ...(r.body !== undefined ? { body: typeof r.body === 'function' ? r.body() : r.body } : {}),
  });
  return { status: res.status, body: await res.text() };
}

export function figuresOf(t: Pick<Target, 'id' | 'label' | 'kind' | 'server'>, runs: LoadResult[]): TargetFigures {
  const statusCodes: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    id: t.id,
    label: t.label,
    kind: t.kind,
    command: t.server.command,
    rps: median(runs.map((r) => r.rps)),
    rpsRounds: runs.map((r) => r.rps),
    latency: pooledLatency(runs),
    p99Median: median(runs.map((r) => r.latency.p99)),
    p99Rounds: runs.map((r) => r.latency.p99),
    cpuUsPerRequest: median(runs.map((r) => ((r.serverCpuMs ?? NaN) * 1000) / (r.ok + r.non2xx))),
    failures: runs.reduce((a, r) => a + r.non2xx + r.errors, 0),
    statusCodes,
  };
}

/** Run every target once per round, in an order that rotates each round. */
export async function interleaved(
  targets: Target[],
  rounds: number,
  load: (t: Target) => Promise<LoadResult>,
  log: (msg: string) => void,
): Promise<Map<string, LoadResult[]>> {
  const runs = new Map<string, LoadResult[]>(targets.map((t) => [t.id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = [...targets.slice(r % targets.length), ...targets.slice(0, r % targets.length)];
    for (const t of order) {
      const cpuBefore = cpuTimeMs(t.server.pid);
      const result = await load(t);
      const cpuAfter = cpuTimeMs(t.server.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuMs = cpuAfter - cpuBefore;
      runs.get(t.id)!.push(result);
      log(`    round ${r + 1}/${rounds} ${t.label}: ${Math.round(result.rps)} req/s, p99 ${result.latency.p99.toFixed(2)} ms`);
      // Let closed sockets settle so the next target starts clean.
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  return runs;
}

function ratiosOf(runs: Map<string, LoadResult[]>, emulatorIds: string[], others: string[]): Ratio[] {
  const out: Ratio[] = [];
  for (const of of emulatorIds) {
    const a = runs.get(of);
    if (!a) continue;
    for (const to of [...emulatorIds.filter((e) => e !== of), ...others]) {
      const b = runs.get(to);
      if (!b) continue;
      const rounds = a.map((ra, i) => ra.rps / b[i]!.rps);
      out.push({ of, to, median: median(rounds), rounds });
    }
  }
  return out;
}

export async function runHttpBench(opts: HttpBenchOptions): Promise<HttpBenchResult> {
  const { log } = opts;
  const plans = writeBenchPlans(opts.workDir);
  const startEmulatorAt = (level: 'warn' | 'info') =>
    startServer({ name: `emulator-${level}`, args: emulatorArgs(level, plans), readyPath: '/_emulator/health', readyStatus: 200, logDir: opts.logDir });
  const emulators = { warn: await startEmulatorAt('warn'), info: await startEmulatorAt('info') };
  const peerNotes = (opts.peers ?? []).filter((p) => p.note && !p.unavailable).map((p) => `${p.label} ${p.version}: ${p.note}`);
  const result: HttpBenchResult = {
    connections: opts.connections,
    durationSec: opts.durationSec,
    warmupSec: opts.warmupSec,
    rounds: opts.rounds,
    emulatorCommands: { 'emulator-warn': emulators.warn.command, 'emulator-info': emulators.info.command },
    scenarios: [],
    notes: peerNotes,
  };
  try {
    const routes = await routeTable(emulators.warn.url);
    for (const scenario of opts.scenarios ?? ALL_SCENARIOS) {
      log(`  ${scenario.title}`);
      const sr: ScenarioResult = { id: scenario.id, title: scenario.title, targets: scenario.targets, figures: [], unavailable: [], ratios: [], notes: [] };
      result.scenarios.push(sr);
      // An emulator that died during an earlier scenario is replaced, and the report says so.
      for (const level of ['warn', 'info'] as const) {
        const how = emulators[level].unexpectedExit;
        if (how) {
          result.notes.push(`emulator-${level} exited unexpectedly (${how}) before "${scenario.title}"; a new one was started for the rest of the run.`);
          emulators[level] = await startEmulatorAt(level);
        }
      }
      try {
        await runScenario(scenario, sr, routes);
      } catch (e) {
        // One scenario failing (a route erroring, a server dying) must not lose the others.
        const err = e as Error & { cause?: unknown };
        const died = [emulators.warn, emulators.info].filter((em) => em.unexpectedExit).map((em) => `${em.name} exited (${em.unexpectedExit})`);
        sr.skipped = `failed: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}${died.length ? `; ${died.join(', ')}` : ''}`;
        sr.figures = [];
        sr.ratios = [];
        log(`    ${sr.skipped}`);
      }
    }
  } finally {
    await emulators.warn.stop();
    await emulators.info.stop();
  }
  return result;

  async function runScenario(scenario: HttpScenario, sr: ScenarioResult, routes: Set<string>): Promise<void> {
    const missing = scenario.needs.filter((n) => !routes.has(routeKey(n)));
    if (missing.length > 0) {
      sr.skipped = `not in this build yet: ${missing.join(', ')} (GET /_emulator/routes does not list it)`;
      log(`    skipped: ${sr.skipped}`);
      return;
    }
    let setups: { warn: ScenarioSetup; info: ScenarioSetup };
    try {
      setups = { warn: await scenario.setup(emulators.warn.url), info: await scenario.setup(emulators.info.url) };
    } catch (e) {
      if (!(e instanceof ScenarioSkipped)) throw e;
      sr.skipped = e.message;
      log(`    skipped: ${sr.skipped}`);
      return;
    }
    const first = setups.warn.requests[0]!;
    const sample = await probe(emulators.warn.url, first);
    if (sample.status !== 200) {
      sr.skipped = `the emulator answered ${sample.status}: ${sample.body.slice(0, 300)}`;
      return;
    }
    sr.sampleBytes = Buffer.byteLength(sample.body);
    const bodyFile = join(opts.workDir, `${scenario.id}-body.json`);
    writeFileSync(bodyFile, sample.body);
    const ceilingEnv = {
      CEILING_METHOD: first.method,
      CEILING_PATH: first.path,
      CEILING_TOKEN: setups.warn.token,
      CEILING_BODY_FILE: bodyFile,
    };
    const started: ServerProcess[] = [];
    const targets: Target[] = [
      { id: 'emulator-warn', label: 'emulator (--log-level warn)', kind: 'emulator', server: emulators.warn, requests: setups.warn.requests },
      { id: 'emulator-info', label: 'emulator (--log-level info)', kind: 'emulator', server: emulators.info, requests: setups.info.requests },
    ];
    const addServer = async (id: string, label: string, kind: TargetKind, start: () => Promise<ServerProcess>) => {
      try {
        const server = await start();
        started.push(server);
        targets.push({ id, label, kind, server, requests: [first] });
      } catch (e) {
        sr.unavailable.push({ id, label, reason: (e as Error).message.split('\n')[0]! });
      }
    };
    try {
      for (const [id, label, script] of [
        ['express', 'minimal express 5 (framework ceiling)', 'ceiling-express.js'],
        ['node', 'bare node:http (platform ceiling)', 'ceiling-node.js'],
      ] as const) {
        await addServer(id, label, 'ceiling', () =>
          startServer({
            name: id,
            args: [fileURLToPath(new URL(`./servers/${script}`, import.meta.url))],
            env: { ...ceilingEnv, PORT: '{port}' },
            readyPath: '/',
            logDir: opts.logDir,
          }),
        );
      }
      if (scenario.peers && opts.peers) {
        for (const peer of opts.peers) {
          const label = `${peer.label} ${peer.version ?? ''}`.trim();
          if (peer.unavailable) {
            sr.unavailable.push({ id: peer.id, label, reason: peer.unavailable });
            continue;
          }
          await addServer(peer.id, label, 'peer', () => startPeer(peer, first.path, setups.warn.token, sample.body, opts.workDir, opts.logDir));
        }
      }
      for (const t of [...targets]) {
        const p = await probe(t.server.url, t.requests[0]!);
        if (p.status !== 200) {
          sr.unavailable.push({ id: t.id, label: t.label, reason: `answered ${p.status} to the probe: ${p.body.slice(0, 200)}` });
          targets.splice(targets.indexOf(t), 1);
        }
      }
      const load = (t: Target, durationSec: number) => runLoad({ url: t.server.url, requests: t.requests, connections: opts.connections, durationSec });
      for (const t of targets) await load(t, opts.warmupSec);
      const runs = await interleaved(targets, opts.rounds, (t) => load(t, opts.durationSec), log);
      sr.figures = targets.map((t) => figuresOf(t, runs.get(t.id)!));
      if (setups.warn.requests.length > 1)
        sr.notes.push(
          `Each emulator connection cycles through ${setups.warn.requests.length} requests (${setups.warn.requests.length} different queries of the same route); ` +
            `the ceilings answer the first one\u2019s body (${sr.sampleBytes} bytes) to every request.`,
        );
      if (first.method !== 'GET') {
        // Writes accumulate in the state the scenario set up: say how far it grew.
        const answered = (id: string) => runs.get(id)!.reduce((a, r) => a + r.ok, 0);
        sr.notes.push(
          `Writes accumulate in the state the setup created (one org here): over the measured rounds the emulator answered ` +
            `${answered('emulator-warn').toLocaleString('en-US')} (warn) and ${answered('emulator-info').toLocaleString('en-US')} (info) of them, ` +
            `besides those of its ${opts.warmupSec} s warm-up; a round's figure includes the cost of the state grown by the rounds before it.`,
        );
      }
      sr.ratios = ratiosOf(
        runs,
        targets.filter((t) => t.kind === 'emulator').map((t) => t.id),
        targets.filter((t) => t.kind !== 'emulator').map((t) => t.id),
      );

      if (opts.rate && opts.rate.scenarioId === scenario.id) {
        const rate = opts.rate;
        log(`  ${scenario.title} at ${rate.rps} req/s`);
        const rateTargets = targets.filter((t) => ['emulator-warn', 'express', 'node'].includes(t.id));
        log(`    evenly paced`);
        const pacedRuns = await interleaved(
          rateTargets,
          rate.rounds,
          (t) => runPaced({ url: t.server.url, requests: t.requests, connections: rate.connections, durationSec: rate.durationSec, rps: rate.rps }),
          log,
        );
        log(`    autocannon overallRate`);
        const burstRuns = await interleaved(
          rateTargets,
          rate.rounds,
          (t) => runLoad({ url: t.server.url, requests: t.requests, connections: rate.connections, durationSec: rate.durationSec, overallRate: rate.rps }),
          log,
        );
        result.rate = {
          scenarioId: scenario.id,
          rps: rate.rps,
          connections: rate.connections,
          durationSec: rate.durationSec,
          rounds: rate.rounds,
          paced: rateTargets.map((t) => figuresOf(t, pacedRuns.get(t.id)!)),
          autocannon: rateTargets.map((t) => figuresOf(t, burstRuns.get(t.id)!)),
        };
      }
    } finally {
      for (const s of started) await s.stop();
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { ensurePeers } = await import('./peers.js');
  const quick = process.argv.includes('--quick');
  const workDir = mkdtempSync(join(tmpdir(), 'fastio-bench-http-'));
  const log = (m: string) => console.log(m);
  const r = await runHttpBench({
    rounds: quick ? 1 : 3,
    durationSec: quick ? 2 : 10,
    warmupSec: quick ? 1 : 3,
    connections: 50,
    rate: { scenarioId: 'user-details-api-key', rps: 1000, durationSec: quick ? 3 : 10, rounds: quick ? 1 : 3, connections: 50 },
    peers: await ensurePeers(log),
    workDir,
    logDir: workDir,
    log,
  });
  console.log(JSON.stringify(r, (k, v: unknown) => (k === 'rpsRounds' || k === 'rounds' ? undefined : v), 2));
}
