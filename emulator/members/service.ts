import { Errors, assert } from '../http/errors.js';
import type { AuditLog } from '../events/audit.js';
import type { PlanCatalog } from '../billing/plans.js';
import type { Db } from '../store/db.js';
import { isProfileId, type IdGenerator } from '../store/ids.js';
import type { Invite, OrgMember, OrgRole, User, WorkspaceMember, WorkspaceRole } from '../store/model.js';
import type { Mailer } from '../users/mailer.js';
import { orgMemberKey, workspaceMemberKey, type Access, type OrgScope, type WorkspaceScope } from '../tenancy/access.js';
import { WORKSPACE_RANK, orgRank } from '../tenancy/permissions.js';
import { orgMemberRow, workspaceMemberRow } from './rows.js';

/** PARITY: CHOICE. Invitations to addresses without an account stay valid 30 days. */
const INVITE_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export interface MemberDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
  access: Access;
  plans: PlanCatalog;
  mailer: Mailer;
}

/** Who a member route names: a user (by id or email) or, failing that, an address to invite. */
type Target = { user: User } | { email: string };

type Row = OrgMember | WorkspaceMember;

/**
 * Org and workspace membership: add by user id or email (an address without an account becomes a
 * pending invitation), list, update, remove, leave, join, and ownership transfer. The one-owner
 * rule holds everywhere: the owner role moves only by transfer, and the owner cannot leave or be
 * removed. Nobody grants, changes or removes a role above their own (PARITY: CHOICE).
 */
export class MemberService {
  constructor(private readonly d: MemberDeps) {}

  private target(ref: string): Target {
    if (isProfileId(ref)) {
      const user = this.d.db.users.get(ref);
      if (!user) throw Errors.notFound('user');
      return { user };
    }
    const email = ref.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw Errors.invalidField('email_or_user_id', 'Expected a 19-digit user id or an email address.');
    const user = this.d.db.users.findOne('email', email);
    return user ? { user } : { email };
  }

  private newInvite(): Invite {
    const now = this.d.now();
    // The invitation id is its code (whoever holds it may accept): drawn as a secret.
    return { id: this.d.ids.secretOpaqueId('a'), created: now, expires: now + INVITE_LIFETIME_MS };
  }

  private invite(to: string, kind: 'org_invitation' | 'workspace_invitation', what: string, caller: User, role: string, invite: Invite): void {
    this.d.mailer.send({
      to,
      subject: `You are invited to ${what} on Fast.io`,
      kind,
      code: invite.id,
      body: `${caller.email} invited you to ${what} as ${role}. Sign up with this address to accept.`,
    });
  }

  /** One audit event about a membership row: pending rows are invitation events. */
  private record(event: string, row: Row, callingUserId: string, data?: Record<string, unknown>, objectId?: string): void {
    const pending = row.status === 'pending';
    const workspaceId = 'workspaceId' in row ? row.workspaceId : null;
    this.d.audit.record({
      event,
      category: pending ? 'invitation' : workspaceId ? 'workspace' : 'org',
      subcategory: pending ? 'invitations' : 'members',
      orgId: row.orgId,
      workspaceId,
      userId: row.userId,
      callingUserId,
      objectId: objectId ?? row.userId ?? row.invite?.id ?? null,
      ...(data ? { data } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Org members

  orgMembers(orgId: string): OrgMember[] {
    return this.d.db.orgMembers.find('org', orgId);
  }

  addOrgMember(caller: User, scope: OrgScope, ref: string, role: OrgRole): OrgMember {
    const { org } = scope;
    assert(scope.role && orgRank(role) <= orgRank(scope.role), () => Errors.accessDenied(`Your role cannot grant the ${role} role.`));
    const target = this.target(ref);
    const now = this.d.now();
    let row: OrgMember;
    if ('user' in target) {
      assert(!this.d.db.orgMembers.get(orgMemberKey(org.id, target.user.id)), () => Errors.conflict('This user is already a member of the organization.'));
      row = this.d.db.orgMembers.insert(orgMemberRow(org.id, { userId: target.user.id, role, invitedBy: caller.id, now }));
    } else {
      const pending = this.orgMembers(org.id).some((m) => m.status === 'pending' && m.inviteEmail === target.email);
      assert(!pending, () => Errors.conflict('An invitation to this address is already pending.'));
      const invite = this.newInvite();
      row = this.d.db.orgMembers.insert(orgMemberRow(org.id, { userId: null, email: target.email, role, invite, invitedBy: caller.id, now }));
      this.invite(target.email, 'org_invitation', `the organization ${org.name}`, caller, role, invite);
    }
    this.record('added_member_to_org', row, caller.id, { permissions: role, status: row.status });
    return row;
  }

  /** An active org member (by user id) or a pending invitation (by invite id). */
  orgMember(orgId: string, ref: string): OrgMember {
    const row = this.d.db.orgMembers.get(isProfileId(ref) ? orgMemberKey(orgId, ref) : `${orgId}:invite:${ref}`);
    if (!row) throw Errors.notFound('member');
    return row;
  }

  updateOrgMember(caller: User, scope: OrgScope, ref: string, role: OrgRole): OrgMember {
    const row = this.orgMember(scope.org.id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied("The owner's role changes only by transferring ownership."));
    assert(scope.role && orgRank(row.role) <= orgRank(scope.role) && orgRank(role) <= orgRank(scope.role), () =>
      Errors.accessDenied('Your role cannot change this member to that role.'),
    );
    const updated = this.d.db.orgMembers.update(row.id, { role, updated: this.d.now() });
    this.record('membership_updated', updated, caller.id, { from: row.role, to: role });
    return updated;
  }

  removeOrgMember(caller: User, scope: OrgScope, ref: string): void {
    const row = this.orgMember(scope.org.id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied('The owner cannot be removed; transfer ownership first.'));
    assert(scope.role && orgRank(row.role) <= orgRank(scope.role), () => Errors.accessDenied('Your role cannot remove this member.'));
    this.d.db.orgMembers.delete(row.id);
    this.record('removed_member_from_org', row, caller.id);
  }

  leaveOrg(caller: User, scope: OrgScope): void {
    const row = this.orgMember(scope.org.id, caller.id);
    this.d.db.orgMembers.delete(row.id);
    this.record('removed_member_from_org', row, caller.id, { left: true });
  }

  /** The owner hands the org to another active member; the old owner stays as admin. */
  transferOrgOwnership(caller: User, scope: OrgScope, ref: string): void {
    assert(isProfileId(ref), () => Errors.invalidField('user_id', 'Expected a 19-digit user id.'));
    assert(ref !== caller.id, () => Errors.invalidField('user_id', 'You already own this organization.'));
    const row = this.orgMember(scope.org.id, ref);
    assert(row.status === 'active', () => Errors.invalidField('user_id', 'Ownership can only go to an active member.'));
    this.setOrgOwner(scope.org.id, row.userId!, caller.id);
    this.record('org_ownership_transferred', row, caller.id, undefined, scope.org.id);
  }

  /** Make `newOwnerId` the org's one owner; the previous owner (if any) becomes admin. */
  setOrgOwner(orgId: string, newOwnerId: string, previousOwnerId: string | undefined): void {
    const now = this.d.now();
    if (previousOwnerId && previousOwnerId !== newOwnerId) {
      const prev = this.d.db.orgMembers.get(orgMemberKey(orgId, previousOwnerId));
      if (prev) this.d.db.orgMembers.update(prev.id, { role: 'admin', updated: now });
    }
    const key = orgMemberKey(orgId, newOwnerId);
    if (this.d.db.orgMembers.has(key)) this.d.db.orgMembers.update(key, { role: 'owner', status: 'active', updated: now });
    else this.d.db.orgMembers.insert(orgMemberRow(orgId, { userId: newOwnerId, role: 'owner', now }));
  }

  // -------------------------------------------------------------------------------------------
  // Workspace members

  workspaceMembers(workspaceId: string): WorkspaceMember[] {
    return this.d.db.workspaceMembers.find('workspace', workspaceId);
  }

  private assertMemberLimit(scope: WorkspaceScope): void {
    const plan = this.d.plans.require(scope.org.plan);
    const limit = plan.members_per_workspace;
    if (limit !== null && this.workspaceMembers(scope.workspace.id).length >= limit) {
      throw Errors.planLimit(`members per workspace (${plan.id} plan)`, limit);
    }
  }

  addWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string, role: WorkspaceRole): WorkspaceMember {
    const { workspace: ws } = scope;
    assert(WORKSPACE_RANK[role] <= WORKSPACE_RANK[scope.role], () => Errors.accessDenied(`Your role cannot grant the ${role} role.`));
    const target = this.target(ref);
    const now = this.d.now();
    let row: WorkspaceMember;
    if ('user' in target) {
      assert(!this.d.db.workspaceMembers.get(workspaceMemberKey(ws.id, target.user.id)), () =>
        Errors.conflict('This user is already a member of the workspace.'),
      );
      this.assertMemberLimit(scope);
      row = this.d.db.workspaceMembers.insert(workspaceMemberRow(ws.id, ws.orgId, { userId: target.user.id, role, invitedBy: caller.id, now }));
    } else {
      const pending = this.workspaceMembers(ws.id).some((m) => m.status === 'pending' && m.inviteEmail === target.email);
      assert(!pending, () => Errors.conflict('An invitation to this address is already pending.'));
      this.assertMemberLimit(scope);
      const invite = this.newInvite();
      row = this.d.db.workspaceMembers.insert(
        workspaceMemberRow(ws.id, ws.orgId, { userId: null, email: target.email, role, invite, invitedBy: caller.id, now }),
      );
      this.invite(target.email, 'workspace_invitation', `the workspace ${ws.name}`, caller, role, invite);
    }
    this.record('added_member_to_workspace', row, caller.id, { permissions: role, status: row.status });
    return row;
  }

  workspaceMember(workspaceId: string, ref: string): WorkspaceMember {
    const row = this.d.db.workspaceMembers.get(isProfileId(ref) ? workspaceMemberKey(workspaceId, ref) : `${workspaceId}:invite:${ref}`);
    if (!row) throw Errors.notFound('member');
    return row;
  }

  updateWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string, role: WorkspaceRole): WorkspaceMember {
    const row = this.workspaceMember(scope.workspace.id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied("The owner's role changes only by transferring ownership."));
    assert(WORKSPACE_RANK[row.role] <= WORKSPACE_RANK[scope.role] && WORKSPACE_RANK[role] <= WORKSPACE_RANK[scope.role], () =>
      Errors.accessDenied('Your role cannot change this member to that role.'),
    );
    const updated = this.d.db.workspaceMembers.update(row.id, { role, updated: this.d.now() });
    this.record('membership_updated', updated, caller.id, { from: row.role, to: role });
    return updated;
  }

  removeWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string): void {
    const row = this.workspaceMember(scope.workspace.id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied('The workspace owner cannot be removed; transfer ownership first.'));
    assert(WORKSPACE_RANK[row.role] <= WORKSPACE_RANK[scope.role], () => Errors.accessDenied('Your role cannot remove this member.'));
    this.d.db.workspaceMembers.delete(row.id);
    this.record('removed_member_from_workspace', row, caller.id);
  }

  leaveWorkspace(caller: User, scope: WorkspaceScope): void {
    // A role carried from the org is not a membership one can leave.
    const row = this.d.db.workspaceMembers.get(workspaceMemberKey(scope.workspace.id, caller.id));
    assert(row, () => Errors.invalidField('workspace_id', 'You are not an explicit member of this workspace; your access comes from your org role.'));
    this.d.db.workspaceMembers.delete(row.id);
    this.record('removed_member_from_workspace', row, caller.id, { left: true });
  }

  /** Self-join under the workspace's `perm_join` (the access check has already allowed it). */
  joinWorkspace(caller: User, scope: WorkspaceScope): WorkspaceMember {
    assert(!this.d.db.workspaceMembers.has(workspaceMemberKey(scope.workspace.id, caller.id)), () =>
      Errors.conflict('You are already a member of this workspace.'),
    );
    this.assertMemberLimit(scope);
    const row = this.d.db.workspaceMembers.insert(
      workspaceMemberRow(scope.workspace.id, scope.org.id, { userId: caller.id, role: 'member', now: this.d.now() }),
    );
    this.record('added_member_to_workspace', row, caller.id, { permissions: 'member', joined: true });
    return row;
  }

  transferWorkspaceOwnership(caller: User, scope: WorkspaceScope, ref: string): void {
    assert(isProfileId(ref), () => Errors.invalidField('user_id', 'Expected a 19-digit user id.'));
    const row = this.workspaceMember(scope.workspace.id, ref);
    assert(row.status === 'active' && row.userId !== caller.id, () => Errors.invalidField('user_id', 'Ownership can only go to another active member.'));
    this.setWorkspaceOwner(scope.workspace.id, scope.org.id, row.userId!);
    this.record('workspace_ownership_transferred', row, caller.id, undefined, scope.workspace.id);
  }

  /** Make `newOwnerId` the workspace's one owner; every other owner row becomes admin. */
  setWorkspaceOwner(workspaceId: string, orgId: string, newOwnerId: string): void {
    const now = this.d.now();
    for (const m of this.workspaceMembers(workspaceId)) {
      if (m.role === 'owner' && m.userId !== newOwnerId) this.d.db.workspaceMembers.update(m.id, { role: 'admin', updated: now });
    }
    const key = workspaceMemberKey(workspaceId, newOwnerId);
    if (this.d.db.workspaceMembers.has(key)) this.d.db.workspaceMembers.update(key, { role: 'owner', status: 'active', updated: now });
    else this.d.db.workspaceMembers.insert(workspaceMemberRow(workspaceId, orgId, { userId: newOwnerId, role: 'owner', now }));
  }

  // -------------------------------------------------------------------------------------------
  // Invitations

  /**
   * A verified address accepts its pending invitations: each becomes an active membership
   * (unless the user is already a member, or the invitation has expired).
   */
  activateInvitations(user: User): void {
    const now = this.d.now();
    const accept = (pending: Row, active: Row) => {
      this.d.audit.record({
        event: 'invitation_accepted',
        category: 'invitation',
        subcategory: 'invitations',
        orgId: active.orgId,
        workspaceId: 'workspaceId' in active ? active.workspaceId : null,
        userId: user.id,
        callingUserId: user.id,
        objectId: pending.invite?.id ?? null,
        data: { permissions: active.role },
      });
    };
    const live = (row: Row) => row.status === 'pending' && !(row.invite && row.invite.expires <= now);
    for (const row of this.d.db.orgMembers.find('email', user.emailKey)) {
      if (row.status !== 'pending') continue;
      this.d.db.orgMembers.delete(row.id);
      if (!live(row) || this.d.db.orgMembers.has(orgMemberKey(row.orgId, user.id))) continue;
      accept(
        row,
        this.d.db.orgMembers.insert({
          ...orgMemberRow(row.orgId, { userId: user.id, role: row.role, invite: row.invite, invitedBy: row.invitedBy, now }),
          created: row.created,
        }),
      );
    }
    for (const row of this.d.db.workspaceMembers.find('email', user.emailKey)) {
      if (row.status !== 'pending') continue;
      this.d.db.workspaceMembers.delete(row.id);
      if (!live(row) || this.d.db.workspaceMembers.has(workspaceMemberKey(row.workspaceId, user.id))) continue;
      accept(
        row,
        this.d.db.workspaceMembers.insert({
          ...workspaceMemberRow(row.workspaceId, row.orgId, { userId: user.id, role: row.role, invite: row.invite, invitedBy: row.invitedBy, now }),
          created: row.created,
        }),
      );
    }
  }
}
