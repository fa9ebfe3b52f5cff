/**
 * The entities one can be invited to (an org, a workspace, a share), each described once over its
 * membership kind (kinds.ts): how a path's id finds it, its name, the roles an invitation may
 * carry, how the inviter's standing is checked, and what the invitation mail says. The invitation
 * service and routes read only this list.
 */
import type { Caller } from '../http/context.js';
import type { Emulator } from '../emulator.js';
import type { Db } from '../store/db.js';
import type { MailboxMessage, User } from '../store/model.js';
import { isProfileId } from '../store/ids.js';
import { ORG_MEMBERSHIP, SHARE_MEMBERSHIP, WORKSPACE_MEMBERSHIP, type MemberRow, type MembershipKind, type Parent } from './kinds.js';

export type InvitationState = 'pending' | 'accepted' | 'declined' | 'expired';
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'expired'] as const;

type Who = Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>;

export interface InvitableEntity {
  /** the path's entity type (`/current/{type}/{id}/...`) */
  type: 'org' | 'workspace' | 'share';
  kind: MembershipKind<any, any>;
  /** the roles an invitation may carry (the add route's enum) */
  roles: readonly string[];
  /** the live entity a path's id names (no access check) */
  find(emu: Emulator, ref: string, userId: string): Parent | undefined;
  /** its name, undefined when it is gone (closed org, deleted workspace or share) */
  name(db: Db, id: string): string | undefined;
  /** the caller's rank to manage its members; throws the refusal a manage route gives */
  manageRank(emu: Emulator, caller: Who, ref: string): { parent: Parent; rank: number };
  /** the parent when the caller may list its members; throws otherwise */
  listParent(emu: Emulator, caller: Who, ref: string): Parent;
}

/** The link in an invitation mail. PARITY: CHOICE, the live link is not in the sources; the shape of the web app's entity links. */
export function invitationLink(entity: InvitableEntity, parentId: string, key: string): string {
  return `https://go.fast.io/${entity.type}/${parentId}/invitation/${key}`;
}

/** The mail an invitation sends to its address (on creation and on renewal). */
export function invitationMail(
  inviter: User,
  entity: InvitableEntity,
  parent: Parent,
  name: string,
  row: MemberRow,
): { to: string; subject: string; kind: MailboxMessage['kind']; code: string; body: string } {
  const key = row.invite!.id;
  const what = `the ${entity.type === 'org' ? 'organization' : entity.type} ${name}`;
  return {
    to: row.inviteEmail!,
    subject: `You are invited to ${what} on Fast.io`,
    kind: entity.kind.invitation.mail,
    code: key,
    body: `${inviter.email} invited you to ${what} as ${row.role}. Accept: ${invitationLink(entity, parent.id, key)}`,
  };
}

export const ORG_INVITABLE: InvitableEntity = {
  type: 'org',
  kind: ORG_MEMBERSHIP,
  roles: ['admin', 'member'],
  find: (emu, ref) => {
    const org = emu.access.findOrg(ref);
    return org ? { id: org.id, orgId: org.id } : undefined;
  },
  name: (db, id) => {
    const org = db.orgs.get(id);
    return org && !org.closed ? org.name : undefined;
  },
  manageRank: (emu, caller, ref) => {
    const scope = emu.access.org(caller, ref, 'org.members.manage');
    return { parent: ORG_MEMBERSHIP.parentOf(scope), rank: ORG_MEMBERSHIP.callerRank(scope) };
  },
  listParent: (emu, caller, ref) => ORG_MEMBERSHIP.parentOf(emu.access.org(caller, ref, 'org.members.list')),
};

export const WORKSPACE_INVITABLE: InvitableEntity = {
  type: 'workspace',
  kind: WORKSPACE_MEMBERSHIP,
  roles: ['admin', 'member', 'guest'],
  find: (emu, ref, userId) => {
    const ws = isProfileId(ref) ? emu.db.workspaces.get(ref) : emu.access.findWorkspace(ref, userId);
    if (!ws || ws.deleted) return undefined;
    const org = emu.db.orgs.get(ws.orgId);
    return org && !org.closed ? { id: ws.id, orgId: ws.orgId } : undefined;
  },
  name: (db, id) => {
    const ws = db.workspaces.get(id);
    const org = ws ? db.orgs.get(ws.orgId) : undefined;
    return ws && !ws.deleted && org && !org.closed ? ws.name : undefined;
  },
  manageRank: (emu, caller, ref) => {
    const scope = emu.access.workspace(caller, ref, 'workspace.members.manage');
    return { parent: WORKSPACE_MEMBERSHIP.parentOf(scope), rank: WORKSPACE_MEMBERSHIP.callerRank(scope) };
  },
  listParent: (emu, caller, ref) => WORKSPACE_MEMBERSHIP.parentOf(emu.access.workspace(caller, ref, 'workspace.members.list')),
};

export const SHARE_INVITABLE: InvitableEntity = {
  type: 'share',
  kind: SHARE_MEMBERSHIP,
  roles: ['admin', 'member', 'guest', 'view'],
  find: (emu, ref) => {
    const found = emu.shares.access.find(ref);
    return found ? SHARE_MEMBERSHIP.parentOf({ share: found.share } as never) : undefined;
  },
  name: (db, id) => {
    const share = db.shares.get(id);
    return share && !share.deleted ? share.title : undefined;
  },
  manageRank: (emu, caller, ref) => {
    const scope = emu.shares.access.scope(caller, ref, 'share.members.manage');
    return { parent: SHARE_MEMBERSHIP.parentOf(scope), rank: SHARE_MEMBERSHIP.callerRank(scope) };
  },
  listParent: (emu, caller, ref) => SHARE_MEMBERSHIP.parentOf(emu.shares.access.scope(caller, ref, 'share.members.manage')),
};

export const INVITABLE: readonly InvitableEntity[] = [ORG_INVITABLE, WORKSPACE_INVITABLE, SHARE_INVITABLE];

export function invitableOfKind(kind: MembershipKind<MemberRow, never>): InvitableEntity | undefined {
  return INVITABLE.find((e) => e.kind === kind);
}
