/**
 * The one permission table. Every (role, action) pair the emulator decides is a cell here; the
 * access module reads it for every route, and a table-driven test walks every cell.
 *
 * PARITY: roles and the settings that move the lines (`perm_member_manage`, `perm_join`) are from
 * the API notes and docs.fast.io/orgs.html ("Member Roles and Permissions": owners and admins manage
 * settings and billing; admins manage members if perm_member_manage allows; only owners close or
 * transfer the org). Cells not covered by a source are CHOICE and listed in `CHOICES`.
 */
import type { OrgRole, WorkspaceRole } from '../store/model.js';

/** Who the caller is to an org: a member role, or `external` (reaches it only through a workspace). */
export type OrgStanding = OrgRole | 'external';

/** A rule: always, never, or decided by one of the org's or workspace's settings. */
export type Rule = 'allow' | 'deny' | 'perm_member_manage';

export const ORG_ACTIONS = [
  'org.details',
  'org.update',
  'org.close',
  'org.leave',
  'org.members.list',
  'org.members.manage',
  'org.members.transfer',
  'org.workspaces.list',
  'org.workspaces.create',
  'org.billing.view',
  'org.billing.manage',
  'org.transfer.manage',
  'org.events.view',
] as const;
export type OrgAction = (typeof ORG_ACTIONS)[number];

export const WORKSPACE_ACTIONS = [
  'workspace.details',
  'workspace.update',
  'workspace.archive',
  'workspace.delete',
  'workspace.leave',
  'workspace.members.list',
  'workspace.members.manage',
  'workspace.members.transfer',
  'workspace.storage.read',
  'workspace.storage.write',
  'workspace.ai.read',
  'workspace.ai.chat',
  'workspace.events.view',
] as const;
export type WorkspaceAction = (typeof WORKSPACE_ACTIONS)[number];

export const ORG_STANDINGS: readonly OrgStanding[] = ['owner', 'admin', 'member', 'external'];
export const WORKSPACE_ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'member', 'guest'];

// The tables below are data, a row per action and a column per role: rows look alike by design
// (the `duplicates` tool pairs them by shape); test/tenancy/permissions.test.ts walks every cell.
const A = 'allow';
const D = 'deny';
const PMM = 'perm_member_manage';

export const ORG_TABLE: Record<OrgAction, Record<OrgStanding, Rule>> = {
  'org.details': { owner: A, admin: A, member: A, external: D },
  'org.update': { owner: A, admin: A, member: D, external: D },
  'org.close': { owner: A, admin: D, member: D, external: D },
  // The owner cannot leave: ownership must be transferred first.
  'org.leave': { owner: D, admin: A, member: A, external: D },
  'org.members.list': { owner: A, admin: A, member: A, external: D },
  'org.members.manage': { owner: A, admin: PMM, member: PMM, external: D },
  'org.members.transfer': { owner: A, admin: D, member: D, external: D },
  'org.workspaces.list': { owner: A, admin: A, member: A, external: D },
  'org.workspaces.create': { owner: A, admin: A, member: D, external: D },
  'org.billing.view': { owner: A, admin: A, member: D, external: D },
  'org.billing.manage': { owner: A, admin: A, member: D, external: D },
  'org.transfer.manage': { owner: A, admin: D, member: D, external: D },
  'org.events.view': { owner: A, admin: A, member: D, external: D },
};

export const WORKSPACE_TABLE: Record<WorkspaceAction, Record<WorkspaceRole, Rule>> = {
  'workspace.details': { owner: A, admin: A, member: A, guest: A },
  'workspace.update': { owner: A, admin: A, member: D, guest: D },
  'workspace.archive': { owner: A, admin: A, member: D, guest: D },
  'workspace.delete': { owner: A, admin: D, member: D, guest: D },
  'workspace.leave': { owner: D, admin: A, member: A, guest: A },
  'workspace.members.list': { owner: A, admin: A, member: A, guest: A },
  'workspace.members.manage': { owner: A, admin: A, member: PMM, guest: D },
  'workspace.members.transfer': { owner: A, admin: D, member: D, guest: D },
  'workspace.storage.read': { owner: A, admin: A, member: A, guest: A },
  'workspace.storage.write': { owner: A, admin: A, member: A, guest: D },
  'workspace.ai.read': { owner: A, admin: A, member: A, guest: A },
  'workspace.ai.chat': { owner: A, admin: A, member: A, guest: D },
  'workspace.events.view': { owner: A, admin: A, member: A, guest: A },
};

/**
 * What an archived workspace refuses: every write except the lifecycle steps that end the archive
 * (unarchive), or the workspace (delete), or one's own membership (leave). Reads stay open. Checked
 * in `Access.workspace` for every route's declared action, and by background steps that write on a
 * caller's behalf (an upload finishing after the archive).
 * PARITY: CHOICE. The API notes, the official client and the agent guide name archive/unarchive but
 * not what archiving refuses.
 */
export const ARCHIVED_WORKSPACE_REFUSES: ReadonlySet<WorkspaceAction | 'workspace.join'> = new Set([
  'workspace.update',
  'workspace.members.manage',
  'workspace.members.transfer',
  'workspace.join',
  'workspace.storage.write',
  'workspace.ai.chat',
]);

/** PARITY: the cells and rules that no source states; they show as CHOICE in the parity report. */
export const CHOICES = [
  'org members (not admins) cannot create workspaces',
  'org members cannot search org-wide events (they search by workspace)',
  'org owners act as owners, and org admins as admins, of every workspace of their org without joining',
  'only the workspace owner (or the org owner) deletes a workspace',
  'guests read storage and search but cannot write or start AI chats',
  'nobody grants a role above their own; the owner role moves only by transfer',
  'an archived workspace refuses writes (settings, members, joins, storage writes, AI chats) with 403/1680 and allows reads, unarchive, delete and leave',
];

export const ORG_PERM_MEMBER_MANAGE = ['Member or above', 'Admin or above', 'Owner only'] as const;
export const WORKSPACE_PERM_MEMBER_MANAGE = ['Member or above', 'Admin or above'] as const;
export const WORKSPACE_PERM_JOIN = ['Member or above', 'Admin or above', 'Only Org Owners'] as const;

const ORG_RANK: Record<OrgRole, number> = { owner: 3, admin: 2, member: 1 };
export const WORKSPACE_RANK: Record<WorkspaceRole, number> = { owner: 4, admin: 3, member: 2, guest: 1 };

/** Does the org's `perm_member_manage` setting let this org role manage members? */
function orgManageSetting(role: OrgRole, setting: string): boolean {
  if (setting === 'Owner only') return role === 'owner';
  if (setting === 'Admin or above') return ORG_RANK[role] >= ORG_RANK.admin;
  return true; // 'Member or above'
}

function workspaceManageSetting(role: WorkspaceRole, setting: string): boolean {
  if (setting === 'Admin or above') return WORKSPACE_RANK[role] >= WORKSPACE_RANK.admin;
  return WORKSPACE_RANK[role] >= WORKSPACE_RANK.member; // 'Member or above'
}

export function orgAllows(action: OrgAction, standing: OrgStanding, org: { permMemberManage: string }): boolean {
  const rule = ORG_TABLE[action][standing];
  if (rule === 'perm_member_manage') return standing !== 'external' && orgManageSetting(standing, org.permMemberManage);
  return rule === 'allow';
}

export function workspaceAllows(action: WorkspaceAction, role: WorkspaceRole, workspace: { permMemberManage: string }): boolean {
  const rule = WORKSPACE_TABLE[action][role];
  if (rule === 'perm_member_manage') return workspaceManageSetting(role, workspace.permMemberManage);
  return rule === 'allow';
}

/** May an org member of this role join a workspace on their own, under its `perm_join`? */
export function mayJoin(orgRole: OrgRole, permJoin: string): boolean {
  if (permJoin === 'Only Org Owners') return orgRole === 'owner';
  if (permJoin === 'Admin or above') return ORG_RANK[orgRole] >= ORG_RANK.admin;
  return true; // 'Member or above'
}

/** The workspace role an org role carries into every workspace of the org without joining. */
export function implicitWorkspaceRole(orgRole: OrgRole | undefined): WorkspaceRole | undefined {
  if (orgRole === 'owner') return 'owner';
  if (orgRole === 'admin') return 'admin';
  return undefined;
}

export function higherWorkspaceRole(a: WorkspaceRole | undefined, b: WorkspaceRole | undefined): WorkspaceRole | undefined {
  if (!a) return b;
  if (!b) return a;
  return WORKSPACE_RANK[a] >= WORKSPACE_RANK[b] ? a : b;
}

export function orgRank(role: OrgRole): number {
  return ORG_RANK[role];
}
