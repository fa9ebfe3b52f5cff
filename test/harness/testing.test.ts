import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/paths.js';

describe('fastio-emulator/vitest', () => {
  it("starts an emulator for a user's suite, provides its URL and a persona, and stops it at the end", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'global-setup-')), 'url');
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE_OUT: out };
    for (const k of Object.keys(env)) if (k.startsWith('FASTIO_')) delete env[k];
    const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/harness/fixtures/vitest.global-setup.config.ts'], {
      cwd: fromPackageRoot(),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('1 passed');
    const url = readFileSync(out, 'utf8');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  }, 90_000);
});
