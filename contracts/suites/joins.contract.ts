/**
 * Joining (issue 19, item 2), in both dialects: an org through the invitation it sent, a workspace
 * invitation answered by its key (`members/join/{key}/{action}/`), and the April GET form of
 * ownership transfer for orgs and workspaces. Another tenant joins nothing.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import { addOrgMember, addWorkspaceMember, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function inviteId(api: ApiClient, type: 'org' | 'workspace', id: string, email: string, permissions = 'member'): Promise<string> {
  const res = await api.post(`/current/${type}/${id}/members/${encodeURIComponent(email)}/`, { permissions });
  expect(res.status, res.text).toBe(200);
  return (res.body.member as { invite: { id: string } }).invite.id;
}

describe('joining an org', () => {
  contract.unverified('the invited account joins with its invitation; again is 409, without one 404', async () => {
    const { api, org } = await ownerWithWorkspace(c);
    const invitee = await c.signedIn();
    const stranger = await c.signedIn();
    expectApiError(await invitee.api.post(`/current/org/${org.id}/members/join/`), 404, 1609);
    await inviteId(api, 'org', org.id, invitee.persona.email, 'admin');
    const joined = await invitee.api.post(`/current/org/${org.id}/members/join/`);
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body.member).toMatchObject({ id: invitee.persona.userId, permissions: 'admin', status: 'active' });
    expectApiError(await invitee.api.post(`/current/org/${org.id}/members/join/`), 409, 1660);
    expectApiError(await stranger.api.post(`/current/org/${org.id}/members/join/`), 404, 1609);
    expect((await invitee.api.get('/current/user/invitations/list/')).body.invitations).toEqual([]);
  });

  contract.unverified('a workspace member outside the org needs an invitation to join it (403/1680)', async () => {
    const { api, org, ws } = await ownerWithWorkspace(c);
    const external = await c.signedIn();
    await addWorkspaceMember(api, ws.id, external.persona.userId, 'member');
    expectApiError(await external.api.post(`/current/org/${org.id}/members/join/`), 403, 1680);
  });
});

describe('a workspace invitation answered by its key', () => {
  contract.emulatorOnly(
    "the mail's key accepts for its reader; a key of another workspace or a declined one is 404; a member cannot use it (409)",
    async () => {
      const { api, ws } = await ownerWithWorkspace(c);
      const other = await ownerWithWorkspace(c);
      const control = new Control(c.api());
      const address = `${c.unique('mailbox')}@example.test`;
      await inviteId(api, 'workspace', ws.id, address, 'guest');
      const [mail] = (await control.mailbox(address)).filter((m) => m.kind === 'workspace_invitation');
      const key = mail!.code!;
      const reader = await c.signedIn();
      const member = await c.signedIn();
      await addWorkspaceMember(api, ws.id, member.persona.userId, 'member');
      expectApiError(await member.api.post(`/current/workspace/${ws.id}/members/join/${key}/accept/`), 409, 1660);
      expectApiError(await reader.api.post(`/current/workspace/${other.ws.id}/members/join/${key}/accept/`), 404, 1609);
      expectApiError(await reader.api.post(`/current/workspace/${ws.id}/members/join/${key}/maybe/`), 400, 1605);
      const accepted = await reader.api.post(`/current/workspace/${ws.id}/members/join/${key}/accept/`);
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.invitation).toMatchObject({ entity_type: 'workspace', entity_id: ws.id, state: 'accepted', permissions: 'guest' });
      expect((await reader.api.get(`/current/workspace/${ws.id}/details/`)).status).toBe(200);
      expectApiError(await reader.api.post(`/current/workspace/${ws.id}/members/join/${key}/accept/`), 404, 1609);

      const second = `${c.unique('declines')}@example.test`;
      const key2 = await inviteId(api, 'workspace', ws.id, second);
      const declined = await reader.api.post(`/current/workspace/${ws.id}/members/join/${key2}/decline/`);
      expectApiError(declined, 409, 1660);
      const outsider = await c.signedIn();
      expect((await outsider.api.post(`/current/workspace/${ws.id}/members/join/${key2}/decline/`)).body.invitation).toMatchObject({ state: 'declined' });
      expectApiError(await outsider.api.post(`/current/workspace/${ws.id}/members/join/${key2}/accept/`), 404, 1609);
      expectApiError(await outsider.api.get(`/current/workspace/${ws.id}/details/`), 401, 10545);
    },
  );

  contract.unverified('the invited account accepts with the key from its invitation list', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const invitee = await c.signedIn();
    await inviteId(api, 'workspace', ws.id, invitee.persona.email);
    const [inv] = (await invitee.api.get('/current/user/invitations/list/')).body.invitations as { id: string }[];
    const res = await invitee.api.post(`/current/workspace/${ws.id}/members/join/${inv!.id}/accept/`);
    expect(res.status, res.text).toBe(200);
    expect((await invitee.api.get(`/current/workspace/${ws.id}/details/`)).status).toBe(200);
  });
});

describe('ownership transfer, the April GET form', () => {
  contract.unverified(
    'GET transfer_ownership hands an org and a workspace to another member; a member below owner is refused (403/1680)',
    async () => {
      const { api, org, ws, persona } = await ownerWithWorkspace(c);
      const heir = await c.signedIn();
      await addOrgMember(api, org.id, heir.persona.userId, 'member');
      await addWorkspaceMember(api, ws.id, heir.persona.userId, 'member');
      expectApiError(await heir.api.get(`/current/workspace/${ws.id}/member/${heir.persona.userId}/transfer_ownership/`), 403, 1680);
      expect((await api.get(`/current/workspace/${ws.id}/member/${heir.persona.userId}/transfer_ownership/`)).status).toBe(200);
      const wsMembers = (await api.get(`/current/workspace/${ws.id}/members/list/`)).body.users as { id: string; permissions: string }[];
      expect(wsMembers.find((m) => m.id === heir.persona.userId)?.permissions).toBe('owner');
      expectApiError(await heir.api.get(`/current/org/${org.id}/member/${persona.userId}/transfer_ownership/`), 403, 1680);
      expect((await api.get(`/current/org/${org.id}/member/${heir.persona.userId}/transfer_ownership/`)).status).toBe(200);
      expect((await heir.api.get(`/current/org/${org.id}/details/`)).body.org).toMatchObject({ owner_id: heir.persona.userId });
    },
    { dialects: ['2026-04'] },
  );
});

describe('joining across tenants', () => {
  contract.unverified("another tenant joins none of A's entities and answers none of A's invitations", async () => {
    const a = await ownerWithWorkspace(c);
    const b = await ownerWithWorkspace(c);
    const key = await inviteId(a.api, 'workspace', a.ws.id, `${c.unique('a-key')}@example.test`);
    await inviteId(a.api, 'org', a.org.id, `${c.unique('a-org')}@example.test`);
    expectApiError(await b.api.post(`/current/org/${a.org.id}/members/join/`), 404, 1609);
    // A key one character off (the last one changed, whatever it was: a key may end in any letter).
    const wrong = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
    expectApiError(await b.api.post(`/current/workspace/${a.ws.id}/members/join/${wrong}/accept/`), 404, 1609);
    expectApiError(await b.api.post(`/current/workspace/${b.ws.id}/members/join/${key}/accept/`), 404, 1609);
    expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/details/`), 401, 10545);
    expect(((await a.api.get(`/current/org/${a.org.id}/members/list/`)).body.users as { id: string | null }[]).map((u) => u.id)).not.toContain(
      b.persona.userId,
    );
  });
});
