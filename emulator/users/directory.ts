import type { Db } from '../store/db.js';
import type { User } from '../store/model.js';

/**
 * Who a user may look up: themselves and the users they share an org, a workspace or a share with
 * (active memberships on both sides). CHOICE: user details by id and user search see only these,
 * so neither can enumerate the accounts of the service (sources are silent on the live rule).
 */
export function knownUserIds(db: Db, userId: string): Set<string> {
  const known = new Set<string>([userId]);
  const add = (rows: readonly { userId: string | null; status: string }[]) => {
    for (const r of rows) if (r.userId !== null && r.status === 'active') known.add(r.userId);
  };
  for (const m of db.orgMembers.find('user', userId)) if (m.status === 'active') add(db.orgMembers.find('org', m.orgId));
  for (const m of db.workspaceMembers.find('user', userId)) if (m.status === 'active') add(db.workspaceMembers.find('workspace', m.workspaceId));
  for (const m of db.shareMembers.find('user', userId)) if (m.status === 'active') add(db.shareMembers.find('share', m.shareId));
  return known;
}

/** The known users (not the caller, not closed) whose email or name holds `term`, case-insensitively, by email. */
export function searchKnownUsers(db: Db, caller: User, term: string): User[] {
  const t = term.toLowerCase();
  const hits: User[] = [];
  for (const id of knownUserIds(db, caller.id)) {
    const u = db.users.get(id);
    if (!u || u.id === caller.id || u.closed) continue;
    if (u.emailKey.includes(t) || `${u.firstName} ${u.lastName}`.toLowerCase().includes(t)) hits.push(u);
  }
  return hits.sort((a, b) => (a.emailKey < b.emailKey ? -1 : a.emailKey > b.emailKey ? 1 : 0));
}

/** Which kinds of profile the user has a membership of (GET /user/available_profiles/). */
export function availableProfiles(db: Db, userId: string): { user: boolean; org: boolean; workspace: boolean; share: boolean } {
  const active = (rows: readonly { status: string }[]) => rows.some((r) => r.status === 'active');
  return {
    user: true,
    org: active(db.orgMembers.find('user', userId)),
    workspace: active(db.workspaceMembers.find('user', userId)),
    share: active(db.shareMembers.find('user', userId)),
  };
}
