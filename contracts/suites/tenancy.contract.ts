import { describe, expect } from 'vitest';
import type { ApiResponse } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, addWorkspaceMember, createOrg, createWorkspace, uniqueDomain, WORKSPACE_DEFAULTS } from '../tenants.js';

const c = setupContract(import.meta.url);

describe('the multi-tenant guide, end to end', () => {
  // April's plans (agent, free on claim) and limits: V2's catalog has neither
  contract.unverified(
    'an agent provisions two tenants; each tenant only reaches its own; a human claims one',
    async () => {
      const agent = await c.signedIn({ accountType: 'agent' });
      const adminA = await c.signedIn({ accountType: 'human' });
      const adminB = await c.signedIn({ accountType: 'human' });

      // One org per customer, workspaces inside, a tenant admin each.
      const orgA = await createOrg(agent.api);
      const orgB = await createOrg(agent.api);
      const wsA = await createWorkspace(agent.api, orgA.id);
      const wsB = await createWorkspace(agent.api, orgB.id);
      await addOrgMember(agent.api, orgA.id, adminA.persona.userId, 'admin');
      await addOrgMember(agent.api, orgB.id, adminB.persona.userId, 'admin');

      const membersA = await adminA.api.get(`/current/org/${orgA.id}/members/list/`);
      expect(membersA.status).toBe(200);
      const rows = membersA.body.users as { id: string; permissions: string; status: string }[];
      expect(rows.map((r) => [r.id, r.permissions, r.status]).sort()).toEqual(
        [
          [agent.persona.userId, 'owner', 'active'],
          [adminA.persona.userId, 'admin', 'active'],
        ].sort(),
      );
      expect(membersA.body.pagination).toMatchObject({ total: 2, has_more: false });

      // Tenant B's admin is refused on every A id, with the documented codes, and learns nothing.
      const refusals: [ApiResponse, number, number][] = [
        [await adminB.api.get(`/current/org/${orgA.id}/details/`), 404, 1609],
        [await adminB.api.get(`/current/org/${orgA.domain}/details/`), 404, 1609],
        [await adminB.api.get(`/current/org/${orgA.id}/members/list/`), 404, 1609],
        [await adminB.api.get(`/current/org/${orgA.id}/member/${adminA.persona.userId}/details/`), 404, 1609],
        [await adminB.api.post(`/current/org/${orgA.id}/members/${adminB.persona.userId}/`, { permissions: 'admin' }), 404, 1609],
        [await adminB.api.get(`/current/org/${orgA.id}/list/workspaces/`), 404, 1609],
        [await adminB.api.get(`/current/workspace/${wsA.id}/details/`), 401, 10545],
        [await adminB.api.get(`/current/workspace/${wsA.id}/members/list/`), 401, 10545],
        [await adminB.api.post(`/current/workspace/${wsA.id}/update/`, { name: 'pwned' }), 401, 10545],
      ];
      for (const [res, status, code] of refusals) {
        expectApiError(res, status, code);
        // `resource` echoes the caller's own request line; everything else must say nothing of A.
        const { resource: _echo, ...rest } = res.body.error!;
        const said = JSON.stringify(rest);
        for (const secret of [orgA.id, orgA.domain, orgA.name, wsA.id, wsA.folder_name, wsA.name, adminA.persona.email]) expect(said).not.toContain(secret);
      }
      // And B still works for B.
      expect((await adminB.api.get(`/current/workspace/${wsB.id}/details/`)).status).toBe(200);
      const listB = await adminB.api.get('/current/orgs/list/');
      expect((listB.body.orgs as { id: string }[]).map((o) => o.id)).toEqual([orgB.id]);

      // Hand-off: the agent makes a transfer token; the human tenant admin claims it.
      const token = await agent.api.post(`/current/org/${orgA.id}/transfer/token/create/`);
      expect(token.status).toBe(200);
      expect(token.body.token).toMatch(/^[0-9A-Za-z]{64}$/);
      const claim = await adminA.api.post('/current/org/transfer/claim/', { token: token.body.token as string });
      expect(claim.status).toBe(200);

      const details = await adminA.api.get(`/current/org/${orgA.id}/details/`);
      expect(details.body.org).toMatchObject({ id: orgA.id, plan: 'free', permissions: 'owner', owner_id: adminA.persona.userId });
      const afterMembers = (await adminA.api.get(`/current/org/${orgA.id}/members/list/`)).body.users as { id: string; permissions: string }[];
      expect(Object.fromEntries(afterMembers.map((m) => [m.id, m.permissions]))).toEqual({ [agent.persona.userId]: 'admin', [adminA.persona.userId]: 'owner' });
      const ws = await adminA.api.get(`/current/workspace/${wsA.id}/details/`);
      expect((ws.body.workspace as { permissions: string }).permissions).toBe('owner');
      const wsMembers = (await adminA.api.get(`/current/workspace/${wsA.id}/members/list/`)).body.users as { id: string; permissions: string }[];
      expect(Object.fromEntries(wsMembers.map((m) => [m.id, m.permissions]))).toEqual({ [agent.persona.userId]: 'admin', [adminA.persona.userId]: 'owner' });
      // The agent, now admin, can no longer close the org or make transfer tokens.
      expectApiError(await agent.api.post(`/current/org/${orgA.id}/close/`, { confirm: orgA.domain }), 403, 1680);
      expectApiError(await agent.api.post(`/current/org/${orgA.id}/transfer/token/create/`), 403, 1680);
      // The token is spent.
      const again = await adminB.api.post('/current/org/transfer/claim/', { token: token.body.token as string });
      expect(again.status).toBe(400);
      // The new owner closes the org (the set-up's clean-up would otherwise try as the agent).
      expect((await adminA.api.post(`/current/org/${orgA.id}/close/`, { confirm: orgA.domain })).status).toBe(200);
    },
    { dialects: ['2026-04'] },
  );
});

describe('orgs', () => {
  // April's plans (agent, free on claim) and limits: V2's catalog has neither
  contract.unverified(
    'an org is addressed by id or domain and lists with its plan and subscriber flag',
    async () => {
      const { api, persona } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api, { description: 'A tenant made by the contract suite.' });
      expect(org.id).toMatch(/^[1-9]\d{18}$/);
      const byId = await api.get(`/current/org/${org.id}/details/`);
      const byDomain = await api.get(`/current/org/${org.domain}/details/`);
      expect(byId.body.org).toEqual(byDomain.body.org);
      expect(byId.body.org).toMatchObject({ domain: org.domain, plan: 'agent', subscriber: true, owner_id: persona.userId });
      const list = await api.get('/current/orgs/list/');
      expect((list.body.orgs as { id: string; member: boolean }[]).find((o) => o.id === org.id)).toMatchObject({ member: true });
    },
    { dialects: ['2026-04'] },
  );

  contract.unverified('domains: taken -> 409/1660, reserved or malformed -> 400/1605, availability check', async () => {
    const { api } = await c.signedIn();
    const org = await createOrg(api);
    expectApiError(await api.post('/current/org/create/', { domain: org.domain, name: 'Dup tenant' }), 409, 1660);
    const check = await api.get(`/current/orgs/check/domain/${org.domain}/`);
    expect(check.body).toMatchObject({ result: true, available: false });
    const free = await api.get(`/current/orgs/check/domain/${uniqueDomain('free')}/`);
    expect(free.body).toMatchObject({ result: true, available: true });
    for (const domain of ['www', 'UPPER', '-dash', 'a', 'x'.repeat(64), 'has space', 'dot.ted']) {
      const res = await api.post('/current/org/create/', { domain, name: 'Bad domain' });
      expectApiError(res, 400, 1605);
      expect((res.body.error!.params ?? []).map((p) => p.name)).toEqual(['domain']);
    }
  });

  contract.unverified('field rules give 400/1605 with params[] naming each field', async () => {
    const { api } = await c.signedIn();
    const res = await api.post('/current/org/create/', { domain: uniqueDomain(), name: 'ab', description: 'too short', billing_email: 'nope' });
    expectApiError(res, 400, 1605);
    expect(res.body.error!.params!.map((p) => `${p.name}:${p.kind}`).sort()).toEqual(['billing_email:invalid', 'description:invalid', 'name:invalid']);
    const missing = await api.post('/current/org/create/', {});
    expect(missing.body.error!.params!.map((p) => `${p.name}:${p.kind}`)).toEqual(['domain:missing']);
  });

  contract.unverified('update changes settings; members cannot; close needs the owner and a matching confirm', async () => {
    const owner = await c.signedIn();
    const member = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, member.persona.userId, 'member');
    const upd = await owner.api.post(`/current/org/${org.id}/update/`, { name: 'Renamed tenant', industry: 'technology' });
    expect(upd.body.org).toMatchObject({ name: 'Renamed tenant', industry: 'technology' });
    expectApiError(await member.api.post(`/current/org/${org.id}/update/`, { name: 'Nope nope' }), 403, 1680);
    expectApiError(await owner.api.post(`/current/org/${org.id}/update/`, {}), 400, 1605);
    expectApiError(await owner.api.post(`/current/org/${org.id}/close/`, { confirm: 'wrong' }), 400, 1605);
    expectApiError(await member.api.post(`/current/org/${org.id}/close/`, { confirm: org.domain }), 403, 1680);
    expect((await owner.api.post(`/current/org/${org.id}/close/`, { confirm: org.domain })).status).toBe(200);
    expectApiError(await owner.api.get(`/current/org/${org.id}/details/`), 404, 1609);
    expect((await owner.api.get(`/current/orgs/check/domain/${org.domain}/`)).body.available).toBe(true);
  });

  contract.unverified('a user reached only through a workspace sees the org as external', async () => {
    const owner = await c.signedIn();
    const guest = await c.signedIn();
    const org = await createOrg(owner.api);
    const ws = await createWorkspace(owner.api, org.id);
    await addWorkspaceMember(owner.api, ws.id, guest.persona.userId, 'guest');
    const ext = await guest.api.get('/current/orgs/list/external/');
    expect(ext.body.orgs).toEqual([{ id: org.id, domain: org.domain, name: org.name, member: false }]);
    expect((await guest.api.get('/current/orgs/list/')).body.orgs).toEqual([]);
    expectApiError(await guest.api.get(`/current/org/${org.id}/details/`), 403, 1680);
    expect((await guest.api.get(`/current/workspace/${ws.id}/details/`)).status).toBe(200);
    const all = await guest.api.get('/current/workspaces/all/');
    expect((all.body.workspaces as { id: string; permissions: string }[]).map((w) => [w.id, w.permissions])).toEqual([[ws.id, 'guest']]);
  });
});

describe('workspaces', () => {
  contract.unverified('create, read by id or folder name, update, archive, delete', async () => {
    const { api } = await c.signedIn();
    const org = await createOrg(api);
    const ws = await createWorkspace(api, org.id, { description: 'Client documents' });
    expect(ws).toMatchObject({ org_id: org.id, intelligence: false });
    expect(ws.id).toMatch(/^[1-9]\d{18}$/);
    const byFolder = await api.get(`/current/workspace/${ws.folder_name}/details/`);
    expect((byFolder.body.workspace as { id: string }).id).toBe(ws.id);
    const upd = await api.post(`/current/workspace/${ws.id}/update/`, { name: 'Renamed workspace', perm_join: 'Admin or above' });
    expect(upd.body.workspace).toMatchObject({ name: 'Renamed workspace', perm_join: 'Admin or above' });
    expect((await api.post(`/current/workspace/${ws.id}/archive/`)).body.workspace).toMatchObject({ archived: true });
    expectApiError(await api.post(`/current/workspace/${ws.id}/archive/`), 409, 1660);
    expect((await api.post(`/current/workspace/${ws.id}/unarchive/`)).body.workspace).toMatchObject({ archived: false });
    const list = await api.get(`/current/org/${org.id}/list/workspaces/`);
    expect((list.body.workspaces as { id: string }[]).map((w) => w.id)).toEqual([ws.id]);
    expectApiError(await api.delete(`/current/workspace/${ws.id}/delete/`, { query: { confirm: 'nope' } }), 400, 1605);
    expect((await api.delete(`/current/workspace/${ws.id}/delete/`, { query: { confirm: ws.folder_name } })).status).toBe(200);
    expectApiError(await api.get(`/current/workspace/${ws.id}/details/`), 404, 1609);
    expect((await api.get(`/current/org/${org.id}/list/workspaces/`)).body.workspaces).toEqual([]);
  });

  contract.unverified('folder_name is unique per org, not across orgs', async () => {
    const { api } = await c.signedIn();
    const a = await createOrg(api);
    const b = await createOrg(api);
    const folder = uniqueDomain('shared');
    await createWorkspace(api, a.id, { folder_name: folder });
    expectApiError(await api.post(`/current/org/${a.id}/create/workspace/`, { ...WORKSPACE_DEFAULTS, name: 'Again', folder_name: folder }), 409, 1660);
    expect((await createWorkspace(api, b.id, { folder_name: folder })).folder_name).toBe(folder);
  });

  contract.unverified('workspace field rules give 400/1605 per field', async () => {
    const { api } = await c.signedIn();
    const org = await createOrg(api);
    const res = await api.post(`/current/org/${org.id}/create/workspace/`, { folder_name: 'Bad Folder!', perm_join: 'Everyone', intelligence: 'maybe' });
    expectApiError(res, 400, 1605);
    expect(res.body.error!.params!.map((p) => `${p.name}:${p.kind}`).sort()).toEqual([
      'folder_name:invalid',
      'intelligence:invalid',
      'name:missing',
      'perm_join:invalid',
      'perm_member_manage:missing',
    ]);
  });

  // April's plans (agent, free on claim) and limits: V2's catalog has neither
  contract.unverified(
    'the agent plan allows 3 workspaces and no intelligence',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api);
      const on = await api.post(`/current/org/${org.id}/create/workspace/`, {
        ...WORKSPACE_DEFAULTS,
        name: 'Smart',
        folder_name: uniqueDomain('ai'),
        intelligence: true,
      });
      expectApiError(on, 400, 1605);
      expect(on.body.error!.params!.map((p) => p.name)).toEqual(['intelligence']);
      const ws = await createWorkspace(api, org.id);
      expectApiError(await api.post(`/current/workspace/${ws.id}/update/`, { intelligence: true }), 400, 1605);
      await createWorkspace(api, org.id);
      await createWorkspace(api, org.id);
      const fourth = await api.post(`/current/org/${org.id}/create/workspace/`, { ...WORKSPACE_DEFAULTS, name: 'Fourth', folder_name: uniqueDomain('w4') });
      expectApiError(fourth, 402, 1685);
      expect(fourth.body.error!.text).toMatch(/3 workspaces/);
    },
    { dialects: ['2026-04'] },
  );
});

describe('members and roles', () => {
  contract.unverified('role matrix: what each org role may do, with the exact codes', async () => {
    const owner = await c.signedIn();
    const admin = await c.signedIn();
    const member = await c.signedIn();
    const outsider = await c.signedIn();
    const org = await createOrg(owner.api);
    await owner.api.post(`/current/org/${org.id}/update/`, { perm_member_manage: 'Admin or above' });
    await addOrgMember(owner.api, org.id, admin.persona.userId, 'admin');
    await addOrgMember(owner.api, org.id, member.persona.userId, 'member');
    const ws = await createWorkspace(owner.api, org.id);

    const newcomer = async () => (await c.persona()).userId;
    const cases: [string, typeof owner, () => Promise<ApiResponse>, number, number?][] = [
      ['member reads details', member, () => member.api.get(`/current/org/${org.id}/details/`), 200],
      ['member lists members', member, () => member.api.get(`/current/org/${org.id}/members/list/`), 200],
      [
        'member adds a member (Admin or above)',
        member,
        async () => member.api.post(`/current/org/${org.id}/members/${await newcomer()}/`, { permissions: 'member' }),
        403,
        1680,
      ],
      [
        'member creates a workspace',
        member,
        () => member.api.post(`/current/org/${org.id}/create/workspace/`, { ...WORKSPACE_DEFAULTS, name: 'Mine', folder_name: uniqueDomain('m') }),
        403,
        1680,
      ],
      ['member updates the org', member, () => member.api.post(`/current/org/${org.id}/update/`, { name: 'Member rename' }), 403, 1680],
      ['admin adds a member', admin, async () => admin.api.post(`/current/org/${org.id}/members/${await newcomer()}/`, { permissions: 'member' }), 200],
      ['admin updates the org', admin, () => admin.api.post(`/current/org/${org.id}/update/`, { name: 'Admin rename' }), 200],
      [
        'admin creates a workspace',
        admin,
        () => admin.api.post(`/current/org/${org.id}/create/workspace/`, { ...WORKSPACE_DEFAULTS, name: 'Admins', folder_name: uniqueDomain('a') }),
        200,
      ],
      ['admin changes perm_member_manage', admin, () => admin.api.post(`/current/org/${org.id}/update/`, { perm_member_manage: 'Member or above' }), 403, 1680],
      ['admin closes the org', admin, () => admin.api.post(`/current/org/${org.id}/close/`, { confirm: org.domain }), 403, 1680],
      ['admin makes a transfer token', admin, () => admin.api.post(`/current/org/${org.id}/transfer/token/create/`), 403, 1680],
      ['admin removes the owner', admin, () => admin.api.delete(`/current/org/${org.id}/members/${owner.persona.userId}/`), 403, 1680],
      ['admin transfers ownership', admin, () => admin.api.post(`/current/org/${org.id}/member/${member.persona.userId}/transfer_ownership/`), 403, 1680],
      ['owner leaves', owner, () => owner.api.delete(`/current/org/${org.id}/member/`), 403, 1680],
      ['outsider reads details', outsider, () => outsider.api.get(`/current/org/${org.id}/details/`), 404, 1609],
      ['outsider reads the workspace', outsider, () => outsider.api.get(`/current/workspace/${ws.id}/details/`), 401, 10545],
      ['member reads a workspace not joined', member, () => member.api.get(`/current/workspace/${ws.id}/details/`), 401, 10545],
      ['admin reads the workspace (carried from org)', admin, () => admin.api.get(`/current/workspace/${ws.id}/details/`), 200],
    ];
    for (const [name, , call, status, code] of cases) {
      const res = await call();
      expect(res.status, `${name}: ${res.text}`).toBe(status);
      if (code) expect(res.body.error?.code, name).toBe(code);
    }
  });

  contract.unverified('workspace roles: guests read, members write nothing to members, admins manage', async () => {
    const owner = await c.signedIn();
    const [wsAdmin, wsMember, wsGuest] = await Promise.all([c.signedIn(), c.signedIn(), c.signedIn()]);
    const org = await createOrg(owner.api, {});
    const ws = await createWorkspace(owner.api, org.id, { perm_member_manage: 'Admin or above' });
    await addWorkspaceMember(owner.api, ws.id, wsAdmin.persona.userId, 'admin');
    await addWorkspaceMember(owner.api, ws.id, wsMember.persona.userId, 'member');
    await addWorkspaceMember(owner.api, ws.id, wsGuest.persona.userId, 'guest');
    const third = await c.persona();
    expect((await wsGuest.api.get(`/current/workspace/${ws.id}/members/list/`)).status).toBe(200);
    expectApiError(await wsGuest.api.post(`/current/workspace/${ws.id}/members/${third.userId}/`, { permissions: 'guest' }), 403, 1680);
    expectApiError(await wsMember.api.post(`/current/workspace/${ws.id}/members/${third.userId}/`, { permissions: 'guest' }), 403, 1680);
    expectApiError(await wsMember.api.post(`/current/workspace/${ws.id}/update/`, { name: 'Member rename' }), 403, 1680);
    expect((await wsAdmin.api.post(`/current/workspace/${ws.id}/members/${third.userId}/`, { permissions: 'member' })).status).toBe(200);
    // Nobody grants a role above their own; the owner is not demoted or removed.
    expect((await wsAdmin.api.post(`/current/workspace/${ws.id}/member/${third.userId}/update/`, { permissions: 'admin' })).body.member).toMatchObject({
      permissions: 'admin',
    });
    expectApiError(await wsAdmin.api.post(`/current/workspace/${ws.id}/member/${third.userId}/update/`, { permissions: 'owner' }), 400, 1605);
    expectApiError(await wsMember.api.post(`/current/workspace/${ws.id}/member/${wsGuest.persona.userId}/update/`, { permissions: 'member' }), 403, 1680);
    expectApiError(await wsAdmin.api.delete(`/current/workspace/${ws.id}/members/${owner.persona.userId}/`), 403, 1680);
    expect((await wsGuest.api.delete(`/current/workspace/${ws.id}/member/`)).status).toBe(200);
    expectApiError(await wsGuest.api.get(`/current/workspace/${ws.id}/details/`), 401, 10545);
  });
});

describe('plan limits, ownership and invitations', () => {
  // April's plans (agent, free on claim) and limits: V2's catalog has neither
  contract.unverified(
    'the agent plan allows 5 members per workspace',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api);
      const ws = await createWorkspace(api, org.id);
      // The owner is the first of five.
      for (let i = 0; i < 4; i++) await addWorkspaceMember(api, ws.id, (await c.persona()).userId, 'member');
      const sixth = await api.post(`/current/workspace/${ws.id}/members/${(await c.persona()).userId}/`, { permissions: 'member' });
      expectApiError(sixth, 402, 1685);
      expect(sixth.body.error!.text).toMatch(/5 members per workspace/);
    },
    { dialects: ['2026-04'] },
  );

  contract.unverified('org ownership moves by transfer_ownership; there is always one owner', async () => {
    const owner = await c.signedIn();
    const next = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, next.persona.userId, 'member');
    expect((await owner.api.post(`/current/org/${org.id}/member/${next.persona.userId}/transfer_ownership/`)).status).toBe(200);
    const rows = (await next.api.get(`/current/org/${org.id}/members/list/`)).body.users as { id: string; permissions: string }[];
    expect(rows.filter((r) => r.permissions === 'owner').map((r) => r.id)).toEqual([next.persona.userId]);
    expect(rows.find((r) => r.id === owner.persona.userId)?.permissions).toBe('admin');
    expect((await next.api.post(`/current/org/${org.id}/close/`, { confirm: org.id })).status).toBe(200);
  });

  contract.unverified('transfer tokens: agents only, 64 characters, at most 5 active, deletable; agents cannot claim', async () => {
    const agent = await c.signedIn({ accountType: 'agent' });
    const human = await c.signedIn({ accountType: 'human' });
    const otherAgent = await c.signedIn({ accountType: 'agent' });
    const humanOrg = await createOrg(human.api);
    expectApiError(await human.api.post(`/current/org/${humanOrg.id}/transfer/token/create/`), 403, 1680);

    const org = await createOrg(agent.api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await agent.api.post(`/current/org/${org.id}/transfer/token/create/`);
      expect(t.status).toBe(200);
      expect(t.body.token).toMatch(/^[0-9A-Za-z]{64}$/);
      expect(t.body.claim_url).toBe(`https://go.fast.io/claim?token=${t.body.token as string}`);
      ids.push(t.body.id as string);
    }
    expectApiError(await agent.api.post(`/current/org/${org.id}/transfer/token/create/`), 402, 1685);
    const list = await agent.api.get(`/current/org/${org.id}/transfer/token/list/`);
    expect((list.body.tokens as { id: string; state: string }[]).map((t) => t.state)).toEqual(['active', 'active', 'active', 'active', 'active']);
    expect((await agent.api.delete(`/current/org/${org.id}/transfer/token/${ids[0]}/`)).status).toBe(200);
    const sixth = await agent.api.post(`/current/org/${org.id}/transfer/token/create/`);
    expect(sixth.status).toBe(200);
    expectApiError(await otherAgent.api.post('/current/org/transfer/claim/', { token: sixth.body.token as string }), 403, 1680);
    expectApiError(await human.api.post('/current/org/transfer/claim/', { token: 'x'.repeat(64) }), 404, 1609);
  });

  contract.emulatorOnly('a transfer token expires after 72 hours on the emulator clock', async () => {
    const agent = await c.signedIn({ accountType: 'agent' });
    const org = await createOrg(agent.api);
    const t = await agent.api.post(`/current/org/${org.id}/transfer/token/create/`);
    await c.api().post('/_emulator/clock/advance', { seconds: 72 * 3600 + 1 });
    // Sign in again: the JWTs died with the clock jump.
    const human = await c.signedIn({ accountType: 'human' });
    const claim = await human.api.post('/current/org/transfer/claim/', { token: t.body.token as string });
    expectApiError(claim, 400, 1605);
    expect(claim.body.error!.text).toMatch(/expired/);
    const list = await c.target.client(agent.persona.apiKey).get(`/current/org/${org.id}/transfer/token/list/`);
    expect((list.body.tokens as { state: string }[])[0]!.state).toBe('expired');
  });

  contract.emulatorOnly('an invitation to an address without an account becomes membership when it signs up and verifies', async () => {
    const { api } = await c.signedIn();
    const org = await createOrg(api);
    const ws = await createWorkspace(api, org.id);
    const email = `${uniqueDomain('invitee')}@example.test`;
    const added = await api.post(`/current/org/${org.id}/members/${encodeURIComponent(email)}/`, { permissions: 'admin' });
    expect(added.body.member).toMatchObject({ id: null, email_address: email, status: 'pending', permissions: 'admin' });
    expect((added.body.member as { invite: { id: string } }).invite.id).toMatch(/^[0-9a-z]{29}$/);
    await addWorkspaceMember(api, ws.id, email, 'member');
    const pending = await api.get(`/current/org/${org.id}/members/list/`, { query: { status: 'pending' } });
    expect((pending.body.users as { email_address: string }[]).map((u) => u.email_address)).toEqual([email]);
    const invites = await api.get(`/current/org/${org.id}/members/invitations/list/`);
    expect((invites.body.invitations as unknown[]).length).toBe(1);

    // The invitee signs up; until the address is verified the invitation waits.
    const password = 'invitee password 1';
    const signUp = await c.api().post('/current/user/', { email_address: email, password, tos_agree: true });
    expect(signUp.status).toBe(200);
    const token = (await c.api().get('/current/user/auth/', { basic: { email, password } })).body.auth_token as string;
    const invitee = c.target.client(token);
    expect((await api.get(`/current/org/${org.id}/members/list/`, { query: { status: 'pending' } })).body.users).toHaveLength(1);
    await invitee.post('/current/user/email/validate/', { email });
    const mail = (await c.api().get('/_emulator/mailbox/', { query: { to: email } })).body.messages as { kind: string; code: string }[];
    expect(mail.map((m) => m.kind).sort()).toEqual(['email_verification', 'org_invitation', 'workspace_invitation']);
    const code = mail.find((m) => m.kind === 'email_verification')!.code;
    expect((await invitee.post('/current/user/email/validate/', { email, email_token: code })).status).toBe(200);

    // The V2 sign-up answers no id (it reveals nothing): the invitee's id comes from its own token.
    const inviteeId = (await invitee.get('/current/user/auth/check/')).body.id as string;
    const active = (await api.get(`/current/org/${org.id}/members/list/`)).body.users as { id: string; status: string; permissions: string }[];
    expect(active.find((u) => u.id === inviteeId)).toMatchObject({ status: 'active', permissions: 'admin' });
    expect((await invitee.get(`/current/org/${org.id}/details/`)).status).toBe(200);
    expect(((await invitee.get(`/current/workspace/${ws.id}/details/`)).body.workspace as { permissions: string }).permissions).toBe('admin');
  });

  contract.unverified('org members join workspaces as perm_join allows', async () => {
    const owner = await c.signedIn();
    const member = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, member.persona.userId, 'member');
    const open = await createWorkspace(owner.api, org.id, { perm_join: 'Member or above' });
    const closed = await createWorkspace(owner.api, org.id, { perm_join: 'Admin or above' });
    const visible = (await member.api.get(`/current/org/${org.id}/list/workspaces/`)).body.workspaces as { id: string }[];
    expect(visible.map((w) => w.id)).toEqual([open.id]);
    const joined = await member.api.post(`/current/workspace/${open.id}/members/join/`);
    expect(joined.body.member).toMatchObject({ id: member.persona.userId, permissions: 'member', status: 'active' });
    expectApiError(await member.api.post(`/current/workspace/${closed.id}/members/join/`), 403, 1680);
    const stranger = await c.signedIn();
    expectApiError(await stranger.api.post(`/current/workspace/${open.id}/members/join/`), 401, 10545);
  });
});

describe('member management', () => {
  contract.unverified('update an org member, cancel an invitation, read a workspace member, hand a workspace over', async () => {
    const owner = await c.signedIn();
    const helper = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, helper.persona.userId, 'member');
    const upd = await owner.api.post(`/current/org/${org.id}/member/${helper.persona.userId}/update/`, { permissions: 'admin' });
    expect(upd.body.member).toMatchObject({ id: helper.persona.userId, permissions: 'admin', status: 'active' });
    const details = await owner.api.get(`/current/org/${org.id}/member/${helper.persona.userId}/details/`);
    expect(details.body.member).toMatchObject({ permissions: 'admin' });

    const email = `${uniqueDomain('cancelled')}@example.test`;
    const invited = await owner.api.post(`/current/org/${org.id}/members/${encodeURIComponent(email)}/`, { permissions: 'member' });
    const inviteId = (invited.body.member as { invite: { id: string } }).invite.id;
    expect((await owner.api.delete(`/current/org/${org.id}/members/invitation/${inviteId}/`)).status).toBe(200);
    expect((await owner.api.get(`/current/org/${org.id}/members/invitations/list/`)).body.invitations).toEqual([]);
    expectApiError(await owner.api.delete(`/current/org/${org.id}/members/invitation/${inviteId}/`), 404, 1609);

    const ws = await createWorkspace(owner.api, org.id);
    await addWorkspaceMember(owner.api, ws.id, helper.persona.userId, 'member');
    const wsMember = await helper.api.get(`/current/workspace/${ws.id}/member/${helper.persona.userId}/details/`);
    expect(wsMember.body.member).toMatchObject({ id: helper.persona.userId, permissions: 'member', status: 'active' });
    expectApiError(await helper.api.post(`/current/workspace/${ws.id}/member/${owner.persona.userId}/transfer_ownership/`), 403, 1680);
    expect((await owner.api.post(`/current/workspace/${ws.id}/member/${helper.persona.userId}/transfer_ownership/`)).status).toBe(200);
    const roles = (await helper.api.get(`/current/workspace/${ws.id}/members/list/`)).body.users as { id: string; permissions: string }[];
    expect(Object.fromEntries(roles.map((r) => [r.id, r.permissions]))).toEqual({ [owner.persona.userId]: 'admin', [helper.persona.userId]: 'owner' });
  });
});
