import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

const NODE_ID = /^2[0-9a-z]{28}$/;

describe('single-call uploads', () => {
  it('stores the bytes as a node with size, hash, mimetype and version, and records the upload', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: false });
    const text = 'Quarterly figures for the Harbor sorter line.\n';
    const r = await emu.multipart(
      '/current/upload/',
      user.token,
      { name: 'figures.txt', size: String(text.length), action: 'create', instance_id: ws.id, folder_id: 'root', profile_type: 'workspace' },
      { name: 'figures.txt', data: text },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.id).toMatch(/^5[0-9a-z]{28}$/);
    expect(r.body.new_file_id).toMatch(NODE_ID);
    const node = await emu.node(user.token, ws.id, r.body.new_file_id as string);
    expect(node).toMatchObject({
      name: 'figures.txt',
      type: 'file',
      parent: 'root',
      size: text.length,
      mimetype: 'text/plain',
      hash_algo: 'sha256',
      deleted: false,
      ai: { state: 'disabled' },
      origin: { type: 'upload', creator: user.id },
    });
    expect(node.version).toMatch(/^3[0-9a-z]{28}$/);
    const session = await emu.ok('GET', `/current/upload/${r.body.id as string}/details/`, { token: user.token });
    expect(session.session).toMatchObject({ status: 'stored', new_file_id: r.body.new_file_id, instance_id: ws.id, folder_id: 'root' });

    const events = emu.emulator.db.events.toArray().filter((e) => e.event === 'workspace_storage_file_added');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      orgId: org.id,
      workspaceId: ws.id,
      callingUserId: user.id,
      objectId: r.body.new_file_id,
      data: { upload_id: r.body.id },
    });
    const list = await emu.ok('GET', `/current/workspace/${ws.id}/storage/root/list/`, { token: user.token });
    expect((list.nodes as { id: string }[]).map((n) => n.id)).toEqual([r.body.new_file_id]);
  });

  it('makes a new version of a file uploaded again under the same name, keeping the old bytes as a version', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const first = await emu.upload(user.token, ws.id, 'plan.md', '# Version one');
    const v1 = (await emu.node(user.token, ws.id, first)).version;
    const blobsBefore = emu.emulator.db.blobs.size;
    const second = await emu.upload(user.token, ws.id, 'plan.md', '# Version two, longer');
    expect(second).toBe(first);
    const node = await emu.node(user.token, ws.id, second);
    expect(node.version).not.toBe(v1);
    expect(node.size).toBe('# Version two, longer'.length);
    // PARITY: agent guide v2.6: the prior content is kept as a recoverable version.
    expect(emu.emulator.db.blobs.size).toBe(blobsBefore + 1);
    expect(emu.emulator.db.fileVersions.toArray().map((v) => [v.id, v.nodeId, v.size])).toEqual([[v1, first, '# Version one'.length]]);
    const read = await emu.download(`/current/workspace/${ws.id}/storage/${second}/read/`, user.token);
    expect(read.bytes.toString()).toBe('# Version two, longer');
    const old = await emu.download(`/current/workspace/${ws.id}/storage/${second}/read/?version_id=${v1 as string}`, user.token);
    expect(old.bytes.toString()).toBe('# Version one');
  });

  it('refuses a size that differs from the bytes, a chunk over 4 MiB, a stray file part, and a guest', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const fields = { name: 'a.txt', instance_id: ws.id };
    const wrong = await emu.multipart('/current/upload/', user.token, { ...fields, size: '3' }, { name: 'a.txt', data: 'four' });
    expect([wrong.status, wrong.body.error?.code]).toEqual([400, 1605]);
    const big = await emu.multipart('/current/upload/', user.token, fields, { name: 'a.txt', data: new Uint8Array(4 * 1024 * 1024 + 1) });
    expect([big.status, big.body.error?.code, big.text]).toEqual([400, 1605, expect.stringContaining('chunk')]);
    const stray = await emu.multipart('/current/upload/', user.token, fields, { name: 'a.txt', data: 'x', field: 'file' });
    expect([stray.status, stray.body.error?.code]).toEqual([400, 1605]);
    const guest = await emu.persona('human');
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: user.token, form: { permissions: 'guest' } });
    const refused = await emu.multipart('/current/upload/', guest.token, fields, { name: 'a.txt', data: 'x' });
    expect([refused.status, refused.body.error?.code]).toEqual([403, 1680]);
    expect(emu.emulator.db.nodes.size).toBe(0);
    // A guest still lists and reads.
    expect((await emu.call('GET', `/current/workspace/${ws.id}/storage/root/list/`, { token: guest.token })).status).toBe(200);
  });

  it('answers 401/10545 for a workspace of another tenant and 404/1609 for a share upload naming no share', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const a = await emu.tenant({ intelligence: false });
    const b = await emu.tenant({ intelligence: false });
    const cross = await emu.multipart('/current/upload/', b.user.token, { name: 'x.txt', instance_id: a.ws.id }, { name: 'x.txt', data: 'x' });
    expect([cross.status, cross.body.error?.code]).toEqual([401, 10545]);
    const share = await emu.multipart(
      '/current/upload/',
      a.user.token,
      { name: 'x.txt', instance_id: a.ws.id, profile_type: 'share' },
      { name: 'x.txt', data: 'x' },
    );
    // profile_type=share takes a share id (shares/share-storage-mount.ts): a workspace id names no share.
    expect([share.status, share.body.error?.code]).toEqual([404, 1609]);
  });
});

describe('chunked upload sessions', () => {
  it('goes ready -> uploading -> assembling -> complete -> storing -> stored, in any chunk order', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const parts = ['first part, ', 'second part, ', 'third part.'];
    const total = parts.join('');
    const created = await emu.ok('POST', '/current/upload/', {
      token: user.token,
      form: {
        name: 'big.txt',
        size: String(total.length),
        action: 'create',
        instance_id: ws.id,
        folder_id: 'root',
      },
    });
    const id = created.id as string;
    expect(id).toMatch(/^5[0-9a-z]{28}$/);
    const details = async () => (await emu.ok('GET', `/current/upload/${id}/details/`, { token: user.token })).session as Record<string, unknown>;
    expect(await details()).toMatchObject({ status: 'ready', chunks: {}, new_file_id: null });

    const seen: string[] = [];
    const stop = emu.emulator.activityHub.touched.on((entity, entry) => {
      if (entity !== user.id || entry.key !== `upload:${id}`) return;
      // The audit feed touches the same key as the service for chunks and complete: count changes.
      const status = emu.emulator.db.uploads.get(id)!.status;
      if (seen[seen.length - 1] !== status) seen.push(status);
    });
    for (const order of [3, 1, 2]) {
      const r = await emu.multipart(
        `/current/upload/${id}/chunk/?order=${order}&size=${parts[order - 1]!.length}`,
        user.token,
        {},
        { name: 'chunk.bin', data: parts[order - 1]! },
      );
      expect(r.status, r.text).toBe(200);
    }
    expect(await details()).toMatchObject({ status: 'uploading', chunks: { '1': parts[0]!.length, '2': parts[1]!.length, '3': parts[2]!.length } });
    const done = await emu.ok('POST', `/current/upload/${id}/complete/`, { token: user.token });
    expect(done.status).toBe('assembling');
    await emu.settle();
    stop();
    expect(seen).toEqual(['uploading', 'assembling', 'complete', 'storing', 'stored']);
    const session = await details();
    expect(session.status).toBe('stored');
    const read = await emu.download(`/current/workspace/${ws.id}/storage/${session.new_file_id as string}/read/`, user.token);
    expect(read.bytes.toString()).toBe(total);
    // Chunk blobs are gone once assembled; only the file's bytes remain.
    expect(emu.emulator.db.blobs.size).toBe(1);
  });

  it("takes a chunk of 8 MiB (the official client's fileshare write-back chunk) and refuses a larger one", async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const size = 8 * 1024 * 1024;
    const open = async () =>
      (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'big.bin', size: String(size + 1), instance_id: ws.id } })).id as string;
    const id = await open();
    const full = await emu.multipart(`/current/upload/${id}/chunk/?order=1&size=${size}`, user.token, {}, { name: 'c', data: new Uint8Array(size) });
    expect(full.status, full.text).toBe(200);
    const over = await emu.multipart(`/current/upload/${await open()}/chunk/?order=1`, user.token, {}, { name: 'c', data: new Uint8Array(size + 1) });
    expect(over.status >= 400 && over.status < 500, over.text).toBe(true);
    expect(over.text).toContain('chunk');
  });

  it('details?wait= holds an assembling session until it changes', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const id = (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'w.txt', size: '3', instance_id: ws.id } })).id as string;
    await emu.multipart(`/current/upload/${id}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'abc' });
    await emu.ok('POST', `/current/upload/${id}/complete/`, { token: user.token });
    const held = emu.call('GET', `/current/upload/${id}/details/?wait=60`, { token: user.token });
    // Wait for the request to be parked on the activity hub (a condition, not a fixed sleep).
    for (let i = 0; i < 10_000 && emu.emulator.activityHub.waiting === 0; i++) await new Promise((r) => setImmediate(r));
    expect(emu.emulator.activityHub.waiting).toBe(1);
    await emu.settle();
    const answer = await held;
    expect((answer.body.session as { status: string }).status).not.toBe('assembling');
    expect(emu.emulator.activityHub.waiting).toBe(0);
  });

  it('ends in assembly_failed when a chunk is missing or the bytes fall short, with status_message', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const open = async (size: number) =>
      (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: String(size), instance_id: ws.id } })).id as string;
    const gap = await open(10);
    await emu.multipart(`/current/upload/${gap}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'aaa' });
    await emu.multipart(`/current/upload/${gap}/chunk/?order=3`, user.token, {}, { name: 'c', data: 'ccc' });
    const short = await open(10);
    await emu.multipart(`/current/upload/${short}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'aaa' });
    await emu.ok('POST', `/current/upload/${gap}/complete/`, { token: user.token });
    await emu.ok('POST', `/current/upload/${short}/complete/`, { token: user.token });
    await emu.settle();
    expect(emu.emulator.db.uploads.get(gap)).toMatchObject({ status: 'assembly_failed', error: 'chunk 2 is missing' });
    expect(emu.emulator.db.uploads.get(short)).toMatchObject({ status: 'assembly_failed', error: 'the chunks hold 3 bytes but the session declared 10' });
    expect(emu.emulator.db.nodes.size).toBe(0);
    expect(emu.emulator.db.events.toArray().filter((e) => e.event === 'upload_session_failed')).toHaveLength(2);
  });

  it('ends in store_failed when the target folder is deleted before storing', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const folder = (await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: user.token, form: { name: 'inbox' } })).node as {
      id: string;
    };
    const id = (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'x.txt', size: '3', instance_id: ws.id, folder_id: folder.id } }))
      .id as string;
    await emu.multipart(`/current/upload/${id}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'abc' });
    await emu.ok('POST', `/current/upload/${id}/complete/`, { token: user.token });
    await emu.ok('DELETE', `/current/workspace/${ws.id}/storage/${folder.id}/delete/`, { token: user.token });
    await emu.settle();
    expect(emu.emulator.db.uploads.get(id)).toMatchObject({ status: 'store_failed', error: 'the target folder no longer exists' });
  });

  it('refuses bad chunks, other users, complete twice, and cleans up on delete', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const other = await emu.persona('human');
    const id = (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '6', instance_id: ws.id } })).id as string;
    const expectCode = (r: { status: number; body: { error?: { code: number } } }, status: number, code: number) =>
      expect([r.status, r.body.error?.code]).toEqual([status, code]);
    expectCode(await emu.multipart(`/current/upload/${id}/chunk/?order=0`, user.token, {}, { name: 'c', data: 'ab' }), 400, 1605);
    expectCode(await emu.multipart(`/current/upload/${id}/chunk/?order=1&size=5`, user.token, {}, { name: 'c', data: 'ab' }), 400, 1605);
    expectCode(await emu.multipart(`/current/upload/${id}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'abcdefg' }), 400, 1605);
    expectCode(await emu.multipart(`/current/upload/${id}/chunk/?order=1`, other.token, {}, { name: 'c', data: 'ab' }), 404, 1609);
    expectCode(await emu.call('GET', `/current/upload/${id}/details/`, { token: other.token }), 404, 1609);
    expectCode(await emu.call('POST', `/current/upload/${id}/complete/`, { token: user.token }), 400, 1605);
    await emu.multipart(`/current/upload/${id}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'abc' });
    // Re-sending an order replaces the chunk.
    await emu.multipart(`/current/upload/${id}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'xyz' });
    expect(emu.emulator.db.blobs.size).toBe(1);
    expect((await emu.call('DELETE', `/current/upload/${id}/`, { token: user.token })).status).toBe(200);
    expect(emu.emulator.db.blobs.size).toBe(0);
    expectCode(await emu.call('GET', `/current/upload/${id}/details/`, { token: user.token }), 404, 1609);

    const again = (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'y.bin', size: '3', instance_id: ws.id } })).id as string;
    await emu.multipart(`/current/upload/${again}/chunk/?order=1`, user.token, {}, { name: 'c', data: 'abc' });
    await emu.ok('POST', `/current/upload/${again}/complete/`, { token: user.token });
    expectCode(await emu.call('POST', `/current/upload/${again}/complete/`, { token: user.token }), 409, 1660);
    expectCode(await emu.multipart(`/current/upload/${again}/chunk/?order=2`, user.token, {}, { name: 'c', data: 'd' }), 409, 1660);
    await emu.settle();
  });
});

describe('plan limits', () => {
  const catalog = JSON.parse(readFileSync(fromPackageRoot('fixtures', 'plans.json'), 'utf8')) as { plans: Record<string, unknown>[] };
  const dir = mkdtempSync(join(tmpdir(), 'fastio-plans-'));
  const plansFile = join(dir, 'plans.json');
  writeFileSync(
    plansFile,
    JSON.stringify({ ...catalog, plans: catalog.plans.map((p) => (p.id === 'free' ? { ...p, storage_bytes: 2500, max_file_bytes: 1000 } : p)) }),
  );

  it('answers 402/1685 past the file size or storage limit, when uploading and when opening a session', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, plansFile });
    const { user, ws } = await emu.tenant({ intelligence: false });
    const tooBig = await emu.multipart(
      '/current/upload/',
      user.token,
      { name: 'big.bin', instance_id: ws.id },
      { name: 'big.bin', data: new Uint8Array(1001) },
    );
    expect([tooBig.status, tooBig.body.error?.code]).toEqual([402, 1685]);
    expect(tooBig.body.error?.text).toMatch(/1000 bytes per file/);
    const session = await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'big.bin', size: '1001', instance_id: ws.id } });
    expect([session.status, session.body.error?.code]).toEqual([402, 1685]);

    await emu.upload(user.token, ws.id, 'a.bin', new Uint8Array(1000));
    await emu.upload(user.token, ws.id, 'b.bin', new Uint8Array(1000));
    const full = await emu.multipart('/current/upload/', user.token, { name: 'c.bin', instance_id: ws.id }, { name: 'c.bin', data: new Uint8Array(600) });
    expect([full.status, full.body.error?.code]).toEqual([402, 1685]);
    expect(full.body.error?.text).toMatch(/2500 bytes of storage/);
    // A new version keeps its predecessor's bytes (a kept version is held), so it counts in full.
    await emu.upload(user.token, ws.id, 'b.bin', new Uint8Array(400));
    const again = await emu.multipart('/current/upload/', user.token, { name: 'b.bin', instance_id: ws.id }, { name: 'b.bin', data: new Uint8Array(200) });
    expect([again.status, again.body.error?.code]).toEqual([402, 1685]);
    // Trashed files (and their kept versions) still hold storage until purged.
    const b = emu.emulator.db.nodes.toArray().find((n) => n.name === 'b.bin')!;
    await emu.ok('DELETE', `/current/workspace/${ws.id}/storage/${b.id}/delete/`, { token: user.token });
    const d = () => emu.multipart('/current/upload/', user.token, { name: 'd.bin', instance_id: ws.id }, { name: 'd.bin', data: new Uint8Array(600) });
    expect((await d()).status).toBe(402);
    await emu.ok('DELETE', `/current/workspace/${ws.id}/storage/${b.id}/purge/`, { token: user.token });
    expect(emu.emulator.db.fileVersions.size).toBe(0);
    expect((await d()).status).toBe(200);
  });
});

describe('folders, notes, trash', () => {
  it('creates folders idempotently (or renamed with force), notes with .md names, and lists folders first', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const base = `/current/workspace/${ws.id}/storage`;
    const a = (await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'Contracts' } })).node as { id: string; type: string };
    expect(a.type).toBe('folder');
    expect(((await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'Contracts' } })).node as { id: string }).id).toBe(a.id);
    const forced = (await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'Contracts', force: 'true' } })).node as {
      name: string;
    };
    expect(forced.name).toBe('Contracts (2)');
    const note = (
      await emu.ok('POST', `${base}/${a.id}/createnote/`, { token: user.token, form: { name: 'decisions.md', content: 'We chose\u0007 vendor X.\n' } })
    ).node as {
      id: string;
      type: string;
      parent: string;
      mimetype: string;
    };
    expect(note).toMatchObject({ type: 'note', parent: a.id, mimetype: 'text/markdown' });
    expect((await emu.download(`${base}/${note.id}/read/`, user.token)).bytes.toString()).toBe('We chose vendor X.\n');
    const badName = await emu.call('POST', `${base}/root/createnote/`, { token: user.token, form: { name: 'decisions.txt', content: 'x' } });
    expect((badName.body.error as { params?: { name: string }[] }).params?.[0]).toMatchObject({ name: 'name' });
    const tooLong = await emu.call('POST', `${base}/root/createnote/`, { token: user.token, form: { name: 'big.md', content: 'x'.repeat(100 * 1024 + 1) } });
    expect([tooLong.status, tooLong.body.error?.code]).toEqual([400, 1605]);
    expect((await emu.call('POST', `${base}/${a.id}/createnote/`, { token: user.token, form: { name: 'decisions.md', content: 'again' } })).status).toBe(409);
    await emu.upload(user.token, ws.id, 'zeta.txt', 'z');
    await emu.upload(user.token, ws.id, 'alpha.txt', 'a');
    const list = (await emu.ok('GET', `${base}/root/list/`, { token: user.token })).nodes as { name: string }[];
    expect(list.map((n) => n.name)).toEqual(['Contracts', 'Contracts (2)', 'alpha.txt', 'zeta.txt']);
    const bySize = (await emu.ok('GET', `${base}/root/list/?sort_by=name&sort_dir=desc&limit=2&offset=1`, { token: user.token })) as {
      nodes: { name: string }[];
      pagination: unknown;
    };
    expect(bySize.nodes.map((n) => n.name)).toEqual(['Contracts', 'zeta.txt']);
    expect(bySize.pagination).toEqual({ total: 4, limit: 2, offset: 1, has_more: true });
    const inFolder = (await emu.ok('GET', `${base}/${a.id}/list/`, { token: user.token })).nodes as { id: string }[];
    expect(inFolder.map((n) => n.id)).toEqual([note.id]);
  });

  it('trashes a folder with its contents, lists the trash, and purges for good', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const base = `/current/workspace/${ws.id}/storage`;
    const folder = (await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'old' } })).node as { id: string };
    const inner = await emu.upload(user.token, ws.id, 'inner.txt', 'inside', { folder_id: folder.id });
    expect((await emu.call('DELETE', `${base}/${inner}/purge/`, { token: user.token })).status).toBe(400);
    expect((await emu.call('DELETE', `${base}/${folder.id}/delete/`, { token: user.token })).status).toBe(200);
    expect((await emu.ok('GET', `${base}/root/list/`, { token: user.token })).nodes).toEqual([]);
    expect(((await emu.ok('GET', `${base}/trash/list/`, { token: user.token })).nodes as { id: string }[]).map((n) => n.id)).toEqual([folder.id]);
    expect(await emu.node(user.token, ws.id, inner)).toMatchObject({ deleted: true });
    expect((await emu.call('GET', `${base}/${inner}/requestread/`, { token: user.token })).status).toBe(404);
    expect((await emu.call('DELETE', `${base}/${folder.id}/delete/`, { token: user.token })).status).toBe(404);
    const events = emu.emulator.db.events.toArray().map((e) => e.event);
    expect(events).toContain('workspace_storage_folder_deleted');
    expect((await emu.call('DELETE', `${base}/${folder.id}/purge/`, { token: user.token })).status).toBe(200);
    expect(emu.emulator.db.nodes.size).toBe(0);
    expect(emu.emulator.db.blobs.size).toBe(0);
    expect((await emu.call('GET', `${base}/${inner}/details/`, { token: user.token })).status).toBe(404);
  });
});
