/**
 * Containment classes of issue 14 at soak size (`npm run soak` writes their counts to
 * RELIABILITY.md): secrets that a seed does not reproduce, one process per data file, the archived
 * workspace on every write route, look-alike names, and the per-credential and queue bounds.
 * Each class is driven with inputs the test makes itself, many times; every count is what it saw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEmulator } from '../../emulator/index.js';
import { ARCHIVED_WORKSPACE_REFUSES, type WorkspaceAction } from '../../emulator/tenancy/permissions.js';
import { mulberry32 } from '../../emulator/store/random.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';
import { report, scale } from './support.js';

describe('containment', () => {
  it('seeds reproduce ids and never secrets; a data file takes one emulator', async () => {
    const pairs = scale(3, 30);
    let idsShared = 0;
    let secretsShared = 0;
    let secretsCompared = 0;
    for (let i = 0; i < pairs; i++) {
      const seed = `containment-${i}`;
      const [a, b] = await Promise.all([inProcessEmulator({ randomSeed: seed }), inProcessEmulator({ randomSeed: seed })]);
      const pa = await a.persona();
      const pb = await b.persona();
      if (pa.id === pb.id) idsShared++;
      const ua = a.emulator.db.users.get(pa.id)!;
      const ub = b.emulator.db.users.get(pb.id)!;
      for (const [x, y] of [
        [pa.token, pb.token],
        [ua.passwordHash, ub.passwordHash],
        [a.emulator.ids.secret(64), b.emulator.ids.secret(64)],
        [a.emulator.ids.numericCode(6) + a.emulator.ids.numericCode(6), b.emulator.ids.numericCode(6) + b.emulator.ids.numericCode(6)],
        [a.emulator.ids.secretOpaqueId('a'), b.emulator.ids.secretOpaqueId('a')],
      ] as const) {
        secretsCompared++;
        if (x === y) secretsShared++;
      }
    }
    expect(idsShared).toBe(pairs);
    expect(secretsShared).toBe(0);

    const files = scale(5, 50);
    let secondStartsRefused = 0;
    let reopenedAfterClose = 0;
    const dir = mkdtempSync(join(tmpdir(), 'emu-contain-'));
    for (let i = 0; i < files; i++) {
      const file = join(dir, `state-${i}.json`);
      const first = await buildEmulator({ dataFile: file, flushDelayMs: 0 });
      await expect(buildEmulator({ dataFile: file })).rejects.toThrow(/in use by this process/);
      secondStartsRefused++;
      await first.persistence!.close();
      const again = await buildEmulator({ dataFile: file });
      reopenedAfterClose++;
      await again.persistence!.close();
    }
    let missingFoldersRefused = 0;
    for (let i = 0; i < files; i++) {
      await expect(buildEmulator({ dataFile: join(dir, `missing-${i}`, 'state.json') })).rejects.toThrow(/does not exist/);
      missingFoldersRefused++;
    }
    report('containment-secrets-and-data', {
      pairs,
      idsShared,
      secretsCompared,
      secretsShared,
      secondStartsRefused,
      reopenedAfterClose,
      missingFoldersRefused,
    });
  }, 600_000);

  it('archived workspaces refuse every write route, for every role; look-alike names are one name or refused', async () => {
    const emu = await inProcessEmulator({ ingestDelayMs: 3_600_000 });
    const owner = await emu.persona('agent');
    const member = await emu.persona('human');
    const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'contain-soak', name: 'Contain Soak' } })).org as {
      id: string;
    };
    const rounds = scale(3, 30);
    const writes = emu.routes.filter((r) => r.access && 'workspace' in r.access && ARCHIVED_WORKSPACE_REFUSES.has(r.access.action as WorkspaceAction));
    const counts = { archivedWritesRefused: 0, refusedBeforeTheArchiveRule: 0, writesAccepted: 0, readsAfterArchive: 0 };
    const archivedWs = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, {
        token: owner.token,
        form: { ...WS_FORM, folder_name: 'archive-soak', name: 'Archive Soak' },
      })
    ).workspace as { id: string };
    await emu.ok('POST', `/current/workspace/${archivedWs.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
    for (let i = 0; i < rounds; i++) {
      const ws = archivedWs;
      await emu.ok('POST', `/current/workspace/${ws.id}/archive/`, { token: owner.token });
      for (const token of [owner.token, member.token]) {
        for (const route of writes) {
          const path = route.path.replace(/:(\w+)/g, (_, n: string) =>
            n === 'workspace_id' ? ws.id : n === 'node_id' ? 'root' : n === 'member' ? member.id : `9${'0'.repeat(28)}`,
          );
          const r = await emu.call(route.method, path, { token: token, form: {} });
          // A member's role may refuse first (403/1680 too), or membership (a join by a non-org
          // member, 401/10545); either way nothing is written.
          if (r.status === 403 && r.body.error?.code === 1680) counts.archivedWritesRefused++;
          else if (r.status >= 400 && r.status < 500) counts.refusedBeforeTheArchiveRule++;
          else counts.writesAccepted++;
        }
        if ((await emu.call('GET', `/current/workspace/${ws.id}/storage/root/list/`, { token: token })).status === 200) counts.readsAfterArchive++;
      }
      await emu.ok('POST', `/current/workspace/${ws.id}/unarchive/`, { token: owner.token });
    }
    expect(counts.writesAccepted).toBe(0);

    // Names: random strings with accents in both forms and refused characters spliced in.
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'names-soak', name: 'Names' } })
    ).workspace as { id: string };
    const rand = mulberry32(14);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const letters = ['a', 'b', 'n', 'o', 'z', '\u00e9', 'e\u0301', '\u00f1', 'n\u0303', '\u00c5', 'A\u030a'];
    const refused = ['\u200b', '\u200c', '\u200d', '\u200e', '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff', '\u0007', '\u007f', '\u0085'];
    const names = scale(200, 5000);
    const seen = new Map<string, string>();
    const n = { refusedAsInvalid: 0, acceptedRefusable: 0, sameNameOneFolder: 0, differentFolders: 0, splitByForm: 0 };
    for (let i = 0; i < names; i++) {
      const base = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(letters)).join('');
      const bad = rand() < 0.3;
      const name = bad ? `${base.slice(0, 1)}${pick(refused)}${base.slice(1)}` : base;
      const r = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name } });
      if (bad) {
        if (r.status === 400 && r.body.error?.code === 1605) n.refusedAsInvalid++;
        else n.acceptedRefusable++;
        continue;
      }
      const id = (r.body.node as { id: string }).id;
      const key = name.normalize('NFC');
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, id);
        n.differentFolders++;
      } else if (earlier === id) n.sameNameOneFolder++;
      else n.splitByForm++;
    }
    expect(n.acceptedRefusable).toBe(0);
    expect(n.splitByForm).toBe(0);
    report('containment-lifecycle', { rounds, writeRoutes: writes.length, ...counts, names, ...n });
  }, 600_000);

  it('held connections and the background queue stay within their bounds under a flood', async () => {
    const cap = 4;
    const emu = await inProcessEmulator({ maxLongPollsPerCredential: cap, maxBackgroundJobs: 20, ingestDelayMs: 3_600_000 });
    const owner = await emu.persona('agent');
    const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'contain-flood', name: 'Contain Flood' } })).org as {
      id: string;
    };
    await emu.ok('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'pro' } });
    // Intelligence on: every stored file queues its ingestion, the chain the bound counts.
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, {
        token: owner.token,
        form: { ...WS_FORM, folder_name: 'flood', name: 'Flood', intelligence: 'true' },
      })
    ).workspace as { id: string };
    const floods = scale(3, 30);
    const c = { pollsAnswered: 0, pollsRefused429: 0, maxHeld: 0, uploadsAdmitted: 0, uploadsRefused429: 0, maxJobs: 0 };
    for (let round = 0; round < floods; round++) {
      const polls = Array.from({ length: cap * 5 }, () => emu.call('GET', `/current/activity/poll/${ws.id}/?wait=30`, { token: owner.token }));
      // The refused ones answer at once; then a change answers the held ones.
      const settled = await Promise.race([Promise.all(polls), new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      expect(settled).toBeNull();
      c.maxHeld = Math.max(c.maxHeld, emu.emulator.held.size);
      await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: `wake-${round}` } });
      for (const r of await Promise.all(polls)) {
        if (r.status === 200) c.pollsAnswered++;
        else if (r.status === 429 && r.body.error?.code === 1671) c.pollsRefused429++;
      }
      for (let i = 0; i < 30; i++) {
        const r = await emu.call('POST', '/current/upload/', {
          token: owner.token,
          form: { instance_id: ws.id, name: `u-${round}-${i}.txt`, chunk: 'x', size: '1' },
        });
        if (r.status === 200) c.uploadsAdmitted++;
        else if (r.status === 429) c.uploadsRefused429++;
        c.maxJobs = Math.max(c.maxJobs, emu.emulator.jobs.size);
      }
      await emu.emulator.jobs.drain();
    }
    expect(c.maxHeld).toBeLessThanOrEqual(cap);
    expect(c.pollsAnswered + c.pollsRefused429).toBe(floods * cap * 5);
    expect(c.pollsRefused429).toBeGreaterThan(0);
    expect(c.uploadsRefused429).toBeGreaterThan(0);
    report('containment-bounds', { cap, floods, ...c });
  }, 600_000);
});
