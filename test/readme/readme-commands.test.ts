import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.js';
import { script, shellBlocks, toBash } from './readme-blocks.js';

/** Runs a README script against a fresh emulator; its own `jq -e` lines are its assertions. */
async function runScript(name: string, start: Parameters<typeof startEmulator>[0] = {}) {
  const blocks = script(name);
  expect(blocks.length, `README.md has no block marked <!-- readme-test: ${name} -->`).toBeGreaterThan(0);
  const tools = spawnSync('bash', ['-c', 'command -v curl && command -v jq'], { encoding: 'utf8' });
  expect(tools.status, 'the README examples need curl and jq (Debian: apt-get install -y curl jq; .ci/run installs jq)').toBe(0);
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', ...start });
  try {
    const bash = toBash(blocks, emu.url);
    // Asynchronous: the emulator answers from this process, so the script must not block it.
    // In a folder of its own: the examples write files (msa.txt) where they run.
    const cwd = mkdtempSync(join(tmpdir(), `readme-${name}-`));
    const child = spawn('bash', ['-c', bash], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    rmSync(cwd, { recursive: true, force: true });
    return { status, stdout, stderr, bash };
  } finally {
    await emu.close();
  }
}

describe('the README examples run as written', () => {
  it('finds the marked blocks and reads a marker only for the block after it', () => {
    const blocks = shellBlocks(
      '<!-- readme-test: a -->\n\n```sh\necho 1\n```\ntext\n\n```sh\necho 2\n```\n<!-- readme-test: a -->\nnot a block\n```sh\necho 3\n```\n',
    );
    expect(blocks.map((b) => [b.name ?? null, b.line, b.code])).toEqual([
      ['a', 3, 'echo 1'],
      [null, 8, 'echo 2'],
      [null, 13, 'echo 3'],
    ]);
    expect(toBash(script('a', '<!-- readme-test: a -->\n```sh\ncurl localhost:3278/x 127.0.0.1:3278/y\n```\n'), 'http://127.0.0.1:5555')).toContain(
      'curl 127.0.0.1:5555/x 127.0.0.1:5555/y',
    );
  });

  // first-tenant: the walkthrough ("Your first tenant"), against an empty emulator of the default dialect (V2)
  it.each(['set-up', 'first-tenant'])('the %s example', async (name) => {
    const r = await runScript(name);
    expect(r.status, `${r.stderr}\n--- stdout\n${r.stdout}\n--- script\n${r.bash}`).toBe(0);
    // curl -s exits 0 on an error answer: no answer the example prints may be the error envelope
    expect(r.stdout, r.bash).not.toMatch(/"result":\s*(false|"no")/);
  });

  it('every control-plane write in the README sends the header a web page cannot', () => {
    // shell variables the examples set to the header (H='x-fastio-emulator-client: 1')
    const headerVars = shellBlocks().flatMap((b) => [...b.code.matchAll(/^(\w+)='x-fastio-emulator-client: 1'$/gm)].map((m) => m[1]!));
    expect(headerVars).toContain('H');
    const offenders = shellBlocks()
      .flatMap((b) => b.code.split(/(?<!\\)\n/).map((cmd) => ({ line: b.line, cmd })))
      .filter(({ cmd }) => /curl\b/.test(cmd) && /\/_emulator\//.test(cmd) && /-X (POST|PUT|DELETE)|\s-d\s/.test(cmd))
      .filter(({ cmd }) => !/x-fastio-emulator-client: 1|application\/json/.test(cmd) && !headerVars.some((v) => cmd.includes(`-H "$${v}"`)));
    expect(offenders).toEqual([]);
  });
});
