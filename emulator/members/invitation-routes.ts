/**
 * Invitation routes, both sides: the invitee's (`/user/invitations/...`, `/user/invitation/{id}/`)
 * and the entity's (`/{type}/{id}/members/invitation[s]/...`), made once per invitable entity
 * (invitable.ts: org, workspace, share). Sources: official client src/api/invitation.rs,
 * src/api/user.rs, src/api/org.rs and the `invitation` commands (96b1551, 41dde01).
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy, paginate, paginationQuery } from '../http/schema.js';
import type { Emulator } from '../emulator.js';
import type { User } from '../store/model.js';
import { renderMember } from './format.js';
import { ORG_INVITABLE, SHARE_INVITABLE, WORKSPACE_INVITABLE, type InvitableEntity } from './invitable.js';
import { stateOf, type Located } from './invitations.js';
import { invitationStateRoute } from './invitation-state-routes.js';

const SOURCE_USER =
  'official client src/api/user.rs list_invitations, get_invitation_details, accept_all_invitations; src/api/invitation.rs (96b1551, 41dde01)';
const SOURCE_ENTITY = 'official client src/api/invitation.rs list_invitations, update_invitation, delete_invitation; src/api/org.rs (96b1551, 41dde01)';
const WHO = [
  'the invitee is the owner of the verified invited address, or the holder of the key (the invitation id) where a route takes one; nobody with a role in the entity is taken for the key holder',
  'an address is always invited (never added at once), whether or not an account holds it, and answered alike',
];
const USER_SHAPE =
  'user-side invitation fields: id, state, entity_type, entity_id, entity_name, org_id, permissions, email_address, inviter {id, first_name, last_name}, created, expires, declined, updated';
const ENTITY_SHAPE = 'entity-side entries are shaped like pending members (status, invite {id, created, expires}) plus `state` (pending, declined, expired)';

const key = () => z.string().trim().min(1).max(64);
const userListQuery = lazy(() => z.object({ ...paginationQuery, invitation_key: key().optional() }));
const acceptAllBody = lazy(() => z.object({ invitation_key: key().optional() }));
const detailsParams = lazy(() => z.object({ invitation_id: key() }));
const updateBody = lazy(() =>
  z.object({
    state: z.enum(['pending', 'accepted', 'declined']).optional(),
    permissions: z.string().trim().min(1).max(20).optional(),
    notify_options: z.string().max(100).optional(),
    expires: z.string().max(40).nullable().optional(),
  }),
);

export const userInvitationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/user/invitations/list/',
    area: 'members',
    summary: "The caller's open invitations (to their verified address, plus the one `invitation_key` names)",
    query: userListQuery,
    parity: {
      status: 'implemented',
      source: SOURCE_USER,
      choices: [...WHO, USER_SHAPE, 'declined and expired invitations are left out; list key `invitations`'],
    },
    handler: (ctx, { query }, emu) => {
      const { page, pagination } = paginate(emu.members.invitations.mine(callerOf(ctx).user, query.invitation_key), query.limit, query.offset);
      return { invitations: page.map((f) => emu.members.invitations.json(f)), pagination };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/user/invitation/:invitation_id/details/',
    area: 'members',
    summary: 'One invitation: addressed to the caller (any state), or named by its key while open',
    params: detailsParams,
    parity: { status: 'implemented', source: SOURCE_USER, choices: [...WHO, USER_SHAPE, "anyone else's invitation answers 404/1609"] },
    handler: (ctx, { params }, emu) => ({
      invitation: emu.members.invitations.json(emu.members.invitations.details(callerOf(ctx).user, params.invitation_id)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/user/invitations/acceptall/',
    area: 'members',
    summary: "Accept every open invitation of the caller's (and the one `invitation_key` names)",
    body: acceptAllBody,
    parity: {
      status: 'implemented',
      source: `${SOURCE_USER}; agent guide REFERENCE.md "Option 3: Agent Account Invited to a Human's Org"`,
      choices: [
        ...WHO,
        USER_SHAPE,
        'answers the accepted invitations (state accepted) under `invitations`',
        'one to an entity the caller already belongs to is consumed',
      ],
    },
    handler: (ctx, { body }, emu) => ({
      invitations: emu.members.invitations.acceptAll(callerOf(ctx).user, body.invitation_key).map((f) => emu.members.invitations.json(f)),
    }),
  }),
];

/** An entity-side entry: the pending member shape plus its state. */
export function entry(emu: Emulator, found: Located): Record<string, unknown> {
  return { ...renderMember(emu.db, found.row), state: stateOf(found.row, emu.clock.now()) };
}

/**
 * The invitation a route names and the caller's standing toward it: the inviter (with the rank to
 * manage the entity's members) or the invitee (`rank` null). A share invitation may be named by
 * the address it was sent to. Anyone else gets the refusal the manage check gives.
 */
function locate(emu: Emulator, entity: InvitableEntity, user: User, ref: string, invitationId: string): { found: Located; rank: number | null } {
  let managed: { rank: number } | undefined;
  let refusal: unknown;
  try {
    managed = entity.manageRank(emu, { user }, ref);
  } catch (err) {
    refusal = err;
  }
  const parent = entity.find(emu, ref, user.id);
  let found: Located | undefined;
  if (parent) {
    const address = invitationId.includes('@') ? invitationId.trim().toLowerCase() : undefined;
    const byAddress = address ? emu.members.invitations.ofEntity(entity, parent).find((f) => f.row.inviteEmail === address) : undefined;
    try {
      found = byAddress ?? emu.members.invitations.onEntity(entity, parent, invitationId);
    } catch {
      found = undefined;
    }
  }
  if (managed) {
    if (!found) throw Errors.notFound('invitation');
    return { found, rank: managed.rank };
  }
  if (found && emu.members.invitations.mayAnswer(user, found, false)) return { found, rank: null };
  throw refusal;
}

/** The entity's invitation routes (list, update, delete). */
export function entityInvitationRoutes(entity: InvitableEntity) {
  const idParam = `${entity.type}_id`;
  const base = `/current/${entity.type}/:${idParam}/members`;
  const entityParams = lazy(() => z.object({ [idParam]: z.string().min(1).max(100) }));
  const invitationParams = lazy(() => z.object({ [idParam]: z.string().min(1).max(100), invitation_id: z.string().trim().min(1).max(320) }));
  const listQuery = lazy(() => z.object({ ...paginationQuery }));
  const refOf = (params: Record<string, unknown>) => String(params[idParam]);
  return [
    defineRoute({
      method: 'GET',
      path: `${base}/invitations/list/`,
      area: 'members',
      summary: `Open invitations of a ${entity.type} (pending, declined by the invitee, expired)`,
      params: entityParams,
      query: listQuery,
      parity: {
        status: 'implemented',
        source: SOURCE_ENTITY,
        choices: [ENTITY_SHAPE, 'list key `invitations`', entity.type === 'share' ? 'share admins and the owner only' : 'whoever may list the members'],
      },
      handler: (ctx, { params, query }, emu) => {
        const parent = entity.listParent(emu, { user: callerOf(ctx).user }, refOf(params));
        const { page, pagination } = paginate(emu.members.invitations.ofEntity(entity, parent), query.limit, query.offset);
        return { invitations: page.map((f) => entry(emu, f)), pagination };
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${base}/invitation/:invitation_id/`,
      area: 'members',
      summary: `Update a ${entity.type} invitation: the inviter its permissions, expiry or renewal; the invitee accepts or declines it`,
      params: invitationParams,
      body: updateBody,
      parity: {
        status: 'implemented',
        source: SOURCE_ENTITY,
        choices: [
          ...WHO,
          ENTITY_SHAPE,
          'the inviter: `permissions` within their rank, `expires`, `state=pending` renews (30 days) and mails it again, `state=declined` withdraws it (answers `{invitation: null}`), `state=accepted` is 400/1605',
          'the invitee: `state=accepted` makes the membership, `state=declined` keeps the row as declined for the inviter; any other field is 403/1680',
          '`notify_options` is accepted and has no effect; the invitation may be named by its id or its address',
        ],
      },
      handler: (ctx, { params, body }, emu) => {
        const user = callerOf(ctx).user;
        const { found, rank } = locate(emu, entity, user, refOf(params), String(params.invitation_id));
        const inv = emu.members.invitations;
        if (rank === null) {
          const extra = body.permissions !== undefined || body.expires !== undefined || body.notify_options !== undefined;
          if (extra || (body.state !== 'accepted' && body.state !== 'declined'))
            throw Errors.accessDenied('An invitee may only accept or decline an invitation.');
          const row = body.state === 'accepted' ? inv.accept(user, found) : inv.decline(user, found);
          return { invitation: entry(emu, { ...found, row }) };
        }
        if (body.state === 'accepted') throw Errors.invalidField('state', 'Only the invitee accepts an invitation.');
        if (body.state === 'declined') {
          inv.remove(user, rank, found);
          return { invitation: null };
        }
        return { invitation: entry(emu, { ...found, row: inv.update(user, rank, found, body) }) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${base}/invitation/:invitation_id/`,
      area: 'members',
      summary: `Delete a ${entity.type} invitation (the inviter cancels it, or the invitee discards it)`,
      params: invitationParams,
      parity: {
        status: 'implemented',
        source: `${SOURCE_ENTITY}; agent guide REFERENCE.md "Pagination" ("To cancel a pending invitation, use DELETE ... with the invite.id")`,
        choices: [...WHO, 'the invitee may delete an invitation addressed to them', 'the invitation may be named by its id or its address'],
      },
      handler: (ctx, { params }, emu) => {
        const user = callerOf(ctx).user;
        const { found, rank } = locate(emu, entity, user, refOf(params), String(params.invitation_id));
        emu.members.invitations.remove(user, rank, found);
      },
    }),
  ];
}

export const invitationRoutes = [
  ...userInvitationRoutes,
  ...entityInvitationRoutes(ORG_INVITABLE),
  ...entityInvitationRoutes(WORKSPACE_INVITABLE),
  ...entityInvitationRoutes(SHARE_INVITABLE),
  ...[ORG_INVITABLE, WORKSPACE_INVITABLE, SHARE_INVITABLE].map(invitationStateRoute),
];
