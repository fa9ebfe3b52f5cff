/**
 * Kept versions: what they cost (one ledger: storage for held bytes, ingestion for new content),
 * the audit events and activity keys they record, and that a state export carries them.
 */
import { describe, expect, it } from 'vitest';
import { PERIOD_MS } from '../../emulator/billing/ledger.js';
import { GIB } from '../../emulator/storage/storage-credits.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

const V2 = { ...HOLD_JOBS, apiDialect: 'v2' } as const;

describe('kept versions and credits', () => {
  it('holds a kept version as storage in later periods, charges nothing to restore one, and frees both on purge', async () => {
    const emu = await inProcessEmulator(V2);
    const { user, org, ws } = await emu.tenant({ intelligence: false });
    const base = `/current/workspace/${ws.id}/storage`;
    const big = 3 * 1024 * 1024;
    const small = 1024 * 1024;
    const id = await emu.upload(user.token, ws.id, 'data.bin', new Uint8Array(big));
    const v1 = emu.emulator.db.nodes.get(id)!.versionId!;
    expect(await emu.upload(user.token, ws.id, 'data.bin', new Uint8Array(small))).toBe(id);
    // Each stored version is charged for the rest of the period when it is stored.
    expect(emu.ledger(org.id, 'storage').map((e) => [e.units, e.objectId])).toEqual([
      [big, id],
      [small, id],
    ]);

    await emu.ok('POST', `${base}/${id}/restore-version/`, { token: user.token, form: { version_id: v1 } });
    expect(emu.ledger(org.id, 'storage')).toHaveLength(2);
    expect(emu.emulator.db.nodes.get(id)).toMatchObject({ versionId: v1, size: big });

    // The next period charges both versions as held bytes, once.
    emu.emulator.clock.advance(PERIOD_MS / 1000 + 60);
    await emu.upload(user.token, ws.id, 'tiny.txt', 't');
    const held = emu.ledger(org.id, 'storage').filter((e) => e.objectId?.startsWith('storage-period:'));
    expect(held.map((e) => e.units)).toEqual([big + small]);
    expect(held[0]!.credits).toBeCloseTo(((big + small) / GIB) * 100, 9);

    await emu.ok('DELETE', `${base}/${id}/delete/`, { token: user.token });
    await emu.ok('DELETE', `${base}/${id}/purge/`, { token: user.token });
    expect(emu.emulator.db.fileVersions.size).toBe(0);
    emu.emulator.clock.advance(PERIOD_MS / 1000 + 60);
    await emu.upload(user.token, ws.id, 'tiny2.txt', 't');
    const later = emu.ledger(org.id, 'storage').filter((e) => e.objectId?.startsWith('storage-period:'));
    expect(later.at(-1)!.units).toBe(1);
  });

  it('ingests (and charges) each new content: an overwrite, a note update and a restore; a rename alone is free', async () => {
    const emu = await inProcessEmulator(V2);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const base = `/current/workspace/${ws.id}/storage`;
    const id = await emu.upload(user.token, ws.id, 'terms.txt', 'The termination notice is ninety days.');
    await emu.settle();
    const v1 = emu.emulator.db.nodes.get(id)!.versionId!;
    await emu.upload(user.token, ws.id, 'terms.txt', 'The termination notice is thirty days.');
    await emu.settle();
    await emu.ok('POST', `${base}/${id}/restore-version/`, { token: user.token, form: { version_id: v1 } });
    await emu.settle();
    const note = (await emu.ok('POST', `${base}/root/createnote/`, { token: user.token, form: { name: 'n.md', content: '# One' } })).node as { id: string };
    await emu.settle();
    await emu.ok('POST', `${base}/${note.id}/updatenote/`, { token: user.token, form: { content: '# Two' } });
    await emu.settle();
    await emu.ok('POST', `${base}/${note.id}/updatenote/`, { token: user.token, form: { name: 'renamed.md' } });
    await emu.settle();
    const ingestion = emu.ledger(org.id, 'ingestion');
    expect(ingestion.map((e) => e.objectId)).toEqual([id, id, id, note.id, note.id]);
    expect(ingestion.every((e) => e.credits === 10)).toBe(true);
    // The index holds the restored content, not the overwritten one.
    const hits = await emu.ok('GET', `${base.replace('/storage', '')}/storage/search/`, { token: user.token, query: { search: 'ninety days' } });
    expect((hits.results as { id: string }[]).map((h) => h.id)).toEqual([id]);
  });
});

describe('events and activity', () => {
  it('records file_added (new_version), version_restored and file_updated, each touching storage:{id}', async () => {
    const emu = await inProcessEmulator(V2);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const base = `/current/workspace/${ws.id}/storage`;
    const id = await emu.upload(user.token, ws.id, 'a.txt', 'one');
    const v1 = emu.emulator.db.nodes.get(id)!.versionId!;
    await emu.upload(user.token, ws.id, 'a.txt', 'two');
    const v2 = emu.emulator.db.nodes.get(id)!.versionId!;
    const poll = await emu.ok('GET', `/current/activity/poll/${ws.id}/`, { token: user.token });
    await emu.ok('POST', `${base}/${id}/restore-version/`, { token: user.token, form: { version_id: v1 } });
    const woke = await emu.ok('GET', `/current/activity/poll/${ws.id}/`, {
      token: user.token,
      query: { wait: '1', lastactivity: poll.lastactivity as string, updated: '1' },
    });
    expect(JSON.stringify(woke.activity)).toContain(`storage:${id}`);
    const note = (await emu.ok('POST', `${base}/root/createnote/`, { token: user.token, form: { name: 'n.md', content: 'x' } })).node as { id: string };
    await emu.ok('POST', `${base}/${note.id}/updatenote/`, { token: user.token, form: { name: 'm.md' } });

    const events = emu.emulator.db.events.toArray().filter((e) => e.subcategory === 'storage');
    const added = events.filter((e) => e.event === 'workspace_storage_file_added' && e.objectId === id);
    expect(added.map((e) => [e.data.new_version, e.data.previous_version_id])).toEqual([
      [false, null],
      [true, v1],
    ]);
    expect(events.find((e) => e.event === 'workspace_storage_version_restored')).toMatchObject({
      objectId: id,
      category: 'workspace',
      callingUserId: user.id,
      data: { version_id: v1, previous_version_id: v2 },
    });
    expect(events.find((e) => e.event === 'workspace_storage_file_updated')).toMatchObject({
      objectId: note.id,
      data: { name: 'm.md', previous_name: 'n.md' },
    });
  });
});

describe('persistence', () => {
  it('a state export carries kept versions: an old version reads back after import', async () => {
    const emu = await inProcessEmulator(V2);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const id = await emu.upload(user.token, ws.id, 'a.txt', 'first');
    const v1 = emu.emulator.db.nodes.get(id)!.versionId!;
    await emu.upload(user.token, ws.id, 'a.txt', 'second');
    const copy = await inProcessEmulator(V2);
    copy.emulator.importState(emu.emulator.exportState());
    const read = await copy.download(`/current/workspace/${ws.id}/storage/${id}/read/?version_id=${v1}`, user.token);
    expect([read.status, read.bytes.toString()]).toEqual([200, 'first']);
  });
});
