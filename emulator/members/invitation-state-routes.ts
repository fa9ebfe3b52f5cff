/**
 * An entity's invitations in one state, `GET /{type}/{id}/members/invitations/list/{state}/`.
 * PARITY: official client src/api/invitation.rs list_invitations and src/api/org.rs
 * list_invitations, at 96b1551 and 41dde01 alike, put the optional state in the path (`org
 * invitations list --state`, `share invitation list --state`). The route catalogue missed the form
 * (the doc comments name the path without it); scripts/catalogue/refresh.ts now reads the optional
 * tail (`list/[{state}/]`, and a literal one parameter longer guarded by `if let Some`), so both
 * dialects document it.
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
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 and 41dde01 src/api/invitation.rs list_invitations, src/api/org.rs list_invitations (state in the path)',
      choices: [
        'the entries and the permission of the unfiltered list (GET .../members/invitations/list/), only those whose state is the one named',
        'states pending, accepted, declined, expired; accepted answers an empty list (an accepted invitation is a membership); any other state 400/1605',
        'both dialects: the client builds the path at 41dde01 as at 96b1551',
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
