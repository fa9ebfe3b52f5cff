/**
 * Start-up time: from spawning a process to the first 200 from its health URL, for the emulator's
 * CLI and for a bare node:http server started the same way, interleaved run by run so both see the
 * same machine noise. Target: the emulator within 150 ms of bare node (median).
 *
 * And `npm start` as a person types it on a built checkout (issue 21): from spawning npm to the
 * first 200, through npm, the stale-build check and the demo seed. Target: every run under 2 s.
 *
 *   node dist/scripts/bench/startup.js [--runs 15] [--seed FILE] [--npm-start-only]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fromPackageRoot } from '../../emulator/paths.js';
import { round, summarize } from './stats.js';

export interface StartupResult {
  runs: number;
  emulator: ReturnType<typeof summarize>;
  bare: ReturnType<typeof summarize>;
  /** median emulator minus median bare, ms */
  overheadMs: number;
  targetMs: number;
  met: boolean;
  extraArgs: string[];
  /** `npm start` on the built checkout, when asked for */
  npmStart?: NpmStartResult | undefined;
}

export interface NpmStartResult {
  runs: number;
  summary: ReturnType<typeof summarize>;
  targetMs: number;
  /** every run answered within the target */
  met: boolean;
}

export const NPM_START_TARGET_MS = 2000;

async function timeToHealthy(args: string[], healthPath: string, command: string = process.execPath): Promise<number> {
  const t0 = performance.now();
  // Its own process group: `npm start` runs node under a shell, and the whole group is ended below.
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
    cwd: fromPackageRoot(),
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.on('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
    });
    child.stdout!.resume();
    for (;;) {
      const res = await fetch(`${url}${healthPath}`).catch(() => undefined);
      if (res?.status === 200) {
        await res.arrayBuffer();
        return performance.now() - t0;
      }
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

/**
 * `npm start -- --port 0` on this checkout, as built: the stale-build check runs once first (so a
 * stale checkout is built before timing; a timed run that builds is an error), then each run is
 * timed from spawning npm to the first 200 from the health URL.
 */
export async function runNpmStartBench(opts: { runs?: number } = {}): Promise<NpmStartResult> {
  const runs = opts.runs ?? 5;
  const stale = spawnSync(process.execPath, [fromPackageRoot('scripts', 'build-if-stale.mjs')], { stdio: 'inherit', cwd: fromPackageRoot() });
  if (stale.status !== 0) throw new Error('the build failed');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['start', '--silent', '--', '--port', '0', '--log-level', 'warn'];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeToHealthy(args, '/_emulator/health', npm));
  const summary = summarize(times);
  return { runs, summary, targetMs: NPM_START_TARGET_MS, met: summary.max < NPM_START_TARGET_MS };
}

export async function runStartupBench(opts: { runs?: number; extraArgs?: string[]; npmStart?: boolean } = {}): Promise<StartupResult> {
  const runs = opts.runs ?? 15;
  const extraArgs = opts.extraArgs ?? [];
  const cli = fromPackageRoot('dist', 'cli.mjs');
  const bare = fileURLToPath(new URL('./servers/bare-server.js', import.meta.url));
  const emuArgs = [cli, 'start', '--port', '0', '--log-level', 'warn', ...extraArgs];
  // One warm-up each, so the first run does not pay for a cold file cache.
  await timeToHealthy(emuArgs, '/_emulator/health');
  await timeToHealthy([bare], '/');
  const e: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    e.push(await timeToHealthy(emuArgs, '/_emulator/health'));
    b.push(await timeToHealthy([bare], '/'));
  }
  const emulator = summarize(e);
  const bareS = summarize(b);
  const overheadMs = emulator.p50 - bareS.p50;
  const npmStart = opts.npmStart ? await runNpmStartBench({ runs: Math.min(runs, 5) }) : undefined;
  return { runs, emulator, bare: bareS, overheadMs, targetMs: 150, met: overheadMs <= 150, extraArgs, npmStart };
}

function fmt(s: ReturnType<typeof summarize>): string {
  return `p50 ${round(s.p50, 1)} ms, min ${round(s.min, 1)} ms, p90 ${round(s.p90, 1)} ms, max ${round(s.max, 1)} ms`;
}

function npmStartLine(n: NpmStartResult): string {
  return `  npm start    : ${fmt(n.summary)} (${n.runs} runs; target: every run < ${n.targetMs} ms) ${n.met ? 'MET' : 'MISSED'}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const runsIdx = args.indexOf('--runs');
  const seedIdx = args.indexOf('--seed');
  if (args.includes('--npm-start-only')) {
    console.log(npmStartLine(await runNpmStartBench({ runs: runsIdx >= 0 ? Number(args[runsIdx + 1]) : 5 })));
    process.exit(0);
  }
  const r = await runStartupBench({
    npmStart: seedIdx < 0,
    runs: runsIdx >= 0 ? Number(args[runsIdx + 1]) : 15,
    extraArgs: seedIdx >= 0 ? ['--seed', args[seedIdx + 1]!] : [],
  });
  console.log(`startup, ${r.runs} interleaved runs${r.extraArgs.length ? ` (${r.extraArgs.join(' ')})` : ''}`);
  console.log(`  emulator CLI : ${fmt(r.emulator)}`);
  console.log(`  bare node    : ${fmt(r.bare)}`);
  console.log(`  overhead     : ${round(r.overheadMs, 1)} ms (target <= ${r.targetMs} ms) ${r.met ? 'MET' : 'MISSED'}`);
  if (r.npmStart) console.log(npmStartLine(r.npmStart));
}
