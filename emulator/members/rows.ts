/**
 * Membership rows, built in one place: orgs and workspaces make their owner's row here, and the
 * member service every other. An active row is keyed by parent and user; a pending invitation by
 * parent and invitation id (its user does not exist yet).
 */
import type { Invite, OrgMember, OrgRole, WorkspaceMember, WorkspaceRole } from '../store/model.js';
import type { ShareMember, ShareRole } from '../store/share-model.js';
import { orgMemberKey, workspaceMemberKey } from '../tenancy/access.js';

export interface RowFields<R> {
  userId: string | null;
  /** lower-cased address, for a pending invitation */
  email?: string | null;
  role: R;
  invite?: Invite | null;
  invitedBy?: string | null;
  now: number;
}

function common<R>(f: RowFields<R>) {
  const pending = f.userId === null;
  return {
    userId: f.userId,
    inviteEmail: pending ? (f.email ?? null) : null,
    role: f.role,
    status: pending ? ('pending' as const) : ('active' as const),
    invite: f.invite ?? null,
    invitedBy: f.invitedBy ?? null,
    created: f.now,
    updated: f.now,
  };
}

/** A pending invitation's key: its parent and the invitation id. */
export function inviteKey(parentId: string, inviteId: string): string {
  return `${parentId}:invite:${inviteId}`;
}

export function orgMemberRow(orgId: string, f: RowFields<OrgRole>): OrgMember {
  const id = f.userId !== null ? orgMemberKey(orgId, f.userId) : inviteKey(orgId, f.invite!.id);
  return { id, orgId, ...common(f) };
}

export function workspaceMemberRow(workspaceId: string, orgId: string, f: RowFields<WorkspaceRole>): WorkspaceMember {
  const id = f.userId !== null ? workspaceMemberKey(workspaceId, f.userId) : inviteKey(workspaceId, f.invite!.id);
  return { id, workspaceId, orgId, ...common(f) };
}

export function shareMemberRow(shareId: string, workspaceId: string, orgId: string, f: RowFields<ShareRole>): ShareMember {
  const id = f.userId !== null ? `${shareId}:${f.userId}` : inviteKey(shareId, f.invite!.id);
  return { id, shareId, workspaceId, orgId, ...common(f) };
}
