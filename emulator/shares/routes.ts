/**
 * Share routes (issue 17, item 1). Share routes carry no pipeline `access` (the pipeline knows
 * orgs and workspaces); each handler resolves its share first through `emu.shares.access.scope`,
 * the one entry that decides share access (shares/access.ts), before it reads or writes anything.
 */
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { SHARE_ACCESS_CHOICES } from './access.js';
import { shareJson, shareListJson, sharePublicJson } from './format.js';
import { shareCreateBody, shareCreateBodyV2, shareDeleteBody, shareListQuery, shareNameParams, shareParams, shareUpdateBody, LINK_ACCESS } from './schema.js';
import { SHARE_CHOICES, sharePasswordHash, type ShareCreateFields } from './service.js';
import type { Emulator } from '../emulator.js';
import type { RequestContext } from '../http/context.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { shareVisitorRoutes } from './visitor-routes.js';
import { listedWithin } from '../users/oauth-scopes.js';
import type { Share } from '../store/share-model.js';
import { fileshareRoutes } from './fileshare-routes.js';
import { filesharePreviewRoutes } from './fileshare-preview-routes.js';
import { quickshareRoutes } from './quickshare-routes.js';

const SOURCE = 'official client src/api/share.rs (96b1551, 41dde01); agent guide v1.29 "Shares"';
const CHOICES = [...SHARE_CHOICES, ...SHARE_ACCESS_CHOICES];

/** A scoped credential lists only the shares its grants reach (users/oauth-scopes.ts listedWithin). */
function within<T extends { share: Share }>(ctx: RequestContext, items: T[]): T[] {
  const see = listedWithin(callerOf(ctx));
  return items.filter(({ share }) => see({ orgId: share.orgId, workspaceId: share.workspaceId, shareId: share.id }));
}

/**
 * Create, with the password hashed off the event loop first; the workspace is resolved again
 * after that wait, so a workspace deleted meanwhile gets no share.
 */
async function createShare(ctx: RequestContext, emu: Emulator, scope: WorkspaceScope, body: ShareCreateFields) {
  const passwordHash = await sharePasswordHash(body.password);
  const caller = callerOf(ctx);
  const fresh = passwordHash === undefined ? scope : emu.access.workspace(caller, scope.workspace.id, 'workspace.storage.write');
  return { share: shareJson(emu.shares.create(caller.user, fresh, body, passwordHash), 'owner') };
}

export const shareRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/create/share/',
    dialects: ['2026-04'],
    area: 'shares',
    summary: 'Create a share (send, receive, exchange) in a workspace',
    params: workspaceParams,
    body: shareCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: [...CHOICES, 'April: intelligence optional, default false'] },
    handler: async (ctx, { body, scope }, emu) => createShare(ctx, emu, scope, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/create/share/',
    dialects: ['v2'],
    area: 'shares',
    summary: 'Create a share; title and intelligence required, share_type defaults to exchange',
    params: workspaceParams,
    body: shareCreateBodyV2,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: '96b1551 src/api/share.rs create_share ("intelligence is Assert\\Required")', choices: CHOICES },
    handler: async (ctx, { body, scope }, emu) => createShare(ctx, emu, scope, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/details/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: "Share details, with the caller's share role as `permissions` (a share token from auth/password or auth/guest reads it as a guest)",
    params: shareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const scope = emu.shares.access.scopeOf(ctx, params.share_id, 'share.details');
      return { share: shareJson(scope.share, scope.role) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/public/details/',
    area: 'shares',
    auth: 'bearer-optional',
    summary: 'What a visitor may see of a share before joining it: anyone, for a share open to the link or to registered accounts; its members, for the others',
    params: shareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const found = emu.shares.access.find(params.share_id);
      if (!found) throw Errors.notFound('share');
      const open = found.share.accessOptions === LINK_ACCESS || found.share.accessOptions === 'Anyone with a registered account';
      const member = ctx.caller !== undefined && emu.shares.access.memberRole(found.share, found.workspace, ctx.caller.user.id) !== undefined;
      if (!(open || member) || found.share.archived || emu.shares.access.expired(found.share)) throw Errors.notShared();
      return { share: sharePublicJson(found.share) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/update/',
    area: 'shares',
    summary: 'Update share settings (only the fields sent; `null` clears clearable ones)',
    params: shareParams,
    body: shareUpdateBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: async (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const passwordHash = await sharePasswordHash(body.password);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.update');
      return { share: shareJson(emu.shares.update(caller.user, scope, body, passwordHash), scope.role) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/share/:share_id/delete/',
    area: 'shares',
    summary: 'Delete a share (confirm = custom_name or id)',
    params: shareParams,
    body: shareDeleteBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      emu.shares.delete(caller.user, emu.shares.access.scope(caller, params.share_id, 'share.delete'), body.confirm);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/archive/',
    area: 'shares',
    summary: 'Archive a share (members below admin lose access until it is unarchived)',
    params: shareParams,
    parity: { status: 'implemented', source: SOURCE, choices: [...CHOICES, 'archiving an archived share answers 409/1660'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.archive');
      return { share: shareJson(emu.shares.setArchived(caller.user, scope, true), scope.role) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/unarchive/',
    area: 'shares',
    summary: 'Unarchive a share',
    params: shareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.shares.access.scope(caller, params.share_id, 'share.archive');
      return { share: shareJson(emu.shares.setArchived(caller.user, scope, false), scope.role) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/list/shares/',
    area: 'shares',
    summary: "A workspace's shares the caller has a role in",
    params: workspaceParams,
    query: shareListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity: { status: 'implemented', source: 'agent guide v1.29 "Pagination" (collection key `shares`); src/api/workspace.rs', choices: CHOICES },
    handler: (ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.shares.ofWorkspace(callerOf(ctx).user, scope.workspace), query.limit, query.offset);
      return shareListJson(page, pagination);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/shares/all/',
    area: 'shares',
    summary: 'Every share the caller is a member of or reaches through its workspaces',
    query: shareListQuery,
    parity: { status: 'implemented', source: 'agent guide v1.29 "Pagination"; src/api/share.rs list_shares', choices: CHOICES },
    handler: (ctx, { query }, emu) => {
      const { page, pagination } = paginate(within(ctx, emu.shares.allOf(callerOf(ctx).user)), query.limit, query.offset);
      return shareListJson(page, pagination);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/shares/available/',
    area: 'shares',
    summary: "Shares of the caller's orgs open to org members, that the caller has no role in yet",
    query: shareListQuery,
    parity: { status: 'implemented', source: 'src/api/share.rs available_shares', choices: CHOICES },
    handler: (ctx, { query }, emu) => {
      const { page, pagination } = paginate(within(ctx, emu.shares.available(callerOf(ctx).user)), query.limit, query.offset);
      return shareListJson(page, pagination);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/user/me/list/shares/',
    dialects: ['2026-04'],
    area: 'shares',
    summary: 'The shares the caller is a member of',
    query: shareListQuery,
    parity: { status: 'implemented', source: 'agent guide v1.29 "Pagination" (collection key `shares`)', choices: CHOICES },
    handler: (ctx, { query }, emu) => {
      const { page, pagination } = paginate(within(ctx, emu.shares.memberships(callerOf(ctx).user)), query.limit, query.offset);
      return shareListJson(page, pagination);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/shares/check/name/:name/',
    area: 'shares',
    summary: 'Is a share custom name available?',
    params: shareNameParams,
    parity: {
      status: 'implemented',
      source: 'src/api/share.rs check_share_name',
      choices: ['answers `available` and, when false, `reason` (invalid, taken), like the org domain check'],
    },
    handler: (_ctx, { params }, emu) => emu.shares.checkName(params.name),
  }),
  ...shareVisitorRoutes,
  ...fileshareRoutes,
  ...filesharePreviewRoutes,
  ...quickshareRoutes,
];

/** Share storage and the share import (share-storage-area.ts), mounted beside the routes above. */
export { shareStorageAreaRoutes } from './share-storage-area.js';
