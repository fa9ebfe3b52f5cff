/**
 * A share's storage, the rest: V2's readnote, addfile and update in a share (the `{context_type}`
 * twins of the workspace routes), the share searches (storage/search/ in both dialects, V2's
 * unified search/), and locks on a share's files (both dialects). The first part is
 * share-storage.contract.ts.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { uploadFile, uploaded, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);
const V2 = { dialects: ['v2'] as const };

async function shareUploaded(api: ApiClient, shareId: string, name: string, data: string): Promise<string> {
  const res = await uploadFile(api, shareId, name, data, { profile_type: 'share' });
  expect(res.status, res.text).toBe(200);
  return res.body.new_file_id as string;
}

/** An owner, a folder of the workspace and a workspace_folder share of it. */
async function folderShare() {
  const t = await ownerWithWorkspace(c);
  const folder = (await t.api.post(`/current/workspace/${t.ws.id}/storage/root/createfolder/`, { name: 'Shared' })).body.node as NodeJson;
  const share = await createShare(t.api, t.ws.id, { storage_mode: 'workspace_folder', folder_node_id: folder.id });
  return { ...t, folder, share };
}

describe('V2 node routes in a share', () => {
  contract.unverified(
    'readnote reads a note of the share; a note outside it is 401/115069',
    async () => {
      const { api, ws, folder, share } = await folderShare();
      const note = (await api.post(`/current/workspace/${ws.id}/storage/${folder.id}/createnote/`, { name: 'plan.md', content: '# Plan' })).body
        .node as NodeJson;
      const elsewhere = (await api.post(`/current/workspace/${ws.id}/storage/root/createnote/`, { name: 'private.md', content: '# Private' })).body
        .node as NodeJson;
      const read = await api.get(`/current/share/${share.id}/storage/${note.id}/readnote/`);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toMatchObject({ content: '# Plan', note: { id: note.id, type: 'note', parent: 'root' } });
      expectApiError(await api.get(`/current/share/${share.id}/storage/${elsewhere.id}/readnote/`), 401, 115069);
      const stranger = await c.signedIn();
      expectApiError(await stranger.api.get(`/current/share/${share.id}/storage/${note.id}/readnote/`), 401, 115069);
    },
    V2,
  );

  contract.unverified(
    'addfile adds a stored upload to the share; update renames it; a stranger is refused both',
    async () => {
      const { api, ws } = await ownerWithWorkspace(c);
      const share = await createShare(api, ws.id, { share_type: 'exchange' });
      const up = await uploadFile(api, ws.id, 'source.txt', 'Shared bytes.');
      expect(up.status, up.text).toBe(200);
      const from = JSON.stringify({ type: 'upload', upload: { id: up.body.id } });
      const added = await api.post(`/current/share/${share.id}/storage/root/addfile/`, { name: 'copy.txt', from });
      expect(added.status, added.text).toBe(200);
      const copy = added.body.node as NodeJson;
      expect(copy).toMatchObject({ type: 'file', name: 'copy.txt', parent: 'root' });
      const listed = await api.get(`/current/share/${share.id}/storage/root/list/`);
      expect((listed.body.nodes as NodeJson[]).map((n) => n.id)).toEqual([copy.id]);
      const renamed = await api.post(`/current/share/${share.id}/storage/${copy.id}/update/`, { name: 'final.txt' });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.node).toMatchObject({ id: copy.id, name: 'final.txt' });
      expectApiError(await api.post(`/current/share/${share.id}/storage/${copy.id}/update/`, {}), 400, 1605);
      // A workspace file is not the portal's: update through the share is refused.
      expectApiError(await api.post(`/current/share/${share.id}/storage/${up.body.new_file_id as string}/update/`, { name: 'x.txt' }), 401, 115069);
      const stranger = await ownerWithWorkspace(c);
      expectApiError(await stranger.api.post(`/current/share/${share.id}/storage/${copy.id}/update/`, { name: 'pwned.txt' }), 401, 115069);
      expectApiError(await stranger.api.post(`/current/share/${share.id}/storage/root/addfile/`, { name: 'in.txt', from }), 401, 115069);
    },
    V2,
  );
});

describe('searching a share', () => {
  contract.unverified('the share search finds the share’s files only; a workspace_folder share answers 404/1609', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id);
    const mine = await shareUploaded(api, share.id, 'harbor-report.txt', 'Harbor.');
    const outside = await uploaded(api, ws.id, 'harbor-private.txt', 'Not shared.');
    const res = await api.get(`/current/share/${share.id}/storage/search/`, { query: { search: 'harbor' } });
    expect(res.status, res.text).toBe(200);
    const ids = c.target.dialect === 'v2' ? Object.keys(res.body.files as object) : (res.body.results as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual([mine]);
    expect(JSON.stringify(res.body)).not.toContain(outside);
    expectApiError(await api.get(`/current/share/${share.id}/storage/search/`, { query: { search: 'harbor', files_scope: `${outside}:` } }), 401, 115069);
    const { share: shared, api: other } = await folderShare();
    expectApiError(await other.get(`/current/share/${shared.id}/storage/search/`, { query: { search: 'harbor' } }), 404, 1609);
    const stranger = await c.signedIn();
    expectApiError(await stranger.api.get(`/current/share/${share.id}/storage/search/`, { query: { search: 'harbor' } }), 401, 115069);
  });

  contract.unverified(
    'the unified share search answers buckets with the share’s files',
    async () => {
      const { api, ws } = await ownerWithWorkspace(c);
      const share = await createShare(api, ws.id);
      const mine = await shareUploaded(api, share.id, 'budget-2026.txt', 'Budget.');
      const outside = await uploaded(api, ws.id, 'budget-private.txt', 'Not shared.');
      const res = await api.get(`/current/share/${share.id}/search/`, { query: { search: 'budget' } });
      expect(res.status, res.text).toBe(200);
      const buckets = res.body.buckets as Record<string, { items: { id: string }[]; total: number }>;
      expect(buckets.files!.items.map((i) => i.id)).toEqual([mine]);
      expect(buckets.comments).toMatchObject({ items: [], total: 0 });
      expect(JSON.stringify(res.body)).not.toContain(outside);
    },
    V2,
  );
});

describe('locks on a share’s files', () => {
  contract.unverified('acquire, status, heartbeat and release through the share; the lock holds in the workspace too', async () => {
    const { api, ws, share } = await folderShare();
    const file = await shareUploaded(api, share.id, 'draft.txt', 'Draft.');
    const base = `/current/share/${share.id}/storage/${file}/lock/`;
    const taken = await api.post(base, { duration: 120 });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body.lock).toMatchObject({ locked: true, node_id: file, duration: 120 });
    const token = taken.body.lock_token as string;
    const status = await api.get(base);
    expect(status.body.lock).toMatchObject({ locked: true, node_id: file });
    expect((status.body.lock as Record<string, unknown>).lock_token).toBeUndefined();
    expect((await api.get(`/current/workspace/${ws.id}/storage/${file}/lock/`)).body.lock).toMatchObject({ locked: true });
    expect((await api.post(`${base}heartbeat/`, { lock_token: token })).status).toBe(200);
    expectApiError(await api.delete(base, { form: { lock_token: 'not-the-token' } }), 400, 1605);
    expect((await api.delete(base, { form: { lock_token: token } })).status).toBe(200);
    expect((await api.get(base)).body.lock).toEqual({ locked: false, node_id: file });
    const stranger = await c.signedIn();
    expectApiError(await stranger.api.post(base, {}), 401, 115069);
    expectApiError(await stranger.api.get(base), 401, 115069);
  });

  contract.unverified('a view member sees lock status but may not lock (403/1680)', async () => {
    const { api, share } = await folderShare();
    const viewer = await c.signedIn();
    expect((await api.post(`/current/share/${share.id}/members/${viewer.persona.userId}/`, { permissions: 'view' })).status).toBe(200);
    const file = await shareUploaded(api, share.id, 'draft.txt', 'Draft.');
    const base = `/current/share/${share.id}/storage/${file}/lock/`;
    expect((await viewer.api.get(base)).body.lock).toEqual({ locked: false, node_id: file });
    expectApiError(await viewer.api.post(base, {}), 403, 1680);
  });
});
