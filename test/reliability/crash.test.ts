/**
 * Crash safety (issue 9, item 5).
 *
 * A write storm against the CLI with `--data`, killed with SIGKILL at a seeded random moment,
 * restarted on the same file, again and again. After each kill the state must load, be consistent
 * (no row pointing at a row the state lacks), and hold every write it promised to keep.
 *
 * What it promised (store/journal.ts). `--durability strict` (even rounds): every acknowledged
 * write, since the journal line is written and fdatasynced before the answer goes out. Relaxed
 * (odd rounds): every write acknowledged before a health answer that reported
 * `persistence.journal.unwritten` 0 for a request sent after that acknowledgement: the write had
 * happened in the server before the health answer was made, and 0 means every journal line
 * appended so far had been handed to the OS, which keeps it through the death of the process.
 * Writes acknowledged later may or may not be there; when they are, they must be whole.
 *
 * Then: a data directory that turns read-only, and a full disk. The emulator says why in its log,
 * keeps serving from memory, reports `degraded` on health, and writes again once it can.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnEmulator, stopChild } from '../../contracts/target.js';
import { Persistence } from '../../emulator/store/persistence.js';
import { HOLD_JOBS, inProcessEmulator, WS_FORM, UNIT_TEST_DIALECT } from '../support/client.js';
import { prng, report, scale, spawnWithLog } from './support.js';

const SEED = Number(process.env.FASTIO_CRASH_SEED ?? 20_261_127);

interface StateExport {
  tables: Record<string, Record<string, unknown>[]> & {
    nodes: { id: string; name: string; workspaceId: string; blobId: string | null; type: string; trashed: number | null }[];
    blobs: { id: string; sha256: string }[];
    /** an export's bytes, by sha256 (a --data snapshot has none: its bytes are files) */
    blobContent?: { id: string; data: string }[];
    orgs: { id: string; domain: string }[];
    workspaces: { id: string; orgId: string; folderName: string }[];
  };
}

type Emu = { url: string };

async function stateOf(emu: Emu): Promise<StateExport> {
  return ((await (await fetch(`${emu.url}/_emulator/state`)).json()) as { state: StateExport }).state;
}

/** Rows that point at rows the state lacks. */
function inconsistencies(s: StateExport): string[] {
  const t = s.tables;
  const ids = (name: string) => new Set((t[name] ?? []).map((r) => r.id as string));
  const orgs = ids('orgs');
  const workspaces = ids('workspaces');
  const blobs = ids('blobs');
  const users = ids('users');
  const out: string[] = [];
  for (const n of t.nodes) {
    if (!workspaces.has(n.workspaceId)) out.push(`node ${n.id} of a missing workspace`);
    if (n.type !== 'folder' && n.blobId && !blobs.has(n.blobId)) out.push(`node ${n.name} points at a missing blob`);
  }
  for (const w of t.workspaces) if (!orgs.has(w.orgId)) out.push(`workspace ${w.folderName} of a missing org`);
  for (const m of t.orgMembers ?? []) if (!orgs.has(m.orgId as string)) out.push(`org member of a missing org`);
  for (const m of t.workspaceMembers ?? []) if (!workspaces.has(m.workspaceId as string)) out.push(`workspace member of a missing workspace`);
  for (const k of t.apiKeys ?? []) if (!users.has(k.userId as string)) out.push(`api key of a missing user`);
  return out;
}

function contentOf(s: StateExport, workspaceId: string, name: string): string | undefined {
  const node = s.tables.nodes.find((n) => n.workspaceId === workspaceId && n.name === name && n.trashed === null);
  if (!node?.blobId) return undefined;
  const blob = s.tables.blobs.find((b) => b.id === node.blobId);
  if (!blob) return '<blob missing>';
  const content = (s.tables.blobContent ?? []).find((c) => c.id === blob.sha256);
  return content ? Buffer.from(content.data, 'base64').toString('utf8') : '<bytes missing>';
}

/** The sha256 of a file's current bytes as a snapshot names them (a snapshot holds no bytes). */
function shaOf(s: StateExport, workspaceId: string, name: string): string | undefined {
  const node = s.tables.nodes.find((n) => n.workspaceId === workspaceId && n.name === name && n.trashed === null);
  return s.tables.blobs.find((b) => b.id === node?.blobId)?.sha256;
}

/** A check a restarted emulator's state must pass, made when the write is acknowledged. */
interface Ack {
  at: number;
  what: string;
  holds: (s: StateExport) => boolean;
}

describe('crash safety', () => {
  it('a write storm killed with SIGKILL at seeded random moments: the state always loads, consistent, with every write it promised to keep', async () => {
    const rounds = scale(20, 200);
    const rand = prng(SEED);
    const dir = mkdtempSync(join(tmpdir(), 'emu-crash-'));
    const file = join(dir, 'state.json');
    /** Writes that must be in every later file (guaranteed by a flush), and the latest file version guaranteed. */
    const guaranteed: Ack[] = [];
    const totals = { rounds: 0, strictRounds: 0, acknowledged: 0, guaranteed: 0, verified: 0, settledPolls: 0, inFlightKept: 0 };
    let clock = 0;

    for (let round = 0; round < rounds; round++) {
      const flushDelay = [0, 2, 10, 25][Math.floor(rand() * 4)]!;
      const durability = round % 2 === 0 ? 'strict' : 'relaxed';
      const emu = await spawnEmulator(['--api-dialect', UNIT_TEST_DIALECT, '--data', file, '--flush-delay-ms', String(flushDelay), '--durability', durability]);
      try {
        // 1. What the previous rounds guaranteed is there, and the file is consistent.
        const before = await stateOf(emu);
        expect(inconsistencies(before), `round ${round} (seed ${SEED})`).toEqual([]);
        for (const g of guaranteed) expect(g.holds(before), `round ${round} (seed ${SEED}): lost ${g.what}`).toBe(true);
        totals.verified += guaranteed.length;

        // 2. A tenant for this round.
        const post = async (path: string, form: Record<string, string>, token?: string) =>
          fetch(`${emu.url}${path}`, {
            method: 'POST',
            headers: {
              'x-fastio-emulator-client': '1',
              'content-type': 'application/x-www-form-urlencoded',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: new URLSearchParams(form).toString(),
          });
        const persona = (await (await post('/_emulator/users/', { account_type: 'human' })).json()) as { api_key: string; user_id: string };
        const org = (
          (await (await post('/current/org/create/', { domain: `crash-${round}`, billing_plan: 'pro' }, persona.api_key)).json()) as { org: { id: string } }
        ).org;
        const ws = (
          (await (
            await post(`/current/org/${org.id}/create/workspace/`, { ...WS_FORM, folder_name: `crash-${round}`, name: 'Crash' }, persona.api_key)
          ).json()) as {
            workspace: { id: string };
          }
        ).workspace;
        const acks: Ack[] = [];
        const ack = (what: string, holds: Ack['holds']) => acks.push({ at: ++clock, what, holds });
        const userId = persona.user_id;
        ack(`persona ${userId}`, (s) => s.tables.users!.some((u) => u.id === userId));
        ack(`org crash-${round}`, (s) => s.tables.orgs.some((o) => o.id === org.id));
        ack(`workspace crash-${round}`, (s) => s.tables.workspaces.some((w) => w.id === ws.id));

        // 3. The storm: writers, a health poller, and a kill at a seeded moment.
        let killed = false;
        const polls: { sent: number; unwritten: number }[] = [];
        const padding = (n: number) => 'x'.repeat(n);
        const noteWriter = async (writer: number) => {
          for (let i = 0; !killed; i++) {
            const name = `n-${round}-${writer}-${i}.md`;
            const content = `note ${round} ${writer} ${i} ${padding(Math.floor(rand() * 4000))}`;
            try {
              const r = await post(`/current/workspace/${ws.id}/storage/root/createnote/`, { name, content }, persona.api_key);
              if (r.status === 200) ack(`note ${name}`, (s) => contentOf(s, ws.id, name) === content);
              else if (!killed) throw new Error(`note ${name}: ${r.status}`);
            } catch (e) {
              if (!killed) throw e;
            }
          }
        };
        const orgWriter = async (writer: number) => {
          for (let i = 0; !killed; i++) {
            const domain = `c${round}w${writer}i${i}`;
            try {
              const r = await post('/current/org/create/', { domain }, persona.api_key);
              if (r.status === 200) ack(`org ${domain}`, (s) => s.tables.orgs.some((o) => o.domain === domain));
              else if (!killed) throw new Error(`org ${domain}: ${r.status}`);
            } catch (e) {
              if (!killed) throw e;
            }
          }
        };
        // One writer for the file whose versions replace each other: its order is the server's.
        const versionWriter = async () => {
          for (let n = 0; !killed; n++) {
            const body = new FormData();
            for (const [k, v] of Object.entries({ name: 'versioned.txt', instance_id: ws.id, folder_id: 'root', action: 'create' })) body.append(k, v);
            const content = `v${n} ${padding(8_000 + Math.floor(rand() * 30_000))}`;
            body.append('chunk', new Blob([content]), 'versioned.txt');
            try {
              const r = await fetch(`${emu.url}/current/upload/`, { method: 'POST', headers: { authorization: `Bearer ${persona.api_key}` }, body });
              if (r.status === 200) {
                const wsId = ws.id;
                acks.push({
                  at: ++clock,
                  what: `versioned.txt v${n}`,
                  holds: (s) => Number(/^v(\d+) /.exec(contentOf(s, wsId, 'versioned.txt') ?? '')?.[1] ?? -1) >= n,
                });
              } else if (!killed) throw new Error(`upload v${n}: ${r.status}`);
            } catch (e) {
              if (!killed) throw e;
            }
          }
        };
        const poller = async () => {
          while (!killed) {
            const sent = ++clock;
            try {
              const h = (await (await fetch(`${emu.url}/_emulator/health`)).json()) as { persistence: { journal: { unwritten: number } } };
              if (!killed) polls.push({ sent, unwritten: h.persistence.journal.unwritten });
            } catch (e) {
              if (!killed) throw e;
            }
          }
        };
        const killAfter = 40 + Math.floor(rand() * 500);
        const killer = new Promise<void>((resolve) =>
          setTimeout(() => {
            killed = true;
            emu.child.kill('SIGKILL');
            emu.child.once('exit', () => resolve());
          }, killAfter),
        );
        await Promise.all([noteWriter(0), noteWriter(1), orgWriter(2), versionWriter(), poller(), poller(), killer]);

        // 4. What this kill must not have lost.
        const settled = polls.filter((p) => p.unwritten === 0);
        const T = Math.max(0, ...settled.map((p) => p.sent));
        const sure = durability === 'strict' ? acks : acks.filter((a) => a.at < T);
        guaranteed.push(...sure);
        totals.rounds++;
        if (durability === 'strict') totals.strictRounds++;
        totals.acknowledged += acks.length;
        totals.guaranteed += sure.length;
        totals.settledPolls += settled.length;
      } finally {
        await stopChild(emu.child);
      }
      // A snapshot the kill left is whole JSON (a snapshot renames a complete temporary file); the
      // writes since are in the journal beside it.
      if (existsSync(file)) expect(() => JSON.parse(readFileSync(file, 'utf8')), `round ${round} (seed ${SEED})`).not.toThrow();
    }

    // A last restart: everything guaranteed across all rounds is still there.
    const last = await spawnEmulator(['--api-dialect', UNIT_TEST_DIALECT, '--data', file]);
    try {
      const s = await stateOf(last);
      expect(inconsistencies(s)).toEqual([]);
      for (const g of guaranteed) expect(g.holds(s), `lost ${g.what} (seed ${SEED})`).toBe(true);
      totals.verified += guaranteed.length;
      totals.inFlightKept = s.tables.nodes.length;
    } finally {
      await stopChild(last.child);
    }
    const dataBytes = readdirSync(dir)
      .filter((n) => n.startsWith('state.json'))
      .reduce((sum, n) => sum + (statSync(join(dir, n)).isFile() ? statSync(join(dir, n)).size : 0), 0);
    report('crash-sigkill', { seed: SEED, ...totals, dataBytes });
    expect(totals.guaranteed).toBeGreaterThan(rounds);
  }, 600_000);

  it('a flush that requests interleave with writes one consistent state (no node without its bytes)', async () => {
    // Found by the storm above: chunks are written with awaits between them and a new version of
    // a file stored meanwhile left the file with the node's old version and without its bytes.
    // Here the interleaving is made exact: the new version is stored right after the flush has
    // read the nodes table, as a request between two chunks would.
    const h = await inProcessEmulator(HOLD_JOBS);
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'snapshot' } })).org as { id: string };
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'snapshot', name: 'Snapshot' } })
    ).workspace as { id: string };
    const first = (await h.uploadFile(owner.token, ws.id, 'f.txt', 'version one')).body as { new_file_id: string };
    const file = join(mkdtempSync(join(tmpdir(), 'emu-snapshot-')), 'state.json');
    const user = h.emulator.db.users.get(owner.id)!;
    const persistence = new Persistence(
      file,
      () => {
        const doc = h.emulator.stateDocument();
        const nodes = doc.tables.nodes!;
        doc.tables.nodes = (function* () {
          yield* nodes;
          h.emulator.storage.storeVersion(user, h.emulator.db.workspaces.get(ws.id)!, h.emulator.db.orgs.get(org.id)!, {
            parentId: 'root',
            name: 'f.txt',
            bytes: Buffer.from('version two'),
            type: 'file',
          });
        })();
        return doc;
      },
      1e9,
    );
    await persistence.flush();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as StateExport;
    expect(inconsistencies(saved)).toEqual([]);
    expect(shaOf(saved, ws.id, 'f.txt')).toBe(createHash('sha256').update('version one').digest('hex'));
    expect(h.emulator.storage.bytesOf(h.emulator.db.nodes.get(first.new_file_id)!).toString()).toBe('version two');
  });

  /** Wait (polling health, not sleeping) until the emulator reports `status`. */
  async function healthUntil(
    emu: Emu,
    status: 'ok' | 'degraded',
    timeoutMs = 20_000,
  ): Promise<{ status: string; persistence: { status: string; lastError: string | null; flushes: number } }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const h = (await (await fetch(`${emu.url}/_emulator/health`)).json()) as {
        status: string;
        persistence: { status: string; lastError: string | null; flushes: number };
      };
      if (h.status === status) return h;
      if (Date.now() > deadline) throw new Error(`health never became ${status}: ${JSON.stringify(h)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function storeNote(emu: Emu, token: string, wsId: string, name: string, content: string): Promise<number> {
    const r = await fetch(`${emu.url}/current/workspace/${wsId}/storage/root/createnote/`, {
      method: 'POST',
      headers: { 'x-fastio-emulator-client': '1', 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body: new URLSearchParams({ name, content }).toString(),
    });
    return r.status;
  }

  async function tenant(emu: Emu): Promise<{ token: string; ws: string }> {
    const post = async (path: string, form: Record<string, string>, token?: string) =>
      (await (
        await fetch(`${emu.url}${path}`, {
          method: 'POST',
          headers: {
            'x-fastio-emulator-client': '1',
            'content-type': 'application/x-www-form-urlencoded',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: new URLSearchParams(form).toString(),
        })
      ).json()) as Record<string, unknown>;
    const p = await post('/_emulator/users/', { account_type: 'human' });
    const org = (await post('/current/org/create/', { domain: `disk-${Math.floor(Math.random() * 1e9)}`, billing_plan: 'pro' }, p.api_key as string)).org as {
      id: string;
    };
    const ws = (await post(`/current/org/${org.id}/create/workspace/`, { ...WS_FORM, folder_name: 'disk', name: 'Disk' }, p.api_key as string)).workspace as {
      id: string;
    };
    return { token: p.api_key as string, ws: ws.id };
  }

  it('a data directory that turns read-only: a clear error, served from memory, degraded, then written again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'emu-readonly-'));
    const dir = join(root, 'data');
    mkdirSync(dir);
    const file = join(dir, 'state.json');
    const emu = await spawnWithLog(['--data', file, '--flush-delay-ms', '0', '--log-level', 'error']);
    let technique = '';
    let restore = () => {};
    try {
      const { token, ws } = await tenant(emu);
      await healthUntil(emu, 'ok');
      // Make the directory refuse writes: chmod (not root), else a read-only bind mount, else a
      // path under a file (the directory replaced by a regular file).
      const canWrite = () => {
        try {
          writeFileSync(join(dir, '.probe'), 'x');
          rmSync(join(dir, '.probe'));
          return true;
        } catch {
          return false;
        }
      };
      chmodSync(dir, 0o555);
      if (!canWrite()) {
        technique = 'chmod 555';
        restore = () => chmodSync(dir, 0o755);
      } else {
        chmodSync(dir, 0o755);
        try {
          execFileSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
          execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'ignore' });
          technique = 'read-only bind mount';
          restore = () => execFileSync('umount', [dir], { stdio: 'ignore' });
          if (canWrite()) throw new Error('the read-only bind mount still takes writes');
        } catch {
          if (technique) execFileSync('umount', [dir], { stdio: 'ignore' });
          renameSync(dir, `${dir}.away`);
          writeFileSync(dir, 'not a directory');
          technique = 'path under a file (ENOTDIR)';
          restore = () => {
            rmSync(dir);
            renameSync(`${dir}.away`, dir);
          };
        }
      }
      expect(await storeNote(emu, token, ws, 'while-read-only.md', 'kept in memory')).toBe(200);
      const degraded = await healthUntil(emu, 'degraded');
      expect(degraded.persistence.lastError).toMatch(technique.startsWith('path under a file') ? /ENOTDIR|ENOENT/ : /EROFS|EACCES|EPERM/);
      // Still serving, reads and writes, from memory.
      expect(await storeNote(emu, token, ws, 'still-serving.md', 'also kept')).toBe(200);
      const listed = await fetch(`${emu.url}/current/workspace/${ws}/storage/root/list/`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      expect(emu.output()).toMatch(/cannot write the state file; serving from memory/);
      restore();
      restore = () => {};
      await healthUntil(emu, 'ok');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as StateExport;
      expect(saved.tables.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['while-read-only.md', 'still-serving.md']));
      report('crash-read-only', { technique, lastError: degraded.persistence.lastError });
    } finally {
      restore();
      await stopChild(emu.child);
    }
  }, 60_000);

  it('a full disk: a clear error (ENOSPC), served from memory, degraded, then written again when there is room', async () => {
    const root = mkdtempSync(join(tmpdir(), 'emu-full-'));
    const dir = join(root, 'data');
    mkdirSync(dir);
    let technique = 'tmpfs of 64 KiB';
    const bigNote = (i: number) => `${i} ${'y'.repeat(30_000)}`;
    let mounted = false;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      technique = 'the temporary file linked to /dev/full (no tmpfs mount allowed here)';
    }
    const file = join(dir, 'state.json');
    const emu = await spawnWithLog(['--data', file, '--flush-delay-ms', '0', '--log-level', 'error']);
    try {
      const { token, ws } = await tenant(emu);
      await healthUntil(emu, 'ok');
      // Without a tmpfs: the temporary file the last note's bytes are written to is /dev/full.
      const lastRef = createHash('sha256').update(bigNote(3)).digest('hex');
      const fullLink = join(`${file}.blobs`, lastRef.slice(0, 2), `.${lastRef}.${emu.child.pid}.tmp`);
      if (!mounted) {
        mkdirSync(join(`${file}.blobs`, lastRef.slice(0, 2)), { recursive: true });
        symlinkSync('/dev/full', fullLink);
      }
      // More than 64 KiB of notes: the stored bytes cannot all fit.
      for (let i = 0; i < 4; i++) expect(await storeNote(emu, token, ws, `big-${i}.md`, bigNote(i))).toBe(200);
      const degraded = await healthUntil(emu, 'degraded');
      expect(degraded.persistence.lastError).toMatch(/ENOSPC/);
      expect(await storeNote(emu, token, ws, 'small.md', 'still serving')).toBe(200);
      expect(emu.output()).toMatch(/cannot write the state file; serving from memory/);
      // Room again: the disk grows (or the link is gone), and the next attempt writes everything.
      if (mounted) execFileSync('mount', ['-o', 'remount,size=8m', dir], { stdio: 'ignore' });
      else rmSync(fullLink, { force: true });
      await healthUntil(emu, 'ok');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as StateExport;
      expect(saved.tables.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['big-3.md', 'small.md']));
      report('crash-full-disk', { technique, lastError: degraded.persistence.lastError });
    } finally {
      await stopChild(emu.child);
      if (mounted) execFileSync('umount', [dir], { stdio: 'ignore' });
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
