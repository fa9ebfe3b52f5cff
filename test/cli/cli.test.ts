import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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

  it('keeps a written write across kill -9', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const file = join(dir, 'state.json');
    const first = await spawnEmulator(['--data', file, '--flush-delay-ms', '0']);
    const p = await persona(first.url);
    // Wait until health reports the journal handed to the OS (nothing unwritten): that survives the process.
    for (let i = 0; i < 200; i++) {
      const h = (await (await fetch(`${first.url}/_emulator/health`)).json()) as { persistence: { journal: { records: number; unwritten: number } } };
      if (h.persistence.journal.records > 0 && h.persistence.journal.unwritten === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const second = await spawnEmulator(['--data', file]);
    try {
      expect(await check(second.url, p.api_key)).toBe(200);
    } finally {
      await stopChild(second.child);
    }
  });
});

describe('CLI: one process per data file', () => {
  /** Start and collect both streams until the listening line, or until the process ends. */
  function startCollecting(args: string[]): Promise<{ child: ChildProcess; url: string | undefined; output: () => string; code: number | null }> {
    const child = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    return new Promise((resolve) => {
      const onData = (d: Buffer) => {
        output += d.toString('utf8');
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m) resolve({ child, url: m[1], output: () => output, code: null });
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => resolve({ child, url: undefined, output: () => output, code }));
    });
  }

  /** A pid no process has now (checked with signal 0). */
  function deadPid(): number {
    for (let pid = 4_000_000; ; pid--) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid;
      }
    }
  }

  it('a second start on a locked data file exits 1 naming the file and the owner; a clean stop releases the lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-lock-'));
    const file = join(dir, 'state.json');
    const first = await spawnEmulator(['--data', file]);
    try {
      expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(first.child.pid));
      const second = run(['start', '--port', '0', '--data', file]);
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(file);
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
    } finally {
      await stopChild(first.child, 'SIGTERM');
    }
    expect(first.child.exitCode).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
    const third = await spawnEmulator(['--data', file]);
    await stopChild(third.child, 'SIGTERM');
    expect(third.child.exitCode).toBe(0);
  }, 60_000);

  it('a stale lock (its pid is not running) is taken over, with a line saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-lock-'));
    const file = join(dir, 'state.json');
    const stale = deadPid();
    writeFileSync(`${file}.lock`, `${stale}\n`);
    const started = await startCollecting(['--data', file]);
    try {
      expect(started.url, started.output()).toBeDefined();
      expect(started.output()).toContain(`pid ${stale} is not running`);
      expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(started.child.pid));
    } finally {
      await stopChild(started.child, 'SIGTERM');
    }
  }, 30_000);

  it('a missing data folder, or one that refuses writes, stops start-up with exit 1 and a clear message', () => {
    const root = mkdtempSync(join(tmpdir(), 'emu-folder-'));
    const missing = run(['start', '--port', '0', '--data', join(root, 'no-such-folder', 'state.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/folder of --data .*no-such-folder.* does not exist/);

    const underFile = join(root, 'a-file');
    writeFileSync(underFile, 'x');
    const notFolder = run(['start', '--port', '0', '--data', join(underFile, 'state.json')]);
    expect(notFolder.status).toBe(1);
    expect(notFolder.stderr).toMatch(/is not a folder/);

    // A folder that refuses writes: chmod where that binds (not root), else a read-only bind mount.
    const ro = join(root, 'read-only');
    mkdirSync(ro);
    let restore: (() => void) | undefined;
    chmodSync(ro, 0o555);
    if (!writable(ro)) restore = () => chmodSync(ro, 0o755);
    else {
      chmodSync(ro, 0o755);
      try {
        execFileSync('mount', ['--bind', ro, ro], { stdio: 'ignore' });
        restore = () => execFileSync('umount', [ro], { stdio: 'ignore' });
        execFileSync('mount', ['-o', 'remount,ro,bind', ro], { stdio: 'ignore' });
      } catch {
        restore?.();
        restore = undefined;
      }
    }
    if (!restore || writable(ro)) {
      restore?.();
      console.log('[cli] no way to make a folder read-only here (root without mount): the not-writable case is not exercised');
      return;
    }
    try {
      const refused = run(['start', '--port', '0', '--data', join(ro, 'state.json')]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/folder of --data .* is not writable/);
    } finally {
      restore();
    }
  }, 60_000);
});

function writable(dir: string): boolean {
  try {
    writeFileSync(join(dir, '.probe'), 'x');
    rmSync(join(dir, '.probe'));
    return true;
  } catch {
    return false;
  }
}
