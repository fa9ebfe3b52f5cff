import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, spawnEmulator, stopChild } from '../../contracts/target.js';

function run(args: string[]) {
  return spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 15_000 });
}

async function persona(url: string): Promise<{ api_key: string; user_id: string }> {
  const r = await fetch(`${url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
  return (await r.json()) as { api_key: string; user_id: string };
}

async function check(url: string, token: string): Promise<number> {
  return (await fetch(`${url}/current/user/auth/check/`, { headers: { authorization: `Bearer ${token}` } })).status;
}

describe('CLI', () => {
  it('prints help for every command and exits 2 on bad flags', () => {
    expect(run(['--help']).status).toBe(0);
    const help = run(['start', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--data <file>');
    const bad = run(['start', '--port', 'seventy']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be a whole number');
    const unknown = run(['start', '--no-such-flag']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--no-such-flag'");
    expect(run(['start', '--rate-limit', 'lots']).status).toBe(2);
  });

  it('refuses a truncated data file with a message naming it, and leaves it byte-identical', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const file = join(dir, 'state.json');
    const content = '{"format":"fastio-emulator-state","version":1,"savedAt":"x","clockOffsetMs":0,"tables":{"users":[{"id":"1';
    writeFileSync(file, content);
    const r = run(['start', '--port', '0', '--data', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/corrupt or truncated/);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('keeps state across SIGTERM and restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const file = join(dir, 'state.json');
    const first = await spawnEmulator(['--data', file, '--flush-delay-ms', '10000']);
    const p = await persona(first.url);
    expect(await check(first.url, p.api_key)).toBe(200);
    // The flush delay is long: only the SIGTERM flush can have written the persona.
    await stopChild(first.child, 'SIGTERM');
    expect(first.child.exitCode).toBe(0);
    const second = await spawnEmulator(['--data', file]);
    try {
      expect(await check(second.url, p.api_key)).toBe(200);
    } finally {
      await stopChild(second.child);
    }
  });

  it('keeps a flushed write across kill -9', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const file = join(dir, 'state.json');
    const first = await spawnEmulator(['--data', file, '--flush-delay-ms', '0']);
    const p = await persona(first.url);
    // Wait until the health endpoint reports a flush with nothing dirty.
    for (let i = 0; i < 200; i++) {
      const h = (await (await fetch(`${first.url}/_emulator/health`)).json()) as { persistence: { flushes: number; dirty: boolean } };
      if (h.persistence.flushes > 0 && !h.persistence.dirty) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(existsSync(file)).toBe(true);
    const second = await spawnEmulator(['--data', file]);
    try {
      expect(await check(second.url, p.api_key)).toBe(200);
    } finally {
      await stopChild(second.child);
    }
  });
});
