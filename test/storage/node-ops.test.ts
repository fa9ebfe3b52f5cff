/**
 * Node operations (emulator/storage/node-ops.ts): rename, move, copy, restore, transfer, versions
 * and recent, with the tree kept valid, storage charged for copies, and an audit event each.
 */
import { describe, expect, it } from 'vitest';
import { expectApiError } from '../../contracts/expect.js';
import { HOLD_JOBS, inProcessEmulator, WS_FORM } from '../support/client.js';

async function setup(dialect: 'v2' | '2026-04' = 'v2') {
  const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect: dialect });
  const t = await emu.tenant({ intelligence: false });
  const base = `/current/workspace/${t.ws.id}/storage`;
  const folder = async (name: string, parent = 'root') =>
    ((await emu.ok('POST', `${base}/${parent}/createfolder/`, { token: t.user.token, form: { name } })).node as { id: string }).id;
  const post = (path: string, form: Record<string, string> = {}) => emu.call('POST', `${base}/${path}`, { token: t.user.token, form });
  const events = (name: string) => emu.emulator.db.events.toArray().filter((e) => e.event === name);
  return { emu, ...t, base, folder, post, events };
}

describe('rename and move keep the tree valid', () => {
  it('renames in place (same version), refuses a name held in the folder, and records file_updated', async () => {
    const { emu, user, ws, post, events } = await setup();
    const a = await emu.upload(user.token, ws.id, 'a.txt', 'one');
    await emu.upload(user.token, ws.id, 'b.txt', 'two');
    const version = emu.emulator.db.nodes.get(a)!.versionId;
    const r = await post(`${a}/update/`, { name: 'c.txt' });
    expect(r.status).toBe(200);
    expect(r.body.node).toMatchObject({ id: a, name: 'c.txt', version });
    expectApiError(await post(`${a}/update/`, { name: 'b.txt' }), 409, 1660);
    expectApiError(await post(`${a}/update/`, {}), 400, 1605);
    expect(events('workspace_storage_file_updated').map((e) => e.data)).toEqual([{ name: 'c.txt', previous_name: 'a.txt', type: 'file' }]);
  });

  it('moves a folder with its contents; never into itself, its own folders or the trash; a clash is 409', async () => {
    const { emu, user, ws, folder, post, events } = await setup();
    const top = await folder('top');
    const inner = await folder('inner', top);
    const file = await emu.upload(user.token, ws.id, 'x.txt', 'x', { folder_id: inner });
    const dest = await folder('dest');
    expectApiError(await post(`${top}/move/`, { parent: top }), 400, 1605);
    expectApiError(await post(`${top}/move/`, { parent: inner }), 400, 1605);
    expectApiError(await post(`${top}/move/`, { parent: 'trash' }), 400, 1605);
    const moved = await post(`${top}/move/`, { parent: dest });
    expect(moved.body.node).toMatchObject({ id: top, parent: dest });
    expect(emu.emulator.db.nodes.get(file)!.parentId).toBe(inner);
    // Same folder again: nothing changes, no event.
    await post(`${top}/move/`, { parent: dest });
    expect(events('workspace_storage_folder_moved')).toHaveLength(1);
    // A clash: a file named x.txt at root, then moving inner's x.txt there.
    await emu.upload(user.token, ws.id, 'x.txt', 'other');
    expectApiError(await post(`${file}/move/`, { parent: 'root' }), 409, 1660);
    // No cycle anywhere: every folder's chain of parents reaches root.
    for (const n of emu.emulator.db.nodes.toArray()) {
      const seen = new Set<string>();
      let p = n.parentId;
      while (p !== 'root') {
        expect(seen.has(p)).toBe(false);
        seen.add(p);
        p = emu.emulator.db.nodes.get(p)!.parentId;
      }
    }
  });
});

describe('copy', () => {
  it('copies a folder deeply with new ids, the same bytes, storage charged per copied file', async () => {
    const { emu, user, org, ws, base, folder, post, events } = await setup();
    const src = await folder('src');
    const f = await emu.upload(user.token, ws.id, 'data.bin', new Uint8Array(2048).fill(7), { folder_id: src });
    const dest = await folder('dest');
    const before = emu.ledger(org.id, 'storage').length;
    const r = await post(`${src}/copy/`, { parent: dest });
    expect(r.status).toBe(200);
    const copy = r.body.node as { id: string; parent: string; name: string };
    expect(copy).toMatchObject({ parent: dest, name: 'src' });
    expect(copy.id).not.toBe(src);
    const listed = (await emu.ok('GET', `${base}/${copy.id}/list/`, { token: user.token })).nodes as { id: string; version: string; hash: string }[];
    expect(listed).toHaveLength(1);
    const original = emu.emulator.db.nodes.get(f)!;
    expect(listed[0]!.id).not.toBe(f);
    expect(listed[0]!.version).not.toBe(original.versionId);
    expect(listed[0]!.hash).toBe(original.hash);
    const read = await emu.download(`${base}/${listed[0]!.id}/read/`, user.token);
    expect(read.bytes.equals(Buffer.alloc(2048, 7))).toBe(true);
    const charged = emu.ledger(org.id, 'storage').slice(before);
    expect(charged.map((e) => [e.units, e.objectId])).toEqual([[2048, listed[0]!.id]]);
    expect(events('workspace_storage_file_copied')[0]).toMatchObject({ objectId: copy.id, data: { source_id: src, nodes: 2, size: 2048 } });
    // Purging the original leaves the copy readable.
    await emu.ok('DELETE', `${base}/${src}/delete/`, { token: user.token });
    await emu.ok('DELETE', `${base}/${src}/purge/`, { token: user.token });
    expect((await emu.download(`${base}/${listed[0]!.id}/read/`, user.token)).bytes.length).toBe(2048);
    // Into itself, or onto a held name, is refused.
    expectApiError(await post(`${dest}/copy/`, { parent: copy.id }), 400, 1605);
    expectApiError(await post(`${copy.id}/copy/`, { parent: dest }), 409, 1660);
  });

  it('a copy past the plan storage limit answers 402/1685 and writes nothing', async () => {
    const { emu, user, org, ws, post } = await setup();
    const f = await emu.upload(user.token, ws.id, 'big.bin', new Uint8Array(1024));
    const dest = ((await post('root/createfolder/', { name: 'd' })).body.node as { id: string }).id;
    const plan = emu.emulator.plans.get(emu.emulator.db.orgs.get(org.id)!.plan)!;
    const limit = plan.storage_bytes;
    (plan as { storage_bytes: number | null }).storage_bytes = 1500;
    try {
      const count = emu.emulator.db.nodes.size;
      expectApiError(await post(`${f}/copy/`, { parent: dest }), 402, 1685);
      expect(emu.emulator.db.nodes.size).toBe(count);
    } finally {
      (plan as { storage_bytes: number | null }).storage_bytes = limit;
    }
  });
});

describe('trash and restore', () => {
  it('restores a folder with what was trashed with it, lists the trash, and refuses a live node or a clash', async () => {
    const { emu, user, ws, base, folder, post, events } = await setup();
    const dir = await folder('docs');
    const a = await emu.upload(user.token, ws.id, 'a.txt', 'a', { folder_id: dir });
    expectApiError(await post(`${dir}/restore/`), 400, 1605);
    await emu.ok('DELETE', `${base}/${dir}/delete/`, { token: user.token });
    const trash = (await emu.ok('GET', `${base}/trash/list/`, { token: user.token })).nodes as { id: string }[];
    expect(trash.map((n) => n.id)).toEqual([dir]);
    const r = await post(`${dir}/restore/`);
    expect(r.body.node).toMatchObject({ id: dir, deleted: false, parent: 'root' });
    expect(emu.emulator.db.nodes.get(a)!.trashed).toBeNull();
    expect(events('workspace_storage_file_restored')[0]).toMatchObject({ objectId: dir, data: { nodes: 2 } });
    // A file trashed, its name taken again, then restored: 409.
    await emu.ok('DELETE', `${base}/${a}/delete/`, { token: user.token });
    await emu.upload(user.token, ws.id, 'a.txt', 'new', { folder_id: dir });
    expectApiError(await post(`${a}/restore/`), 409, 1660);
  });
});

describe('versions', () => {
  it('lists versions newest first; April restores one with the version id in the path', async () => {
    const { emu, user, ws, base, post } = await setup('2026-04');
    const id = await emu.upload(user.token, ws.id, 'v.txt', 'one');
    const v1 = emu.emulator.db.nodes.get(id)!.versionId!;
    await emu.upload(user.token, ws.id, 'v.txt', 'two');
    const list = (await emu.ok('GET', `${base}/${id}/versions/`, { token: user.token })).versions as { id: string; current: boolean; size: number }[];
    expect(list.map((v) => [v.current, v.size])).toEqual([
      [true, 3],
      [false, 3],
    ]);
    expect(list[1]!.id).toBe(v1);
    const r = await post(`${id}/versions/${v1}/restore/`);
    expect(r.body.node).toMatchObject({ version: v1 });
    expect((await emu.download(`${base}/${id}/read/`, user.token)).bytes.toString()).toBe('one');
  });
});

describe('transfer', () => {
  it('moves a subtree to another workspace of the org, refuses another org and a non-member target', async () => {
    const { emu, user, org, ws, base, folder, post, events } = await setup();
    const dir = await folder('handoff');
    const f = await emu.upload(user.token, ws.id, 'h.txt', 'h', { folder_id: dir });
    await emu.upload(user.token, ws.id, 'h.txt', 'h2', { folder_id: dir });
    const other = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: user.token, form: { ...WS_FORM, folder_name: 'second-ws', name: 'Second' } })
    ).workspace as { id: string };
    const r = await post(`${dir}/transfer/`, { target_workspace_id: other.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ workspace_id: other.id, node: { id: dir, parent: 'root' } });
    expect(emu.emulator.db.nodes.get(f)!.workspaceId).toBe(other.id);
    expect(emu.emulator.db.fileVersions.find('node', f).every((v) => v.workspaceId === other.id)).toBe(true);
    // The node is gone from the source workspace (a foreign id now) and readable in the target.
    expectApiError(await emu.call('GET', `${base}/${f}/details/`, { token: user.token }), 401, 115069);
    expect((await emu.download(`/current/workspace/${other.id}/storage/${f}/read/`, user.token)).bytes.toString()).toBe('h2');
    expect(events('workspace_storage_node_transferred').map((e) => e.workspaceId)).toEqual([ws.id, other.id]);
    // Another org (the caller is its owner too) is refused; a workspace the caller is not in answers 401/10545.
    const second = await emu.tenant({ intelligence: false });
    const g = await emu.upload(user.token, other.id, 'g.txt', 'g');
    const otherBase = `/current/workspace/${other.id}/storage`;
    expectApiError(await emu.call('POST', `${otherBase}/${g}/transfer/`, { token: user.token, form: { target_workspace_id: second.ws.id } }), 401, 10545);
    await emu.ok('POST', `/current/workspace/${second.ws.id}/members/${user.id}/`, { token: second.user.token, form: { permissions: 'admin' } });
    expectApiError(await emu.call('POST', `${otherBase}/${g}/transfer/`, { token: user.token, form: { target_workspace_id: second.ws.id } }), 400, 1605);
    expect(emu.emulator.db.nodes.get(g)!.workspaceId).toBe(other.id);
  });
});

describe('recent', () => {
  it('answers live nodes newest first, filters by type, pages with a cursor', async () => {
    const { emu, user, ws, base } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await emu.upload(user.token, ws.id, `r${i}.txt`, `r${i}`));
      emu.emulator.clock.advance(1);
    }
    await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'f' } });
    const r = await emu.ok('GET', `/current/workspace/${ws.id}/storage/recent/`, { token: user.token, query: { type: 'file' } });
    expect((r.nodes as { id: string }[]).map((n) => n.id)).toEqual([...ids].reverse());
    await emu.ok('DELETE', `${base}/${ids[4]}/delete/`, { token: user.token });
    const again = await emu.ok('GET', `/current/workspace/${ws.id}/storage/recent/`, { token: user.token, query: { type: 'file' } });
    expect((again.nodes as { id: string }[]).map((n) => n.id)).not.toContain(ids[4]);
  });
});
