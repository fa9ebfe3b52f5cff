/**
 * The three kinds of membership (org, workspace, share), described once each: where their rows live, how rows are keyed,
 * how roles rank (a pending invitation is keyed alike for both, see rows.ts), what the invitation mail says, which events they record and which plan limit
 * applies. The member service implements add, update, remove, set-owner and invitation
 * acceptance once, over a description.
 */
import type { PlanCatalog } from '../billing/plans.js';
import { AuditEvents, type CataloguedEvent } from '../events/catalogue.js';
import type { Db } from '../store/db.js';
import type { MailboxMessage, OrgMember, OrgRole, WorkspaceMember, WorkspaceRole } from '../store/model.js';
import type { ShareMember, ShareRole } from '../store/share-model.js';
import { SHARE_RANK, type ShareScope } from '../shares/access.js';
import type { Table } from '../store/table.js';
import { orgMemberKey, workspaceMemberKey, type OrgScope, type WorkspaceScope } from '../tenancy/access.js';
import { WORKSPACE_RANK, orgRank } from '../tenancy/permissions.js';
import { orgMemberRow, shareMemberRow, workspaceMemberRow, type RowFields } from './rows.js';

/** What a membership belongs to: an org (its own org), a workspace of an org, or a share of a workspace. */
export interface Parent {
  id: string;
  orgId: string;
  /** a share's workspace */
  workspaceId?: string;
}

export type MemberRow = OrgMember | WorkspaceMember | ShareMember;
export type MemberScope = OrgScope | WorkspaceScope | ShareScope;

export interface MembershipKind<R extends MemberRow, S extends MemberScope> {
  table(db: Db): Table<R>;
  /** the table's index of rows by parent */
  parentIndex: 'org' | 'workspace' | 'share';
  parentOf(scope: S): Parent;
  parentOfRow(row: R): Parent;
  /** an active row's key: parent and user */
  key(parentId: string, userId: string): string;
  row(parent: Parent, fields: RowFields<R['role']>): R;
  rank(role: R['role']): number;
  /** the caller's rank in the scope; 0 without a role (ranks start at 1) */
  callerRank(scope: S): number;
  invitation: { mail: MailboxMessage['kind']; what(scope: S): string };
  /** the plan's member limit for the scope's parent, null when unlimited */
  memberLimit(plans: PlanCatalog, scope: S): { what: string; limit: number } | null;
  events: {
    added(row: R, callingUserId: string, data: Record<string, unknown>): CataloguedEvent;
    removed(row: R, callingUserId: string, data?: Record<string, unknown>): CataloguedEvent;
    ownershipTransferred(row: R, callingUserId: string): CataloguedEvent;
  };

  text: { alreadyMember: string; ownerNotRemovable: string };
}

// The kinds are descriptions (data) of the same shape; the service's logic over them is written once.
export const ORG_MEMBERSHIP: MembershipKind<OrgMember, OrgScope> = {
  table: (db) => db.orgMembers,
  parentIndex: 'org',
  parentOf: (scope) => ({ id: scope.org.id, orgId: scope.org.id }),
  parentOfRow: (row) => ({ id: row.orgId, orgId: row.orgId }),
  key: orgMemberKey,
  row: (parent, fields) => orgMemberRow(parent.id, fields),
  rank: (role: OrgRole) => orgRank(role),
  callerRank: (scope) => (scope.role ? orgRank(scope.role) : 0),
  invitation: { mail: 'org_invitation', what: (scope) => `the organization ${scope.org.name}` },
  memberLimit: () => null,
  events: {
    added: AuditEvents.addedMemberToOrg,
    removed: AuditEvents.removedMemberFromOrg,
    ownershipTransferred: AuditEvents.orgOwnershipTransferred,
  },
  text: {
    alreadyMember: 'This user is already a member of the organization.',
    ownerNotRemovable: 'The owner cannot be removed; transfer ownership first.',
  },
};

export const WORKSPACE_MEMBERSHIP: MembershipKind<WorkspaceMember, WorkspaceScope> = {
  table: (db) => db.workspaceMembers,
  parentIndex: 'workspace',
  parentOf: (scope) => ({ id: scope.workspace.id, orgId: scope.workspace.orgId }),
  parentOfRow: (row) => ({ id: row.workspaceId, orgId: row.orgId }),
  key: workspaceMemberKey,
  row: (parent, fields) => workspaceMemberRow(parent.id, parent.orgId, fields),
  rank: (role: WorkspaceRole) => WORKSPACE_RANK[role],
  callerRank: (scope) => WORKSPACE_RANK[scope.role],
  invitation: { mail: 'workspace_invitation', what: (scope) => `the workspace ${scope.workspace.name}` },
  memberLimit: (plans, scope) => {
    const plan = plans.require(scope.org.plan);
    return plan.members_per_workspace === null ? null : { what: `members per workspace (${plan.id} plan)`, limit: plan.members_per_workspace };
  },
  events: {
    added: AuditEvents.addedMemberToWorkspace,
    removed: AuditEvents.removedMemberFromWorkspace,
    ownershipTransferred: AuditEvents.workspaceOwnershipTransferred,
  },
  text: {
    alreadyMember: 'This user is already a member of the workspace.',
    ownerNotRemovable: 'The workspace owner cannot be removed; transfer ownership first.',
  },
};

/**
 * Share members (emulator/shares/access.ts ranks the roles). PARITY: CHOICE, no plan limit counts
 * share members, and the invitation mail is the workspace one's twin.
 */
export const SHARE_MEMBERSHIP: MembershipKind<ShareMember, ShareScope> = {
  table: (db) => db.shareMembers,
  parentIndex: 'share',
  parentOf: (scope) => ({ id: scope.share.id, orgId: scope.share.orgId, workspaceId: scope.share.workspaceId }),
  parentOfRow: (row) => ({ id: row.shareId, orgId: row.orgId, workspaceId: row.workspaceId }),
  key: (shareId, userId) => `${shareId}:${userId}`,
  row: (parent, fields) => shareMemberRow(parent.id, parent.workspaceId!, parent.orgId, fields),
  rank: (role: ShareRole) => SHARE_RANK[role],
  callerRank: (scope) => SHARE_RANK[scope.role],
  invitation: { mail: 'share_invitation', what: (scope) => `the share ${scope.share.title}` },
  memberLimit: () => null,
  events: {
    added: AuditEvents.addedMemberToShare,
    removed: AuditEvents.removedMemberFromShare,
    ownershipTransferred: AuditEvents.shareOwnershipTransferred,
  },
  text: {
    alreadyMember: 'This user is already a member of the share.',
    ownerNotRemovable: 'The share owner cannot be removed; transfer ownership first.',
  },
};
