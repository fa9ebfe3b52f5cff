import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, addWorkspaceMember, createOrg, createWorkspace, ownerWithWorkspace } from '../tenants.js';

/**
 * Org and workspace discovery, workspace limits and job status (client src/api/org.rs
 * discover_orgs, discover_all, get_public_details; src/api/workspace.rs available_workspaces,
 * check_workspace_name, get_workspace_limits, jobs_status). Both dialects.
 */
const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });
type Row = Record<string, unknown>;
const ids = (rows: unknown) => (rows as Row[]).map((r) => r.id);

describe('org discovery', () => {
  contract.unverified("orgs/all lists member orgs then external ones; another user's orgs never appear", async () => {
    const a = await ownerWithWorkspace(c);
    const b = await c.signedIn();
    const own = await createOrg(b.api);
    await addWorkspaceMember(a.api, a.ws.id, b.persona.userId, 'member');
    const all = await b.api.get('/current/orgs/all/');
    expect(all.status).toBe(200);
    expect((all.body.orgs as Row[]).map((o) => [o.id, o.member])).toEqual([
      [own.id, true],
      [a.org.id, false],
    ]);
    const stranger = await c.signedIn();
    expect((await stranger.api.get('/current/orgs/all/')).body.orgs).toEqual([]);
    expect((await stranger.api.get('/current/orgs/available/')).body).toMatchObject({ orgs: [] });
  });

  contract.unverified('orgs/available does not show an invitation to another address', async () => {
    const a = await c.signedIn();
    const org = await createOrg(a.api);
    await a.api.post(`/current/org/${org.id}/members/${encodeURIComponent(`${c.unique('invitee')}@example.test`)}/`, { permissions: 'member' });
    const b = await c.signedIn();
    expect(ids((await b.api.get('/current/orgs/available/')).body.orgs)).not.toContain(org.id);
  });

  contract.unverified('public details answer id, domain, name and description only, to a stranger too', async () => {
    const a = await c.signedIn();
    const org = await createOrg(a.api);
    const b = await c.signedIn();
    const res = await b.api.get(`/current/org/${org.id}/public/details/`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.org as Row).sort()).toEqual(['description', 'domain', 'id', 'name']);
    expect((await b.api.get(`/current/org/${org.domain}/public/details/`)).body.org).toMatchObject({ id: org.id });
    expectApiError(await b.api.get('/current/org/no-such-org-anywhere/public/details/'), 404, 1609);
  });
});

describe('workspace discovery, limits, jobs', () => {
  contract.unverified("workspaces/available lists joinable workspaces of the caller's orgs only", async () => {
    const a = await ownerWithWorkspace(c);
    const member = await c.signedIn();
    await addOrgMember(a.api, a.org.id, member.persona.userId, 'member');
    const closed = await createWorkspace(a.api, a.org.id, { perm_join: 'Admin or above' });
    const listed = ids((await member.api.get('/current/workspaces/available/')).body.workspaces);
    expect(listed).toContain(a.ws.id);
    expect(listed).not.toContain(closed.id);
    const stranger = await c.signedIn();
    expect(ids((await stranger.api.get('/current/workspaces/available/')).body.workspaces)).toEqual([]);
  });

  contract.unverified('check/name: invalid, taken among reachable workspaces, else available; a stranger is not told', async () => {
    const a = await ownerWithWorkspace(c);
    const folder = a.ws.folder_name as string;
    expect((await a.api.get(`/current/workspaces/check/name/${folder}/`)).body).toMatchObject({ available: false, reason: 'taken' });
    expect((await a.api.get('/current/workspaces/check/name/Not%20Valid!/')).body).toMatchObject({ available: false, reason: 'invalid' });
    const b = await c.signedIn();
    expect((await b.api.get(`/current/workspaces/check/name/${folder}/`)).body).toMatchObject({ available: true });
  });

  contract.unverified('limits and jobs/status answer the member and refuse another tenant (401/10545)', async () => {
    const a = await ownerWithWorkspace(c);
    const limits = await a.api.get(`/current/workspace/${a.ws.id}/limits/`);
    expect(limits.status).toBe(200);
    expect(limits.body).toMatchObject({ limits: { plan: expect.any(String) }, usage: { storage_bytes: 0, members: 1 } });
    expect((await a.api.get(`/current/workspace/${a.ws.id}/jobs/status/`)).body).toMatchObject({ jobs: [], results: 0 });
    const b = await c.signedIn();
    expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/limits/`), 401, 10545);
    expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/jobs/status/`), 401, 10545);
  });
});
