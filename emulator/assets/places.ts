/**
 * Whose assets a caller reaches, and whether to read or to write them. Orgs and workspaces are
 * resolved by the pipeline (the routes declare `access`), so their refusals are the tenancy
 * area's; shares through the shares area (ShareAccess.scope); users here.
 */
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import type { Emulator } from '../emulator.js';
import type { OrgScope, WorkspaceScope } from '../tenancy/access.js';
import { knownUserIds } from '../users/directory.js';
import { isScoped } from '../users/oauth-scopes.js';
import type { AssetPlace } from './service.js';

type Mode = AssetPlace['mode'];

export function orgPlace(scope: OrgScope, mode: Mode): AssetPlace {
  return { entityType: 'org', entityId: scope.org.id, orgId: scope.org.id, workspaceId: null, shareId: null, mode };
}

export function workspacePlace(scope: WorkspaceScope, mode: Mode): AssetPlace {
  return { entityType: 'workspace', entityId: scope.workspace.id, orgId: scope.org.id, workspaceId: scope.workspace.id, shareId: null, mode };
}

/** CHOICE: a share's assets are read with `share.details` (view and up) and written with `share.update` (share admins). */
export function sharePlace(emu: Emulator, caller: Caller, shareId: string, mode: Mode): AssetPlace {
  const scope = emu.shares.access.scope(caller, shareId, mode === 'read' ? 'share.details' : 'share.update');
  return { entityType: 'share', entityId: scope.share.id, orgId: scope.org.id, workspaceId: scope.workspace.id, shareId: scope.share.id, mode };
}

/**
 * CHOICE: a user writes only their own assets (another user: 403/1680); users who share an org,
 * workspace or share with them read them (a profile picture is shown beside their name); to
 * anyone else the user is as good as absent (404/1609, as user details by id answers).
 */
export function userPlace(emu: Emulator, caller: Caller, userId: string, mode: Mode): AssetPlace {
  const user = emu.db.users.get(userId);
  const self = userId === caller.user.id;
  if (!user || user.closed || (!self && !knownUserIds(emu.db, caller.user.id).has(userId))) throw Errors.notFound('user');
  if (mode === 'write' && !self) throw Errors.accessDenied('You may change only your own assets.');
  // CHOICE: a scoped credential (grants over orgs, workspaces, shares) does not reach the user's own profile to change it.
  if (mode === 'write' && isScoped(caller)) throw Errors.accessDenied('A scoped token cannot change your profile assets. Use an unscoped sign-in.');
  return { entityType: 'user', entityId: user.id, orgId: null, workspaceId: null, shareId: null, mode };
}
