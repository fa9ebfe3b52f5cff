/**
 * Invitations from both sides (issue 19, item 1), in both dialects: an address is invited (an
 * account holding it as well, answered alike), its owner lists, reads, accepts or declines; the
 * inviter lists, updates, renews and deletes, for orgs, workspaces and shares alike; expiry on the
 * emulator clock; the mail and its key; and what another tenant gets (nothing).
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface Invitation {
  id: string;
  state: string;
  entity_type: string;
  entity_id: string;
  permissions: string;
  email_address: string;
}
interface Entry {
  id: string | null;
  email_address: string;
  permissions: string;
  status: string;
  state: string;
  invite: { id: string; expires: string };
}

/** The inviter's answer to an add, without what differs per call (the invitation's id and times). */
function observable(member: Entry): Record<string, unknown> {
  return { id: member.id, permissions: member.permissions, status: member.status, first_name: (member as never)['first_name'] };
}

async function invite(api: ApiClient, type: 'org' | 'workspace' | 'share', id: string, email: string, permissions = 'member'): Promise<Entry> {
  const res = await api.post(`/current/${type}/${id}/members/${encodeURIComponent(email)}/`, { permissions });
  expect(res.status, res.text).toBe(200);
  return res.body.member as Entry;
}

async function mine(api: ApiClient): Promise<Invitation[]> {
  const res = await api.get('/current/user/invitations/list/');
  expect(res.status, res.text).toBe(200);
  return res.body.invitations as Invitation[];
}

async function entries(api: ApiClient, type: string, id: string): Promise<Entry[]> {
  const res = await api.get(`/current/${type}/${id}/members/invitations/list/`);
  expect(res.status, res.text).toBe(200);
  return res.body.invitations as Entry[];
}

describe('the invitee', () => {
  contract.unverified(
    'an account invited by its address gets an invitation, answered as an address without an account is; acceptall makes it a member',
    async () => {
      const { api, org } = await ownerWithWorkspace(c);
      const invitee = await c.signedIn();
      const withAccount = await invite(api, 'org', org.id, invitee.persona.email, 'admin');
      const withoutAccount = await invite(api, 'org', org.id, `${c.unique('nobody')}@example.test`, 'admin');
      expect(observable(withAccount)).toEqual(observable(withoutAccount));
      expect(withAccount).toMatchObject({ id: null, email_address: invitee.persona.email, status: 'pending' });
      expectApiError(await invitee.api.get(`/current/org/${org.id}/details/`), 404, 1609);

      const listed = await mine(invitee.api);
      expect(listed).toEqual([
        expect.objectContaining({
          id: withAccount.invite.id,
          state: 'pending',
          entity_type: 'org',
          entity_id: org.id,
          permissions: 'admin',
          email_address: invitee.persona.email,
        }),
      ]);
      const details = await invitee.api.get(`/current/user/invitation/${withAccount.invite.id}/details/`);
      expect(details.status, details.text).toBe(200);
      expect(details.body.invitation).toMatchObject({ id: withAccount.invite.id, entity_type: 'org', state: 'pending' });

      const accepted = await invitee.api.post('/current/user/invitations/acceptall/');
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.invitations).toEqual([expect.objectContaining({ entity_id: org.id, state: 'accepted', permissions: 'admin' })]);
      expect(await mine(invitee.api)).toEqual([]);
      const members = await api.get(`/current/org/${org.id}/members/list/`, { query: { status: 'active' } });
      expect((members.body.users as { id: string; permissions: string }[]).find((u) => u.id === invitee.persona.userId)?.permissions).toBe('admin');
      expect((await invitee.api.get(`/current/org/${org.id}/details/`)).status).toBe(200);
    },
  );

  contract.unverified('one invitation is accepted on its entity; another is declined and the inviter sees it declined', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { title: 'Invitations room' });
    const invitee = await c.signedIn();
    const toWs = await invite(api, 'workspace', ws.id, invitee.persona.email, 'guest');
    const toShare = await invite(api, 'share', share.id, invitee.persona.email, 'view');
    expect((await mine(invitee.api)).map((i) => i.entity_type).sort()).toEqual(['share', 'workspace']);

    const accepted = await invitee.api.post(`/current/workspace/${ws.id}/members/invitation/${toWs.invite.id}/`, { state: 'accepted' });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.invitation).toMatchObject({ id: invitee.persona.userId, status: 'active', permissions: 'guest' });
    expect((await invitee.api.get(`/current/workspace/${ws.id}/details/`)).status).toBe(200);

    expectApiError(
      await invitee.api.post(`/current/share/${share.id}/members/invitation/${toShare.invite.id}/`, { state: 'declined', permissions: 'admin' }),
      403,
      1680,
    );
    const declined = await invitee.api.post(`/current/share/${share.id}/members/invitation/${toShare.invite.id}/`, { state: 'declined' });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body.invitation).toMatchObject({ state: 'declined', status: 'pending' });
    expect(await mine(invitee.api)).toEqual([]);
    expect((await entries(api, 'share', share.id)).map((e) => [e.email_address, e.state])).toEqual([[invitee.persona.email, 'declined']]);
    expectApiError(await invitee.api.post(`/current/share/${share.id}/members/invitation/${toShare.invite.id}/`, { state: 'accepted' }), 400, 1605);
    // The invitee may discard it; then it is gone for both.
    expect((await invitee.api.delete(`/current/share/${share.id}/members/invitation/${toShare.invite.id}/`)).status).toBe(200);
    expect(await entries(api, 'share', share.id)).toEqual([]);
  });
});

describe('the inviter', () => {
  contract.unverified('changes the role of a pending invitation, renews a declined one, cannot accept it, and deletes it', async () => {
    const { api, org } = await ownerWithWorkspace(c);
    const invitee = await c.signedIn();
    const inv = await invite(api, 'org', org.id, invitee.persona.email);
    const base = `/current/org/${org.id}/members/invitation/${inv.invite.id}/`;
    const changed = await api.post(base, { permissions: 'admin' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.invitation).toMatchObject({ permissions: 'admin', state: 'pending' });
    expectApiError(await api.post(base, { state: 'accepted' }), 400, 1605);
    expectApiError(await api.post(base, { permissions: 'owner' }), 400, 1605);
    expect((await invitee.api.post(base, { state: 'declined' })).status).toBe(200);
    expect((await entries(api, 'org', org.id)).map((e) => e.state)).toEqual(['declined']);
    const renewed = await api.post(base, { state: 'pending' });
    expect(renewed.body.invitation).toMatchObject({ state: 'pending' });
    expect((await mine(invitee.api)).map((i) => i.id)).toEqual([inv.invite.id]);
    expect((await api.delete(base)).status).toBe(200);
    expect(await mine(invitee.api)).toEqual([]);
    expectApiError(await api.delete(base), 404, 1609);
  });

  contract.emulatorOnly('the mail carries the key and a link; an invitation expires on the clock and a renewal revives it', async () => {
    const owner = await ownerWithWorkspace(c);
    const ws = owner.ws;
    // API keys: the clock moves past a JWT's life
    const api = c.target.client(owner.persona.apiKey);
    const invitee = await c.signedIn();
    invitee.api = c.target.client(invitee.persona.apiKey);
    const control = new Control(c.api());
    const inv = await invite(api, 'workspace', ws.id, invitee.persona.email);
    const mails = (await control.mailbox(invitee.persona.email)).filter((m) => m.kind === 'workspace_invitation');
    expect(mails.map((m) => m.code)).toEqual([inv.invite.id]);
    expect((mails[0] as unknown as { body: string }).body).toContain(`/workspace/${ws.id}/invitation/${inv.invite.id}`);

    await control.advanceClock(31 * 24 * 3600);
    expect(await mine(invitee.api)).toEqual([]);
    expect((await entries(api, 'workspace', ws.id)).map((e) => e.state)).toEqual(['expired']);
    const base = `/current/workspace/${ws.id}/members/invitation/${inv.invite.id}/`;
    expectApiError(await invitee.api.post(base, { state: 'accepted' }), 400, 1605);
    expect((await invitee.api.post('/current/user/invitations/acceptall/')).body.invitations).toEqual([]);
    expect((await api.post(base, { state: 'pending' })).status).toBe(200);
    expect((await control.mailbox(invitee.persona.email)).filter((m) => m.kind === 'workspace_invitation')).toHaveLength(2);
    expect((await invitee.api.post(base, { state: 'accepted' })).status).toBe(200);
  });
});

describe('invitations across tenants', () => {
  contract.unverified("another tenant reads, answers and changes none of A's invitations, and acceptall accepts none of them", async () => {
    const a = await ownerWithWorkspace(c);
    const b = await ownerWithWorkspace(c);
    const share = await createShare(a.api, a.ws.id, { title: 'Tenant A invitations' });
    const email = `${c.unique('a-only')}@example.test`;
    const orgInv = await invite(a.api, 'org', a.org.id, email);
    const wsInv = await invite(a.api, 'workspace', a.ws.id, email);
    const shareInv = await invite(a.api, 'share', share.id, email);
    // each entity's refusal to a stranger: the org is absent, the workspace and the share are not theirs
    for (const [type, id, key, status, code] of [
      ['org', a.org.id, orgInv.invite.id, 404, 1609],
      ['workspace', a.ws.id, wsInv.invite.id, 401, 10545],
      ['share', share.id, shareInv.invite.id, 401, 115069],
    ] as const) {
      expectApiError(await b.api.get(`/current/${type}/${id}/members/invitations/list/`), status, code);
      expectApiError(await b.api.post(`/current/${type}/${id}/members/invitation/${key}/`, { state: 'accepted' }), status, code);
      expectApiError(await b.api.post(`/current/${type}/${id}/members/invitation/${key}/`, { permissions: 'admin' }), status, code);
      expectApiError(await b.api.delete(`/current/${type}/${id}/members/invitation/${key}/`), status, code);
    }
    expect((await b.api.post('/current/user/invitations/acceptall/')).body.invitations).toEqual([]);
    expect(await mine(b.api)).toEqual([]);
    expect((await entries(a.api, 'org', a.org.id)).map((e) => e.state)).toEqual(['pending']);
    expect((await entries(a.api, 'workspace', a.ws.id)).map((e) => e.state)).toEqual(['pending']);
    expect((await entries(a.api, 'share', share.id)).map((e) => e.state)).toEqual(['pending']);
  });
});
