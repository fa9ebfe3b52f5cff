/**
 * A share's storage (issue 17 item 3), both dialects: an independent share (portal) holds a tree
 * of its own, a workspace_folder share shows its workspace folder live; list (with pagination),
 * requestread and read (bandwidth of the org), uploads with `profile_type=share`; share roles and
 * share types decide what is allowed; visitor tokens and other tenants reach nothing outside.
 * V2's additions (readnote, addfile, update, searches) and the locks are in share-storage-v2.contract.ts.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { creditsUsed, spendCreditsDownTo, uploadFile, uploaded, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);
const LINK = 'Anyone with the link';

/** Upload into a share (`profile_type=share`, `instance_id` the share). */
const shareUpload = (api: ApiClient, shareId: string, name: string, data: Uint8Array | string, fields: Record<string, string> = {}) =>
  uploadFile(api, shareId, name, data, { profile_type: 'share', ...fields });

async function shareUploaded(api: ApiClient, shareId: string, name: string, data: string, fields: Record<string, string> = {}): Promise<string> {
  const res = await shareUpload(api, shareId, name, data, fields);
  expect(res.status, res.text).toBe(200);
  return res.body.new_file_id as string;
}

async function list(api: ApiClient, shareId: string, folder = 'root', query: Record<string, string | number> = {}): Promise<NodeJson[]> {
  const res = await api.get(`/current/share/${shareId}/storage/${folder}/list/`, { query });
  expect(res.status, res.text).toBe(200);
  return res.body.nodes as NodeJson[];
}

/** requestread then read/?token= without a Bearer, as the official client downloads. */
async function download(api: ApiClient, shareId: string, nodeId: string): Promise<string> {
  const token = await api.get(`/current/share/${shareId}/storage/${nodeId}/requestread/`);
  expect(token.status, token.text).toBe(200);
  expect(token.body).toMatchObject({ token: expect.any(String), expires: expect.any(String) });
  const read = await c.api().get(`/current/share/${shareId}/storage/${nodeId}/read/`, { query: { token: token.body.token as string } });
  expect(read.status, read.text).toBe(200);
  return read.text;
}

describe('an independent share (portal)', () => {
  contract.unverified('uploads land in the share’s own tree: listed under its root, read back, never under the workspace root', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'exchange' });
    expect(await list(api, share.id)).toEqual([]);
    const id = await shareUploaded(api, share.id, 'brief.txt', 'Portal bytes.');
    const nodes = await list(api, share.id);
    expect(nodes).toEqual([expect.objectContaining({ id, name: 'brief.txt', type: 'file', parent: 'root', size: 'Portal bytes.'.length })]);
    expect(await download(api, share.id, id)).toBe('Portal bytes.');
    // Not a workspace root item; the workspace path to the node is not the share's.
    const wsRoot = await api.get(`/current/workspace/${ws.id}/storage/root/list/`);
    expect((wsRoot.body.nodes as NodeJson[]).map((n) => n.id)).not.toContain(id);
    // A same-name upload is a new version of the same node.
    const again = await shareUploaded(api, share.id, 'brief.txt', 'Portal bytes, revised.');
    expect(again).toBe(id);
    expect(await download(api, share.id, id)).toBe('Portal bytes, revised.');
  });

  contract.unverified('the list pages with limit/offset as the workspace list; trash and bad cursors are refused', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id);
    for (const n of ['a.txt', 'b.txt', 'c.txt']) await shareUploaded(api, share.id, n, n);
    const first = await api.get(`/current/share/${share.id}/storage/root/list/`, { query: { limit: 2, offset: 0 } });
    expect(first.status, first.text).toBe(200);
    expect((first.body.nodes as NodeJson[]).map((n) => n.name)).toEqual(['a.txt', 'b.txt']);
    expect(first.body.pagination).toMatchObject({ total: 3 });
    expect((await list(api, share.id, 'root', { limit: 2, offset: 2 })).map((n) => n.name)).toEqual(['c.txt']);
    expectApiError(await api.get(`/current/share/${share.id}/storage/root/list/`, { query: { page_size: 100, cursor: 'not-a-cursor' } }), 400, 1605);
    expectApiError(await api.get(`/current/share/${share.id}/storage/trash/list/`), 400, 1605);
  });
});

describe('a workspace_folder share', () => {
  contract.unverified('shows its folder live; a workspace file outside the folder is not the share’s (401/115069)', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const folder = (await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Deliverables' })).body.node as NodeJson;
    const share = await createShare(api, ws.id, { storage_mode: 'workspace_folder', folder_node_id: folder.id });
    const inside = await uploaded(api, ws.id, 'report.txt', 'Quarterly report.', { folder_id: folder.id });
    const outside = await uploaded(api, ws.id, 'salaries.txt', 'Private.');
    expect((await list(api, share.id)).map((n) => [n.id, n.parent])).toEqual([[inside, 'root']]);
    expect(await download(api, share.id, inside)).toBe('Quarterly report.');
    expectApiError(await api.get(`/current/share/${share.id}/storage/${outside}/requestread/`), 401, 115069);
    expectApiError(await api.get(`/current/share/${share.id}/storage/${outside}/read/`), 401, 115069);
    // Uploaded through the share, the file is in the workspace folder too.
    const viaShare = await shareUploaded(api, share.id, 'notes.txt', 'Added through the share.');
    const wsList = await api.get(`/current/workspace/${ws.id}/storage/${folder.id}/list/`);
    expect((wsList.body.nodes as NodeJson[]).map((n) => n.id)).toContain(viaShare);
    // The share's own folder is named `root`, not by its id.
    expectApiError(await api.get(`/current/share/${share.id}/storage/${folder.id}/requestread/`), 400, 1605);
  });
});

describe('share roles and share types', () => {
  contract.unverified('view members read; guests add files to receive shares, not to send shares; download_security stops guest downloads', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const viewer = await c.signedIn();
    const guest = await c.signedIn();
    const receive = await createShare(api, ws.id, { share_type: 'receive' });
    const send = await createShare(api, ws.id, { share_type: 'send', title: 'Deliveries' });
    for (const s of [receive, send]) {
      expect((await api.post(`/current/share/${s.id}/members/${viewer.persona.userId}/`, { permissions: 'view' })).status).toBe(200);
      expect((await api.post(`/current/share/${s.id}/members/${guest.persona.userId}/`, { permissions: 'guest' })).status).toBe(200);
    }
    const delivered = await shareUploaded(api, send.id, 'delivery.txt', 'For the client.');
    // view: reads, downloads, no writes.
    expect((await list(viewer.api, send.id)).map((n) => n.id)).toEqual([delivered]);
    expect(await download(viewer.api, send.id, delivered)).toBe('For the client.');
    expectApiError(await shareUpload(viewer.api, receive.id, 'x.txt', 'x'), 403, 1680);
    // guest: uploads into the receive share, not into the send share.
    const collected = await shareUploaded(guest.api, receive.id, 'submission.txt', 'From the client.');
    expect((await list(api, receive.id)).map((n) => n.id)).toEqual([collected]);
    expectApiError(await shareUpload(guest.api, send.id, 'y.txt', 'y'), 403, 1680);
    // guest: updating a file by upload needs member.
    expectApiError(await shareUpload(guest.api, receive.id, 'submission.txt', 'changed', { action: 'update', file_id: collected }), 403, 1680);
    // download_security high: guests and view members may not download; the owner may.
    expect((await api.post(`/current/share/${send.id}/update/`, { download_security: 'high' })).status).toBe(200);
    expectApiError(await viewer.api.get(`/current/share/${send.id}/storage/${delivered}/requestread/`), 403, 1680);
    expect((await list(viewer.api, send.id)).length).toBe(1);
    expect(await download(api, send.id, delivered)).toBe('For the client.');
  });
});

describe('visitors and other tenants', () => {
  contract.unverified('a guest token reads and downloads its share only, and writes nothing', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'send', access_options: LINK });
    const other = await createShare(api, ws.id, { share_type: 'send', access_options: LINK, title: 'Other' });
    const file = await shareUploaded(api, share.id, 'public.txt', 'Open to the link.');
    const secret = await shareUploaded(api, other.id, 'other.txt', 'Another share.');
    const token = (await c.api().post(`/current/share/${share.id}/auth/guest/`)).body.auth_token as string;
    const visitor = c.api().as(token);
    expect((await list(visitor, share.id)).map((n) => n.id)).toEqual([file]);
    expect(await download(visitor, share.id, file)).toBe('Open to the link.');
    // Another share's storage, or its node through this share: refused.
    expectApiError(await visitor.get(`/current/share/${other.id}/storage/root/list/`), 401, 115069);
    expectApiError(await visitor.get(`/current/share/${share.id}/storage/${secret}/requestread/`), 401, 115069);
    // The workspace path and uploads are not share routes: the token is no credential there.
    expectApiError(await visitor.get(`/current/workspace/${ws.id}/storage/${file}/read/`), 401, 1650);
    expectApiError(await shareUpload(visitor, share.id, 'drop.txt', 'x'), 401, 1650);
    // A download token made for the visitor opens this share's read only.
    const dl = (await visitor.get(`/current/share/${share.id}/storage/${file}/requestread/`)).body.token as string;
    expectApiError(await c.api().get(`/current/share/${other.id}/storage/${file}/read/`, { query: { token: dl } }), 401, 1650);
    expectApiError(await c.api().get(`/current/workspace/${ws.id}/storage/${file}/read/`, { query: { token: dl } }), 401, 1650);
  });

  contract.unverified('another tenant gets 401/115069 on the share’s storage and its uploads; without credentials 401/1650', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'receive' });
    const file = await shareUploaded(api, share.id, 'private.txt', 'Only members.');
    const stranger = await ownerWithWorkspace(c);
    expectApiError(await stranger.api.get(`/current/share/${share.id}/storage/root/list/`), 401, 115069);
    expectApiError(await stranger.api.get(`/current/share/${share.id}/storage/${file}/requestread/`), 401, 115069);
    expectApiError(await stranger.api.get(`/current/share/${share.id}/storage/${file}/read/`), 401, 115069);
    expectApiError(await shareUpload(stranger.api, share.id, 'intrusion.txt', 'x'), 401, 115069);
    // The stranger's own share does not reach the first share's node either.
    const own = await createShare(stranger.api, stranger.ws.id);
    expectApiError(await stranger.api.get(`/current/share/${own.id}/storage/${file}/requestread/`), 401, 115069);
    expectApiError(await c.api().get(`/current/share/${share.id}/storage/root/list/`), 401, 1650);
    expectApiError(await c.api().get(`/current/share/${share.id}/storage/${file}/read/`), 401, 1650);
    expect((await list(api, share.id)).map((n) => n.name)).toEqual(['private.txt']);
  });
});

describe('billing', () => {
  contract.emulatorOnly('share downloads are bandwidth of the org; past the budget 402/1696', async () => {
    const { api, org, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id);
    const big = new Uint8Array(2_000_000).fill(7);
    const res = await shareUpload(api, share.id, 'big.bin', big);
    expect(res.status, res.text).toBe(200);
    const id = res.body.new_file_id as string;
    const before = (await creditsUsed(api, org.id)).breakdown.bandwidth ?? 0;
    expect((await api.get(`/current/share/${share.id}/storage/${id}/read/`)).status).toBe(200);
    expect((await creditsUsed(api, org.id)).breakdown.bandwidth ?? 0).toBeGreaterThan(before);
    await spendCreditsDownTo(c.api(), api, org.id, 0);
    expectApiError(await api.get(`/current/share/${share.id}/storage/${id}/read/`), 402, 1696);
  });
});
