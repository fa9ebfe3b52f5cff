/**
 * Start-up time: from spawning a process to the first 200 from its health URL, for the emulator's
 * CLI and for a bare node:http server started the same way, interleaved run by run so both see the
 * same machine noise. Target: the emulator within 150 ms of bare node (median).
 *
 *   node dist/scripts/bench/startup.js [--runs 15] [--seed FILE]
 */
import { spawn } from 'node:child_process';
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
}

async function timeToHealthy(args: string[], healthPath: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
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
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  }
}

export async function runStartupBench(opts: { runs?: number; extraArgs?: string[] } = {}): Promise<StartupResult> {
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
  return { runs, emulator, bare: bareS, overheadMs, targetMs: 150, met: overheadMs <= 150, extraArgs };
}

function fmt(s: ReturnType<typeof summarize>): string {
  return `p50 ${round(s.p50, 1)} ms, min ${round(s.min, 1)} ms, p90 ${round(s.p90, 1)} ms`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const runsIdx = args.indexOf('--runs');
  const seedIdx = args.indexOf('--seed');
  const r = await runStartupBench({
    runs: runsIdx >= 0 ? Number(args[runsIdx + 1]) : 15,
    extraArgs: seedIdx >= 0 ? ['--seed', args[seedIdx + 1]!] : [],
  });
  console.log(`startup, ${r.runs} interleaved runs${r.extraArgs.length ? ` (${r.extraArgs.join(' ')})` : ''}`);
  console.log(`  emulator CLI : ${fmt(r.emulator)}`);
  console.log(`  bare node    : ${fmt(r.bare)}`);
  console.log(`  overhead     : ${round(r.overheadMs, 1)} ms (target <= ${r.targetMs} ms) ${r.met ? 'MET' : 'MISSED'}`);
}
