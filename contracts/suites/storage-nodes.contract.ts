/**
 * Storage node operations (issue 18, items 1-3): update (rename), move, copy, restore, transfer,
 * the versions list, April's version restore, recent, and listing with `page_size` and `cursor`
 * (official client src/api/storage.rs, commands/files.rs). Locks are in storage-locks.contract.ts.
 * Both dialects serve these routes unless a test says otherwise.
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { nodeDetails, uploadFile, uploaded, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

/** A signed-in owner of a fresh org and workspace (no intelligence: storage only). */
async function storageTenant() {
  const { api, persona } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

async function folder(api: ApiClient, base: string, name: string, parent = 'root'): Promise<NodeJson> {
  const res = await api.post(`${base}/${parent}/createfolder/`, { name });
  expect(res.status, res.text).toBe(200);
  return res.body.node as NodeJson;
}

async function names(api: ApiClient, base: string, parent: string): Promise<string[]> {
  const res = await api.get(`${base}/${parent}/list/`);
  expect(res.status, res.text).toBe(200);
  return (res.body.nodes as NodeJson[]).map((n) => n.name).sort();
}

async function readText(api: ApiClient, base: string, nodeId: string): Promise<string> {
  const res = await api.get(`${base}/${nodeId}/read/`);
  expect(res.status, res.text).toBe(200);
  return res.text;
}

interface VersionJson {
  id: string;
  version_id: string;
  size: number;
  current: boolean;
}

describe('update, move and copy', () => {
  contract.unverified('update renames in place (same version); a name held in the folder is 409/1660; no field is 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const a = await uploaded(api, ws.id, 'a.txt', 'alpha');
    await uploaded(api, ws.id, 'b.txt', 'beta');
    const version = (await nodeDetails(api, ws.id, a)).version;
    const res = await api.post(`${base}/${a}/update/`, { name: 'renamed.txt' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.node).toMatchObject({ id: a, name: 'renamed.txt', version, parent: 'root' });
    expect(await names(api, base, 'root')).toEqual(['b.txt', 'renamed.txt']);
    expectApiError(await api.post(`${base}/${a}/update/`, { name: 'b.txt' }), 409, 1660);
    expectApiError(await api.post(`${base}/${a}/update/`, {}), 400, 1605);
    expectApiError(await api.post(`${base}/${a}/update/`, { name: 'a/b' }), 400, 1605);
    expect(await readText(api, base, a)).toBe('alpha');
  });

  contract.unverified('move takes a folder with its contents; never into itself or the trash; a clash is 409/1660', async () => {
    const { api, ws, base } = await storageTenant();
    const top = await folder(api, base, 'top');
    const inner = await folder(api, base, 'inner', top.id);
    const file = await uploaded(api, ws.id, 'x.txt', 'inside', { folder_id: inner.id });
    const dest = await folder(api, base, 'dest');
    expectApiError(await api.post(`${base}/${top.id}/move/`, { parent: top.id }), 400, 1605);
    expectApiError(await api.post(`${base}/${top.id}/move/`, { parent: inner.id }), 400, 1605);
    expectApiError(await api.post(`${base}/${top.id}/move/`, { parent: 'trash' }), 400, 1605);
    const moved = await api.post(`${base}/${top.id}/move/`, { parent: dest.id });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.node).toMatchObject({ id: top.id, parent: dest.id });
    expect(await names(api, base, 'root')).toEqual(['dest']);
    expect(await names(api, base, dest.id)).toEqual(['top']);
    expect((await nodeDetails(api, ws.id, file)).parent).toBe(inner.id);
    await uploaded(api, ws.id, 'x.txt', 'a root file of the same name');
    expectApiError(await api.post(`${base}/${file}/move/`, { parent: 'root' }), 409, 1660);
    const toRoot = await api.post(`${base}/${inner.id}/move/`, { parent: 'root' });
    expect(toRoot.body.node).toMatchObject({ id: inner.id, parent: 'root' });
  });

  contract.unverified('copy makes new nodes with the same bytes (a folder deeply); the original stays; a clash is 409/1660', async () => {
    const { api, ws, base } = await storageTenant();
    const src = await folder(api, base, 'src');
    const file = await uploaded(api, ws.id, 'data.txt', 'the copied bytes', { folder_id: src.id });
    const dest = await folder(api, base, 'dest');
    const res = await api.post(`${base}/${src.id}/copy/`, { parent: dest.id });
    expect(res.status, res.text).toBe(200);
    const copy = res.body.node as NodeJson;
    expect(copy).toMatchObject({ name: 'src', type: 'folder', parent: dest.id });
    expect(copy.id).not.toBe(src.id);
    const inside = (await api.get(`${base}/${copy.id}/list/`)).body.nodes as NodeJson[];
    expect(inside.map((n) => n.name)).toEqual(['data.txt']);
    expect(inside[0]!.id).not.toBe(file);
    expect(inside[0]!.version).not.toBe((await nodeDetails(api, ws.id, file)).version);
    expect(await readText(api, base, inside[0]!.id)).toBe('the copied bytes');
    expect(await names(api, base, src.id)).toEqual(['data.txt']);
    // A file copy beside its original: the name is held.
    expectApiError(await api.post(`${base}/${file}/copy/`, { parent: src.id }), 409, 1660);
    expectApiError(await api.post(`${base}/${src.id}/copy/`, { parent: src.id }), 400, 1605);
    const fileCopy = await api.post(`${base}/${file}/copy/`, { parent: 'root' });
    expect(fileCopy.body.node).toMatchObject({ name: 'data.txt', parent: 'root', size: 'the copied bytes'.length });
  });
});

describe('restore and transfer', () => {
  contract.unverified('restore brings a trashed folder back with its contents; a live node is 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const f = await folder(api, base, 'Archive');
    const file = await uploaded(api, ws.id, 'kept.txt', 'kept', { folder_id: f.id });
    expectApiError(await api.post(`${base}/${f.id}/restore/`), 400, 1605);
    expect((await api.delete(`${base}/${f.id}/delete/`)).status).toBe(200);
    expect(await names(api, base, 'root')).toEqual([]);
    const res = await api.post(`${base}/${f.id}/restore/`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.node).toMatchObject({ id: f.id, parent: 'root', deleted: false });
    expect(await names(api, base, 'root')).toEqual(['Archive']);
    expect(((await api.get(`${base}/trash/list/`)).body.nodes as NodeJson[]).length).toBe(0);
    expect((await nodeDetails(api, ws.id, file)).deleted).toBe(false);
    expect(await readText(api, base, file)).toBe('kept');
  });

  contract.unverified('transfer hands a folder to the root of another workspace of the org; the same workspace is 400/1605', async () => {
    const { api, org, ws, base } = await storageTenant();
    const other = await createWorkspace(api, org.id, { intelligence: false });
    const otherBase = `/current/workspace/${other.id}/storage`;
    const f = await folder(api, base, 'Handover');
    const file = await uploaded(api, ws.id, 'plan.txt', 'the plan', { folder_id: f.id });
    expectApiError(await api.post(`${base}/${f.id}/transfer/`, { target_workspace_id: ws.id }), 400, 1605);
    const res = await api.post(`${base}/${f.id}/transfer/`, { target_workspace_id: other.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body.node).toMatchObject({ id: f.id, parent: 'root' });
    expect(res.body.workspace_id).toBe(other.id);
    expect(await names(api, base, 'root')).toEqual([]);
    expect(await names(api, otherBase, 'root')).toEqual(['Handover']);
    expect(await names(api, otherBase, f.id)).toEqual(['plan.txt']);
    expect(await readText(api, otherBase, file)).toBe('the plan');
    expectApiError(await api.get(`${base}/${file}/details/`), 401, 115069);
  });
});

describe('versions', () => {
  contract.unverified('versions/ lists every version of a file, the current one first; a folder is 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'terms.txt', 'first edition');
    const v1 = (await nodeDetails(api, ws.id, id)).version;
    const update = await uploadFile(api, ws.id, 'terms.txt', 'second edition, longer', { action: 'update', file_id: id });
    expect(update.status, update.text).toBe(200);
    const v2 = (await nodeDetails(api, ws.id, id)).version;
    const res = await api.get(`${base}/${id}/versions/`);
    expect(res.status, res.text).toBe(200);
    const versions = res.body.versions as VersionJson[];
    expect(versions.map((v) => [v.version_id, v.current, v.size])).toEqual([
      [v2, true, 'second edition, longer'.length],
      [v1, false, 'first edition'.length],
    ]);
    const f = await folder(api, base, 'not a file');
    expectApiError(await api.get(`${base}/${f.id}/versions/`), 400, 1605);
  });

  contract.unverified(
    "April's versions/{version_id}/restore/ makes a kept version current; another file's version is 400/1605",
    async () => {
      const { api, ws, base } = await storageTenant();
      const id = await uploaded(api, ws.id, 'terms.txt', 'first edition');
      const v1 = (await nodeDetails(api, ws.id, id)).version;
      expect((await uploadFile(api, ws.id, 'terms.txt', 'second edition', { action: 'update', file_id: id })).status).toBe(200);
      const res = await api.post(`${base}/${id}/versions/${v1}/restore/`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.node).toMatchObject({ id, version: v1 });
      expect(await readText(api, base, id)).toBe('first edition');
      const listed = (await api.get(`${base}/${id}/versions/`)).body.versions as VersionJson[];
      expect(listed.find((v) => v.current)?.version_id).toBe(v1);
      const other = await uploaded(api, ws.id, 'other.txt', 'other');
      const otherVersion = (await nodeDetails(api, ws.id, other)).version;
      expectApiError(await api.post(`${base}/${id}/versions/${otherVersion}/restore/`), 400, 1605);
    },
    { dialects: ['2026-04'] },
  );
});

describe('recent and paged listing', () => {
  contract.unverified('recent/ lists the live nodes of the workspace (type filters); trashed ones leave it', async () => {
    const { api, ws, base } = await storageTenant();
    const f = await folder(api, base, 'Recent folder');
    const a = await uploaded(api, ws.id, 'a.txt', 'a', { folder_id: f.id });
    const b = await uploaded(api, ws.id, 'b.txt', 'b');
    const recent = async (query: Record<string, string | number> = {}) => {
      const res = await api.get(`/current/workspace/${ws.id}/storage/recent/`, { query });
      expect(res.status, res.text).toBe(200);
      return res;
    };
    expect(((await recent()).body.nodes as NodeJson[]).map((n) => n.id).sort()).toEqual([a, b, f.id].sort());
    expect(((await recent({ type: 'folder' })).body.nodes as NodeJson[]).map((n) => n.id)).toEqual([f.id]);
    expect(((await recent({ type: 'file' })).body.nodes as NodeJson[]).map((n) => n.id).sort()).toEqual([a, b].sort());
    const paged = await recent({ page_size: 100 });
    expect(paged.body.pagination).toMatchObject({ has_more: false, next_cursor: null });
    expect((await api.delete(`${base}/${b}/delete/`)).status).toBe(200);
    expect(((await recent({ type: 'file' })).body.nodes as NodeJson[]).map((n) => n.id)).toEqual([a]);
    expectApiError(await api.get(`/current/workspace/${ws.id}/storage/recent/`, { query: { type: 'album' } }), 400, 1605);
    expectApiError(await api.get(`/current/workspace/${ws.id}/storage/recent/`, { query: { cursor: 'not-a-cursor' } }), 400, 1605);
  });

  contract.unverified('list/ pages with page_size and next_cursor, every node once; a bad or foreign cursor, or page size, is 400/1605', async () => {
    const { api, base } = await storageTenant();
    const made: string[] = [];
    for (let i = 0; i < 102; i++) made.push((await folder(api, base, `f${String(i).padStart(3, '0')}`)).id);
    const first = await api.get(`${base}/root/list/`, { query: { page_size: 100 } });
    expect(first.status, first.text).toBe(200);
    expect((first.body.nodes as NodeJson[]).length).toBe(100);
    const cursor = (first.body.pagination as { next_cursor: string | null }).next_cursor;
    expect(typeof cursor).toBe('string');
    // A folder written meanwhile sorts after the cursor: the next page shows it, nothing repeats.
    made.push((await folder(api, base, 'f999')).id);
    const second = await api.get(`${base}/root/list/`, { query: { page_size: 100, cursor: cursor! } });
    expect(second.status, second.text).toBe(200);
    expect((second.body.nodes as NodeJson[]).map((n) => n.name)).toEqual(['f100', 'f101', 'f999']);
    expect(second.body.pagination).toMatchObject({ has_more: false, next_cursor: null });
    const seen = [...(first.body.nodes as NodeJson[]), ...(second.body.nodes as NodeJson[])].map((n) => n.id);
    expect(seen.sort()).toEqual([...made].sort());
    const bad = (res: ApiResponse) => expectApiError(res, 400, 1605);
    bad(await api.get(`${base}/root/list/`, { query: { page_size: 100, cursor: 'garbage!' } }));
    bad(await api.get(`${base}/root/list/`, { query: { page_size: 100, cursor: 'eyJ4IjoxfQ' } }));
    bad(await api.get(`${base}/${made[0]!}/list/`, { query: { page_size: 100, cursor: cursor! } }));
    bad(await api.get(`${base}/root/list/`, { query: { page_size: 100, cursor: cursor!, sort_dir: 'desc' } }));
    bad(await api.get(`${base}/root/list/`, { query: { page_size: 7 } }));
  });
});

describe('another tenant', () => {
  contract.unverified("another tenant gets 401/115069 on every node route on tenant A's node, and nothing changes", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const aFolder = await folder(a.api, a.base, 'A folder');
    const aFile = await uploaded(a.api, a.ws.id, 'a-secret.txt', 'tenant a only');
    const trashed = await uploaded(a.api, a.ws.id, 'a-trashed.txt', 'in the trash');
    expect((await a.api.delete(`${a.base}/${trashed}/delete/`)).status).toBe(200);
    const v1 = (await nodeDetails(a.api, a.ws.id, aFile)).version;
    const before = await nodeDetails(a.api, a.ws.id, aFile);
    // Tenant B, on its own workspace's path, names A's nodes.
    const bBase = b.base;
    const calls: [string, Promise<ApiResponse>][] = [
      ['update', b.api.post(`${bBase}/${aFile}/update/`, { name: 'taken.txt' })],
      ['move', b.api.post(`${bBase}/${aFile}/move/`, { parent: 'root' })],
      ['copy', b.api.post(`${bBase}/${aFile}/copy/`, { parent: 'root' })],
      ['restore', b.api.post(`${bBase}/${trashed}/restore/`)],
      ['transfer', b.api.post(`${bBase}/${aFolder.id}/transfer/`, { target_workspace_id: b.ws.id })],
      ['versions', b.api.get(`${bBase}/${aFile}/versions/`)],
      ['lock', b.api.post(`${bBase}/${aFile}/lock/`, {})],
      ['lock status', b.api.get(`${bBase}/${aFile}/lock/`)],
      ['heartbeat', b.api.post(`${bBase}/${aFile}/lock/heartbeat/`, { lock_token: 'x' })],
      ['release', b.api.delete(`${bBase}/${aFile}/lock/`, { form: { lock_token: 'x' } })],
      ['list', b.api.get(`${bBase}/${aFolder.id}/list/`, { query: { page_size: 100 } })],
    ];
    if (c.target.dialect === '2026-04') calls.push(['version restore', b.api.post(`${bBase}/${aFile}/versions/${v1}/restore/`)]);
    for (const [what, pending] of calls) {
      const res = await pending;
      expect(res.status, `${what}: ${res.text}`).toBe(401);
      expectApiError(res, 401, 115069);
      expect(res.text).not.toContain('a-secret');
    }
    // Tenant B on A's workspace path: the workspace refuses first.
    expectApiError(await b.api.post(`${a.base}/${aFile}/move/`, { parent: 'root' }), 401, 10545);
    expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/storage/recent/`), 401, 10545);
    // B's own recent list is empty; A's node is as it was.
    expect((await b.api.get(`/current/workspace/${b.ws.id}/storage/recent/`)).body.nodes).toEqual([]);
    expect(await nodeDetails(a.api, a.ws.id, aFile)).toMatchObject({ name: before.name, parent: 'root', version: before.version, deleted: false });
    expect((await nodeDetails(a.api, a.ws.id, trashed)).deleted).toBe(true);
    expect(await names(a.api, a.base, 'root')).toEqual(['A folder', 'a-secret.txt']);
    expect((await a.api.get(`${a.base}/${aFile}/lock/`)).body.lock).toMatchObject({ locked: false });
    expect(((await a.api.get(`${a.base}/${aFile}/versions/`)).body.versions as VersionJson[]).map((v) => v.version_id)).toEqual([v1]);
  });
});
