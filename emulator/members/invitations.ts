/**
 * Invitations, both sides. An invitation is a pending membership row (rows.ts) addressed to an
 * email; the inviter lists, updates, renews and deletes it on its entity, the invitee lists, reads,
 * accepts and declines it. Written once over the invitable entities (invitable.ts).
 *
 * Who is the invitee (PARITY: CHOICE, the sources are silent):
 * - the signed-in owner of the invited address once that address is verified (an unverified
 *   account holding it is not its owner yet: verifying the address accepts its invitations);
 * - or whoever presents the invitation's key (its id, the code of the mail) where a route takes
 *   one (`invitation_key`, `members/join/{key}/{action}/`): the mail's reader proves the mailbox.
 *   Nobody who already has a role in the entity is taken for the key holder (member lists show
 *   invitation ids to members, who must not answer what was sent to someone else).
 */
import { Errors, assert } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Invite, User } from '../store/model.js';
import type { MemberDeps } from './service.js';
import { inviteKey } from './rows.js';
import type { MemberRow, MembershipKind, Parent } from './kinds.js';
import { INVITABLE, invitationMail, type InvitableEntity, type InvitationState } from './invitable.js';

type Row = MemberRow;
type AnyKind = MembershipKind<any, any>;

/** PARITY: CHOICE. A renewed invitation (state `pending` from the inviter) is valid 30 days again. */
export const INVITE_RENEWAL_MS = 30 * 24 * 3600 * 1000;

export interface Located {
  entity: InvitableEntity;
  parent: Parent;
  name: string;
  row: Row;
}

export function stateOf(row: Row, now: number): InvitationState {
  if (row.status === 'active') return 'accepted';
  if (row.invite?.declined) return 'declined';
  if (row.invite && row.invite.expires <= now) return 'expired';
  return 'pending';
}

export class InvitationService {
  constructor(private readonly d: MemberDeps) {}

  /**
   * The invitation as either side reads it: the address invited and what the invitation grants,
   * never anything about an account holding that address (PARITY: CHOICE, fields not in the sources).
   */
  json(found: Located): Record<string, unknown> {
    const { row, entity, name } = found;
    const inviter = row.invitedBy ? this.d.db.users.get(row.invitedBy) : undefined;
    const invitee = row.userId ? this.d.db.users.get(row.userId) : undefined;
    return {
      id: row.invite?.id ?? null,
      state: stateOf(row, this.d.now()),
      entity_type: entity.type,
      entity_id: found.parent.id,
      entity_name: name,
      org_id: found.parent.orgId,
      permissions: row.role,
      email_address: row.inviteEmail ?? invitee?.email ?? null,
      inviter: inviter ? { id: inviter.id, first_name: inviter.firstName, last_name: inviter.lastName } : null,
      created: formatTime(row.invite?.created ?? row.created),
      expires: formatTime(row.invite?.expires ?? null),
      declined: formatTime(row.invite?.declined ?? null),
      updated: formatTime(row.updated),
    };
  }

  /** An open invitation row (pending, declined or expired) of an entity, by its id; 404 otherwise. */
  onEntity(entity: InvitableEntity, parent: Parent, invitationId: string): Located {
    const row = (entity.kind as AnyKind).table(this.d.db).get(inviteKey(parent.id, invitationId)) as Row | undefined;
    if (!row || row.status !== 'pending') throw Errors.notFound('invitation');
    return { entity, parent, name: entity.name(this.d.db, parent.id) ?? '', row };
  }

  /** Every invitation row of every entity that still exists. */
  private all(): Located[] {
    const out: Located[] = [];
    for (const entity of INVITABLE) {
      for (const row of (entity.kind as AnyKind).table(this.d.db).toArray() as Row[]) {
        if (row.status !== 'pending' || !row.invite) continue;
        const parent = entity.kind.parentOfRow(row);
        const name = entity.name(this.d.db, parent.id);
        if (name !== undefined) out.push({ entity, parent, name, row });
      }
    }
    return out;
  }

  /** An invitation by its id (the key), across entities. */
  byKey(key: string): Located | undefined {
    return this.all().find((f) => f.row.invite!.id === key);
  }

  private isAddressee(user: User, row: Row): boolean {
    return user.emailVerified && row.status === 'pending' && row.inviteEmail === user.emailKey;
  }

  /** Does the user have any role in the entity (a membership, or one carried from the org or workspace)? */
  hasStanding(entity: InvitableEntity, parent: Parent, userId: string): boolean {
    const kind = entity.kind as AnyKind;
    const own = kind.table(this.d.db).get(kind.key(parent.id, userId)) as Row | undefined;
    if (own && own.status === 'active') return true;
    if (entity.type === 'org') return false;
    const wsId = entity.type === 'workspace' ? parent.id : parent.workspaceId!;
    const ws = this.d.db.workspaces.get(wsId);
    return ws ? this.d.access.workspaceRoleOf(ws, userId) !== undefined : false;
  }

  /** May this user answer (accept, decline) the invitation? `keyed`: they presented its key. */
  mayAnswer(user: User, found: Located, keyed: boolean): boolean {
    if (this.isAddressee(user, found.row)) return true;
    return keyed && !this.hasStanding(found.entity, found.parent, user.id);
  }

  /** The open (pending, unexpired) invitations a user may answer: to their verified address, plus the keyed one. */
  mine(user: User, key?: string): Located[] {
    const now = this.d.now();
    const open = this.all().filter((f) => stateOf(f.row, now) === 'pending');
    const out = open.filter((f) => this.isAddressee(user, f.row));
    if (key) {
      const keyed = open.find((f) => f.row.invite!.id === key);
      if (keyed && !out.includes(keyed) && this.mayAnswer(user, keyed, true)) out.push(keyed);
    }
    return out.sort((a, b) => a.row.created - b.row.created || (a.row.id < b.row.id ? -1 : 1));
  }

  /** One invitation the user may read: addressed to them (any state), or named by its key while open. */
  details(user: User, id: string): Located {
    const found = this.byKey(id);
    if (!found) throw Errors.notFound('invitation');
    if (this.isAddressee(user, found.row)) return found;
    if (stateOf(found.row, this.d.now()) === 'pending' && this.mayAnswer(user, found, true)) return found;
    throw Errors.notFound('invitation');
  }

  /** The invitee accepts: the pending row becomes an active membership with the invited role. */
  accept(user: User, found: Located): Row {
    const { entity, parent, row } = found;
    const kind = entity.kind as AnyKind;
    const state = stateOf(row, this.d.now());
    assert(state !== 'expired', () => Errors.invalidField('invitation_id', 'This invitation has expired; ask for a new one.'));
    assert(state !== 'declined', () => Errors.invalidField('invitation_id', 'This invitation was declined; ask for a new one.'));
    const table = kind.table(this.d.db);
    assert(!table.has(kind.key(parent.id, user.id)), () => Errors.conflict(kind.text.alreadyMember));
    table.delete(row.id);
    const invite: Invite = { id: row.invite!.id, created: row.invite!.created, expires: row.invite!.expires };
    const active = table.insert({
      ...kind.row(parent, { userId: user.id, role: row.role, invite, invitedBy: row.invitedBy, now: this.d.now() }),
      created: row.created,
    }) as Row;
    this.d.audit.record(AuditEvents.invitationAccepted(user, row.invite, active));
    return active;
  }

  /** The invitee declines: the row stays (state `declined`) for the inviter to see, renew or delete. */
  decline(user: User, found: Located): Row {
    const { entity, row } = found;
    assert(!row.invite?.declined, () => Errors.conflict('This invitation is already declined.'));
    const now = this.d.now();
    const updated = (entity.kind as AnyKind).table(this.d.db).update(row.id, { invite: { ...row.invite!, declined: now }, updated: now }) as Row;
    this.d.audit.record(AuditEvents.invitationDeclined(user, updated));
    return updated;
  }

  /**
   * Accept every open invitation the user may answer. One to an entity they already belong to is
   * consumed (removed) instead. Answers what each accepted invitation became.
   */
  acceptAll(user: User, key?: string): Located[] {
    const accepted: Located[] = [];
    for (const found of this.mine(user, key)) {
      const kind = found.entity.kind as AnyKind;
      if (kind.table(this.d.db).has(kind.key(found.parent.id, user.id))) {
        kind.table(this.d.db).delete(found.row.id);
        this.d.audit.record(kind.events.removed(found.row, user.id, { consumed: true }));
        continue;
      }
      accepted.push({ ...found, row: this.accept(user, found) });
    }
    return accepted;
  }

  /**
   * The inviter's update: `permissions` (within their own rank), `expires`, `state: pending`
   * (renews a declined or expired invitation and mails it again). The inviter cannot accept or
   * decline for the invitee (403).
   */
  update(
    caller: User,
    callerRank: number,
    found: Located,
    body: { state?: string; permissions?: string; expires?: string | null; notify_options?: string },
  ): Row {
    const { entity, row } = found;
    const kind = entity.kind as AnyKind;
    assert(body.state === undefined || body.state === 'pending', () =>
      Errors.accessDenied('Only the invitee accepts or declines an invitation; the inviter may renew it (state pending).'),
    );
    assert(kind.rank(row.role) <= callerRank, () => Errors.accessDenied('Your role cannot change this invitation.'));
    const fields: string[] = [];
    const now = this.d.now();
    let role = row.role;
    let invite: Invite = { ...row.invite! };
    if (body.permissions !== undefined) {
      assert(entity.roles.includes(body.permissions), () => Errors.invalidField('permissions', `Expected one of ${entity.roles.join(', ')}.`));
      assert(kind.rank(body.permissions) <= callerRank, () => Errors.accessDenied(`Your role cannot grant the ${body.permissions} role.`));
      role = body.permissions as Row['role'];
      fields.push('permissions');
    }
    if (body.expires !== undefined) {
      invite.expires = body.expires === null || body.expires === '' ? now + INVITE_RENEWAL_MS : parseExpires(body.expires, now);
      fields.push('expires');
    }
    if (body.state === 'pending') {
      invite = { ...invite, declined: null, expires: body.expires ? invite.expires : Math.max(invite.expires, now + INVITE_RENEWAL_MS) };
      fields.push('state');
    }
    // PARITY: CHOICE. `notify_options` is accepted and has no effect (the emulator sends no notices).
    if (body.notify_options !== undefined) fields.push('notify_options');
    const updated = kind.table(this.d.db).update(row.id, { role, invite, updated: now }) as Row;
    if (role !== row.role) this.d.audit.record(AuditEvents.membershipUpdated(updated, caller.id, row.role, role));
    this.d.audit.record(AuditEvents.invitationUpdated(updated, caller.id, fields));
    if (body.state === 'pending' && updated.inviteEmail) this.d.mailer.send(invitationMail(caller, entity, found.parent, found.name, updated));
    return updated;
  }

  /** Delete an invitation: the inviter (`managerRank`, within their rank) cancels it, or the invitee (null) discards it. */
  remove(caller: User, managerRank: number | null, found: Located): void {
    const kind = found.entity.kind as AnyKind;
    if (managerRank !== null) assert(kind.rank(found.row.role) <= managerRank, () => Errors.accessDenied('Your role cannot remove this invitation.'));
    kind.table(this.d.db).delete(found.row.id);
    this.d.audit.record(kind.events.removed(found.row, caller.id, managerRank === null ? { by_invitee: true } : undefined));
  }

  /** The entity's open invitations (pending, declined, expired), optionally of one state. */
  ofEntity(entity: InvitableEntity, parent: Parent, state?: InvitationState): Located[] {
    const rows = (entity.kind as AnyKind).table(this.d.db).find(entity.kind.parentIndex, parent.id) as Row[];
    const now = this.d.now();
    const name = entity.name(this.d.db, parent.id) ?? '';
    return rows
      .filter((r) => r.status === 'pending' && r.invite && (state === undefined || stateOf(r, now) === state))
      .map((row) => ({ entity, parent, name, row }));
  }
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), in the future. */
function parseExpires(text: string, now: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  const at = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  assert(Number.isFinite(at), () => Errors.invalidField('expires', 'Expected a date and time as YYYY-MM-DD HH:MM:SS.'));
  assert(at > now, () => Errors.invalidField('expires', 'The expiry must be in the future.'));
  return at;
}
