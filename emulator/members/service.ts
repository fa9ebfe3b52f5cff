import { Errors, assert } from '../http/errors.js';
import { AuditEvents } from '../events/catalogue.js';
import { isProfileId } from '../store/ids.js';
import type { Invite, OrgMember, OrgRole, User, WorkspaceMember, WorkspaceRole } from '../store/model.js';
import type { OrgScope, WorkspaceScope } from '../tenancy/access.js';
import { ORG_MEMBERSHIP, SHARE_MEMBERSHIP, WORKSPACE_MEMBERSHIP, type MemberRow, type MemberScope, type MembershipKind, type Parent } from './kinds.js';
import type { ShareMember, ShareRole } from '../store/share-model.js';
import type { ShareScope } from '../shares/access.js';
import { inviteKey } from './rows.js';
import { INVITABLE, invitationMail } from './invitable.js';
import { InvitationService } from './invitations.js';
import type { ServiceDeps, TenancyDeps } from '../service-deps.js';

/** PARITY: CHOICE. Invitations to addresses without an account stay valid 30 days. */
const INVITE_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export type MemberDeps = TenancyDeps & Pick<ServiceDeps, 'mailer'>;

/** Who a member route names: a user (by id or email) or, failing that, an address to invite. */
type Target = { user: User } | { email: string };

type Row = MemberRow;

/**
 * Org and workspace membership: add by user id or email (an address without an account becomes a
 * pending invitation), list, update, remove, leave, join, and ownership transfer. The one-owner
 * rule holds everywhere: the owner role moves only by transfer, and the owner cannot leave or be
 * removed. Nobody grants, changes or removes a role above their own (PARITY: CHOICE).
 *
 * Each operation is written once over a membership kind (kinds.ts); the per-kind methods the
 * routes call only pick the kind.
 */
export class MemberService {
  /** both sides of invitations (invitations.ts) */
  readonly invitations: InvitationService;

  constructor(private readonly d: MemberDeps) {
    this.invitations = new InvitationService(d);
  }

  private target(ref: string): Target {
    if (isProfileId(ref)) {
      const user = this.d.db.users.get(ref);
      if (!user) throw Errors.notFound('user');
      return { user };
    }
    const email = ref.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw Errors.invalidField('email_or_user_id', 'Expected a 19-digit user id or an email address.');
    // PARITY: CHOICE (agent guide REFERENCE.md "Option 3: Agent Account Invited to a Human's Org":
    // an existing account invited by address receives the invitation and accepts it). An address
    // always gets an invitation, whether or not an account holds it, answered alike, so the inviter
    // learns nothing about accounts; only a member already in the entity answers 409.
    return { email };
  }

  private newInvite(): Invite {
    const now = this.d.now();
    // The invitation id is its code (whoever holds it may accept): drawn as a secret.
    return { id: this.d.ids.secretOpaqueId('a'), created: now, expires: now + INVITE_LIFETIME_MS };
  }

  // -------------------------------------------------------------------------------------------
  // One implementation over a kind

  private rows<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, parentId: string): R[] {
    return kind.table(this.d.db).find(kind.parentIndex, parentId);
  }

  private assertRoom<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, scope: S): void {
    const cap = kind.memberLimit(this.d.plans, scope);
    if (cap && this.rows(kind, kind.parentOf(scope).id).length >= cap.limit) throw Errors.planLimit(cap.what, cap.limit);
  }

  private add<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, caller: User, scope: S, ref: string, role: R['role']): R {
    assert(kind.rank(role) <= kind.callerRank(scope), () => Errors.accessDenied(`Your role cannot grant the ${role} role.`));
    const parent = kind.parentOf(scope);
    const table = kind.table(this.d.db);
    const target = this.target(ref);
    const now = this.d.now();
    let row: R;
    if ('user' in target) {
      assert(!table.get(kind.key(parent.id, target.user.id)), () => Errors.conflict(kind.text.alreadyMember));
      this.assertRoom(kind, scope);
      row = table.insert(kind.row(parent, { userId: target.user.id, role, invitedBy: caller.id, now }));
    } else {
      const holder = this.d.db.users.findOne('email', target.email);
      assert(!(holder && table.get(kind.key(parent.id, holder.id))), () => Errors.conflict(kind.text.alreadyMember));
      const pending = this.rows(kind, parent.id).some((m) => m.status === 'pending' && m.inviteEmail === target.email);
      assert(!pending, () => Errors.conflict('An invitation to this address is already pending.'));
      this.assertRoom(kind, scope);
      const invite = this.newInvite();
      row = table.insert(kind.row(parent, { userId: null, email: target.email, role, invite, invitedBy: caller.id, now }));
      const entity = INVITABLE.find((e) => e.kind === kind)!;
      this.d.mailer.send(invitationMail(caller, entity, parent, entity.name(this.d.db, parent.id) ?? '', row));
    }
    this.d.audit.record(kind.events.added(row, caller.id, { permissions: role, status: row.status }));
    return row;
  }

  /** An active member (by user id) or a pending invitation (by invite id). */
  private member<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, parentId: string, ref: string): R {
    const row = kind.table(this.d.db).get(isProfileId(ref) ? kind.key(parentId, ref) : inviteKey(parentId, ref));
    if (!row) throw Errors.notFound('member');
    return row;
  }

  private update<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, caller: User, scope: S, ref: string, role: R['role']): R {
    const row = this.member(kind, kind.parentOf(scope).id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied("The owner's role changes only by transferring ownership."));
    const mine = kind.callerRank(scope);
    assert(kind.rank(row.role) <= mine && kind.rank(role) <= mine, () => Errors.accessDenied('Your role cannot change this member to that role.'));
    const updated = kind.table(this.d.db).update(row.id, { role, updated: this.d.now() } as Partial<R>);
    this.d.audit.record(AuditEvents.membershipUpdated(updated, caller.id, row.role, role));
    return updated;
  }

  private remove<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, caller: User, scope: S, ref: string): void {
    const row = this.member(kind, kind.parentOf(scope).id, ref);
    assert(row.role !== 'owner', () => Errors.accessDenied(kind.text.ownerNotRemovable));
    assert(kind.rank(row.role) <= kind.callerRank(scope), () => Errors.accessDenied('Your role cannot remove this member.'));
    kind.table(this.d.db).delete(row.id);
    this.d.audit.record(kind.events.removed(row, caller.id));
  }

  /** Make `newOwnerId` the parent's one owner; every other owner row becomes admin. */
  private setOwner<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, parent: Parent, newOwnerId: string): void {
    const now = this.d.now();
    const table = kind.table(this.d.db);
    for (const m of this.rows(kind, parent.id)) {
      if (m.role === 'owner' && m.userId !== newOwnerId) table.update(m.id, { role: 'admin', updated: now } as Partial<R>);
    }
    const key = kind.key(parent.id, newOwnerId);
    if (table.has(key)) table.update(key, { role: 'owner', status: 'active', updated: now } as Partial<R>);
    else table.insert(kind.row(parent, { userId: newOwnerId, role: 'owner', now }));
  }

  /** A verified address accepts its pending invitations of one kind. */
  private acceptInvitations<R extends Row, S extends MemberScope>(kind: MembershipKind<R, S>, user: User, now: number): void {
    const table = kind.table(this.d.db);
    for (const row of table.find('email', user.emailKey)) {
      if (row.status !== 'pending' || row.invite?.declined) continue;
      table.delete(row.id);
      const parent = kind.parentOfRow(row);
      const expired = row.invite !== null && row.invite.expires <= now;
      if (expired || table.has(kind.key(parent.id, user.id))) continue;
      const active = table.insert({
        ...kind.row(parent, { userId: user.id, role: row.role, invite: row.invite, invitedBy: row.invitedBy, now }),
        created: row.created,
      });
      this.d.audit.record(AuditEvents.invitationAccepted(user, row.invite, active));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Org members. This section and the next are typed doors onto the operations above, one set per
  // kind: they look alike by design and hold no logic of their own.

  orgMembers(orgId: string): OrgMember[] {
    return this.rows(ORG_MEMBERSHIP, orgId);
  }

  addOrgMember(caller: User, scope: OrgScope, ref: string, role: OrgRole): OrgMember {
    return this.add(ORG_MEMBERSHIP, caller, scope, ref, role);
  }

  /** An active org member (by user id) or a pending invitation (by invite id). */
  orgMember(orgId: string, ref: string): OrgMember {
    return this.member(ORG_MEMBERSHIP, orgId, ref);
  }

  updateOrgMember(caller: User, scope: OrgScope, ref: string, role: OrgRole): OrgMember {
    return this.update(ORG_MEMBERSHIP, caller, scope, ref, role);
  }

  removeOrgMember(caller: User, scope: OrgScope, ref: string): void {
    this.remove(ORG_MEMBERSHIP, caller, scope, ref);
  }

  leaveOrg(caller: User, scope: OrgScope): void {
    const row = this.orgMember(scope.org.id, caller.id);
    this.d.db.orgMembers.delete(row.id);
    this.d.audit.record(AuditEvents.removedMemberFromOrg(row, caller.id, { left: true }));
  }

  /** The owner hands the org to another active member; the old owner stays as admin. */
  transferOrgOwnership(caller: User, scope: OrgScope, ref: string): void {
    assert(isProfileId(ref), () => Errors.invalidField('user_id', 'Expected a 19-digit user id.'));
    assert(ref !== caller.id, () => Errors.invalidField('user_id', 'You already own this organization.'));
    const row = this.orgMember(scope.org.id, ref);
    assert(row.status === 'active', () => Errors.invalidField('user_id', 'Ownership can only go to an active member.'));
    this.setOrgOwner(scope.org.id, row.userId!);
    this.d.audit.record(AuditEvents.orgOwnershipTransferred(row, caller.id));
  }

  /** Make `newOwnerId` the org's one owner; the previous owner (if any) becomes admin. */
  setOrgOwner(orgId: string, newOwnerId: string): void {
    this.setOwner(ORG_MEMBERSHIP, { id: orgId, orgId }, newOwnerId);
  }

  // -------------------------------------------------------------------------------------------
  // Workspace members

  workspaceMembers(workspaceId: string): WorkspaceMember[] {
    return this.rows(WORKSPACE_MEMBERSHIP, workspaceId);
  }

  addWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string, role: WorkspaceRole): WorkspaceMember {
    return this.add(WORKSPACE_MEMBERSHIP, caller, scope, ref, role);
  }

  workspaceMember(workspaceId: string, ref: string): WorkspaceMember {
    return this.member(WORKSPACE_MEMBERSHIP, workspaceId, ref);
  }

  updateWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string, role: WorkspaceRole): WorkspaceMember {
    return this.update(WORKSPACE_MEMBERSHIP, caller, scope, ref, role);
  }

  removeWorkspaceMember(caller: User, scope: WorkspaceScope, ref: string): void {
    this.remove(WORKSPACE_MEMBERSHIP, caller, scope, ref);
  }

  leaveWorkspace(caller: User, scope: WorkspaceScope): void {
    // A role carried from the org is not a membership one can leave.
    const row = this.d.db.workspaceMembers.get(WORKSPACE_MEMBERSHIP.key(scope.workspace.id, caller.id));
    assert(row, () => Errors.invalidField('workspace_id', 'You are not an explicit member of this workspace; your access comes from your org role.'));
    this.d.db.workspaceMembers.delete(row.id);
    this.d.audit.record(AuditEvents.removedMemberFromWorkspace(row, caller.id, { left: true }));
  }

  /** Self-join under the workspace's `perm_join` (the access check has already allowed it). */
  joinWorkspace(caller: User, scope: WorkspaceScope): WorkspaceMember {
    const parent = WORKSPACE_MEMBERSHIP.parentOf(scope);
    assert(!this.d.db.workspaceMembers.has(WORKSPACE_MEMBERSHIP.key(parent.id, caller.id)), () =>
      Errors.conflict('You are already a member of this workspace.'),
    );
    this.assertRoom(WORKSPACE_MEMBERSHIP, scope);
    const row = this.d.db.workspaceMembers.insert(WORKSPACE_MEMBERSHIP.row(parent, { userId: caller.id, role: 'member', now: this.d.now() }));
    this.d.audit.record(AuditEvents.addedMemberToWorkspace(row, caller.id, { permissions: 'member', joined: true }));
    return row;
  }

  transferWorkspaceOwnership(caller: User, scope: WorkspaceScope, ref: string): void {
    assert(isProfileId(ref), () => Errors.invalidField('user_id', 'Expected a 19-digit user id.'));
    const row = this.workspaceMember(scope.workspace.id, ref);
    assert(row.status === 'active' && row.userId !== caller.id, () => Errors.invalidField('user_id', 'Ownership can only go to another active member.'));
    this.setWorkspaceOwner(scope.workspace.id, scope.org.id, row.userId!);
    this.d.audit.record(AuditEvents.workspaceOwnershipTransferred(row, caller.id));
  }

  /** Make `newOwnerId` the workspace's one owner; every other owner row becomes admin. */
  setWorkspaceOwner(workspaceId: string, orgId: string, newOwnerId: string): void {
    this.setOwner(WORKSPACE_MEMBERSHIP, { id: workspaceId, orgId }, newOwnerId);
  }

  // -------------------------------------------------------------------------------------------
  // Share members (a share's access check, emulator/shares/access.ts, has run)

  shareMembers(shareId: string): ShareMember[] {
    return this.rows(SHARE_MEMBERSHIP, shareId);
  }

  addShareMember(caller: User, scope: ShareScope, ref: string, role: ShareRole): ShareMember {
    return this.add(SHARE_MEMBERSHIP, caller, scope, ref, role);
  }

  shareMember(shareId: string, ref: string): ShareMember {
    return this.member(SHARE_MEMBERSHIP, shareId, ref);
  }

  updateShareMember(caller: User, scope: ShareScope, ref: string, role: ShareRole): ShareMember {
    return this.update(SHARE_MEMBERSHIP, caller, scope, ref, role);
  }

  removeShareMember(caller: User, scope: ShareScope, ref: string): void {
    this.remove(SHARE_MEMBERSHIP, caller, scope, ref);
  }

  /** Leave a share: only an explicit membership can be left, and not by its owner. */
  leaveShare(caller: User, scope: ShareScope): void {
    const row = this.d.db.shareMembers.get(SHARE_MEMBERSHIP.key(scope.share.id, caller.id));
    assert(row && row.status === 'active', () =>
      Errors.invalidField('share_id', 'You are not an explicit member of this share; your access comes from its workspace or its access options.'),
    );
    assert(row.role !== 'owner', () => Errors.accessDenied('The share owner cannot leave; transfer ownership first.'));
    this.d.db.shareMembers.delete(row.id);
    this.d.audit.record(AuditEvents.removedMemberFromShare(row, caller.id, { left: true }));
  }

  /**
   * Self-join where the share's access options already admit the caller (the access check gave it
   * a role without a membership): the role it had becomes a membership. PARITY: CHOICE.
   */
  joinShare(caller: User, scope: ShareScope): ShareMember {
    const parent = SHARE_MEMBERSHIP.parentOf(scope);
    assert(!this.d.db.shareMembers.has(SHARE_MEMBERSHIP.key(parent.id, caller.id)), () => Errors.conflict('You are already a member of this share.'));
    const row = this.d.db.shareMembers.insert(SHARE_MEMBERSHIP.row(parent, { userId: caller.id, role: scope.role, now: this.d.now() }));
    this.d.audit.record(AuditEvents.addedMemberToShare(row, caller.id, { permissions: row.role, joined: true }));
    return row;
  }

  /** The owner hands the share to another active member; the old owner stays as admin. */
  transferShareOwnership(caller: User, scope: ShareScope, ref: string): void {
    assert(isProfileId(ref), () => Errors.invalidField('user_id', 'Expected a 19-digit user id.'));
    const row = this.shareMember(scope.share.id, ref);
    assert(row.status === 'active' && row.userId !== caller.id, () => Errors.invalidField('user_id', 'Ownership can only go to another active member.'));
    this.setOwner(SHARE_MEMBERSHIP, SHARE_MEMBERSHIP.parentOf(scope), row.userId!);
    this.d.audit.record(AuditEvents.shareOwnershipTransferred(row, caller.id));
  }

  // -------------------------------------------------------------------------------------------
  // Invitations

  /**
   * A verified address accepts its pending invitations: each becomes an active membership
   * (unless the user is already a member, or the invitation has expired).
   */
  activateInvitations(user: User): void {
    const now = this.d.now();
    this.acceptInvitations(ORG_MEMBERSHIP, user, now);
    this.acceptInvitations(WORKSPACE_MEMBERSHIP, user, now);
    this.acceptInvitations(SHARE_MEMBERSHIP, user, now);
  }
}
