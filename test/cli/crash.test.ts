/**
 * `--durability strict`: an acknowledged write survives `kill -9`. The CLI is started with
 * `--data`, writes are made (many at once, so the journal batches them), every acknowledged one is
 * remembered, the process is killed with SIGKILL mid-stream, and a new process on the same data
 * file must know every acknowledged write. Relaxed mode's promise is weaker (the last batches may
 * be lost); what it must still do after a kill is start cleanly from what reached the disk.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnEmulator, stopChild } from '../../contracts/target.js';

const CONTROL = { 'x-fastio-emulator-client': '1' };
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => stopChild(c)));
});

function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FASTIO_EMULATOR_')));
}

async function start(data: string, durability: 'strict' | 'relaxed'): Promise<{ url: string; child: ChildProcess }> {
  const { url, child } = await spawnEmulator(['--port', '0', '--log-level', 'warn', '--data', data, '--durability', durability], cleanEnv());
  children.push(child);
  return { url, child };
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Make personas until `stopAfter` are acknowledged (batches of 10 at once); returns their API keys. */
async function writeUntil(url: string, stopAfter: number): Promise<string[]> {
  const acked: string[] = [];
  while (acked.length < stopAfter) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${url}/_emulator/users/`, { method: 'POST', headers: { ...CONTROL, 'content-type': 'application/json' }, body: '{"account_type":"agent"}' }),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      acked.push(((await res.json()) as { api_key: string }).api_key);
    }
  }
  return acked;
}

async function knows(url: string, apiKey: string): Promise<boolean> {
  const res = await fetch(`${url}/current/user/details/`, { headers: { authorization: `Bearer ${apiKey}` } });
  await res.arrayBuffer();
  return res.status === 200;
}

describe('a kill -9 and the journal', { timeout: 90_000 }, () => {
  it('strict: every acknowledged write is there after the restart', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'emu-crash-')), 'state.json');
    const first = await start(data, 'strict');
    const acked = await writeUntil(first.url, 60);
    // More writes in flight while the process dies: their answers never come, so they promise nothing.
    const inFlight = writeUntil(first.url, 1000).catch(() => []);
    await killHard(first.child);
    await inFlight;
    const second = await start(data, 'strict');
    const missing: string[] = [];
    for (const key of acked) if (!(await knows(second.url, key))) missing.push(key);
    expect(missing).toEqual([]);
    const health = (await (await fetch(`${second.url}/_emulator/health`, { headers: CONTROL })).json()) as {
      persistence: { durability: string; recovery: { replayed: number } };
    };
    expect(health.persistence.durability).toBe('strict');
    // Nothing reached a snapshot before the kill: it all came back from the journal.
    expect(health.persistence.recovery.replayed).toBeGreaterThan(0);
  });

  it('relaxed: the process starts again from what reached the disk, and keeps writing', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'emu-crash-')), 'state.json');
    const first = await start(data, 'relaxed');
    const acked = await writeUntil(first.url, 40);
    await killHard(first.child);
    const second = await start(data, 'relaxed');
    // What relaxed keeps is a prefix of what was written, batch by batch (each batch of 10 was
    // sent at once, so within one the order is the server's): once a batch is missing, so is every later one.
    const batches: boolean[][] = [];
    for (let i = 0; i < acked.length; i += 10) batches.push(await Promise.all(acked.slice(i, i + 10).map((k) => knows(second.url, k))));
    const firstMissing = batches.findIndex((b) => !b.every(Boolean));
    if (firstMissing >= 0) for (const b of batches.slice(firstMissing + 1)) expect(b.some(Boolean)).toBe(false);
    const more = await writeUntil(second.url, 10);
    for (const key of more) expect(await knows(second.url, key)).toBe(true);
  });
});
