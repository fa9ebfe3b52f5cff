/**
 * The asset routes (HTTP only; rules in service.ts, who reaches what in places.ts). PARITY:
 * official client 96b1551 and 41dde01 src/api/asset.rs (types, list, delete for every entity
 * type), src/api/user.rs (user upload as multipart with a `file` part, read of the bytes),
 * src/api/org.rs (org types, list, delete), commands/asset.rs and commands/user.rs; agent guide
 * (subcategory `assets`, `user_asset_updated`). Both dialects: the two clients agree on every route.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { ASSET_CHOICES } from './catalogue.js';
import { deleteAnswer, listAnswer, readAnswer, typesAnswer, uploadAnswer } from './handlers.js';
import { orgPlace, workspacePlace } from './places.js';
import { orgAssetParams, orgAssetsParams, workspaceAssetParams, workspaceAssetsParams } from './schema.js';
import { shareUserAssetRoutes } from './share-user-routes.js';

export const SOURCE = 'official client 96b1551 / 41dde01 src/api/asset.rs, user.rs, org.rs; commands/asset.rs, commands/user.rs';
export const parity = { status: 'implemented', source: SOURCE, choices: ASSET_CHOICES } as const;
/** The uploads and reads of orgs, workspaces and shares are served beyond the catalogue (see ASSET_CHOICES). */
export const BEYOND = { emulatorOnly: true } as const;

export const typeRoutes = (['user', 'org', 'workspace', 'share'] as const).map((entityType) =>
  defineRoute({
    method: 'GET',
    path: `/current/${entityType}/assets/`,
    area: 'assets',
    summary: `The asset types a ${entityType} takes, with the images each accepts`,
    parity,
    handler: () => typesAnswer(entityType),
  }),
);

export const orgWorkspaceAssetRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/assets/',
    area: 'assets',
    summary: "An org's assets (members)",
    params: orgAssetsParams,
    access: { org: 'org_id', action: 'org.details' },
    parity,
    handler: (_ctx, { scope }, emu) => listAnswer(emu, orgPlace(scope, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/assets/:asset_name/',
    area: 'assets',
    ...BEYOND,
    summary: "Upload or replace an org's asset (multipart part `file`; owners and admins)",
    params: orgAssetParams,
    access: { org: 'org_id', action: 'org.update' },
    files: true,
    parity,
    handler: (ctx, { params, scope, files }, emu) => uploadAnswer(emu, orgPlace(scope, 'write'), params.asset_name, files, callerOf(ctx).user.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/assets/:asset_name/read/',
    area: 'assets',
    ...BEYOND,
    summary: "The bytes of an org's asset (members)",
    params: orgAssetParams,
    access: { org: 'org_id', action: 'org.details' },
    parity,
    handler: (_ctx, { params, scope }, emu) => readAnswer(emu, orgPlace(scope, 'read'), params.asset_name),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/assets/:asset_name/',
    area: 'assets',
    summary: "Delete an org's asset (owners and admins)",
    params: orgAssetParams,
    access: { org: 'org_id', action: 'org.update' },
    parity,
    handler: (ctx, { params, scope }, emu) => deleteAnswer(emu, orgPlace(scope, 'write'), params.asset_name, callerOf(ctx).user.id),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/assets/',
    area: 'assets',
    summary: "A workspace's assets (every member, guests too)",
    params: workspaceAssetsParams,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity,
    handler: (_ctx, { scope }, emu) => listAnswer(emu, workspacePlace(scope, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/assets/:asset_name/',
    area: 'assets',
    ...BEYOND,
    summary: "Upload or replace a workspace's asset (multipart part `file`; owners and admins)",
    params: workspaceAssetParams,
    access: { workspace: 'workspace_id', action: 'workspace.update' },
    files: true,
    parity,
    handler: (ctx, { params, scope, files }, emu) => uploadAnswer(emu, workspacePlace(scope, 'write'), params.asset_name, files, callerOf(ctx).user.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/assets/:asset_name/read/',
    area: 'assets',
    ...BEYOND,
    summary: "The bytes of a workspace's asset (every member)",
    params: workspaceAssetParams,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity,
    handler: (_ctx, { params, scope }, emu) => readAnswer(emu, workspacePlace(scope, 'read'), params.asset_name),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/assets/:asset_name/',
    area: 'assets',
    summary: "Delete a workspace's asset (owners and admins)",
    params: workspaceAssetParams,
    access: { workspace: 'workspace_id', action: 'workspace.update' },
    parity,
    handler: (ctx, { params, scope }, emu) => deleteAnswer(emu, workspacePlace(scope, 'write'), params.asset_name, callerOf(ctx).user.id),
  }),
];

export const assetRoutes = [...typeRoutes, ...orgWorkspaceAssetRoutes, ...shareUserAssetRoutes];
