/**
 * April-2026 `POST /current/workspace/create/`: the org named in the form (`org_id`) rather than in
 * the path. PARITY: official client 41dde01 src/api/org.rs create_workspace sends org_id,
 * folder_name, name and description only (the `org create-workspace` command); the same client's
 * workspace.rs uses `POST /org/{org_id}/create/workspace/`, which the emulator serves too. Both
 * create through the one service (WorkspaceService.create), with the same permission and answer.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { lazy } from '../http/schema.js';
import { workspaceCreateBody } from './schema.js';
import { workspaceJson } from './format.js';

/**
 * CHOICE: the client sends no perm_join or perm_member_manage here, so both are optional, with the
 * defaults the contract tenants use: 'Member or above' (join) and 'Admin or above' (manage members).
 */
const DEFAULT_PERM_JOIN = 'Member or above';
const DEFAULT_PERM_MEMBER_MANAGE = 'Admin or above';

export const aprilWorkspaceCreateBody = lazy(() =>
  workspaceCreateBody().extend({
    org_id: z.string().trim().min(1).max(100),
    perm_join: workspaceCreateBody().shape.perm_join.optional(),
    perm_member_manage: workspaceCreateBody().shape.perm_member_manage.optional(),
  }),
);

export const aprilWorkspaceCreateRoute = defineRoute({
  method: 'POST',
  path: '/current/workspace/create/',
  dialects: ['2026-04'],
  area: 'workspaces',
  summary: 'Create a workspace in the org given as org_id (folder_name, name; description, perm_join, perm_member_manage, intelligence optional)',
  body: aprilWorkspaceCreateBody,
  parity: {
    status: 'implemented',
    source: 'official client 41dde01 src/api/org.rs create_workspace, src/bin/fastio/commands/org.rs create_workspace',
    choices: [
      'the same workspace as POST /current/org/{org_id}/create/workspace/, answered under `workspace`',
      `perm_join defaults to '${DEFAULT_PERM_JOIN}', perm_member_manage to '${DEFAULT_PERM_MEMBER_MANAGE}', intelligence to false`,
      'an org_id the caller has no relation to answers 404/1609 (as the path form); org members (not admins) get 403/1680',
    ],
  },
  handler: (ctx, { body }, emu) => {
    const caller = callerOf(ctx);
    const scope = emu.access.org(caller, body.org_id, 'org.workspaces.create');
    ctx.tenantResolved(scope.org.id);
    const ws = emu.workspaces.create(caller.user, scope, {
      folderName: body.folder_name,
      name: body.name,
      permJoin: body.perm_join ?? DEFAULT_PERM_JOIN,
      permMemberManage: body.perm_member_manage ?? DEFAULT_PERM_MEMBER_MANAGE,
      intelligence: body.intelligence ?? false,
      description: body.description,
    });
    return { workspace: workspaceJson(ws, 'owner') };
  },
});
