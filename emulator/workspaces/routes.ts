import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { paginate } from '../http/schema.js';
import { listedWithin } from '../users/oauth-scopes.js';
import { listQuery, orgParams } from '../orgs/schema.js';
import { workspaceCreateBody, workspaceCreateBodyV2, workspaceDeleteQuery, workspaceParams, workspaceUpdateBody, type WorkspaceCreateInput } from './schema.js';
import { workspaceJson, workspaceListJson } from './format.js';
import { workspaceDiscoveryRoutes } from './discovery-routes.js';
import { aprilWorkspaceCreateRoute } from './april-create-route.js';

const SOURCE = 'API notes "Workspaces"; docs.fast.io/workspaces.html; official client src/api/workspace.rs';

const CREATE_CHOICES = ['answers under `workspace`', 'folder_name pattern ^[a-z0-9][a-z0-9-]{1,62}$', 'org members (not admins) get 403/1680'];

/** The create body (either dialect's) as the service takes it. */
function createInput(body: {
  folder_name: string;
  name: string;
  perm_join: WorkspaceCreateInput['permJoin'];
  perm_member_manage: WorkspaceCreateInput['permMemberManage'];
  intelligence?: boolean | undefined;
  description?: string | undefined;
}): WorkspaceCreateInput {
  return {
    folderName: body.folder_name,
    name: body.name,
    permJoin: body.perm_join,
    permMemberManage: body.perm_member_manage,
    intelligence: body.intelligence ?? false,
    description: body.description,
  };
}

export const workspaceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/details/',
    area: 'workspaces',
    summary: 'Workspace details, with intelligence (by id or folder_name)',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity: { status: 'implemented', source: SOURCE, choices: ["answers under `workspace`, with the caller's role as `permissions`"] },
    handler: (_ctx, { scope }) => ({ workspace: workspaceJson(scope.workspace, scope.role) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/update/',
    area: 'workspaces',
    summary: 'Update a workspace; intelligence=true/false is the intelligence toggle',
    params: workspaceParams,
    body: workspaceUpdateBody,
    access: { workspace: 'workspace_id', action: 'workspace.update' },
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { body, scope }, emu) => ({
      workspace: workspaceJson(emu.workspaces.update(callerOf(ctx).user, scope, body), scope.role),
    }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/delete/',
    area: 'workspaces',
    summary: 'Delete a workspace (confirm = folder_name or id)',
    params: workspaceParams,
    query: workspaceDeleteQuery,
    access: { workspace: 'workspace_id', action: 'workspace.delete' },
    parity: { status: 'implemented', source: SOURCE, choices: ['only the workspace owner (or org owner) deletes'] },
    handler: (ctx, { query, scope }, emu) => {
      emu.workspaces.delete(callerOf(ctx).user, scope, query.confirm);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/archive/',
    area: 'workspaces',
    summary: 'Archive a workspace',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.archive' },
    parity: { status: 'implemented', source: SOURCE, choices: ['archiving an archived workspace answers 409/1660'] },
    handler: (ctx, { scope }, emu) => ({ workspace: workspaceJson(emu.workspaces.setArchived(callerOf(ctx).user, scope, true), scope.role) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/unarchive/',
    area: 'workspaces',
    summary: 'Unarchive a workspace',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.archive' },
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { scope }, emu) => ({ workspace: workspaceJson(emu.workspaces.setArchived(callerOf(ctx).user, scope, false), scope.role) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspaces/all/',
    area: 'workspaces',
    summary: 'Every workspace the caller can reach',
    query: listQuery,
    parity: {
      status: 'implemented',
      source: 'official client src/api/workspace.rs',
      choices: ['includes workspaces reached through an org owner or admin role'],
    },
    handler: (ctx, { query }, emu) => {
      const user = callerOf(ctx).user;
      const see = listedWithin(callerOf(ctx));
      const { page, pagination } = paginate(
        emu.access.reachableWorkspaces(user.id).filter((w) => see({ orgId: w.orgId, workspaceId: w.id })),
        query.limit,
        query.offset,
      );
      return workspaceListJson(page, (w) => emu.access.workspaceRoleOf(w, user.id), pagination);
    },
  }),

  // The org's workspaces: under /org/ on the wire, but workspace routes (moved from orgs/routes.ts).
  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/list/workspaces/',
    area: 'workspaces',
    summary: "An org's workspaces the caller may see",
    params: orgParams,
    query: listQuery,
    access: { org: 'org_id', action: 'org.workspaces.list' },
    parity: {
      status: 'implemented',
      source: 'API notes "Organizations"',
      choices: ['owners and admins see every workspace; members see theirs and those they may join'],
    },
    handler: (ctx, { query, scope }, emu) => {
      const user = callerOf(ctx).user;
      const { page, pagination } = paginate(emu.workspaces.visibleInOrg(user, scope), query.limit, query.offset);
      // Every listed workspace is of this org: the caller's org role (scope.role) is looked up once.
      return workspaceListJson(page, (w) => emu.access.workspaceRoleUnder(w, user.id, scope.role), pagination);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/create/workspace/',
    dialects: ['2026-04'],
    area: 'workspaces',
    summary: 'Create a workspace (folder_name, name, perm_join, perm_member_manage; intelligence)',
    params: orgParams,
    body: workspaceCreateBody,
    access: { org: 'org_id', action: 'org.workspaces.create' },
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Getting Started" step 5; official client src/api/workspace.rs',
      choices: [...CREATE_CHOICES, 'intelligence optional, default false'],
    },
    handler: (ctx, { body, scope }, emu) => ({ workspace: workspaceJson(emu.workspaces.create(callerOf(ctx).user, scope, createInput(body)), 'owner') }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/create/workspace/',
    dialects: ['v2'],
    area: 'workspaces',
    summary: 'Create a workspace (folder_name, name, perm_join, perm_member_manage and intelligence all required)',
    params: orgParams,
    body: workspaceCreateBodyV2,
    access: { org: 'org_id', action: 'org.workspaces.create' },
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/workspace.rs create_workspace; agent guide v2.6 "Product Guardrails"',
      choices: [
        ...CREATE_CHOICES,
        'intelligence required (400/1605 when missing), as the client says the server hard-requires it; the guide\'s "raw API defaults it ON" is not followed (no default to apply)',
      ],
    },
    handler: (ctx, { body, scope }, emu) => ({ workspace: workspaceJson(emu.workspaces.create(callerOf(ctx).user, scope, createInput(body)), 'owner') }),
  }),
  ...workspaceDiscoveryRoutes,
  aprilWorkspaceCreateRoute,
];
