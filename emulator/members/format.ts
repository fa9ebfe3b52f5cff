import { formatTime } from '../http/format.js';
import type { Invite, OrgMember, User, WorkspaceMember } from '../store/model.js';

function inviteJson(invite: Invite | null): Record<string, unknown> | null {
  return invite ? { id: invite.id, created: formatTime(invite.created), expires: formatTime(invite.expires) } : null;
}

/**
 * A member row as member lists show it.
 * PARITY: `status` is `active` or `pending`; pending members carry `invite {id, created, expires}`
 * (agent guide v1.29, "Pending members in member lists"). Other field names are CHOICE.
 */
export function memberJson(row: OrgMember | WorkspaceMember, user: User | undefined): Record<string, unknown> {
  return {
    id: row.userId,
    email_address: user?.email ?? row.inviteEmail,
    first_name: user?.firstName ?? null,
    last_name: user?.lastName ?? null,
    account_type: user?.accountType ?? null,
    permissions: row.role,
    status: row.status,
    invite: inviteJson(row.invite),
    joined: row.status === 'active' ? formatTime(row.updated) : null,
    created: formatTime(row.created),
  };
}
