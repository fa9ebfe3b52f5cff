/**
 * Importing a share into a workspace (both dialects): a snapshot copy of the share's folders,
 * files and notes into a new root folder of the target workspace; the share's members may import
 * into their own workspaces (another org included); strangers get 401/115069.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { uploadFile, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function listed(api: ApiClient, wsId: string, folder: string): Promise<NodeJson[]> {
  const res = await api.get(`/current/workspace/${wsId}/storage/${folder}/list/`);
  expect(res.status, res.text).toBe(200);
  return res.body.nodes as NodeJson[];
}

describe('import a share', () => {
  contract.unverified('copies the share’s tree into a new root folder of the workspace; later share changes do not reach the copy', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const folder = (await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Deliverables' })).body.node as NodeJson;
    const sub = (await api.post(`/current/workspace/${ws.id}/storage/${folder.id}/createfolder/`, { name: 'Drafts' })).body.node as NodeJson;
    expect((await uploadFile(api, ws.id, 'report.txt', 'Final report.', { folder_id: folder.id })).status).toBe(200);
    expect((await uploadFile(api, ws.id, 'draft.txt', 'Draft one.', { folder_id: sub.id })).status).toBe(200);
    const share = await createShare(api, ws.id, { title: 'Client Q3', storage_mode: 'workspace_folder', folder_node_id: folder.id });

    const target = await ownerWithWorkspace(c);
    // Not a member yet: the share is not the caller's.
    expectApiError(await target.api.post(`/current/workspace/${target.ws.id}/import/share/${share.id}/`, {}), 401, 115069);
    expect((await api.post(`/current/share/${share.id}/members/${target.persona.userId}/`, { permissions: 'view' })).status).toBe(200);
    const res = await target.api.post(`/current/workspace/${target.ws.id}/import/share/${share.id}/`, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ node: { type: 'folder', name: 'Client Q3', parent: 'root' }, nodes_imported: 3 });
    const copy = res.body.node as NodeJson;
    const top = await listed(target.api, target.ws.id, copy.id);
    expect(top.map((n) => [n.name, n.type])).toEqual([
      ['Drafts', 'folder'],
      ['report.txt', 'file'],
    ]);
    const drafts = top.find((n) => n.name === 'Drafts')!;
    const inner = await listed(target.api, target.ws.id, drafts.id);
    expect(inner.map((n) => n.name)).toEqual(['draft.txt']);
    const read = await target.api.get(`/current/workspace/${target.ws.id}/storage/${inner[0]!.id}/read/`);
    expect(read.text).toBe('Draft one.');
    // A snapshot: a new file in the share is not in the copy; a second import makes a second folder.
    expect((await uploadFile(api, ws.id, 'late.txt', 'Later.', { folder_id: folder.id })).status).toBe(200);
    expect((await listed(target.api, target.ws.id, copy.id)).map((n) => n.name)).not.toContain('late.txt');
    const again = await target.api.post(`/current/workspace/${target.ws.id}/import/share/${share.id}/`, {});
    expect(again.body.node).toMatchObject({ name: 'Client Q3 (2)' });
  });

  contract.unverified('needs write in the target workspace and download rights in the share', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { download_security: 'high' });
    const viewer = await ownerWithWorkspace(c);
    expect((await api.post(`/current/share/${share.id}/members/${viewer.persona.userId}/`, { permissions: 'view' })).status).toBe(200);
    // download_security high: a view member may not take the files away.
    expectApiError(await viewer.api.post(`/current/workspace/${viewer.ws.id}/import/share/${share.id}/`, {}), 403, 1680);
    // Into a workspace the caller does not reach: refused before the share is looked at.
    const res = await viewer.api.post(`/current/workspace/${ws.id}/import/share/${share.id}/`, {});
    expectApiError(res, 401, 10545);
    expectApiError(await viewer.api.post(`/current/workspace/${viewer.ws.id}/import/share/9999999999999999999/`, {}), 404, 1609);
    expectApiError(await c.api().post(`/current/workspace/${viewer.ws.id}/import/share/${share.id}/`, {}), 401, 1650);
  });
});
