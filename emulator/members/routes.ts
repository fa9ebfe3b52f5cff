import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { orgParams } from '../orgs/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import {
  memberListQuery,
  orgMemberAddBody,
  orgMemberParams,
  orgMemberUpdateBody,
  workspaceMemberAddBody,
  workspaceMemberParams,
  workspaceMemberUpdateBody,
} from './schema.js';
import { listedMembers, renderMember } from './format.js';
import { invitationRoutes } from './invitation-routes.js';
import { joinRoutes } from './join-routes.js';

const SOURCE = 'API notes "Members"; official client src/api/member.rs, src/api/org.rs';
const MEMBER_CHOICES = ['answers one member under `member`', 'member fields besides status and invite', 'nobody grants a role above their own'];

const ownMemberRoutes = [
  // ---- org members
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/members/:member/',
    area: 'members',
    summary: 'Add an org member by user id or email (no account yet -> pending invitation)',
    params: orgMemberParams,
    body: orgMemberAddBody,
    access: { org: 'org_id', action: 'org.members.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: MEMBER_CHOICES },
    handler: (ctx, { params, body, scope }, emu) => ({
      member: renderMember(emu.db, emu.members.addOrgMember(callerOf(ctx).user, scope, params.member, body.permissions ?? 'member')),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/members/:member/',
    area: 'members',
    summary: 'Remove an org member (user id) or cancel a pending invitation (invite id)',
    params: orgMemberParams,
    access: { org: 'org_id', action: 'org.members.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: ['the owner cannot be removed (403/1680)'] },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.removeOrgMember(callerOf(ctx).user, scope, params.member);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/members/list/',
    area: 'members',
    summary: 'Org members with status (active, pending)',
    params: orgParams,
    query: memberListQuery,
    access: { org: 'org_id', action: 'org.members.list' },
    parity: { status: 'implemented', source: 'agent guide v1.29 "Pagination" (collection key `users`)', choices: ['`status` filter'] },
    handler: (_ctx, { query, scope }, emu) => listedMembers(emu.db, emu.members.orgMembers(scope.org.id), query),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/member/:member/details/',
    area: 'members',
    summary: 'One org member',
    params: orgMemberParams,
    access: { org: 'org_id', action: 'org.members.list' },
    parity: { status: 'implemented', source: SOURCE, choices: MEMBER_CHOICES },
    handler: (_ctx, { params, scope }, emu) => ({ member: renderMember(emu.db, emu.members.orgMember(scope.org.id, params.member)) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/member/:member/update/',
    area: 'members',
    summary: "Change an org member's permissions",
    params: orgMemberParams,
    body: orgMemberUpdateBody,
    access: { org: 'org_id', action: 'org.members.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: MEMBER_CHOICES },
    handler: (ctx, { params, body, scope }, emu) => ({
      member: renderMember(emu.db, emu.members.updateOrgMember(callerOf(ctx).user, scope, params.member, body.permissions)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/member/',
    area: 'members',
    summary: 'Leave an org (not the owner)',
    params: orgParams,
    access: { org: 'org_id', action: 'org.leave' },
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { scope }, emu) => {
      emu.members.leaveOrg(callerOf(ctx).user, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/member/:member/transfer_ownership/',
    area: 'members',
    summary: 'The owner hands the org to another member (who must be active); the old owner becomes admin',
    params: orgMemberParams,
    access: { org: 'org_id', action: 'org.members.transfer' },
    parity: { status: 'implemented', source: SOURCE, choices: ['the previous owner stays as admin'] },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.transferOrgOwnership(callerOf(ctx).user, scope, params.member);
    },
  }),
  // The org's invitation routes (list, update, delete) are in invitation-routes.ts, made once for every invitable entity.

  // ---- workspace members
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/members/:member/',
    area: 'members',
    summary: 'Add a workspace member by user id or email (admin, member, guest)',
    params: workspaceMemberParams,
    body: workspaceMemberAddBody,
    access: { workspace: 'workspace_id', action: 'workspace.members.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: [...MEMBER_CHOICES, 'members per workspace counts active and pending members'] },
    handler: (ctx, { params, body, scope }, emu) => ({
      member: renderMember(emu.db, emu.members.addWorkspaceMember(callerOf(ctx).user, scope, params.member, body.permissions ?? 'member')),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/members/:member/',
    area: 'members',
    summary: 'Remove a workspace member (user id) or cancel a pending invitation (invite id)',
    params: workspaceMemberParams,
    access: { workspace: 'workspace_id', action: 'workspace.members.manage' },
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.removeWorkspaceMember(callerOf(ctx).user, scope, params.member);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/members/list/',
    area: 'members',
    summary: 'Workspace members with status',
    params: workspaceParams,
    query: memberListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.members.list' },
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Pagination" (collection key `users`)',
      choices: ['lists explicit members only, not roles carried from the org'],
    },
    handler: (_ctx, { query, scope }, emu) => listedMembers(emu.db, emu.members.workspaceMembers(scope.workspace.id), query),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/member/:member/details/',
    area: 'members',
    summary: 'One workspace member',
    params: workspaceMemberParams,
    access: { workspace: 'workspace_id', action: 'workspace.members.list' },
    parity: { status: 'implemented', source: SOURCE, choices: MEMBER_CHOICES },
    handler: (_ctx, { params, scope }, emu) => ({ member: renderMember(emu.db, emu.members.workspaceMember(scope.workspace.id, params.member)) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/member/:member/update/',
    area: 'members',
    summary: "Change a workspace member's permissions",
    params: workspaceMemberParams,
    body: workspaceMemberUpdateBody,
    access: { workspace: 'workspace_id', action: 'workspace.members.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: MEMBER_CHOICES },
    handler: (ctx, { params, body, scope }, emu) => ({
      member: renderMember(emu.db, emu.members.updateWorkspaceMember(callerOf(ctx).user, scope, params.member, body.permissions)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/member/',
    area: 'members',
    summary: 'Leave a workspace (not the owner)',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.leave' },
    parity: { status: 'implemented', source: 'docs.fast.io/workspaces.html' },
    handler: (ctx, { scope }, emu) => {
      emu.members.leaveWorkspace(callerOf(ctx).user, scope);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/members/join/',
    area: 'members',
    summary: 'Join a workspace as an org member, as its perm_join allows',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.join' },
    parity: { status: 'implemented', source: 'docs.fast.io/workspaces.html ("Self-join by org membership")', choices: ['joiners get the member role'] },
    handler: (ctx, { scope }, emu) => ({ member: renderMember(emu.db, emu.members.joinWorkspace(callerOf(ctx).user, scope)) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/member/:member/transfer_ownership/',
    area: 'members',
    summary: 'The workspace owner hands it to another member',
    params: workspaceMemberParams,
    access: { workspace: 'workspace_id', action: 'workspace.members.transfer' },
    parity: { status: 'implemented', source: 'API notes "Members" (same shapes as org members)', choices: ['the previous owner stays as admin'] },
    handler: (ctx, { params, scope }, emu) => {
      emu.members.transferWorkspaceOwnership(callerOf(ctx).user, scope, params.member);
    },
  }),
];

/** Share members live in share-routes.ts (the same routes with `share` as the entity type). */
export { shareMemberRoutes } from './share-routes.js';

/** Every member route of orgs and workspaces, then both sides of invitations and joining (every entity). */
export const memberRoutes = [...ownMemberRoutes, ...invitationRoutes, ...joinRoutes];
