import { formatTime } from '../http/format.js';
import { paginate } from '../http/schema.js';
import type { Db } from '../store/db.js';
import type { Invite, User } from '../store/model.js';
import type { MemberRow } from './kinds.js';

function inviteJson(invite: Invite | null): Record<string, unknown> | null {
  return invite ? { id: invite.id, created: formatTime(invite.created), expires: formatTime(invite.expires) } : null;
}

/**
 * A member row as member lists show it.
 * PARITY: `status` is `active` or `pending`; pending members carry `invite {id, created, expires}`
 * (agent guide v1.29, "Pending members in member lists"). Other field names are CHOICE.
 */
export function memberJson(row: MemberRow, user: User | undefined): Record<string, unknown> {
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

/** A member row with its user's profile, as the member routes answer it. */
export function renderMember(db: Db, row: MemberRow): Record<string, unknown> {
  return memberJson(row, row.userId ? db.users.get(row.userId) : undefined);
}

/** A page of member rows under `users`, optionally of one status. */
export function listedMembers(db: Db, rows: MemberRow[], query: { limit?: number; offset?: number; status?: 'active' | 'pending' }) {
  const filtered = query.status ? rows.filter((r) => r.status === query.status) : rows;
  const { page, pagination } = paginate(filtered, query.limit, query.offset);
  return { users: page.map((r) => renderMember(db, r)), pagination };
}
