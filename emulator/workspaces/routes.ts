import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { paginate } from '../http/schema.js';
import { listQuery } from '../orgs/schema.js';
import { workspaceDeleteQuery, workspaceParams, workspaceUpdateBody } from './schema.js';
import { workspaceJson, workspaceListJson } from './format.js';

const SOURCE = 'API notes "Workspaces"; docs.fast.io/workspaces.html; official client src/api/workspace.rs';

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
      const { page, pagination } = paginate(emu.access.reachableWorkspaces(user.id), query.limit, query.offset);
      return workspaceListJson(page, (w) => emu.access.workspaceRoleOf(w, user.id), pagination);
    },
  }),
];
