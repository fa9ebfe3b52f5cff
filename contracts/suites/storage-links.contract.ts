/**
 * `addlink` (issue 18 item 1; official client 96b1551 src/api/storage.rs add_link sends
 * `type=share` + `share`, 41dde01 sends `share_id`): a share link node in a folder, both dialects.
 * The link is listed like any node, has no bytes to read, and another tenant is refused.
 */
import { describe, expect } from 'vitest';
import type { NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createShare, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function storageTenant() {
  const { api } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

/** The form the running dialect's client sends. */
const linkForm = (shareId: string): Record<string, string> => (c.target.dialect === 'v2' ? { type: 'share', share: shareId } : { share_id: shareId });

describe('addlink', () => {
  contract.unverified('adds a link to a share into a folder, listed with the share as its target', async () => {
    const { api, ws, base } = await storageTenant();
    const share = await createShare(api, ws.id, { title: 'Client deliverables' });
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Links' })).body.node as NodeJson;
    const res = await api.post(`${base}/${folder.id}/addlink/`, linkForm(share.id));
    expect(res.status, res.text).toBe(200);
    const link = res.body.node as NodeJson & { link: unknown };
    expect(link).toMatchObject({ type: 'link', name: 'Client deliverables', parent: folder.id, link: { type: 'share', share: share.id } });
    const listed = (await api.get(`${base}/${folder.id}/list/`)).body.nodes as NodeJson[];
    expect(listed.map((n) => [n.id, n.type])).toEqual([[link.id, 'link']]);
    // a link has no bytes: read and requestread refuse it
    expectApiError(await api.get(`${base}/${link.id}/read/`), 400, 1605);
    expectApiError(await api.get(`${base}/${link.id}/requestread/`), 400, 1605);
    // the same share again in the same folder: the name is taken
    expectApiError(await api.post(`${base}/${folder.id}/addlink/`, linkForm(share.id)), 409, 1660);
  });

  contract.unverified('no share, a bad share id or a file as the parent answer 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const share = await createShare(api, ws.id);
    expectApiError(await api.post(`${base}/root/addlink/`, { type: 'share' }), 400, 1605);
    expectApiError(await api.post(`${base}/root/addlink/`, { type: 'share', share: 'not-a-share' }), 400, 1605);
    const note = (await api.post(`${base}/root/createnote/`, { name: 'n.md', content: 'x' })).body.node as NodeJson;
    expectApiError(await api.post(`${base}/${note.id}/addlink/`, linkForm(share.id)), 400, 1605);
  });

  contract.unverified("another tenant's workspace answers 401/10545; another tenant's share 401/115069", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const shareA = await createShare(a.api, a.ws.id);
    expectApiError(await b.api.post(`${a.base}/root/addlink/`, linkForm(shareA.id)), 401, 10545);
    expectApiError(await b.api.post(`${b.base}/root/addlink/`, linkForm(shareA.id)), 401, 115069);
    const listed = (await a.api.get(`${a.base}/root/list/`)).body.nodes as NodeJson[];
    expect(listed).toEqual([]);
  });
});
