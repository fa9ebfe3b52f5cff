/**
 * V2: an entity's invitations in one state, `GET /{type}/{id}/members/invitations/list/{state}/`.
 * PARITY: official client 96b1551 src/api/invitation.rs list_invitations and src/api/org.rs
 * list_invitations put the optional state in the path (`org invitations list --state`, `share
 * invitation list --state`); the route catalogue does not list the form (it lists the path
 * without a state), the client calls it, so it is served. The 41dde01 client has no state: V2 only.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { lazy, paginate, paginationQuery } from '../http/schema.js';
import type { InvitableEntity, InvitationState } from './invitable.js';
import { entry } from './invitation-routes.js';

/**
 * CHOICE: the states the client's update documents (pending, accepted, declined) plus `expired`,
 * which the unfiltered list shows. An accepted invitation has become a membership (the members
 * list shows it), so `accepted` answers an empty list; any other word is 400/1605 naming `state`.
 */
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'expired'] as const satisfies readonly InvitationState[];

export function invitationStateRoute(entity: InvitableEntity) {
  const idParam = `${entity.type}_id`;
  const params = lazy(() => z.object({ [idParam]: z.string().min(1).max(100), state: z.enum(INVITATION_STATES) }));
  const query = lazy(() => z.object({ ...paginationQuery }));
  return defineRoute({
    method: 'GET',
    path: `/current/${entity.type}/:${idParam}/members/invitations/list/:state/`,
    area: 'members',
    summary: `A ${entity.type}'s invitations in one state (pending, declined, expired; accepted ones are memberships)`,
    params,
    query,
    dialects: ['v2'],
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/invitation.rs list_invitations, src/api/org.rs list_invitations (state in the path)',
      choices: [
        'the entries and the permission of the unfiltered list (GET .../members/invitations/list/), only those whose state is the one named',
        'states pending, accepted, declined, expired; accepted answers an empty list (an accepted invitation is a membership); any other state 400/1605',
        'not in the route catalogue (it lists the path without a state); served because the V2 client calls it',
      ],
    },
    handler: (ctx, { params: p, query: q }, emu) => {
      const parent = entity.listParent(emu, { user: callerOf(ctx).user }, String(p[idParam]));
      const state = p.state as InvitationState;
      const { page, pagination } = paginate(emu.members.invitations.ofEntity(entity, parent, state), q.limit, q.offset);
      return { invitations: page.map((f) => entry(emu, f)), pagination };
    },
  });
}
