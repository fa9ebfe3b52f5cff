/**
 * Fileshares (V2, issue 17 item 5): a durable link to one workspace file, managed by the
 * workspace's members (create, list, update, delete, grants) and read by recipients per the access
 * tier, the link password (`x-ve-password`) and the grants: details with `effective_capability`,
 * versions, the bytes (bandwidth charged to the org). Answers use named keys beside `result`, as
 * the V2 client reads them (96b1551 src/api/fileshare.rs).
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { uploaded } from '../files.js';
import { Control } from '../control.js';
import { createFileshare as create, fileshareTenant } from '../fileshares.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2'] });

interface FileshareJson {
  fileshare: string;
  id: string;
  node_id: string;
  title: string | null;
  access_option: string;
  password_protected: boolean;
  expires: string | null;
  effective_capability: string;
  file: { id: string; name: string; size: number };
}

const tenant = () => fileshareTenant(c, 'Quarterly report, final.');
const createFileshare = (api: ApiClient, workspaceId: string, fields: Record<string, string>) => create<FileshareJson>(api, workspaceId, fields);

async function bandwidthBytes(api: ApiClient, orgId: string): Promise<number> {
  const res = await api.get(`/current/org/${orgId}/billing/usage/meters/list/`, { query: { meter: 'bandwidth_bytes' } });
  expect(res.status, res.text).toBe(200);
  return res.body.total as number;
}

const pw = (password: string) => ({ headers: { 'x-ve-password': password } });

describe('fileshare management', () => {
  contract.unverified('create binds one file; list, details, update (title, tier, password, expiry) and delete answer under named keys', async () => {
    const { api, ws, fileId } = await tenant();
    const fs = await createFileshare(api, ws.id, { node: fileId, title: 'Q report' });
    expect(fs).toMatchObject({
      fileshare: fs.id,
      node_id: fileId,
      title: 'Q report',
      access_option: 'anyone_with_link',
      password_protected: false,
      expires: null,
    });
    expect(fs.file).toMatchObject({ id: fileId, name: 'report.txt' });
    const list = await api.get(`/current/workspace/${ws.id}/list/fileshares/`);
    expect(list.status, list.text).toBe(200);
    expect((list.body.fileshares as FileshareJson[]).map((f) => f.id)).toEqual([fs.id]);
    const details = await api.get(`/current/fileshare/${fs.id}/details/`);
    expect(details.body).toMatchObject({ result: true, fileshare: { id: fs.id, effective_capability: 'edit' } });

    const updated = await api.post(`/current/fileshare/${fs.id}/update/`, {
      title: 'Q report v2',
      access_option: 'named_people',
      password: 'link-secret-1',
      expires: '3600',
    });
    expect(updated.status, updated.text).toBe(200);
    const u = updated.body.fileshare as FileshareJson;
    expect(u).toMatchObject({ title: 'Q report v2', access_option: 'named_people', password_protected: true });
    expect(u.expires).toEqual(expect.any(String));
    expect(updated.text).not.toContain('link-secret-1');
    const cleared = (await api.post(`/current/fileshare/${fs.id}/update/`, { password: '', expires_at: '' })).body.fileshare as FileshareJson;
    expect(cleared).toMatchObject({ password_protected: false, expires: null });

    expect((await api.delete(`/current/fileshare/${fs.id}/delete/`)).status).toBe(200);
    expectApiError(await api.get(`/current/fileshare/${fs.id}/details/`), 404, 1609);
    expect((await api.get(`/current/workspace/${ws.id}/list/fileshares/`)).body.fileshares).toEqual([]);
  });

  contract.unverified('create refuses a folder, a missing node, both expiry forms and a past expiry (400/1605); guests may not create', async () => {
    const { api, ws, fileId } = await tenant();
    const folder = await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Reports' });
    expect(folder.status, folder.text).toBe(200);
    const folderId = (folder.body.node as { id: string }).id;
    expectApiError(await api.post(`/current/workspace/${ws.id}/create/fileshare/`, { node: folderId }), 400, 1605);
    expectApiError(await api.post(`/current/workspace/${ws.id}/create/fileshare/`, {}), 400, 1605);
    expectApiError(
      await api.post(`/current/workspace/${ws.id}/create/fileshare/`, { node: fileId, expires: '60', expires_at: '2099-01-01 00:00:00' }),
      400,
      1605,
    );
    expectApiError(await api.post(`/current/workspace/${ws.id}/create/fileshare/`, { node: fileId, expires_at: '2001-01-01 00:00:00' }), 400, 1605);
    expectApiError(await api.post(`/current/workspace/${ws.id}/create/fileshare/`, { node: fileId, access_option: 'everyone' }), 400, 1605);
    const guest = await c.signedIn();
    await addWorkspaceMember(api, ws.id, guest.persona.userId, 'guest');
    expectApiError(await guest.api.post(`/current/workspace/${ws.id}/create/fileshare/`, { node: fileId }), 403, 1680);
  });

  contract.unverified('grants: add by user id or address, list, change, remove; a named_people fileshare opens only to its grant holders', async () => {
    const { api, ws, fileId } = await tenant();
    const fs = await createFileshare(api, ws.id, { node: fileId, access_option: 'named_people' });
    const viewer = await c.signedIn();
    const downloader = await c.signedIn();
    expectApiError(await viewer.api.get(`/current/fileshare/${fs.id}/details/`), 401, 115069);
    const added = await api.post(`/current/fileshare/${fs.id}/grants/`, { user: viewer.persona.userId, capability: 'view' });
    expect(added.status, added.text).toBe(200);
    expect(added.body.grant).toMatchObject({ user: viewer.persona.userId, capability: 'view', state: 'active' });
    expect((await api.post(`/current/fileshare/${fs.id}/grants/`, { email: downloader.persona.email, capability: 'download' })).status).toBe(200);
    const pending = `${c.unique('nobody')}@example.com`;
    expect((await api.post(`/current/fileshare/${fs.id}/grants/`, { email: pending, capability: 'edit' })).body.grant).toMatchObject({
      user: null,
      state: 'pending',
    });
    const grants = (await api.get(`/current/fileshare/${fs.id}/grants/`)).body.grants as { user: string | null; capability: string }[];
    expect(grants.map((g) => g.capability)).toEqual(['view', 'download', 'edit']);

    expect((await viewer.api.get(`/current/fileshare/${fs.id}/details/`)).body.fileshare).toMatchObject({ effective_capability: 'view' });
    expectApiError(await viewer.api.get(`/current/fileshare/${fs.id}/storage/read/`), 403, 1700);
    const read = await downloader.api.get(`/current/fileshare/${fs.id}/storage/read/`);
    expect(read.status, read.text).toBe(200);
    expect(read.text).toBe('Quarterly report, final.');
    // Recipients do not manage.
    expectApiError(await viewer.api.post(`/current/fileshare/${fs.id}/update/`, { title: 'Mine' }), 403, 1680);
    expectApiError(await viewer.api.get(`/current/fileshare/${fs.id}/grants/`), 403, 1680);

    expect((await api.post(`/current/fileshare/${fs.id}/grants/`, { user: viewer.persona.userId, capability: 'download' })).status).toBe(200);
    expect((await viewer.api.get(`/current/fileshare/${fs.id}/storage/read/`)).status).toBe(200);
    expect((await api.delete(`/current/fileshare/${fs.id}/grants/`, { query: { user: viewer.persona.userId } })).status).toBe(200);
    expectApiError(await viewer.api.get(`/current/fileshare/${fs.id}/details/`), 401, 115069);
    expectApiError(await api.delete(`/current/fileshare/${fs.id}/grants/`, { query: { user: viewer.persona.userId } }), 404, 1609);
    expectApiError(await api.post(`/current/fileshare/${fs.id}/grants/`, { user: viewer.persona.userId }), 400, 1605);
    expectApiError(await api.post(`/current/fileshare/${fs.id}/grants/`, { capability: 'view' }), 400, 1605);
  });
});

describe('fileshare recipients', () => {
  contract.unverified('anyone_with_link: anonymous details, versions and reads; bandwidth is charged to the org', async () => {
    const { api, org, ws, fileId } = await tenant();
    await uploaded(api, ws.id, 'report.txt', 'Quarterly report, revised and longer.');
    const fs = await createFileshare(api, ws.id, { node: fileId });
    const anon = c.api();
    const details = await anon.get(`/current/fileshare/${fs.id}/details/`);
    expect(details.status, details.text).toBe(200);
    expect(details.body.fileshare).toMatchObject({ id: fs.id, effective_capability: 'download', file: { name: 'report.txt' } });
    const versions = await anon.get(`/current/fileshare/${fs.id}/storage/versions/`);
    expect(versions.status, versions.text).toBe(200);
    const list = versions.body.versions as { id: string; current: boolean }[];
    expect(list.map((v) => v.current)).toEqual([true, false]);
    const before = await bandwidthBytes(api, org.id);
    const current = await anon.get(`/current/fileshare/${fs.id}/storage/read/`);
    expect(current.status, current.text).toBe(200);
    expect(current.text).toBe('Quarterly report, revised and longer.');
    const old = await anon.get(`/current/fileshare/${fs.id}/storage/versions/${list[1]!.id}/read/`);
    expect(old.text).toBe('Quarterly report, final.');
    expectApiError(await anon.get(`/current/fileshare/${fs.id}/storage/versions/nonexistent-version/read/`), 404, 1609);
    // Both reads are metered to A's org: the current bytes and the kept version's.
    expect((await bandwidthBytes(api, org.id)) - before).toBe('Quarterly report, revised and longer.'.length + 'Quarterly report, final.'.length);
  });

  contract.unverified(
    'any_registered: anonymous 401/1650, any signed-in user reads; a password is asked in x-ve-password (401/1650) of all but members and grant holders',
    async () => {
      const { api, ws, fileId } = await tenant();
      const fs = await createFileshare(api, ws.id, { node: fileId, access_option: 'any_registered', password: 'open-sesame-42' });
      const stranger = await c.signedIn();
      expectApiError(await c.api().get(`/current/fileshare/${fs.id}/details/`), 401, 1650);
      expectApiError(await stranger.api.get(`/current/fileshare/${fs.id}/details/`), 401, 1650);
      expectApiError(await stranger.api.get(`/current/fileshare/${fs.id}/storage/read/`, pw('wrong')), 401, 1650);
      const ok = await stranger.api.get(`/current/fileshare/${fs.id}/storage/read/`, pw('open-sesame-42'));
      expect(ok.status, ok.text).toBe(200);
      expect((await api.get(`/current/fileshare/${fs.id}/details/`)).status).toBe(200);
      const holder = await c.signedIn();
      await api.post(`/current/fileshare/${fs.id}/grants/`, { user: holder.persona.userId, capability: 'view' });
      expect((await holder.api.get(`/current/fileshare/${fs.id}/details/`)).body.fileshare).toMatchObject({ effective_capability: 'download' });
      // Clearing the password opens it to signed-in users without one.
      await api.post(`/current/fileshare/${fs.id}/update/`, { password: '' });
      expect((await stranger.api.get(`/current/fileshare/${fs.id}/details/`)).status).toBe(200);
    },
  );
});

describe('fileshare expiry', () => {
  contract.emulatorOnly('past its expiry a fileshare answers 404/1609 to recipients; its managers still read it and may extend it', async () => {
    const { api, ws, fileId } = await tenant();
    const fs = await createFileshare(api, ws.id, { node: fileId, expires: '60' });
    const anon = c.api();
    expect((await anon.get(`/current/fileshare/${fs.id}/details/`)).status).toBe(200);
    await new Control(c.api()).advanceClock(61);
    expectApiError(await anon.get(`/current/fileshare/${fs.id}/details/`), 404, 1609);
    expectApiError(await anon.get(`/current/fileshare/${fs.id}/storage/read/`), 404, 1609);
    expect((await api.get(`/current/fileshare/${fs.id}/details/`)).status).toBe(200);
    expect((await api.post(`/current/fileshare/${fs.id}/update/`, { expires: '3600' })).status).toBe(200);
    expect((await anon.get(`/current/fileshare/${fs.id}/storage/read/`)).text).toBe('Quarterly report, final.');
  });
});

describe('fileshare access', () => {
  contract.unverified(
    "another tenant gets 401/115069 on every route of a named_people fileshare (10545 on A's workspace routes), and A's fileshare is unchanged",
    async () => {
      const a = await tenant();
      const b = await tenant();
      const fs = await createFileshare(a.api, a.ws.id, { node: a.fileId, title: 'Tenant A secret', access_option: 'named_people' });
      await a.api.post(`/current/fileshare/${fs.id}/grants/`, { user: a.persona.userId, capability: 'edit' });
      const versionId = ((await a.api.get(`/current/fileshare/${fs.id}/storage/versions/`)).body.versions as { id: string }[])[0]!.id;
      const before = (await a.api.get(`/current/fileshare/${fs.id}/details/`)).body.fileshare;
      const base = `/current/fileshare/${fs.id}`;
      const refusals: ApiResponse[] = [
        await b.api.get(`${base}/details/`),
        await b.api.post(`${base}/update/`, { title: 'Defaced' }),
        await b.api.delete(`${base}/delete/`),
        await b.api.get(`${base}/grants/`),
        await b.api.post(`${base}/grants/`, { user: b.persona.userId, capability: 'edit' }),
        await b.api.delete(`${base}/grants/`, { query: { user: a.persona.userId } }),
        await b.api.get(`${base}/storage/read/`),
        await b.api.get(`${base}/storage/versions/`),
        await b.api.get(`${base}/storage/versions/${versionId}/read/`),
      ];
      for (const res of refusals) {
        expectApiError(res, 401, 115069);
        const { resource: _echo, ...said } = res.body.error ?? {};
        for (const secret of ['Tenant A secret', 'report.txt', a.ws.id, a.org.id, a.fileId, a.persona.email])
          expect(JSON.stringify(said)).not.toContain(secret);
      }
      expectApiError(await b.api.post(`/current/workspace/${a.ws.id}/create/fileshare/`, { node: a.fileId }), 401, 10545);
      expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/list/fileshares/`), 401, 10545);
      // B's own workspace cannot bind A's file.
      expectApiError(await b.api.post(`/current/workspace/${b.ws.id}/create/fileshare/`, { node: a.fileId }), 400, 1605);
      expect((await a.api.get(`${base}/details/`)).body.fileshare).toEqual(before);
      expect((await a.api.get(`${base}/grants/`)).body.grants).toHaveLength(1);
    },
  );
});
