/**
 * A fresh clone, as a new user gets it: `git clone` of this checkout's HEAD into a temp folder,
 * then the README's two set-up commands' equivalents with no chromium and no network:
 *
 *   npm ci --offline         (the npm cache; if it cannot serve the lockfile, this checkout's
 *                             node_modules is linked instead, and the test says so loudly)
 *   npm start                (it builds, being a fresh clone; the banner must appear)
 *   npm test                 (its own steps, read from package.json; `vitest run` becomes a
 *                             small unit subset, the browser tests among them, which must skip
 *                             loudly, plus the whole contracts:inprocess project, whose records
 *                             parity:check reads)
 *
 * Opt-in: it costs a full build and lint of the clone (minutes on two shared cores), more than
 * `npm test` can afford on every run. Set FASTIO_EMULATOR_FRESH_CLONE=1 to run it (.ci/run can).
 * Without it the test is skipped with one line saying how to run it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/paths.js';

const ROOT = fromPackageRoot();
const wanted = process.env.FASTIO_EMULATOR_FRESH_CLONE === '1';
/**
 * What `vitest run` becomes in the clone: a few unit files, with the dashboard's browser tests
 * (skipped without chromium), then the in-process contract suites in both dialects (parity:check
 * needs both dialects' records; the HTTP target and the rest of the unit project are left to the checkout's own run).
 */
const VITEST_STEPS = [
  'npx vitest run --project unit test/dashboard test/fixtures test/cli/cli.test.ts',
  'npx vitest run --project contracts:inprocess --project contracts:inprocess:2026-04',
];

if (!wanted)
  console.warn(
    '\n!!! SKIPPED the fresh-clone test (minutes of build and lint): FASTIO_EMULATOR_FRESH_CLONE=1 npx vitest run test/package/fresh-clone.test.ts\n',
  );

let work: string | undefined;

/** The environment of a new user's shell: no chromium, not CI, nothing of this test run. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'CI') env[k] = v;
  return { ...env, FASTIO_EMULATOR_CHROMIUM: '/nonexistent/chromium', FORCE_COLOR: '0' };
}

function step(dir: string, command: string): { status: number | null; out: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', command], { cwd: dir, env: userEnv(), encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, ms: Math.round(performance.now() - t0) };
}

describe.skipIf(!wanted)('a fresh clone: npm ci, npm start, npm test', () => {
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs from the npm cache, builds on start, shows the banner, and tests green without chromium', async () => {
    work = mkdtempSync(join(tmpdir(), 'emu-clone-'));
    const clone = join(work, 'fastio-emulator');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
    execFileSync('git', ['checkout', '--quiet', '--detach', head], { cwd: clone });
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const timings: Record<string, number> = {};

    // 1. npm ci, from the cache only.
    const ci = step(clone, 'npm ci --offline --no-audit --no-fund --loglevel error');
    timings['npm ci --offline'] = ci.ms;
    if (ci.status !== 0) {
      console.warn(`\n!!! npm ci --offline could not install from the npm cache; linking this checkout's node_modules instead:\n${ci.out.slice(-600)}\n`);
      rmSync(join(clone, 'node_modules'), { recursive: true, force: true });
      symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    }
    // No install script builds: the clone is unbuilt until npm start or npm test.
    expect(existsSync(join(clone, 'dist', 'cli.mjs'))).toBe(false);

    // 2. npm start: builds (first time), then the banner.
    const t0 = performance.now();
    const start = spawn('npm', ['start', '--', '--port', '0'], { cwd: clone, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    start.stdout.on('data', (d: Buffer) => (out += d.toString()));
    start.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        start.stdout.on('data', () => {
          if (/Press Ctrl\+C to stop/.test(out)) resolve();
        });
        start.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
      });
    } finally {
      try {
        process.kill(-start.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    timings['npm start (with its build)'] = Math.round(performance.now() - t0);
    expect(out).toMatch(/building \(no build yet\)/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(out).toContain(`${url!}/_emulator/ui`);
    expect(out).toMatch(/Ctrl\+C/);

    // 3. npm test: its own steps from package.json, `vitest run` as VITEST_STEPS.
    const script = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test!;
    const steps = script.split('&&').map((s) => s.trim());
    expect(steps.some((s) => s === 'vitest run')).toBe(true);
    for (const s of steps) {
      for (const command of s === 'vitest run' ? VITEST_STEPS : [s]) {
        const r = step(clone, command);
        timings[command] = r.ms;
        expect(r.status, `${command}:\n${r.out.slice(-4000)}`).toBe(0);
        if (command === VITEST_STEPS[0]) expect(r.out).toMatch(/SKIPPED the dashboard's browser tests: no chromium/);
        if (command.startsWith('npx vitest')) {
          // eslint-disable-next-line no-control-regex
          const plain = r.out.replace(/\x1b\[[0-9;]*m/g, '');
          expect(plain).toMatch(/Tests\s+\d+ passed/);
          expect(plain).not.toMatch(/\d+ failed/);
        }
        if (command.startsWith('node scripts/build-if-stale.mjs')) expect(r.out).not.toMatch(/building/);
      }
    }
    console.log(
      `fresh clone ${head.slice(0, 8)}: ${ci.status === 0 ? 'npm ci --offline from the npm cache' : "this checkout's node_modules linked"}; ${JSON.stringify(timings)}`,
    );
  }, 900_000);
});
