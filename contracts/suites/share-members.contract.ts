/**
 * Share members and invitations (issue 17, item 2): the generic member routes with `share` as the
 * entity type, in both dialects (April transfers ownership with GET, V2 with POST); the role
 * rules; joining a share its access options open; and the refusals a caller outside the share
 * gets (401/115069, nothing of the share in the body).
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, addWorkspaceMember, createShare as createShareIn, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface MemberJson {
  id: string | null;
  email_address: string;
  permissions: string;
  status: string;
  invite: { id: string } | null;
}

const shareTenant = () => ownerWithWorkspace(c);

/** This file's shares: titled 'Client room' unless a test names them. */
const createShare = (api: ApiClient, workspaceId: string, fields: Record<string, string> = {}) =>
  createShareIn(api, workspaceId, { title: 'Client room', ...fields });

async function members(api: ApiClient, shareId: string): Promise<MemberJson[]> {
  const res = await api.get(`/current/share/${shareId}/members/list/`);
  expect(res.status, res.text).toBe(200);
  return res.body.users as MemberJson[];
}

/** April hands a share over with GET, V2 with POST (official client 41dde01 / 96b1551 src/api/member.rs). */
function transfer(api: ApiClient, shareId: string, userId: string): Promise<ApiResponse> {
  const path = `/current/share/${shareId}/member/${userId}/transfer_ownership/`;
  return c.target.dialect === '2026-04' ? api.get(path) : api.post(path);
}

describe('share members', () => {
  contract.unverified('the owner adds a user, lists, reads, changes and removes the member; the member then holds the role', async () => {
    const { api, ws, persona } = await shareTenant();
    const share = await createShare(api, ws.id);
    const guest = await c.signedIn();
    const added = await api.post(`/current/share/${share.id}/members/${guest.persona.userId}/`, { permissions: 'view' });
    expect(added.status, added.text).toBe(200);
    expect(added.body.member).toMatchObject({ id: guest.persona.userId, permissions: 'view', status: 'active' });
    expect((await members(api, share.id)).map((m) => [m.id, m.permissions])).toEqual([
      [persona.userId, 'owner'],
      [guest.persona.userId, 'view'],
    ]);
    // The new member reaches the share, as what it was given.
    expect((await guest.api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ id: share.id, permissions: 'view' });
    expect(((await guest.api.get('/current/shares/all/')).body.shares as { id: string }[]).map((s) => s.id)).toEqual([share.id]);
    const details = await api.get(`/current/share/${share.id}/member/${guest.persona.userId}/details/`);
    expect(details.body.member).toMatchObject({ id: guest.persona.userId, email_address: guest.persona.email });
    const updated = await api.post(`/current/share/${share.id}/member/${guest.persona.userId}/update/`, { permissions: 'member' });
    expect(updated.body.member).toMatchObject({ permissions: 'member' });
    expectApiError(await api.post(`/current/share/${share.id}/members/${guest.persona.userId}/`, { permissions: 'guest' }), 409, 1660);
    expectApiError(await api.post(`/current/share/${share.id}/members/${guest.persona.userId}/`, { permissions: 'owner' }), 400, 1605);
    const removed = await api.delete(`/current/share/${share.id}/members/${guest.persona.userId}/`);
    expect(removed.status, removed.text).toBe(200);
    expectApiError(await guest.api.get(`/current/share/${share.id}/details/`), 401, 115069);
    expectApiError(await api.get(`/current/share/${share.id}/member/${guest.persona.userId}/details/`), 404, 1609);
  });

  contract.unverified('roles: a member cannot manage members, an admin cannot grant above itself, nobody removes the owner', async () => {
    const { api, ws, persona } = await shareTenant();
    const share = await createShare(api, ws.id);
    const member = await c.signedIn();
    const admin = await c.signedIn();
    const third = await c.signedIn();
    await api.post(`/current/share/${share.id}/members/${member.persona.userId}/`, { permissions: 'member' });
    await api.post(`/current/share/${share.id}/members/${admin.persona.userId}/`, { permissions: 'admin' });
    // A member lists but does not manage.
    expect((await members(member.api, share.id)).length).toBe(3);
    expectApiError(await member.api.post(`/current/share/${share.id}/members/${third.persona.userId}/`, { permissions: 'view' }), 403, 1680);
    expectApiError(await member.api.delete(`/current/share/${share.id}/members/${admin.persona.userId}/`), 403, 1680);
    // An admin adds up to admin, and never touches the owner.
    expect((await admin.api.post(`/current/share/${share.id}/members/${third.persona.userId}/`, { permissions: 'admin' })).status).toBe(200);
    expectApiError(await admin.api.delete(`/current/share/${share.id}/members/${persona.userId}/`), 403, 1680);
    expectApiError(await admin.api.post(`/current/share/${share.id}/member/${persona.userId}/update/`, { permissions: 'member' }), 403, 1680);
    // Only the owner hands the share over.
    expectApiError(await transfer(admin.api, share.id, admin.persona.userId), 403, 1680);
    expect((await members(api, share.id)).find((m) => m.id === persona.userId)).toMatchObject({ permissions: 'owner' });
  });

  contract.unverified('ownership transfer: the new owner is the one owner, the old one stays as admin', async () => {
    const { api, ws, persona } = await shareTenant();
    const share = await createShare(api, ws.id);
    const heir = await c.signedIn();
    await api.post(`/current/share/${share.id}/members/${heir.persona.userId}/`, { permissions: 'member' });
    const res = await transfer(api, share.id, heir.persona.userId);
    expect(res.status, res.text).toBe(200);
    const roles = Object.fromEntries((await members(heir.api, share.id)).map((m) => [m.id, m.permissions]));
    expect(roles).toEqual({ [persona.userId]: 'admin', [heir.persona.userId]: 'owner' });
    expect((await heir.api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ permissions: 'owner' });
    // The workspace owner is still a share admin through the workspace.
    expect((await api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ permissions: 'admin' });
  });

  contract.unverified('leave: an explicit member leaves; the owner cannot; a role from the workspace is not a membership', async () => {
    const { api, ws, org } = await shareTenant();
    const share = await createShare(api, ws.id);
    const member = await c.signedIn();
    const wsMember = await c.signedIn();
    await api.post(`/current/share/${share.id}/members/${member.persona.userId}/`, { permissions: 'member' });
    await addOrgMember(api, org.id, wsMember.persona.userId, 'member');
    await addWorkspaceMember(api, ws.id, wsMember.persona.userId, 'member');
    expect((await member.api.delete(`/current/share/${share.id}/member/`)).status).toBe(200);
    expectApiError(await member.api.get(`/current/share/${share.id}/details/`), 401, 115069);
    expectApiError(await api.delete(`/current/share/${share.id}/member/`), 403, 1680);
    expectApiError(await wsMember.api.delete(`/current/share/${share.id}/member/`), 400, 1605);
  });

  contract.unverified('join: an org-wide share admits org members as guests; a members-only one refuses strangers; members answer 409', async () => {
    const { api, ws, org } = await shareTenant();
    const orgWide = await createShare(api, ws.id, { access_options: 'Members of the Share, Workspace or Org' });
    const membersOnly = await createShare(api, ws.id, { title: 'Board only' });
    const colleague = await c.signedIn();
    const stranger = await c.signedIn();
    await addOrgMember(api, org.id, colleague.persona.userId, 'member');
    const joined = await colleague.api.post(`/current/share/${orgWide.id}/members/join/`);
    expect(joined.status, joined.text).toBe(200);
    expect(joined.body.member).toMatchObject({ id: colleague.persona.userId, permissions: 'guest', status: 'active' });
    // Now a member: listed in shares/all, no longer "available", and a second join is a conflict.
    expect(((await colleague.api.get('/current/shares/all/')).body.shares as { id: string }[]).map((s) => s.id)).toEqual([orgWide.id]);
    expect((await colleague.api.get('/current/shares/available/')).body.shares).toEqual([]);
    expectApiError(await colleague.api.post(`/current/share/${orgWide.id}/members/join/`), 409, 1660);
    expectApiError(await api.post(`/current/share/${orgWide.id}/members/join/`), 409, 1660);
    expectApiError(await colleague.api.post(`/current/share/${membersOnly.id}/members/join/`), 401, 115069);
    expectApiError(await stranger.api.post(`/current/share/${orgWide.id}/members/join/`), 401, 115069);
  });
});

describe('share invitations', () => {
  contract.unverified('an address without an account is invited: listed as pending, its role changed, then revoked by id or address', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id);
    const email = `${c.unique('invitee')}@example.com`;
    const invited = await api.post(`/current/share/${share.id}/members/${encodeURIComponent(email)}/`, {
      permissions: 'guest',
      message: 'Your files are here.',
    });
    expect(invited.status, invited.text).toBe(200);
    const member = invited.body.member as MemberJson;
    expect(member).toMatchObject({ id: null, email_address: email, permissions: 'guest', status: 'pending' });
    expectApiError(await api.post(`/current/share/${share.id}/members/${encodeURIComponent(email)}/`), 409, 1660);
    const list = await api.get(`/current/share/${share.id}/members/invitations/list/`);
    expect((list.body.invitations as MemberJson[]).map((i) => i.email_address)).toEqual([email]);
    const changed = await api.post(`/current/share/${share.id}/members/invitation/${member.invite!.id}/`, { permissions: 'member' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.invitation).toMatchObject({ email_address: email, permissions: 'member', status: 'pending' });
    expectApiError(await api.post(`/current/share/${share.id}/members/invitation/${member.invite!.id}/`, { state: 'accepted' }), 400, 1605);
    const revoked = await api.delete(`/current/share/${share.id}/members/invitation/${encodeURIComponent(email)}/`);
    expect(revoked.status, revoked.text).toBe(200);
    expect((await api.get(`/current/share/${share.id}/members/invitations/list/`)).body.invitations).toEqual([]);
    expectApiError(await api.delete(`/current/share/${share.id}/members/invitation/${member.invite!.id}/`), 404, 1609);
  });

  contract.unverified('a declined invitation is gone; only share admins see the invitations', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id);
    const viewer = await c.signedIn();
    await api.post(`/current/share/${share.id}/members/${viewer.persona.userId}/`, { permissions: 'view' });
    const email = `${c.unique('decline')}@example.com`;
    const invite = ((await api.post(`/current/share/${share.id}/members/${encodeURIComponent(email)}/`)).body.member as MemberJson).invite!;
    expectApiError(await viewer.api.get(`/current/share/${share.id}/members/invitations/list/`), 403, 1680);
    const declined = await api.post(`/current/share/${share.id}/members/invitation/${invite.id}/`, { state: 'declined' });
    expect(declined.status, declined.text).toBe(200);
    expect(declined.body.invitation).toBeNull();
    expect((await members(api, share.id)).map((m) => m.status)).toEqual(['active', 'active']);
  });
});

describe('share member access', () => {
  contract.unverified("another tenant gets 401/115069 on every member and invitation route of a share, and A's members are unchanged", async () => {
    const a = await shareTenant();
    const b = await shareTenant();
    const share = await createShare(a.api, a.ws.id, { title: 'Tenant A room' });
    const email = `${c.unique('a-invitee')}@example.com`;
    const invite = ((await a.api.post(`/current/share/${share.id}/members/${encodeURIComponent(email)}/`)).body.member as MemberJson).invite!;
    const before = await members(a.api, share.id);
    const base = `/current/share/${share.id}`;
    const refusals: ApiResponse[] = [
      await b.api.get(`${base}/members/list/`),
      await b.api.post(`${base}/members/${b.persona.userId}/`, { permissions: 'admin' }),
      await b.api.delete(`${base}/members/${a.persona.userId}/`),
      await b.api.get(`${base}/member/${a.persona.userId}/details/`),
      await b.api.post(`${base}/member/${a.persona.userId}/update/`, { permissions: 'view' }),
      await transfer(b.api, share.id, b.persona.userId),
      await b.api.delete(`${base}/member/`),
      await b.api.post(`${base}/members/join/`),
      await b.api.get(`${base}/members/invitations/list/`),
      await b.api.post(`${base}/members/invitation/${invite.id}/`, { permissions: 'admin' }),
      await b.api.delete(`${base}/members/invitation/${invite.id}/`),
    ];
    for (const res of refusals) {
      expectApiError(res, 401, 115069);
      const { resource: _echo, ...said } = res.body.error ?? {};
      for (const secret of ['Tenant A room', share.custom_name, a.ws.id, a.org.id, email, a.persona.email]) expect(JSON.stringify(said)).not.toContain(secret);
    }
    expect(await members(a.api, share.id)).toEqual(before);
  });
});
