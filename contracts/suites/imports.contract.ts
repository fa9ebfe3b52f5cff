/**
 * Cloud imports (official client 96b1551 / 41dde01 src/api/import.rs, commands/import.rs;
 * src/api/workspace.rs enable_import/disable_import): the workspace switch, providers, identities,
 * sources, import jobs and write-backs, and every route refused to another tenant (two personas).
 * The `emulator` provider and its drive (`/_emulator/imports/tree`) are the emulator's own, so the
 * tests that provision it are emulator-only; both dialects serve the same routes.
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { uploadFile } from '../files.js';
import { addWorkspaceMember, createWorkspace } from '../tenants.js';
import type { ApiClient } from '../client.js';

const c = setupContract(import.meta.url);
type Json = Record<string, unknown>;

/** The client sends import bodies as JSON (src/api/import.rs `post_json`). */
const pj = (api: ApiClient, path: string, json: Json = {}) => api.post(path, undefined, { json });

async function tenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id);
  return { api, persona, org, ws };
}

/** A tenant with an emulator identity and a drive folder of its own holding `files`. */
async function withDrive(files: Record<string, string>) {
  const t = await tenant();
  const drive = `/${c.unique('drive')}`;
  const set = await pj(c.api(), '/_emulator/imports/tree', { path: drive, files: Object.entries(files).map(([path, content]) => ({ path, content })) });
  expect(set.status, set.text).toBe(200);
  const provisioned = await pj(t.api, `/current/imports/workspace/${t.ws.id}/identities/provision/`, { provider: 'emulator' });
  expect(provisioned.status, provisioned.text).toBe(200);
  return { ...t, drive, identityId: (provisioned.body.identity as Json).id as string };
}

async function source(t: Awaited<ReturnType<typeof withDrive>>, extra: Json = {}) {
  const made = await pj(t.api, `/current/imports/workspace/${t.ws.id}/sources/create/`, {
    identity_id: t.identityId,
    remote_path: t.drive,
    access_mode: 'read_write',
    ...extra,
  });
  expect(made.status, made.text).toBe(200);
  return { source: made.body.source as Json, job: made.body.job as Json };
}

/** Run the background queue now (emulator control plane). */
async function settle(): Promise<void> {
  const r = await c.api().post('/_emulator/jobs/settle', undefined, { query: { now: 'true' } });
  expect(r.status, r.text).toBe(200);
}

const remote = async (path: string) => {
  const files = (await c.api().get('/_emulator/imports/tree', { query: { path } })).body.files as Json[];
  return Object.fromEntries(files.map((f) => [f.relative_path, Buffer.from(f.content_base64 as string, 'base64').toString()]));
};

describe('cloud imports', () => {
  contract.unverified('the workspace switch and the provider list; a guest may read but not switch', async () => {
    const { api, ws } = await tenant();
    const { api: guestApi, persona: guest } = await c.signedIn({ accountType: 'human' });
    await addWorkspaceMember(api, ws.id, guest.userId, 'guest');
    const off = await pj(api, `/current/workspace/${ws.id}/import/disable/`);
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ workspace_id: ws.id, import_enabled: false });
    const providers = await guestApi.get(`/current/imports/workspace/${ws.id}/providers/`);
    expect(providers.status, providers.text).toBe(200);
    expect((providers.body.providers as Json[]).map((p) => p.provider)).toEqual(
      expect.arrayContaining(['google_drive', 'box', 'onedrive_business', 'dropbox']),
    );
    expect(providers.body.import_enabled).toBe(false);
    expectApiError(await pj(guestApi, `/current/workspace/${ws.id}/import/enable/`), 403, 1680);
    const on = await pj(api, `/current/workspace/${ws.id}/import/enable/`);
    expect(on.body).toMatchObject({ import_enabled: true });
    const identities = await guestApi.get(`/current/imports/workspace/${ws.id}/identities/`, { query: { limit: 10 } });
    expect(identities.status, identities.text).toBe(200);
    expect(identities.body).toMatchObject({ identities: [], pagination: { total: 0, limit: 10 } });
    const sources = await guestApi.get(`/current/imports/workspace/${ws.id}/sources/`, { query: { status: 'synced' } });
    expect(sources.body).toMatchObject({ sources: [], pagination: { total: 0 } });
    expectApiError(await api.get(`/current/imports/workspace/${ws.id}/sources/`, { query: { status: 'bogus' } }), 400, 1605);
  });

  contract.emulatorOnly('identities: the emulator provider at once, a live provider 501 naming it, details, discover, revoke', async () => {
    const t = await withDrive({ 'a.txt': 'alpha', 'sub/b.txt': 'bravo' });
    const live = await pj(t.api, `/current/imports/workspace/${t.ws.id}/identities/provision/`, { provider: 'dropbox' });
    expectApiError(live, 501, 1501);
    expect(live.body.error?.text).toContain('dropbox');
    expectApiError(await pj(t.api, `/current/imports/workspace/${t.ws.id}/identities/provision/`, { provider: 'ftp' }), 400, 1605);
    const details = await t.api.get(`/current/imports/workspace/${t.ws.id}/identities/${t.identityId}/`);
    expect(details.status, details.text).toBe(200);
    expect(details.body.identity).toMatchObject({ id: t.identityId, provider: 'emulator', status: 'active', workspace_id: t.ws.id });
    const found = await pj(t.api, `/current/imports/workspace/${t.ws.id}/sources/discover/`, { identity_id: t.identityId });
    expect(found.status, found.text).toBe(200);
    expect(found.body.folders).toEqual(expect.arrayContaining([expect.objectContaining({ path: t.drive, file_count: 2, size: 10 })]));
    const revoked = await pj(t.api, `/current/imports/workspace/${t.ws.id}/identities/${t.identityId}/revoke/`);
    expect(revoked.body.identity).toMatchObject({ status: 'revoked' });
    expectApiError(await pj(t.api, `/current/imports/workspace/${t.ws.id}/sources/discover/`, { identity_id: t.identityId }), 409, 1660);
    const listed = await t.api.get(`/current/imports/workspace/${t.ws.id}/identities/`);
    expect((listed.body.identities as Json[]).map((i) => i.status)).toEqual(['revoked']);
  });

  contract.emulatorOnly('a source imports its remote folder: details, list, jobs, refresh, update, pause and cancel', async () => {
    const t = await withDrive({ 'readme.txt': 'hello', 'docs/plan.md': '# plan' });
    const { source: s, job } = await source(t, { remote_name: 'Imported', sync_interval: 300 });
    expect(s).toMatchObject({ remote_name: 'Imported', sync_interval: 300, access_mode: 'read_write', status: 'syncing' });
    expectApiError(
      await pj(t.api, `/current/imports/workspace/${t.ws.id}/sources/create/`, { identity_id: t.identityId, remote_path: t.drive, sync_interval: 10 }),
      400,
      1605,
    );
    await settle();
    const sid = s.id as string;
    const j = await t.api.get(`/current/imports/details/${sid}/jobs/${job.id as string}/`);
    expect(j.body.job).toMatchObject({ status: 'completed', files_total: 2, files_imported: 2 });
    const listing = await t.api.get(`/current/workspace/${t.ws.id}/storage/${s.folder_id as string}/list/`);
    expect((listing.body.nodes as Json[]).map((n) => n.name).sort()).toEqual(['docs', 'readme.txt']);
    expect((await t.api.get(`/current/imports/details/${sid}/`)).body.source).toMatchObject({ status: 'synced', file_count: 2 });
    expect((await t.api.get(`/current/imports/workspace/${t.ws.id}/sources/`)).body.sources).toEqual([expect.objectContaining({ id: sid })]);

    const refreshed = await pj(t.api, `/current/imports/details/${sid}/refresh/`);
    expect(refreshed.status, refreshed.text).toBe(200);
    const rj = refreshed.body.job as Json;
    const cancelled = await pj(t.api, `/current/imports/details/${sid}/jobs/${rj.id as string}/cancel/`);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled' });
    const jobs = await t.api.get(`/current/imports/details/${sid}/jobs/`, { query: { limit: 1 } });
    expect(jobs.body).toMatchObject({ jobs: [expect.objectContaining({ id: rj.id })], pagination: { total: 2, has_more: true } });
    const paused = await pj(t.api, `/current/imports/details/${sid}/update/`, { action: 'pause', remote_name: 'Renamed' });
    expect(paused.body.source).toMatchObject({ status: 'paused', remote_name: 'Renamed' });
    expectApiError(await pj(t.api, `/current/imports/details/${sid}/refresh/`), 409, 1660);
    expect((await pj(t.api, `/current/imports/details/${sid}/update/`, { action: 'resume' })).body.source).toMatchObject({ status: 'synced' });
  });

  contract.emulatorOnly('write-backs: a changed file goes to the remote; a conflict is resolved; push, cancel and retry', async () => {
    const t = await withDrive({ 'a.txt': 'remote a', 'b.txt': 'remote b' });
    const { source: s } = await source(t);
    const sid = s.id as string;
    await settle();
    const folder = s.folder_id as string;
    expect((await uploadFile(t.api, t.ws.id, 'a.txt', 'edited here', { folder_id: folder })).status).toBe(200);
    await settle();
    expect((await remote(t.drive))['a.txt']).toBe('edited here');
    const done = await t.api.get(`/current/imports/details/${sid}/writebacks/`, { query: { status: 'completed' } });
    const wb = (done.body.writebacks as Json[])[0]!;
    expect(wb).toMatchObject({ remote_path: 'a.txt', trigger: 'auto' });
    expect((await t.api.get(`/current/imports/details/${sid}/writebacks/${wb.id as string}/`)).body.writeback).toMatchObject({ status: 'completed' });

    // both sides change b.txt
    await pj(c.api(), '/_emulator/imports/tree', {
      path: t.drive,
      files: [
        { path: 'a.txt', content: 'edited here' },
        { path: 'b.txt', content: 'changed there' },
      ],
    });
    await uploadFile(t.api, t.ws.id, 'b.txt', 'changed here', { folder_id: folder });
    await settle();
    const conflicts = (await t.api.get(`/current/imports/details/${sid}/writebacks/`, { query: { status: 'conflict' } })).body.writebacks as Json[];
    expect(conflicts).toEqual([expect.objectContaining({ remote_path: 'b.txt' })]);
    const resolved = await pj(t.api, `/current/imports/details/${sid}/writebacks/${conflicts[0]!.id as string}/resolve/`, { resolution: 'keep_local' });
    expect(resolved.body.writeback).toMatchObject({ status: 'completed', resolution: 'keep_local' });
    expect((await remote(t.drive))['b.txt']).toBe('changed here');
    expectApiError(await pj(t.api, `/current/imports/details/${sid}/writebacks/${conflicts[0]!.id as string}/resolve/`, { resolution: 'sideways' }), 400, 1605);

    const pushed = await pj(t.api, `/current/imports/details/${sid}/writebacks/push/${conflicts[0]!.node_id as string}/`);
    expect(pushed.body.writeback).toMatchObject({ status: 'pending', trigger: 'push' });
    const pid = (pushed.body.writeback as Json).id as string;
    expect((await pj(t.api, `/current/imports/details/${sid}/writebacks/${pid}/cancel/`)).body.writeback).toMatchObject({ status: 'cancelled' });
    expect((await pj(t.api, `/current/imports/details/${sid}/writebacks/${pid}/retry/`)).body.writeback).toMatchObject({ status: 'pending' });
    await settle();
    expect((await t.api.get(`/current/imports/details/${sid}/writebacks/${pid}/`)).body.writeback).toMatchObject({ status: 'completed' });
  });

  contract.emulatorOnly('disconnect keeps or trashes the files; delete forgets the source', async () => {
    const t = await withDrive({ 'keep.txt': 'k' });
    const { source: s } = await source(t);
    await settle();
    const sid = s.id as string;
    const gone = await pj(t.api, `/current/imports/details/${sid}/disconnect/`, { action: 'delete' });
    expect(gone.body.source).toMatchObject({ status: 'disconnected' });
    const folder = await t.api.get(`/current/workspace/${t.ws.id}/storage/${s.folder_id as string}/details/`);
    // in the trash: still readable, marked deleted
    expect(folder.body.node).toMatchObject({ deleted: true });
    expectApiError(await pj(t.api, `/current/imports/details/${sid}/disconnect/`, { action: 'keep' }), 409, 1660);
    expectApiError(await pj(t.api, `/current/imports/details/${sid}/disconnect/`, { action: 'maybe' }), 400, 1605);
    expect((await pj(t.api, `/current/imports/details/${sid}/delete/`)).body).toMatchObject({ source_id: sid, deleted: true });
    expectApiError(await t.api.get(`/current/imports/details/${sid}/`), 404, 1609);
  });

  contract.emulatorOnly("every import route refuses another tenant's workspace and source ids (401/10545)", async () => {
    const t = await withDrive({ 'x.txt': 'x' });
    const { source: s, job } = await source(t);
    await settle();
    const sid = s.id as string;
    const node = ((await t.api.get(`/current/workspace/${t.ws.id}/storage/${s.folder_id as string}/list/`)).body.nodes as Json[])[0]!.id as string;
    const wb = (await pj(t.api, `/current/imports/details/${sid}/writebacks/push/${node}/`)).body.writeback as Json;
    const { api: other } = await c.signedIn({ accountType: 'human' });
    const W = `/current/imports/workspace/${t.ws.id}`;
    const D = `/current/imports/details/${sid}`;
    const calls: [string, string, Json?][] = [
      ['POST', `/current/workspace/${t.ws.id}/import/enable/`],
      ['POST', `/current/workspace/${t.ws.id}/import/disable/`],
      ['GET', `${W}/providers/`],
      ['GET', `${W}/identities/`],
      ['POST', `${W}/identities/provision/`, { provider: 'emulator' }],
      ['GET', `${W}/identities/${t.identityId}/`],
      ['POST', `${W}/identities/${t.identityId}/revoke/`],
      ['GET', `${W}/sources/`],
      ['POST', `${W}/sources/discover/`, { identity_id: t.identityId }],
      ['POST', `${W}/sources/create/`, { identity_id: t.identityId, remote_path: t.drive }],
      ['GET', `${D}/`],
      ['POST', `${D}/update/`, { action: 'pause' }],
      ['POST', `${D}/refresh/`],
      ['POST', `${D}/disconnect/`, { action: 'delete' }],
      ['POST', `${D}/delete/`],
      ['GET', `${D}/jobs/`],
      ['GET', `${D}/jobs/${job.id as string}/`],
      ['POST', `${D}/jobs/${job.id as string}/cancel/`],
      ['GET', `${D}/writebacks/`],
      ['GET', `${D}/writebacks/${wb.id as string}/`],
      ['POST', `${D}/writebacks/push/${node}/`],
      ['POST', `${D}/writebacks/${wb.id as string}/retry/`],
      ['POST', `${D}/writebacks/${wb.id as string}/resolve/`, { resolution: 'keep_local' }],
      ['POST', `${D}/writebacks/${wb.id as string}/cancel/`],
    ];
    for (const [method, path, json] of calls) {
      const r = method === 'GET' ? await other.get(path) : await pj(other, path, json ?? {});
      expect([method, path, r.status, r.body.error?.code]).toEqual([method, path, 401, 10545]);
      expect(r.text).not.toContain(t.drive);
    }
    // nothing changed for the owner
    expect((await t.api.get(`${D}/`)).body.source).toMatchObject({ status: 'synced' });
    // the other's cancel did not land (the queue may have written it back meanwhile)
    expect(['pending', 'completed']).toContain(((await t.api.get(`${D}/writebacks/${wb.id as string}/`)).body.writeback as Json).status);
  });
});
