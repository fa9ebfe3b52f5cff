/**
 * The benchmarks of issue 8, in one run, written to BENCHMARKS.md.
 *
 *   npm run bench                 full run (about 20 minutes)
 *   npm run bench -- --quick      a short pass (about a minute after the build): indicative figures only
 *
 * Options: --only startup,http,persistence,scale,search,search-http,bytes   --no-peers   --out FILE   --keep (keep
 * the temporary folder with the servers' logs)   --render [FILE] (write the report again from the
 * last run's saved results, after filling in causes.ts; measures nothing).
 *
 * Sections: startup (startup.ts), throughput and latency (http.ts, with the ceilings in servers/
 * and the peers from peers/), persistence (persistence.ts), scale (scale.ts, state-generator.ts)
 * and chunk search over 10,000 passages in one workspace: the intelligence engine in process
 * (search.ts, its owner's) and through `GET /current/workspace/{id}/storage/search/` over HTTP
 * (search-http.ts), and bytes at scale: 1 GB of stored files exported, flushed and restarted with --data (bytes.ts). A section that fails is reported as failed; the others still run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fromPackageRoot } from '../../emulator/paths.js';
import { runHttpBench } from './http.js';
import { ensurePeers } from './peers.js';
import { runPersistenceBench } from './persistence.js';
import { machineInfo, renderReport, type RunInfo } from './report.js';
import { runScaleBench } from './scale.js';
import { runSearchBench } from './search.js';
import { runStartupBench } from './startup.js';
import { SCALE_SHAPE, shapeForRows, rowsOf } from './state-generator.js';
import { evaluateTargets, type BenchResults } from './targets.js';
import { ALL_SCENARIOS, userDetailsApiKey } from './http-scenarios.js';

const SECTIONS = ['startup', 'http', 'scale', 'search', 'search-http', 'persistence', 'bytes'] as const;
/** Every run's results, so the report can be written again (`--render`) once causes are filled in. */
const LAST_RUN = fromPackageRoot('dist', 'scripts', 'bench', 'last-run.json');
type Section = (typeof SECTIONS)[number];

interface Args {
  /** re-render BENCHMARKS.md from a saved run (after editing causes.ts), measuring nothing */
  render: string | undefined;
  quick: boolean;
  only: Set<Section>;
  peers: boolean;
  out: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only');
  const unknown = only?.split(',').filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown?.length) throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; sections are ${SECTIONS.join(', ')}`);
  return {
    render: argv.includes('--render') ? (value('--render')?.startsWith('--') === false ? value('--render') : LAST_RUN) : undefined,
    quick: argv.includes('--quick'),
    only: new Set((only ? only.split(',') : SECTIONS) as Section[]),
    peers: !argv.includes('--no-peers'),
    out: value('--out') ?? fromPackageRoot('BENCHMARKS.md'),
    keep: argv.includes('--keep'),
  };
}

/** How the CLI loads the `large` scenario: a named seed (`--seed large`), or the scenario file. */
function largeScenarioArgs(): string[] | string {
  const help = execFileSync(process.execPath, [fromPackageRoot('dist', 'cli.mjs'), 'start', '--help'], { encoding: 'utf8' });
  // The --seed option's description, with its wrapped continuation lines.
  const lines = help.split('\n');
  const at = lines.findIndex((l) => /^\s*(-\w, )?--seed\b/.test(l));
  let seedHelp = at >= 0 ? lines[at]! : '';
  for (let i = at + 1; at >= 0 && i < lines.length && /^\s{6,}\S/.test(lines[i]!) && !/^\s*-/.test(lines[i]!); i++) seedHelp += ` ${lines[i]!.trim()}`;
  if (/\blarge\b/.test(seedHelp)) return ['--seed', 'large'];
  const file = fromPackageRoot('fixtures', 'scenarios', 'large.json');
  if (existsSync(file)) return ['--seed', file];
  return 'no `large` scenario in this build (`start --help` names no such seed and fixtures/scenarios/large.json does not exist)';
}

const args = parseArgs(process.argv.slice(2));
if (args.render) {
  const saved = JSON.parse(readFileSync(args.render, 'utf8')) as { results: BenchResults; run: RunInfo };
  const run = { ...saved.run, startedAt: new Date(saved.run.startedAt), finishedAt: new Date(saved.run.finishedAt) };
  writeFileSync(args.out, renderReport(saved.results, run));
  console.log(`wrote ${args.out} from ${args.render} (the run of ${run.startedAt.toISOString()})`);
  for (const t of evaluateTargets(saved.results)) console.log(`  ${t.verdict.padEnd(12)} ${t.target}: ${t.figure}`);
  process.exit(0);
}
const quick = args.quick;
const startedAt = new Date();
const workDir = mkdtempSync(join(tmpdir(), 'fastio-bench-'));
const logDir = join(workDir, 'logs');
mkdirSync(logDir);
const log = (msg: string) => console.log(msg);
const results: BenchResults = { quick, errors: {} };
const load: RunInfo['load'] = [];

async function section(name: Section, title: string, fn: () => Promise<void>): Promise<void> {
  if (!args.only.has(name)) return;
  log(`\n== ${title}`);
  const start = loadavg()[0]!;
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { cause?: unknown };
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    results.errors[name] = `${err.message.split('\n')[0]!}${cause}`;
    log(`   failed: ${err.stack ?? err.message}${cause}`);
  }
  load.push({ section: name, start, end: loadavg()[0]! });
}

log(`fastio-emulator benchmarks${quick ? ' (quick pass)' : ''}; temporary folder ${workDir}`);

await section('startup', 'startup', async () => {
  const empty = await runStartupBench({ runs: quick ? 5 : 15, npmStart: true });
  log(`   emulator p50 ${empty.emulator.p50.toFixed(1)} ms, bare p50 ${empty.bare.p50.toFixed(1)} ms`);
  const large = largeScenarioArgs();
  if (typeof large === 'string') results.startup = { empty, largeSkipped: large };
  else results.startup = { empty, large: await runStartupBench({ runs: quick ? 3 : 10, extraArgs: large }) };
});

await section('http', 'throughput and latency', async () => {
  const peers = args.peers ? await ensurePeers(log) : undefined;
  results.http = await runHttpBench({
    // The quick pass measures the equivalent read only; the full run every route.
    scenarios: quick ? [userDetailsApiKey] : ALL_SCENARIOS,
    rounds: quick ? 1 : 5,
    durationSec: quick ? 2 : 5,
    warmupSec: quick ? 1 : 3,
    connections: 50,
    rate: { scenarioId: userDetailsApiKey.id, rps: 1000, durationSec: quick ? 2 : 5, rounds: quick ? 1 : 5, connections: 50 },
    peers,
    workDir,
    logDir,
    log,
  });
});

await section('scale', 'scale', async () => {
  // --quick: a tenth of the scale, so the pass stays short.
  const shape = quick ? shapeForRows(Math.round(rowsOf(SCALE_SHAPE) / 10)) : SCALE_SHAPE;
  results.scale = await runScaleBench({ shape, rounds: quick ? 1 : 3, durationSec: quick ? 2 : 5, connections: 10, workDir, logDir, log });
});

await section('search', 'chunk search (intelligence engine)', async () => {
  const r = runSearchBench({ passages: 10_000, queries: quick ? 100 : 500 });
  results.search = { passages: r.passages, queries: r.queries, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
  log(`   p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
});

await section('search-http', 'chunk search through the route (HTTP)', async () => {
  // --quick: a fifth of the passages, so the pass stays short; the report says so and judges no target on it.
  const targetPassages = quick ? 2_000 : 10_000;
  const queries = quick ? 100 : 500;
  // Imported here: it runs an emulator in this process, and the sections before it need none loaded.
  const { runSearchHttpBench } = await import('./search-http.js');
  const r = await runSearchHttpBench({ passages: targetPassages, queries });
  results.searchHttp = { targetPassages, ...r };
  log(`   ${r.passages} passages in ${r.files} files (ingested in ${r.ingestMs} ms)`);
  for (const s of r.shapes) log(`   ${s.shape}: p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
});

await section('persistence', 'persistence', async () => {
  results.persistence = await runPersistenceBench({
    rounds: quick ? 1 : 5,
    durationSec: quick ? 2 : 5,
    warmupSec: 1,
    connections: 50,
    flushSizes: quick ? [10_000, 50_000] : [10_000, 50_000, 100_000, 200_000],
    flushRepeats: quick ? 2 : 5,
    duringFlush: { rounds: quick ? 1 : 3, durationSec: quick ? 3 : 10, connections: 4, writeEveryMs: 100 },
    workDir,
    logDir,
    log,
  });
});

await section('bytes', 'bytes at scale', async () => {
  // --quick: 64 MB instead of 1 GB, so the pass stays short; the target is judged on the full run.
  const { runBytesBench } = await import('./bytes.js');
  results.bytes = await runBytesBench({ files: quick ? 16 : 256, fileBytes: 4 * 1024 * 1024, concurrency: 4, readBack: 8, workDir, logDir, log });
});

const autocannonVersion = (JSON.parse(readFileSync(fromPackageRoot('node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
const run: RunInfo = {
  command: `npm run bench${quick ? ' -- --quick' : ''}${
    process.argv.slice(2).filter((a) => a !== '--quick').length
      ? ` (with ${process.argv
          .slice(2)
          .filter((a) => a !== '--quick')
          .join(' ')})`
      : ''
  }`,
  startedAt,
  finishedAt: new Date(),
  machine: machineInfo(),
  load,
  workDir,
  autocannonVersion,
};
writeFileSync(args.out, renderReport(results, run));
writeFileSync(LAST_RUN, JSON.stringify({ results, run }));
log(`\nwrote ${args.out} (results kept in ${LAST_RUN}: \`node dist/scripts/bench/index.js --render\` writes the report again)`);
for (const t of evaluateTargets(results)) log(`  ${t.verdict.padEnd(12)} ${t.target}: ${t.figure}`);
if (args.keep) log(`kept ${workDir}`);
else rmSync(workDir, { recursive: true, force: true });
