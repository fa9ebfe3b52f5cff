/**
 * Joining: an org through the invitation it sent the caller (`org/{id}/members/join/`), a workspace
 * invitation answered by its key (`workspace/{id}/members/join/{key}/{action}/`), and the GET form
 * of ownership transfer that the April client sends for orgs and workspaces. A workspace's self-join
 * under `perm_join` is in routes.ts, a share's in share-routes.ts.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy } from '../http/schema.js';
import { orgParams } from '../orgs/schema.js';
import { renderMember } from './format.js';
import { orgMemberParams, workspaceMemberParams } from './schema.js';
import { ORG_INVITABLE, WORKSPACE_INVITABLE } from './invitable.js';
import { stateOf } from './invitations.js';

const joinKeyParams = lazy(() =>
  z.object({ workspace_id: z.string().min(1).max(100), key: z.string().trim().min(1).max(64), action: z.enum(['accept', 'decline']) }),
);

export const joinRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/members/join/',
    area: 'members',
    summary: 'Join an org by accepting the invitation it sent to the caller',
    params: orgParams,
    parity: {
      status: 'implemented',
      source: 'official client src/api/org.rs join_org (96b1551, 41dde01)',
      choices: [
        'orgs have no perm_join in the sources (perm_authorized_domains is not stored): joining an org takes an open invitation to the caller’s verified address',
        'a member answers 409/1660; a caller with only workspace access (external) 403/1680; anyone else the org’s 404/1609; records invitation_accepted',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const user = callerOf(ctx).user;
      const parent = ORG_INVITABLE.find(emu, params.org_id, user.id);
      if (!parent) throw Errors.notFound('organization');
      const invitation = emu.members.invitations.mine(user).find((f) => f.entity === ORG_INVITABLE && f.parent.id === parent.id);
      if (emu.access.orgRoleOf(parent.id, user.id)) throw Errors.conflict(ORG_INVITABLE.kind.text.alreadyMember);
      if (!invitation) {
        if (emu.access.isExternal(parent.id, user.id)) throw Errors.accessDenied('Joining this organization takes an invitation from it.');
        throw Errors.notFound('organization');
      }
      return { member: renderMember(emu.db, emu.members.invitations.accept(user, invitation)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/members/join/:key/:action/',
    area: 'members',
    summary: 'Accept or decline a workspace invitation by its key (the code of the invitation mail)',
    params: joinKeyParams,
    parity: {
      status: 'implemented',
      source: 'official client src/api/member.rs join_invitation (96b1551, 41dde01)',
      choices: [
        'the key is the invitation id the mail carries; its addressee or whoever holds it may answer, except someone with a role in the workspace (409/1660)',
        'a key of another workspace, an unknown one, or one no longer open answers 404/1609; an expired one 400/1605',
        'answers `{invitation}` as the user-side invitation routes do; records invitation_accepted or invitation_declined',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const user = callerOf(ctx).user;
      const inv = emu.members.invitations;
      const found = inv.byKey(params.key);
      if (!found || found.entity !== WORKSPACE_INVITABLE || found.parent.id !== params.workspace_id || stateOf(found.row, emu.clock.now()) === 'declined') {
        throw Errors.notFound('invitation');
      }
      if (!inv.mayAnswer(user, found, true)) throw Errors.conflict(WORKSPACE_INVITABLE.kind.text.alreadyMember);
      const row = params.action === 'accept' ? inv.accept(user, found) : inv.decline(user, found);
      return { invitation: inv.json({ ...found, row }) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/member/:member/transfer_ownership/',
    area: 'members',
    summary: 'The owner hands the org to another member (the GET form the April client sends)',
    params: orgMemberParams,
    access: { org: 'org_id', action: 'org.members.transfer' },
    dialects: ['2026-04'],
    parity: {
      status: 'implemented',
      source: 'official client 41dde01 src/api/org.rs transfer_org_ownership (GET)',
      choices: ['the previous owner stays as admin', 'the same transfer as the POST form'],
    },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.transferOrgOwnership(callerOf(ctx).user, scope, params.member);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/member/:member/transfer_ownership/',
    area: 'members',
    summary: 'The workspace owner hands it to another member (the GET form the April client sends)',
    params: workspaceMemberParams,
    access: { workspace: 'workspace_id', action: 'workspace.members.transfer' },
    dialects: ['2026-04'],
    parity: {
      status: 'implemented',
      source: 'official client 41dde01 src/api/member.rs transfer_ownership (GET)',
      choices: ['the previous owner stays as admin', 'the same transfer as the POST form'],
    },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.transferWorkspaceOwnership(callerOf(ctx).user, scope, params.member);
    },
  }),
];
