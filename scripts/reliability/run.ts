/**
 * `npm run soak`: the long form of every reliability test (test/reliability/, with
 * FASTIO_RELIABILITY=long: 100,000 isolation steps, 200 SIGKILLs, 5,000-request races, the
 * 200,000-request soak with 1,000 long-polls), then RELIABILITY.md written from the summaries the
 * tests leave in test-results/reliability/*.long.json and vitest's own pass/fail per test.
 *
 *   npm run soak                 # everything
 *   npm run soak -- soak         # only files whose name matches (vitest filters); the
 *                                # report keeps the other sections from the last run, marked
 *
 * Exits with vitest's status: a failing long run still writes the report, marked as failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../../emulator/index.js';
import { renderReliability } from './report.js';

const results = fromPackageRoot('test-results', 'reliability');
mkdirSync(results, { recursive: true });
// A summary left by an earlier run must not pass for this one's.
for (const f of readdirSync(results)) if (f.endsWith('.long.json')) rmSync(join(results, f));

const filters = process.argv.slice(2);
// Not *.long.json: those are the tests' own summaries.
const vitestJson = join(results, 'vitest-long-run.json');
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    fromPackageRoot('node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--project',
    'unit',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${vitestJson}`,
    ...(filters.length > 0 ? filters.map((f) => `test/reliability/${f}`) : ['test/reliability']),
  ],
  { stdio: 'inherit', env: { ...process.env, FASTIO_RELIABILITY: 'long' }, cwd: fromPackageRoot() },
);
const status = run.status ?? 1;
const command = `npm run soak${filters.length > 0 ? ` -- ${filters.join(' ')}` : ''}`;
const report = fromPackageRoot('RELIABILITY.md');
const out = renderReliability({
  resultsDir: results,
  vitestJson,
  command,
  seconds: (Date.now() - started) / 1000,
  exitStatus: status,
  // A filtered run keeps what it did not rerun (report.ts readPrevious).
  ...(filters.length > 0 && existsSync(report) ? { previous: readFileSync(report, 'utf8') } : {}),
});
console.log(`\nwrote ${out}`);
process.exit(status);
