/**
 * QuickShare routes (April only; V2 replaced them by fileshares): one link per workspace file,
 * managed through the workspace's storage routes and read by anyone with its id. PARITY: 41dde01
 * src/api/storage.rs `quickshare_get`, src/api/workspace.rs `quickshare_get`/`quickshare_delete`/
 * `quickshares_list`, src/api/share.rs `create_quickshare`, src/api/download.rs `quickshare_details`.
 */
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { workspaceNodeParams } from '../storage/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { quickshareJson } from './fileshare-format.js';
import { fileshareListQuery, quickshareCreateBody, quickshareParams } from './fileshare-schema.js';
import { QUICKSHARE_CHOICES } from './fileshare-service.js';

const SOURCE = 'official client 41dde01 src/api/storage.rs, workspace.rs, share.rs, download.rs (quickshare); agent guide "QuickShare"';
const APRIL = ['2026-04'] as const;

export const quickshareRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/quickshare/',
    dialects: APRIL,
    area: 'shares',
    summary: "A file's QuickShare, made (30 days) when it has none and the caller may write",
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: QUICKSHARE_CHOICES },
    handler: (ctx, { params, scope }, emu) => {
      const existing = emu.fileshares.quickshareOf(scope, params.node_id);
      if (existing) return { quickshare: quickshareJson(existing, emu.db.nodes.get(existing.nodeId)) };
      const caller = callerOf(ctx);
      // A read route: a caller who may not write here (a guest, an archived workspace) is told there is none.
      let writable;
      try {
        writable = emu.access.workspace(caller, scope.workspace.id, 'workspace.storage.write');
      } catch {
        throw Errors.notFound('quickshare');
      }
      const row = emu.fileshares.putQuickshare(caller.user, writable, params.node_id);
      return { quickshare: quickshareJson(row, emu.db.nodes.get(row.nodeId)) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/quickshare/',
    dialects: APRIL,
    area: 'shares',
    summary: "Create a file's QuickShare, or set its expiry (`expires` seconds or `expires_at`)",
    params: workspaceNodeParams,
    body: quickshareCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: QUICKSHARE_CHOICES },
    handler: (ctx, { params, body, scope }, emu) => {
      const row = emu.fileshares.putQuickshare(callerOf(ctx).user, scope, params.node_id, body.expires, body.expires_at);
      return { quickshare: quickshareJson(row, emu.db.nodes.get(row.nodeId)) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/quickshare/',
    dialects: APRIL,
    area: 'shares',
    summary: "Delete a file's QuickShare",
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: QUICKSHARE_CHOICES },
    handler: (ctx, { params, scope }, emu) => {
      emu.fileshares.deleteQuickshare(callerOf(ctx).user, scope, params.node_id);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/quickshares/',
    dialects: APRIL,
    area: 'shares',
    summary: "A workspace's live QuickShares",
    params: workspaceParams,
    query: fileshareListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: QUICKSHARE_CHOICES },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.fileshares.ofWorkspace(scope, 'quickshare'), query.limit, query.offset);
      return { quickshares: page.map((f) => quickshareJson(f, emu.db.nodes.get(f.nodeId))), pagination };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/current/quickshare/:quickshare_id/details/',
    dialects: APRIL,
    area: 'shares',
    auth: 'bearer-optional',
    summary: "A QuickShare's details (no sign-in needed)",
    params: quickshareParams,
    parity: { status: 'implemented', source: SOURCE, choices: QUICKSHARE_CHOICES },
    handler: async (ctx, { params }, emu) => {
      const scope = await emu.fileshares.access.consume(ctx.caller, params.quickshare_id, undefined, 'view', 'quickshare');
      return { quickshare: quickshareJson(scope.fileshare, emu.db.nodes.get(scope.fileshare.nodeId)) };
    },
  }),
];
