/**
 * The official client's invitation commands against the emulator (issue 19, items 1 and 2): the
 * invitee's `invitation list/accept/decline/delete` and `user invitations list/details/accept-all`,
 * the inviter's `org invitations update`, and `org members join`. Another persona sees none of it.
 */
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface InvitationsScenarioDeps {
  cli: OfficialCli;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string }>;
  persona: () => Promise<{ user_id: string; email_address: string; api_key: string }>;
  /** POST a form as the token's user (set-up the client has no command for) */
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
}

const invitationsOf = (j: Json) => j.invitations as Json[];

export async function invitationsScenario({ cli, tenant, persona, post }: InvitationsScenarioDeps): Promise<void> {
  const { token, orgId, wsId } = await tenant();
  const t = { token };
  const invitee = await persona();
  const me = { token: invitee.api_key };
  const share = (await post(token, `/current/workspace/${wsId}/create/share/`, { title: 'CLI invitations', intelligence: 'false' })).share as Json;
  const add = async (path: string, permissions: string) =>
    ((await post(token, `${path}/members/${encodeURIComponent(invitee.email_address)}/`, { permissions })).member as { invite: { id: string } }).invite.id;
  const toOrg = await add(`/current/org/${orgId}`, 'member');
  const toWs = await add(`/current/workspace/${wsId}`, 'guest');
  const toShare = await add(`/current/share/${share.id as string}`, 'view');

  // The invitee's lists, both command groups.
  const listed = invitationsOf(await cli.ok('invitation list', [], me));
  expect(listed.map((i) => i.id).sort()).toEqual([toOrg, toWs, toShare].sort());
  expect(invitationsOf(await cli.ok('user invitations list', [], me))).toHaveLength(3);
  expect((await cli.ok('user invitations details', [toWs], me)).invitation).toMatchObject({
    id: toWs,
    entity_type: 'workspace',
    entity_id: wsId,
    state: 'pending',
  });

  // The inviter changes the org invitation's role.
  expect((await cli.ok('org invitations update', [orgId, toOrg, '--role', 'admin'], t)).invitation).toMatchObject({ permissions: 'admin', state: 'pending' });

  // Decline the share's, delete the workspace's, join the org with its invitation.
  expect((await cli.ok('invitation decline', ['--entity-type', 'share', '--entity-id', share.id as string, toShare], me)).invitation).toMatchObject({
    state: 'declined',
  });
  expect(await cli.ok('invitation delete', ['--entity-type', 'workspace', '--entity-id', wsId, toWs], me)).toMatchObject({
    status: 'deleted',
    invitation_id: toWs,
  });
  expect((await cli.ok('org members join', [orgId], me)).member).toMatchObject({ id: invitee.user_id, permissions: 'admin', status: 'active' });
  expect(invitationsOf(await cli.ok('invitation list', [], me))).toEqual([]);

  // A fresh workspace invitation, accepted with accept-all; `invitation accept` then finds none.
  await add(`/current/workspace/${wsId}`, 'member');
  expect(invitationsOf(await cli.ok('user invitations accept-all', [], me))).toEqual([expect.objectContaining({ entity_id: wsId, state: 'accepted' })]);
  expect(await cli.ok('invitation accept', [], me)).toMatchObject({ status: 'accepted', details: { invitations: [] } });

  // Another persona: no invitations, none of these to read.
  const other = await persona();
  expect(invitationsOf(await cli.ok('invitation list', [], { token: other.api_key }))).toEqual([]);
  expect((await cli.run('user invitations details', [toOrg], { token: other.api_key })).code).not.toBe(0);
  expect((await cli.run('org invitations update', [orgId, toOrg, '--role', 'member'], { token: other.api_key })).code).not.toBe(0);
}
