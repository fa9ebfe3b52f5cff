/**
 * Share members and invitations: the generic member routes with `share` as the entity type
 * (official client src/api/member.rs and src/api/invitation.rs with entity_type `share`,
 * src/api/share.rs add_share_member). Every route resolves its share through
 * `ShareAccess.scope`, so a caller outside the share gets 401/115069 and nothing of it.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { shareParams } from '../shares/schema.js';
import { listedMembers, renderMember } from './format.js';
import { memberListQuery, shareMemberAddBody, shareMemberParams, shareMemberUpdateBody } from './schema.js';

const SOURCE = 'official client src/api/member.rs and src/api/invitation.rs (entity_type share), src/api/share.rs add_share_member (96b1551, 41dde01)';
const ROLE_CHOICES = [
  'answers one member under `member`, shaped like workspace members',
  'share roles: owner, admin, member, guest, view; nobody grants, changes or removes a role above their own; the owner role moves only by transfer',
  'workspace owners and admins manage a share as its admins without a membership row; such roles are not listed as members',
  'notify_options, expires, force_notification, message and invitation_expires are accepted and not emulated',
];

const transferRoute = (method: 'GET' | 'POST', dialect: '2026-04' | 'v2') =>
  defineRoute({
    method,
    path: '/current/share/:share_id/member/:member/transfer_ownership/',
    dialects: [dialect],
    area: 'members',
    summary: 'The share owner hands it to another active member; the old owner stays as admin',
    params: shareMemberParams,
    parity: {
      status: 'implemented',
      source: `${SOURCE}; April calls it with ${method === 'GET' ? 'GET' : 'POST'}`,
      choices: ['only the owner (403/1680 below it); the previous owner stays as admin', 'records share_ownership_transferred'],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      emu.members.transferShareOwnership(caller.user, emu.shares.access.scope(caller, params.share_id, 'share.members.transfer'), params.member);
    },
  });

export const shareMemberRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/members/list/',
    area: 'members',
    summary: "A share's members (explicit memberships and pending invitations) with status",
    params: shareParams,
    query: memberListQuery,
    parity: { status: 'implemented', source: SOURCE, choices: [...ROLE_CHOICES, 'anyone with a share role may list (view)'] },
    handler: (ctx, { params, query }, emu) => {
      const scope = emu.shares.access.scope(callerOf(ctx), params.share_id, 'share.members.list');
      return listedMembers(emu.db, emu.members.shareMembers(scope.share.id), query);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/members/:member/',
    area: 'members',
    summary: 'Add a share member by user id, or invite an address (no account yet -> pending invitation)',
    params: shareMemberParams,
    body: shareMemberAddBody,
    parity: { status: 'implemented', source: SOURCE, choices: [...ROLE_CHOICES, 'share admins and the owner add members; records added_member_to_share'] },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.members.manage');
      return { member: renderMember(emu.db, emu.members.addShareMember(caller.user, scope, params.member, body.permissions ?? 'member')) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/share/:share_id/members/:member/',
    area: 'members',
    summary: 'Remove a share member (user id) or cancel a pending invitation (invite id)',
    params: shareMemberParams,
    parity: { status: 'implemented', source: SOURCE, choices: ['the owner cannot be removed (403/1680); records removed_member_from_share'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      emu.members.removeShareMember(caller.user, emu.shares.access.scope(caller, params.share_id, 'share.members.manage'), params.member);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/member/:member/details/',
    area: 'members',
    summary: 'One share member',
    params: shareMemberParams,
    parity: { status: 'implemented', source: SOURCE, choices: ROLE_CHOICES },
    handler: (ctx, { params }, emu) => {
      const scope = emu.shares.access.scope(callerOf(ctx), params.share_id, 'share.members.list');
      return { member: renderMember(emu.db, emu.members.shareMember(scope.share.id, params.member)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/member/:member/update/',
    area: 'members',
    summary: "Change a share member's permissions",
    params: shareMemberParams,
    body: shareMemberUpdateBody,
    parity: { status: 'implemented', source: SOURCE, choices: [...ROLE_CHOICES, 'without `permissions` the member is answered unchanged'] },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.members.manage');
      const row = body.permissions
        ? emu.members.updateShareMember(caller.user, scope, params.member, body.permissions)
        : emu.members.shareMember(scope.share.id, params.member);
      return { member: renderMember(emu.db, row) };
    },
  }),
  transferRoute('GET', '2026-04'),
  transferRoute('POST', 'v2'),
  defineRoute({
    method: 'DELETE',
    path: '/current/share/:share_id/member/',
    area: 'members',
    summary: 'Leave a share (an explicit member, not the owner)',
    params: shareParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['a role carried from the workspace is not a membership one can leave (400/1605); the owner cannot leave (403/1680)'],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      emu.members.leaveShare(caller.user, emu.shares.access.scope(caller, params.share_id, 'share.details'));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/members/join/',
    area: 'members',
    summary: 'Join a share its access options open to the caller (org members, registered accounts, the link)',
    params: shareParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'the caller joins with the role the access options give it (guest); someone already in the share through a membership or its workspace answers 409/1660',
        'a members-only share is 401/115069 to a stranger; records added_member_to_share',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.details');
      if (emu.shares.access.memberRole(scope.share, scope.workspace, caller.user.id)) throw Errors.conflict('You are already a member of this share.');
      return { member: renderMember(emu.db, emu.members.joinShare(caller.user, scope)) };
    },
  }),
  // The share's invitation routes (list, update, delete) are in invitation-routes.ts, made once for every invitable entity.
];
