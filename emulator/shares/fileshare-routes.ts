/**
 * Fileshare routes (V2 only; issue 17 item 5): management by the workspace's members, and the
 * recipient routes (details, versions, reads) that may be anonymous per the access tier. Routes
 * carry no pipeline `access` past create and list: each resolves its fileshare first through
 * `emu.fileshares.access.manage` or `.consume` (shares/fileshare-access.ts).
 */
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { paginate } from '../http/schema.js';
import { RawResponse } from '../http/route.js';
import { workspaceParams } from '../workspaces/schema.js';
import type { Emulator } from '../emulator.js';
import type { RequestContext } from '../http/context.js';
import { FILESHARE_ACCESS_CHOICES, type FileshareScope } from './fileshare-access.js';
import { fileshareJson, grantJson, versionJson } from './fileshare-format.js';
import {
  fileshareCreateBody,
  fileshareListQuery,
  fileshareParams,
  fileshareUpdateBody,
  fileshareVersionParams,
  grantAddBody,
  grantRemoveQuery,
} from './fileshare-schema.js';
import { FILESHARE_CHOICES, filesharePasswordHash } from './fileshare-service.js';

const SOURCE = 'official client 96b1551 src/api/fileshare.rs, src/bin/fastio/commands/fileshare.rs';
const CHOICES = [...FILESHARE_CHOICES, ...FILESHARE_ACCESS_CHOICES];
const V2 = ['v2'] as const;

function json(emu: Emulator, scope: FileshareScope) {
  return fileshareJson(scope.fileshare, emu.db.nodes.get(scope.fileshare.nodeId), scope.capability);
}

/** The bytes of the bound file (a version of it), charged to the org as bandwidth. */
async function read(ctx: RequestContext, emu: Emulator, id: string, versionId: string | undefined) {
  const scope = await emu.fileshares.access.consume(ctx.caller, id, ctx.linkPassword, 'download');
  const ws = emu.fileshares.access.storageScope(scope);
  const { node, bytes } = emu.storage.download(scope.actingUser, ws, scope.fileshare.nodeId, versionId, ctx.method !== 'HEAD');
  return new RawResponse(bytes, node.mimetype ?? 'application/octet-stream', 200, {
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(node.name)}`,
    'content-length': String(bytes.length),
  });
}

export const fileshareRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/create/fileshare/',
    dialects: V2,
    area: 'shares',
    summary: 'Create a fileshare: a durable link to one file of the workspace',
    params: workspaceParams,
    body: fileshareCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: async (ctx, { body, scope }, emu) => {
      const passwordHash = await filesharePasswordHash(body.password);
      const caller = callerOf(ctx);
      // Resolved again after the wait: a workspace left or deleted meanwhile gets no fileshare.
      const fresh = passwordHash === undefined ? scope : emu.access.workspace(caller, scope.workspace.id, 'workspace.storage.write');
      const row = emu.fileshares.create(caller.user, fresh, body, passwordHash);
      return { fileshare: fileshareJson(row, emu.db.nodes.get(row.nodeId), 'edit') };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/list/fileshares/',
    dialects: V2,
    area: 'shares',
    summary: "A workspace's fileshares (its members)",
    params: workspaceParams,
    query: fileshareListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: [...CHOICES, 'workspace guests may not list fileshares (403/1680)'] },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.fileshares.ofWorkspace(scope, 'fileshare'), query.limit, query.offset);
      return { fileshares: page.map((f) => fileshareJson(f, emu.db.nodes.get(f.nodeId), 'edit')), pagination };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/details/',
    dialects: V2,
    area: 'shares',
    auth: 'bearer-optional',
    summary: "A fileshare's details with the caller's `effective_capability` (anonymous per the access tier; link password in `x-ve-password`)",
    params: fileshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: async (ctx, { params }, emu) => ({
      fileshare: json(emu, await emu.fileshares.access.consume(ctx.caller, params.fileshare_id, ctx.linkPassword, 'view')),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/current/fileshare/:fileshare_id/update/',
    dialects: V2,
    area: 'shares',
    summary: 'Update a fileshare: title, access tier, password (`""` clears), expiry (`expires_at=""` clears)',
    params: fileshareParams,
    body: fileshareUpdateBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: async (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const passwordHash = await filesharePasswordHash(body.password);
      const scope = emu.fileshares.access.manage(caller, params.fileshare_id);
      const row = emu.fileshares.update(caller.user, scope, body, passwordHash);
      return { fileshare: fileshareJson(row, emu.db.nodes.get(row.nodeId), 'edit') };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/fileshare/:fileshare_id/delete/',
    dialects: V2,
    area: 'shares',
    summary: 'Delete a fileshare (revokes the link and its grants; the file is untouched)',
    params: fileshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      emu.fileshares.delete(caller.user, emu.fileshares.access.manage(caller, params.fileshare_id));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/grants/',
    dialects: V2,
    area: 'shares',
    summary: "A fileshare's per-user grants",
    params: fileshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const scope = emu.fileshares.access.manage(callerOf(ctx), params.fileshare_id, 'workspace.storage.read');
      return { grants: scope.fileshare.grants.map(grantJson) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/fileshare/:fileshare_id/grants/',
    dialects: V2,
    area: 'shares',
    summary: 'Grant a user (by `user` id or `email`) a capability: view, download or edit',
    params: fileshareParams,
    body: grantAddBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const scope = emu.fileshares.access.manage(caller, params.fileshare_id);
      return { grant: grantJson(emu.fileshares.addGrant(caller.user, scope, body, body.capability)) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/fileshare/:fileshare_id/grants/',
    dialects: V2,
    area: 'shares',
    summary: 'Remove a grant (`user` or `email` in the query)',
    params: fileshareParams,
    query: grantRemoveQuery,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, query }, emu) => {
      const caller = callerOf(ctx);
      emu.fileshares.removeGrant(caller.user, emu.fileshares.access.manage(caller, params.fileshare_id), query);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/storage/read/',
    dialects: V2,
    area: 'shares',
    auth: 'bearer-optional',
    summary: "Download the bound file's current bytes (needs `download`; bandwidth charged to the org)",
    params: fileshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => read(ctx, emu, params.fileshare_id, undefined),
  }),
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/storage/versions/',
    dialects: V2,
    area: 'shares',
    auth: 'bearer-optional',
    summary: "The bound file's versions, the current one first (needs `view`)",
    params: fileshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: async (ctx, { params }, emu) => {
      const scope = await emu.fileshares.access.consume(ctx.caller, params.fileshare_id, ctx.linkPassword, 'view');
      return { versions: emu.storage.versionsOf(emu.fileshares.access.storageScope(scope), scope.fileshare.nodeId).map(versionJson) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/storage/versions/:version_id/read/',
    dialects: V2,
    area: 'shares',
    auth: 'bearer-optional',
    summary: 'Download one version of the bound file (needs `download`; bandwidth charged to the org)',
    params: fileshareVersionParams,
    parity: { status: 'implemented', source: SOURCE, choices: [...CHOICES, 'a version of another file answers 404/1609'] },
    handler: (ctx, { params }, emu) => read(ctx, emu, params.fileshare_id, params.version_id),
  }),
];
