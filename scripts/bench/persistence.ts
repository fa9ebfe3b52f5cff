/**
 * Persistence (`--data`):
 *
 * 1. Write throughput with `--data` as a ratio of the same run without it: two CLIs side by side,
 *    rounds alternating, each run from an empty state (reset, then a fresh persona) creating API
 *    keys (`POST /current/user/auth/key/`: a real write that changes one row and costs no password
 *    hashing, so the flush is what differs).
 * 2. Flush time against state size: the emulator's own Persistence in this process, loaded with a
 *    generated state of each size; each flush is timed, and a setImmediate chain records the
 *    longest stretch the event loop could not serve anything (what a request arriving then waits),
 *    next to the same measurement with no flush running.
 * 3. Worst request latency while flushes of the large state run: two CLIs loaded with the same
 *    large state (`PUT /_emulator/state`), one with `--data`; a slow writer keeps the state dirty
 *    (so a flush is always under way or due) while a read route is hammered.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildEmulator } from '../../emulator/server.js';
import { readStateFile } from '../../emulator/store/persistence.js';
import { emulatorArgs, figuresOf, interleaved, writeBenchPlans, type Ratio, type Target, type TargetFigures } from './http.js';
import { persona } from './http-scenarios.js';
import { runLoad, type LoadResult } from './load.js';
import { startServer, type ServerProcess } from './processes.js';
import { shapeForRows, writeStateFile } from './state-generator.js';
import { median, percentile } from './stats.js';

export interface PersistenceBenchOptions {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  /** state sizes (rows) for the flush-time table; the last is the "large" state */
  flushSizes: number[];
  flushRepeats: number;
  duringFlush: { rounds: number; durationSec: number; connections: number; writeEveryMs: number };
  workDir: string;
  logDir: string;
  log: (msg: string) => void;
}

export interface WriteThroughput {
  route: string;
  mem: TargetFigures;
  disk: TargetFigures;
  /** disk / mem req/s, per round, median */
  ratio: Ratio;
  flushesPerRun: number[];
}

export interface FlushAtSize {
  rows: number;
  fileBytes: number;
  flushMs: number;
  flushMsRuns: number[];
  /** longest event-loop turn during any of the flushes, ms */
  maxBlockMs: number;
  /** the longest turn of each flush, ms */
  maxBlockPerFlush: number[];
  /** median over flushes of each flush's longest turn: one machine stall in one flush does not decide it */
  medianMaxBlockMs: number;
  /** 99.9th percentile of event-loop turns during the flushes, ms */
  p999BlockMs: number;
  /** the longest turn in a window with no flush, as long as each flush, ms */
  idleMaxPerWindow: number[];
  idleMaxBlockMs: number;
}

export interface DuringFlush {
  rows: number;
  stateBytes: number;
  route: string;
  connections: number;
  writeEveryMs: number;
  disk: TargetFigures;
  mem: TargetFigures;
  /** per round, max latency ms */
  diskMaxRounds: number[];
  memMaxRounds: number[];
  flushesPerRun: number[];
}

export interface PersistenceBenchResult {
  commands: { disk: string; mem: string };
  writes: WriteThroughput;
  flushBySize: FlushAtSize[];
  duringFlush: DuringFlush;
}

interface Health {
  persistence?: { flushes: number; dirty: boolean; lastFlushAt: string | null };
}

async function health(url: string): Promise<Health> {
  // A pooled keep-alive connection the server has just closed fails once: ask again before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (await fetch(`${url}/_emulator/health`)).json()) as Health;
    } catch (e) {
      if (attempt >= 3) throw e;
      await sleep(100);
    }
  }
}

async function flushesOf(url: string): Promise<number> {
  return (await health(url)).persistence?.flushes ?? 0;
}

/** Wait until `--data` has nothing unwritten. */
async function settled(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = (await health(url)).persistence;
    if (!p || !p.dirty) {
      // Twice in a row, so a flush that just started is not mistaken for done.
      await sleep(50);
      const again = (await health(url)).persistence;
      if (!again || !again.dirty) return;
    }
    if (Date.now() > deadline) throw new Error('the state file did not settle');
    await sleep(50);
  }
}

async function reset(url: string): Promise<void> {
  const res = await fetch(`${url}/_emulator/reset`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
  if (res.status !== 200) throw new Error(`reset answered ${res.status}`);
}

/** Records the gaps between turns of the event loop (a setImmediate chain). */
function loopGaps(): { stop(): number[] } {
  const gaps: number[] = [];
  let last = performance.now();
  let on = true;
  const tick = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      on = false;
      return gaps;
    },
  };
}

async function writeThroughput(opts: PersistenceBenchOptions, disk: ServerProcess, mem: ServerProcess): Promise<WriteThroughput> {
  const route = 'POST /current/user/auth/key/';
  const targets: Target[] = [
    { id: 'mem', label: 'emulator, in memory', kind: 'emulator', server: mem, requests: [] },
    { id: 'disk', label: 'emulator, --data', kind: 'emulator', server: disk, requests: [] },
  ];
  const flushesPerRun: number[] = [];
  const run = async (t: Target, durationSec: number): Promise<LoadResult> => {
    await reset(t.server.url);
    await settled(t.server.url);
    const p = await persona(t.server.url);
    const before = await flushesOf(t.server.url);
    const r = await runLoad({
      url: t.server.url,
      connections: opts.connections,
      durationSec,
      requests: [
        {
          method: 'POST',
          path: '/current/user/auth/key/',
          headers: { authorization: `Bearer ${p.api_key}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'memo=bench',
        },
      ],
    });
    if (t.id === 'disk') flushesPerRun.push((await flushesOf(t.server.url)) - before);
    return r;
  };
  for (const t of targets) await run(t, opts.warmupSec);
  flushesPerRun.length = 0;
  const runs = await interleaved(targets, opts.rounds, (t) => run(t, opts.durationSec), opts.log);
  const m = runs.get('mem')!;
  const d = runs.get('disk')!;
  const rounds = d.map((r, i) => r.rps / m[i]!.rps);
  return {
    route,
    mem: figuresOf(targets[0]!, m),
    disk: figuresOf(targets[1]!, d),
    ratio: { of: 'disk', to: 'mem', median: median(rounds), rounds },
    flushesPerRun,
  };
}

async function flushAtSize(rows: number, opts: PersistenceBenchOptions): Promise<FlushAtSize> {
  const stateFile = join(opts.workDir, `state-${rows}.json`);
  const dataFile = join(opts.workDir, `data-${rows}.json`);
  await writeStateFile(stateFile, shapeForRows(rows));
  // A long flush delay: the flushes measured are the ones called here, not timer ones.
  const { emulator, persistence } = await buildEmulator({ dataFile, flushDelayMs: 60_000 });
  emulator.importState(await readStateFile(stateFile), stateFile);
  rmSync(stateFile);
  const p = persistence!;
  const flushMsRuns: number[] = [];
  const gaps: number[] = [];
  const maxBlockPerFlush: number[] = [];
  const idleMaxPerWindow: number[] = [];
  const maxOf = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
  for (let i = 0; i < opts.flushRepeats; i++) {
    p.markDirty();
    const monitor = loopGaps();
    const t0 = performance.now();
    await p.flush();
    const ms = performance.now() - t0;
    flushMsRuns.push(ms);
    const flushGaps = monitor.stop();
    maxBlockPerFlush.push(maxOf(flushGaps));
    for (const g of flushGaps) gaps.push(g);
    // The same recording with nothing to do, for as long: what the machine alone does to the loop.
    const idle = loopGaps();
    await sleep(ms);
    idleMaxPerWindow.push(maxOf(idle.stop()));
  }
  const fileBytes = readFileSync(dataFile).byteLength;
  await p.close();
  rmSync(dataFile, { force: true });
  const sorted = gaps.sort((a, b) => a - b);
  return {
    rows: emulator.db.tables.reduce((a, t) => a + t.size, 0),
    fileBytes,
    flushMs: median(flushMsRuns),
    flushMsRuns,
    maxBlockMs: sorted[sorted.length - 1] ?? NaN,
    maxBlockPerFlush,
    medianMaxBlockMs: median(maxBlockPerFlush),
    p999BlockMs: percentile(sorted, 99.9),
    idleMaxPerWindow,
    idleMaxBlockMs: maxOf(idleMaxPerWindow),
  };
}

async function duringFlush(opts: PersistenceBenchOptions, disk: ServerProcess, mem: ServerProcess, rows: number): Promise<DuringFlush> {
  const o = opts.duringFlush;
  const stateFile = join(opts.workDir, `state-large-${rows}.json`);
  const generated = await writeStateFile(stateFile, shapeForRows(rows));
  const body = readFileSync(stateFile);
  for (const s of [disk, mem]) {
    const res = await fetch(`${s.url}/_emulator/state`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`PUT /_emulator/state answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  rmSync(stateFile);
  await settled(disk.url);
  const personas = { disk: await persona(disk.url), mem: await persona(mem.url) };
  await settled(disk.url);
  const targets: Target[] = [
    { id: 'mem', label: 'emulator, in memory', kind: 'emulator', server: mem, requests: [] },
    { id: 'disk', label: 'emulator, --data', kind: 'emulator', server: disk, requests: [] },
  ];
  const flushesPerRun: number[] = [];
  const run = async (t: Target, durationSec: number): Promise<LoadResult> => {
    const token = personas[t.id as 'disk' | 'mem'].api_key;
    const headers = { authorization: `Bearer ${token}` };
    // The writer: one API key every writeEveryMs keeps the state dirty, so flushes run back to back.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await fetch(`${t.server.url}/current/user/auth/key/`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'memo=flush-bench',
        })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await sleep(o.writeEveryMs);
      }
    })();
    const before = await flushesOf(t.server.url);
    const r = await runLoad({
      url: t.server.url,
      connections: o.connections,
      durationSec,
      requests: [{ method: 'GET', path: '/current/user/details/', headers }],
    });
    writing = false;
    await writer;
    if (t.id === 'disk') flushesPerRun.push((await flushesOf(t.server.url)) - before);
    return r;
  };
  for (const t of targets) await run(t, 1);
  flushesPerRun.length = 0;
  const runs = await interleaved(targets, o.rounds, (t) => run(t, o.durationSec), opts.log);
  return {
    rows: generated.totalRows,
    stateBytes: generated.bytes,
    route: 'GET /current/user/details/',
    connections: o.connections,
    writeEveryMs: o.writeEveryMs,
    disk: figuresOf(targets[1]!, runs.get('disk')!),
    mem: figuresOf(targets[0]!, runs.get('mem')!),
    diskMaxRounds: runs.get('disk')!.map((r) => r.latency.max),
    memMaxRounds: runs.get('mem')!.map((r) => r.latency.max),
    flushesPerRun,
  };
}

export async function runPersistenceBench(opts: PersistenceBenchOptions): Promise<PersistenceBenchResult> {
  const { log } = opts;
  const plans = writeBenchPlans(opts.workDir);
  const dataFile = join(opts.workDir, 'bench-data.json');
  const start = (name: string, extra: string[]) =>
    startServer({ name, args: emulatorArgs('warn', plans, extra), readyPath: '/_emulator/health', readyStatus: 200, logDir: opts.logDir });
  const disk = await start('emulator-data', ['--data', dataFile]);
  const mem = await start('emulator-memory', []);
  try {
    log(`  write throughput, ${opts.connections} connections`);
    const writes = await writeThroughput(opts, disk, mem);
    const flushBySize: FlushAtSize[] = [];
    for (const rows of opts.flushSizes) {
      log(`  flush of a ${rows.toLocaleString('en-US')}-row state (in process)`);
      flushBySize.push(await flushAtSize(rows, opts));
      const f = flushBySize[flushBySize.length - 1]!;
      log(
        `    ${f.flushMs.toFixed(1)} ms; longest loop turn per flush ${f.maxBlockPerFlush.map((v) => v.toFixed(1)).join(', ')} ms (idle ${f.idleMaxPerWindow.map((v) => v.toFixed(1)).join(', ')} ms)`,
      );
    }
    const large = opts.flushSizes[opts.flushSizes.length - 1]!;
    log(`  reads while a ${large.toLocaleString('en-US')}-row state flushes`);
    const during = await duringFlush(opts, disk, mem, large);
    return { commands: { disk: disk.command, mem: mem.command }, writes, flushBySize, duringFlush: during };
  } finally {
    await disk.stop();
    await mem.stop();
    rmSync(dataFile, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const quick = process.argv.includes('--quick');
  const workDir = mkdtempSync(join(tmpdir(), 'fastio-bench-persistence-'));
  const r = await runPersistenceBench({
    rounds: quick ? 1 : 3,
    durationSec: quick ? 2 : 5,
    warmupSec: 1,
    connections: 50,
    flushSizes: quick ? [10_000, 50_000] : [10_000, 50_000, 100_000, 200_000],
    flushRepeats: 3,
    duringFlush: { rounds: quick ? 1 : 3, durationSec: quick ? 3 : 10, connections: 4, writeEveryMs: 100 },
    workDir,
    logDir: workDir,
    log: (m) => console.log(m),
  });
  console.log(JSON.stringify(r, (k, v: unknown) => (k === 'samples' ? undefined : v), 2));
  rmSync(workDir, { recursive: true, force: true });
}
