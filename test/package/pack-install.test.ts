/**
 * The package as a user installs it: `npm pack` of this (built) checkout, its size and contents,
 * then the tarball installed into an empty project from the npm cache (no network; see
 * offline-project.ts), where the README's examples run as written: the two `exec` lines, the
 * vitest set-up (and `tsc --strict` over it), `startEmulator`, and the Dockerfile's CMD and
 * HEALTHCHECK (the machine has no Docker; the image runs these same commands on this tarball).
 *
 * Needs the build (`npm test` builds when stale) and the npm cache of `npm ci`; without either it
 * fails and says which, it is never skipped.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/paths.js';
import { codeBlocks } from './readme-blocks.js';
import { writeOfflineProject } from './offline-project.js';

const ROOT = fromPackageRoot();
const README = join(ROOT, 'README.md');
/**
 * The package's size budget. It was 3 MB when the package was 2.8 MB with about 75 routes; at
 * about 180 routes it measured 3.15 MB (2.1 MB of minified bundle, 0.4 MB of type declarations,
 * 0.2 MB each of catalogue and scenarios), so the budget grew with the surface, to 4 MB. At about
 * 250 routes, with the image codec (jimp) left to node_modules like the document parsers, it
 * measured 4.2 MB (2.9 MB of bundle, 0.67 MB of declarations, 0.46 MB of JSON): 5 MB.
 */
const MAX_UNPACKED = 5 * 1024 * 1024;
const DEV_TOOLS = ['vitest', 'typescript', '@types/node'];
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let work: string;
let project: string;
let packed: PackResult;

/** Run in the project, with its own bin folder first and no npm_* variables of this test run. */
function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, PATH: `${join(project, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, FORCE_COLOR: '0', CI: '1', ...extra };
}

function run(cmd: string, args: string[], opts: { env?: Record<string, string>; shell?: boolean } = {}): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: project, env: projectEnv(opts.env), encoding: 'utf8', shell: opts.shell ?? false, timeout: 60_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('the packed package, installed into an empty project', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'cli.mjs')) || !existsSync(join(ROOT, 'dist', 'index.mjs'))) {
      throw new Error('dist/ is not built: run npm run build (npm test builds when stale)');
    }
    work = mkdtempSync(join(tmpdir(), 'emu-package-'));
    project = join(work, 'first-project');
    mkdirSync(project);
    // --ignore-scripts: the checkout is built already; prepack would build it again.
    const json = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    packed = (JSON.parse(json) as PackResult[])[0]!;
    const tarball = join(work, packed.filename);
    writeOfflineProject(ROOT, project, tarball, []);
    const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel', 'error'], {
      cwd: project,
      env: projectEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (install.status !== 0) {
      throw new Error(`npm ci --offline of the tarball failed (is the npm cache of this checkout's npm ci there?):\n${install.stdout}${install.stderr}`);
    }
    // The user's own dev tools (vitest, typescript, @types/node) are linked from this checkout
    // rather than installed: they are not what is under test, and unpacking typescript and vite
    // from the cache doubled the test's time. Only the tarball and its dependencies are installed.
    for (const tool of DEV_TOOLS) {
      mkdirSync(dirname(join(project, 'node_modules', tool)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', tool), join(project, 'node_modules', tool), 'dir');
    }
  }, 150_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is under 5 MB unpacked and ships no source maps, scripts, benches, contracts or tests', () => {
    const paths = packed.files.map((f) => f.path);
    expect(packed.unpackedSize, `unpacked ${packed.unpackedSize} bytes`).toBeLessThan(MAX_UNPACKED);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(paths.filter((p) => /^(dist\/)?(scripts|contracts|test)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
    for (const needed of [
      'LICENSE',
      'README.md',
      'dist/cli.mjs',
      'dist/index.mjs',
      'dist/testing.mjs',
      'dist/ui/index.html',
      'emulator/catalogue/routes.json',
      'fixtures/scenarios/demo.json',
    ]) {
      expect(paths, needed).toContain(needed);
    }
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'fastio-emulator', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[hook], hook).toBeUndefined();
  });

  it("runs the README's exec lines as written", () => {
    const lines = codeBlocks(README, '## In your own CI')
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => b.text.split('\n'))
      .filter((l) => l.startsWith('npx fastio-emulator exec'));
    expect(lines).toHaveLength(2);
    // `npm test` and ./scripts/integration.sh of the first project: each checks what exec hands it.
    const check = join(project, 'check-env.mjs');
    writeFileSync(
      check,
      `const base = process.env.FASTIO_API_BASE;
const key = process.env.FASTIO_API_KEY;
const res = await fetch(\`\${base}/current/user/details/\`, key ? { headers: { authorization: \`Bearer \${key}\` } } : {});
console.log(\`checked \${base} \${key ? 'with' : 'without'} a persona: \${res.status}\`);
process.exit(key ? (res.status === 200 ? 0 : 3) : res.status === 401 ? 0 : 4);
`,
    );
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...pkg, scripts: { test: 'node check-env.mjs' } }, null, 2));
    mkdirSync(join(project, 'scripts'), { recursive: true });
    writeFileSync(join(project, 'scripts', 'integration.sh'), '#!/bin/sh\nexec node check-env.mjs\n');
    chmodSync(join(project, 'scripts', 'integration.sh'), 0o755);
    const [plain, withPersona] = lines.map((line) => run(line, [], { shell: true }));
    expect(plain!.status, plain!.out).toBe(0);
    expect(plain!.out).toMatch(/checked http:\/\/127\.0\.0\.1:\d+ without a persona: 401/);
    expect(withPersona!.status, withPersona!.out).toBe(0);
    expect(withPersona!.out).toMatch(/with a persona: 200/);
  }, 60_000);

  it("runs the README's vitest set-up, which compiles under tsc --strict", () => {
    const files = codeBlocks(README, '## In your own CI').filter((b) => b.lang === 'ts' && b.file);
    expect(files.map((b) => b.file)).toEqual(['vitest.config.ts', 'test/emulator.test.ts']);
    for (const b of files) {
      mkdirSync(dirname(join(project, b.file!)), { recursive: true });
      writeFileSync(join(project, b.file!), b.text);
    }
    const start = codeBlocks(README, '## Programmatic use').find((b) => b.file === 'start.ts');
    expect(start, 'the Programmatic use block starts with // start.ts').toBeDefined();
    writeFileSync(join(project, 'start.ts'), start!.text);
    // What `tsc --init` writes for a Node project, strict; skipLibCheck as --init sets it.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['vitest.config.ts', 'test', 'start.ts'],
      }),
    );
    const tsc = run(process.execPath, [TSC, '-p', '.', '--strict']);
    expect(tsc.status, tsc.out).toBe(0);
    const vitest = run(process.execPath, [VITEST, 'run']);
    expect(vitest.status, vitest.out).toBe(0);
    expect(vitest.out).toMatch(/1 passed/);
    // The startEmulator example, compiled beside itself (start.js) and run.
    const emit = run(process.execPath, [TSC, '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--types', 'node', '--skipLibCheck', 'start.ts']);
    expect(emit.status, emit.out).toBe(0);
    const programmatic = run(process.execPath, ['start.js']);
    expect(programmatic.status, programmatic.out).toBe(0);
  }, 60_000);

  it("runs the Dockerfile's CMD, and its HEALTHCHECK sees it healthy", async () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const health = JSON.parse(/^\s*CMD (\[.*\])$/m.exec(dockerfile.slice(dockerfile.indexOf('HEALTHCHECK')))![1]!) as string[];
    expect(cmd).toEqual(['fastio-emulator', 'start', '--host', '0.0.0.0']);
    const port = String(await freePort());
    const env = projectEnv({ FASTIO_EMULATOR_PORT: port, HOME: work, XDG_CACHE_HOME: join(work, 'cache') });
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => {
          if (out.includes(`:${port}`)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const check = spawnSync(health[0]!, health.slice(1), { cwd: project, env, encoding: 'utf8', timeout: 10_000 });
      expect(check.status, `${check.stdout}${check.stderr}\n${out}`).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }, 30_000);
});
