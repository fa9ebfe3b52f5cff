/**
 * April-2026 `POST /current/workspace/create/`: the org goes in the form as `org_id` (official
 * client 41dde01 src/api/org.rs create_workspace); the same workspace as the path form, the same
 * roles, and another tenant's org refused.
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, createOrg } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });

describe('April workspace create with org_id in the form', () => {
  contract.unverified('creates the workspace in the named org with the defaults, readable by id and listed by the org', async () => {
    const { api } = await c.signedIn();
    const org = await createOrg(api);
    const folder = c.unique('aprilws');
    const r = await api.post('/current/workspace/create/', { org_id: org.id, folder_name: folder, name: 'April Create', description: 'made by form' });
    expect(r.status, r.text).toBe(200);
    const ws = r.body.workspace as Record<string, unknown>;
    expect(ws).toMatchObject({
      org_id: org.id,
      folder_name: folder,
      name: 'April Create',
      description: 'made by form',
      perm_join: 'Member or above',
      perm_member_manage: 'Admin or above',
      intelligence: false,
    });
    const details = await api.get(`/current/workspace/${ws.id as string}/details/`);
    expect(details.status, details.text).toBe(200);
    const listed = await api.get(`/current/org/${org.id}/list/workspaces/`);
    expect((listed.body.workspaces as { id: string }[]).map((w) => w.id)).toContain(ws.id);
    // The folder name is the org's now: the path form refuses it as taken too.
    const again = await api.post(`/current/org/${org.id}/create/workspace/`, {
      folder_name: folder,
      name: 'Twin',
      perm_join: 'Member or above',
      perm_member_manage: 'Admin or above',
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  contract.unverified('the optional fields are taken as given; a missing org_id or folder_name answers 400/1605', async () => {
    // A human's org: the agent plan has no intelligence.
    const { api } = await c.signedIn({ accountType: 'human' });
    const org = await createOrg(api);
    const r = await api.post('/current/workspace/create/', {
      org_id: org.id,
      folder_name: c.unique('opts'),
      name: 'Options',
      perm_join: 'Only Org Owners',
      perm_member_manage: 'Member or above',
      intelligence: 'true',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.workspace).toMatchObject({ perm_join: 'Only Org Owners', perm_member_manage: 'Member or above', intelligence: true });
    expectApiError(await api.post('/current/workspace/create/', { folder_name: c.unique('noorg'), name: 'No org' }), 400, 1605);
    expectApiError(await api.post('/current/workspace/create/', { org_id: org.id, name: 'No folder' }), 400, 1605);
  });

  contract.unverified('an org admin may create; a plain org member gets 403/1680', async () => {
    const owner = await c.signedIn();
    const admin = await c.signedIn();
    const member = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, admin.persona.userId, 'admin');
    await addOrgMember(owner.api, org.id, member.persona.userId, 'member');
    const byAdmin = await admin.api.post('/current/workspace/create/', { org_id: org.id, folder_name: c.unique('adm'), name: 'By admin' });
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expectApiError(await member.api.post('/current/workspace/create/', { org_id: org.id, folder_name: c.unique('mem'), name: 'By member' }), 403, 1680);
  });

  contract.unverified("another tenant naming A's org answers 404/1609, says nothing of it and creates nothing", async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const orgA = await createOrg(a.api, { name: 'Alpha Create Secret' });
    await createOrg(b.api);
    const before = await a.api.get(`/current/org/${orgA.id}/list/workspaces/`);
    const res = await b.api.post('/current/workspace/create/', { org_id: orgA.id, folder_name: c.unique('intrude'), name: 'Intruder' });
    expectApiError(res, 404, 1609);
    const { resource: _echo, ...said } = res.body.error!;
    for (const secret of [orgA.domain, 'Alpha Create Secret', a.persona.email]) expect(JSON.stringify(said)).not.toContain(secret);
    expect((await a.api.get(`/current/org/${orgA.id}/list/workspaces/`)).body).toEqual(before.body);
  });
});
