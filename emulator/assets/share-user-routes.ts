/**
 * The asset routes of shares and users: their places are resolved in the handler (shares through
 * the shares area, users here), since neither is an org or workspace the pipeline's `access` names.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { ASSET_CHOICES } from './catalogue.js';
import { deleteAnswer, listAnswer, readAnswer, uploadAnswer } from './handlers.js';
import { sharePlace, userPlace } from './places.js';
import { shareAssetParams, shareAssetsParams, userAssetParams, userAssetsParams } from './schema.js';

const parity = {
  status: 'implemented',
  source: 'official client 96b1551 / 41dde01 src/api/asset.rs, user.rs (upload_user_asset, read_user_asset); commands/asset.rs, commands/user.rs',
  choices: ASSET_CHOICES,
} as const;

export const shareUserAssetRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/assets/',
    area: 'assets',
    summary: "A share's assets (view and up)",
    params: shareAssetsParams,
    parity,
    handler: (ctx, { params }, emu) => listAnswer(emu, sharePlace(emu, callerOf(ctx), params.share_id, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/assets/:asset_name/',
    area: 'assets',
    // Beyond the catalogue (ASSET_CHOICES): the client documents user uploads only.
    emulatorOnly: true,
    summary: "Upload or replace a share's asset (multipart part `file`; share admins)",
    params: shareAssetParams,
    files: true,
    parity,
    handler: (ctx, { params, files }, emu) =>
      uploadAnswer(emu, sharePlace(emu, callerOf(ctx), params.share_id, 'write'), params.asset_name, files, callerOf(ctx).user.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/share/:share_id/assets/:asset_name/read/',
    area: 'assets',
    emulatorOnly: true,
    summary: "The bytes of a share's asset (view and up)",
    params: shareAssetParams,
    parity,
    handler: (ctx, { params }, emu) => readAnswer(emu, sharePlace(emu, callerOf(ctx), params.share_id, 'read'), params.asset_name),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/share/:share_id/assets/:asset_name/',
    area: 'assets',
    summary: "Delete a share's asset (share admins)",
    params: shareAssetParams,
    parity,
    handler: (ctx, { params }, emu) => deleteAnswer(emu, sharePlace(emu, callerOf(ctx), params.share_id, 'write'), params.asset_name, callerOf(ctx).user.id),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/:user_id/assets/',
    area: 'assets',
    summary: "A user's assets (the user, and users who share an org, workspace or share with them)",
    params: userAssetsParams,
    parity,
    handler: (ctx, { params }, emu) => listAnswer(emu, userPlace(emu, callerOf(ctx), params.user_id, 'read')),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/user/:user_id/assets/:asset_name/',
    area: 'assets',
    summary: 'Upload or replace one of your own assets (multipart part `file`, as the client sends it)',
    params: userAssetParams,
    files: true,
    parity,
    handler: (ctx, { params, files }, emu) =>
      uploadAnswer(emu, userPlace(emu, callerOf(ctx), params.user_id, 'write'), params.asset_name, files, callerOf(ctx).user.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/user/:user_id/assets/:asset_name/read/',
    area: 'assets',
    summary: "The bytes of a user's asset",
    params: userAssetParams,
    parity,
    handler: (ctx, { params }, emu) => readAnswer(emu, userPlace(emu, callerOf(ctx), params.user_id, 'read'), params.asset_name),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/user/:user_id/assets/:asset_name/',
    area: 'assets',
    summary: 'Delete one of your own assets',
    params: userAssetParams,
    parity,
    handler: (ctx, { params }, emu) => deleteAnswer(emu, userPlace(emu, callerOf(ctx), params.user_id, 'write'), params.asset_name, callerOf(ctx).user.id),
  }),
];
