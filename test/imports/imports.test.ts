/**
 * Cloud imports end to end in one process (emulator/imports/): the emulator provider's drive set
 * through the control plane, an identity, a source whose import job copies the drive's files into
 * the workspace (bytes, versions and storage credits through the storage service), a change to an
 * imported file that is written back, a conflict when both sides changed and its two resolutions,
 * the workspace switch, and the refusals (a live provider's 501, another tenant's source).
 */
import { describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator, type InProcessEmulator } from '../support/client.js';
import { expectApiError } from '../../contracts/expect.js';

type Json = Record<string, unknown>;

async function setUp(emu: InProcessEmulator, files: Record<string, string>) {
  const t = await emu.tenant({ label: 'imp' });
  const drive = `/drive-${Math.random().toString(36).slice(2, 8)}`;
  await emu.ok('POST', '/_emulator/imports/tree', { json: { path: drive, files: Object.entries(files).map(([path, content]) => ({ path, content })) } });
  const token = t.user.token;
  const identity = (await emu.ok('POST', `/current/imports/workspace/${t.ws.id}/identities/provision/`, { token, json: { provider: 'emulator' } }))
    .identity as Json;
  return { t, token, drive, identityId: identity.id as string };
}

async function createSource(emu: InProcessEmulator, s: Awaited<ReturnType<typeof setUp>>, extra: Json = {}) {
  const body = await emu.ok('POST', `/current/imports/workspace/${s.t.ws.id}/sources/create/`, {
    token: s.token,
    json: { identity_id: s.identityId, remote_path: s.drive, access_mode: 'read_write', ...extra },
  });
  return { source: body.source as Json, job: body.job as Json };
}

const list = async (emu: InProcessEmulator, token: string, ws: string, folder: string) =>
  ((await emu.ok('GET', `/current/workspace/${ws}/storage/${folder}/list/`, { token })).nodes as Json[]).map((n) => [n.name, n.type]).sort();

const remoteText = async (emu: InProcessEmulator, path: string) => {
  const files = (await emu.ok('GET', '/_emulator/imports/tree', { query: { path } })).files as Json[];
  return Object.fromEntries(files.map((f) => [f.relative_path, Buffer.from(f.content_base64 as string, 'base64').toString()]));
};

describe.each(['2026-04', 'v2'] as const)('cloud imports (%s)', (apiDialect) => {
  it('an import job copies the remote tree into the source folder, charging storage like uploads', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect });
    const s = await setUp(emu, { 'readme.txt': 'hello', 'docs/plan.md': '# plan', 'docs/deep/notes.txt': 'deep' });
    const { source, job } = await createSource(emu, s);
    expect(job).toMatchObject({ status: 'queued', type: 'initial', source_id: source.id });
    expect(source).toMatchObject({ status: 'syncing', access_mode: 'read_write', remote_path: s.drive, remote_name: s.drive.slice(1) });
    const before = emu.credits(s.t.org.id);
    await emu.settle();
    const done = (await emu.ok('GET', `/current/imports/details/${source.id as string}/jobs/${job.id as string}/`, { token: s.token })).job as Json;
    expect(done).toMatchObject({ status: 'completed', files_total: 3, files_imported: 3, bytes_imported: 15 });
    const folder = source.folder_id as string;
    expect(await list(emu, s.token, s.t.ws.id, folder)).toEqual([
      ['docs', 'folder'],
      ['readme.txt', 'file'],
    ]);
    const details = (await emu.ok('GET', `/current/imports/details/${source.id as string}/`, { token: s.token })).source as Json;
    expect(details).toMatchObject({ status: 'synced', file_count: 3 });
    expect(details.last_synced).toMatch(/UTC$/);
    expect(emu.credits(s.t.org.id)).toBeGreaterThanOrEqual(before);
    expect(emu.ledger(s.t.org.id, 'storage').length).toBeGreaterThan(0);

    // a refresh with nothing changed imports nothing; a remote change is imported
    await emu.ok('POST', '/_emulator/imports/tree', {
      json: {
        path: s.drive,
        files: [
          { path: 'readme.txt', content: 'hello again' },
          { path: 'docs/plan.md', content: '# plan' },
          { path: 'docs/deep/notes.txt', content: 'deep' },
        ],
      },
    });
    const refreshed = await emu.ok('POST', `/current/imports/details/${source.id as string}/refresh/`, { token: s.token });
    await emu.settle();
    const second = (await emu.ok('GET', `/current/imports/details/${source.id as string}/jobs/${(refreshed.job as Json).id as string}/`, { token: s.token }))
      .job as Json;
    expect(second).toMatchObject({ status: 'completed', type: 'refresh', files_imported: 1, files_skipped: 2 });
    const jobs = (await emu.ok('GET', `/current/imports/details/${source.id as string}/jobs/`, { token: s.token })).jobs as Json[];
    expect(jobs.map((j) => j.type)).toEqual(['refresh', 'initial']);
  });

  it('a changed file is written back; both sides changed is a conflict, resolved either way', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect });
    const s = await setUp(emu, { 'a.txt': 'remote one', 'b.txt': 'remote bee' });
    const { source } = await createSource(emu, s);
    const sid = source.id as string;
    await emu.settle();
    const folder = source.folder_id as string;
    // change a.txt in the workspace: a write-back is queued, then written
    await emu.upload(s.token, s.t.ws.id, 'a.txt', 'local edit', { folder_id: folder });
    let wbs = (await emu.ok('GET', `/current/imports/details/${sid}/writebacks/`, { token: s.token })).writebacks as Json[];
    expect(wbs).toEqual([expect.objectContaining({ status: 'pending', remote_path: 'a.txt', trigger: 'auto' })]);
    await emu.settle();
    expect((await remoteText(emu, s.drive))['a.txt']).toBe('local edit');
    const done = (await emu.ok('GET', `/current/imports/details/${sid}/writebacks/${wbs[0]!.id as string}/`, { token: s.token })).writeback as Json;
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });

    // the remote changes b.txt, then the workspace does: conflict
    await emu.ok('POST', '/_emulator/imports/tree', {
      json: {
        path: s.drive,
        files: [
          { path: 'a.txt', content: 'local edit' },
          { path: 'b.txt', content: 'remote changed' },
        ],
      },
    });
    await emu.upload(s.token, s.t.ws.id, 'b.txt', 'local changed', { folder_id: folder });
    await emu.settle();
    wbs = (await emu.ok('GET', `/current/imports/details/${sid}/writebacks/`, { token: s.token, query: { status: 'conflict' } })).writebacks as Json[];
    expect(wbs).toHaveLength(1);
    const conflict = wbs[0]!;
    expect(conflict).toMatchObject({ remote_path: 'b.txt', status: 'conflict' });
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/writebacks/${conflict.id as string}/retry/`, { token: s.token }), 409, 1660);
    const kept = (
      await emu.ok('POST', `/current/imports/details/${sid}/writebacks/${conflict.id as string}/resolve/`, {
        token: s.token,
        json: { resolution: 'keep_remote' },
      })
    ).writeback as Json;
    expect(kept).toMatchObject({ status: 'completed', resolution: 'keep_remote' });
    const read = await emu.download(`/current/workspace/${s.t.ws.id}/storage/${conflict.node_id as string}/read/`, s.token);
    expect(Buffer.from(read.bytes).toString()).toBe('remote changed');
    expect((await remoteText(emu, s.drive))['b.txt']).toBe('remote changed');
    // keeping remote queued no write-back of its own
    expect(
      ((await emu.ok('GET', `/current/imports/details/${sid}/writebacks/`, { token: s.token, query: { status: 'pending' } })).writebacks as Json[]).length,
    ).toBe(0);

    // keep_local: both change a.txt again
    await emu.ok('POST', '/_emulator/imports/tree', {
      json: {
        path: s.drive,
        files: [
          { path: 'a.txt', content: 'remote two' },
          { path: 'b.txt', content: 'remote changed' },
        ],
      },
    });
    await emu.upload(s.token, s.t.ws.id, 'a.txt', 'local two', { folder_id: folder });
    await emu.settle();
    const second = (
      (await emu.ok('GET', `/current/imports/details/${sid}/writebacks/`, { token: s.token, query: { status: 'conflict' } })).writebacks as Json[]
    )[0]!;
    await emu.ok('POST', `/current/imports/details/${sid}/writebacks/${second.id as string}/resolve/`, { token: s.token, json: { resolution: 'keep_local' } });
    expect((await remoteText(emu, s.drive))['a.txt']).toBe('local two');
    expectApiError(
      await emu.call('POST', `/current/imports/details/${sid}/writebacks/${second.id as string}/resolve/`, {
        token: s.token,
        json: { resolution: 'keep_local' },
      }),
      409,
      1660,
    );
  });

  it('push, cancel and retry; read-only sources write nothing back', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect });
    const s = await setUp(emu, { 'x.txt': 'x' });
    const { source } = await createSource(emu, s);
    const sid = source.id as string;
    await emu.settle();
    const nodeId = (
      (await emu.ok('GET', `/current/workspace/${s.t.ws.id}/storage/${source.folder_id as string}/list/`, { token: s.token })).nodes as Json[]
    )[0]!.id as string;
    const pushed = (await emu.ok('POST', `/current/imports/details/${sid}/writebacks/push/${nodeId}/`, { token: s.token })).writeback as Json;
    expect(pushed).toMatchObject({ status: 'pending', trigger: 'push', node_id: nodeId });
    const cancelled = (await emu.ok('POST', `/current/imports/details/${sid}/writebacks/${pushed.id as string}/cancel/`, { token: s.token })).writeback as Json;
    expect(cancelled.status).toBe('cancelled');
    await emu.settle();
    expect((await emu.ok('GET', `/current/imports/details/${sid}/writebacks/${pushed.id as string}/`, { token: s.token })).writeback).toMatchObject({
      status: 'cancelled',
    });
    await emu.ok('POST', `/current/imports/details/${sid}/writebacks/${pushed.id as string}/retry/`, { token: s.token });
    await emu.settle();
    expect((await emu.ok('GET', `/current/imports/details/${sid}/writebacks/${pushed.id as string}/`, { token: s.token })).writeback).toMatchObject({
      status: 'completed',
    });
    // a file outside the source folder
    const outside = await emu.upload(s.token, s.t.ws.id, 'elsewhere.txt', 'e');
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/writebacks/push/${outside}/`, { token: s.token }), 400, 1605);
    // read-only: no write-back on change, push refused
    await emu.ok('POST', `/current/imports/details/${sid}/update/`, { token: s.token, json: { access_mode: 'read_only' } });
    await emu.upload(s.token, s.t.ws.id, 'x.txt', 'changed', { folder_id: source.folder_id as string });
    expect(
      ((await emu.ok('GET', `/current/imports/details/${sid}/writebacks/`, { token: s.token, query: { status: 'pending' } })).writebacks as Json[]).length,
    ).toBe(0);
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/writebacks/push/${nodeId}/`, { token: s.token }), 403, 1680);
  });

  it('providers, a live provider answers 501 naming it, the switch, pause/resume, disconnect and delete', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect });
    const s = await setUp(emu, { 'one.txt': '1' });
    const providers = (await emu.ok('GET', `/current/imports/workspace/${s.t.ws.id}/providers/`, { token: s.token })).providers as Json[];
    expect(providers.map((p) => p.provider)).toEqual(['google_drive', 'box', 'onedrive_business', 'dropbox', 'emulator']);
    const live = await emu.call('POST', `/current/imports/workspace/${s.t.ws.id}/identities/provision/`, {
      token: s.token,
      json: { provider: 'google_drive' },
    });
    expectApiError(live, 501, 1501);
    expect(live.body.error?.text).toContain('google_drive');
    expectApiError(
      await emu.call('POST', `/current/imports/workspace/${s.t.ws.id}/identities/provision/`, { token: s.token, json: { provider: 'ftp' } }),
      400,
      1605,
    );
    const discovered = await emu.ok('POST', `/current/imports/workspace/${s.t.ws.id}/sources/discover/`, {
      token: s.token,
      json: { identity_id: s.identityId },
    });
    expect((discovered.folders as Json[]).map((f) => f.path)).toContain(s.drive);

    await emu.ok('POST', `/current/workspace/${s.t.ws.id}/import/disable/`, { token: s.token });
    expectApiError(
      await emu.call('POST', `/current/imports/workspace/${s.t.ws.id}/sources/create/`, {
        token: s.token,
        json: { identity_id: s.identityId, remote_path: s.drive },
      }),
      403,
      1680,
    );
    expect((await emu.ok('POST', `/current/workspace/${s.t.ws.id}/import/enable/`, { token: s.token })).import_enabled).toBe(true);
    const { source } = await createSource(emu, s, { sync_interval: 900 });
    const sid = source.id as string;
    expectApiError(
      await emu.call('POST', `/current/imports/workspace/${s.t.ws.id}/sources/create/`, {
        token: s.token,
        json: { identity_id: s.identityId, remote_path: s.drive },
      }),
      409,
      1660,
    );
    // paused before the job runs: it copies nothing
    expect((await emu.ok('POST', `/current/imports/details/${sid}/update/`, { token: s.token, json: { action: 'pause' } })).source).toMatchObject({
      status: 'paused',
    });
    await emu.settle();
    expect(((await emu.ok('GET', `/current/imports/details/${sid}/jobs/`, { token: s.token })).jobs as Json[])[0]).toMatchObject({ status: 'cancelled' });
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/refresh/`, { token: s.token }), 409, 1660);
    expect(
      (await emu.ok('POST', `/current/imports/details/${sid}/update/`, { token: s.token, json: { action: 'resume', sync_interval: 600 } })).source,
    ).toMatchObject({
      status: 'pending',
      sync_interval: 600,
    });
    const { job } = (await emu.ok('POST', `/current/imports/details/${sid}/refresh/`, { token: s.token })) as { job: Json };
    expect((await emu.ok('POST', `/current/imports/details/${sid}/jobs/${job.id as string}/cancel/`, { token: s.token })).job).toMatchObject({
      status: 'cancelled',
    });
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/jobs/${job.id as string}/cancel/`, { token: s.token }), 409, 1660);
    const listed = await emu.ok('GET', `/current/imports/workspace/${s.t.ws.id}/sources/`, { token: s.token, query: { status: 'pending' } });
    expect((listed.sources as Json[]).map((x) => x.id)).toEqual([sid]);

    expect((await emu.ok('POST', `/current/imports/details/${sid}/disconnect/`, { token: s.token, json: { action: 'delete' } })).source).toMatchObject({
      status: 'disconnected',
    });
    expectApiError(await emu.call('POST', `/current/imports/details/${sid}/disconnect/`, { token: s.token, json: { action: 'keep' } }), 409, 1660);
    expect(await emu.ok('POST', `/current/imports/details/${sid}/delete/`, { token: s.token })).toMatchObject({ source_id: sid, deleted: true });
    expectApiError(await emu.call('GET', `/current/imports/details/${sid}/`, { token: s.token }), 404, 1609);
    const revoked = (await emu.ok('POST', `/current/imports/workspace/${s.t.ws.id}/identities/${s.identityId}/revoke/`, { token: s.token })).identity as Json;
    expect(revoked.status).toBe('revoked');
    const events = emu.emulator.db.events
      .toArray()
      .filter((e) => e.workspaceId === s.t.ws.id && e.subcategory === 'import_export')
      .map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'import_identity_provisioned',
        'workspace_import_disabled',
        'import_source_created',
        'import_source_deleted',
        'import_identity_revoked',
      ]),
    );
  });

  it("another tenant's source, identity and workspace are refused; the other tenant's own workspace does not know the identity", async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, apiDialect });
    const s = await setUp(emu, { 'one.txt': '1' });
    const { source, job } = await createSource(emu, s);
    const sid = source.id as string;
    const other = await emu.tenant({ label: 'other' });
    const o = other.user.token;
    for (const [method, path] of [
      ['GET', `/current/imports/details/${sid}/`],
      ['GET', `/current/imports/details/${sid}/jobs/`],
      ['GET', `/current/imports/details/${sid}/jobs/${job.id as string}/`],
      ['POST', `/current/imports/details/${sid}/refresh/`],
      ['POST', `/current/imports/details/${sid}/delete/`],
      ['GET', `/current/imports/workspace/${s.t.ws.id}/identities/${s.identityId}/`],
      ['GET', `/current/imports/workspace/${s.t.ws.id}/sources/`],
      ['POST', `/current/workspace/${s.t.ws.id}/import/disable/`],
    ] as const) {
      expectApiError(await emu.call(method, path, { token: o }), 401, 10545);
    }
    // the other tenant's own workspace does not know this identity
    expectApiError(await emu.call('GET', `/current/imports/workspace/${other.ws.id}/identities/${s.identityId}/`, { token: o }), 404, 1609);
    expect(await emu.ok('GET', `/current/imports/details/${sid}/`, { token: s.token })).toBeTruthy();
  });
});
