import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { lazy, paginate } from '../http/schema.js';
import { listedWithin } from '../users/oauth-scopes.js';
import { mayJoin } from '../tenancy/permissions.js';
import { listQuery } from '../orgs/schema.js';
import { FOLDER_NAME_PATTERN, workspaceParams } from './schema.js';
import { workspaceListJson } from './format.js';
import { formatTime } from '../http/format.js';

/**
 * Workspace discovery, limits and job status (client 96b1551 / 41dde01 src/api/workspace.rs
 * available_workspaces, check_workspace_name, get_workspace_limits, jobs_status). Both dialects.
 */
const SOURCE = 'MediaFire/fastio_cli src/api/workspace.rs (96b1551, 41dde01)';
const nameParams = lazy(() => z.object({ name: z.string().trim().min(1).max(100) }));

export const workspaceDiscoveryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspaces/available/',
    area: 'workspaces',
    summary: "Workspaces the caller may join but has not: those of the caller's orgs whose perm_join admits the caller's org role",
    query: listQuery,
    parity: {
      status: 'implemented',
      source: `${SOURCE} available_workspaces`,
      choices: [
        "only workspaces of orgs the caller is an active member of, not deleted, where perm_join admits the caller's org role and the caller holds no explicit workspace role",
        'answer as /workspaces/all/ (workspaces with pagination); an org owner or admin reaches every workspace already, so sees none here',
      ],
    },
    handler: (ctx, { query }, emu) => {
      const user = callerOf(ctx).user;
      const see = listedWithin(callerOf(ctx));
      const open = emu.orgs
        .memberOrgs(user)
        .filter(({ role }) => role === 'member')
        .flatMap(({ org, role }) =>
          emu.db.workspaces
            .find('live', org.id)
            .filter((w) => !emu.access.explicitWorkspaceRole(w.id, user.id) && mayJoin(role, w.permJoin) && see({ orgId: w.orgId, workspaceId: w.id })),
        );
      const { page, pagination } = paginate(open, query.limit, query.offset);
      return workspaceListJson(page, () => undefined, pagination);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspaces/check/name/:name/',
    area: 'workspaces',
    summary: 'Is a workspace folder name usable? (format, and not taken among the workspaces the caller reaches)',
    params: nameParams,
    parity: {
      status: 'implemented',
      source: `${SOURCE} check_workspace_name`,
      choices: [
        'a name that breaks the folder_name rule (^[a-z0-9][a-z0-9-]{1,62}$) answers {available: false, reason: invalid}',
        'taken = a live workspace the caller reaches has that folder name ({available: false, reason: taken}); names in orgs the caller cannot see are never disclosed',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const name = params.name.toLowerCase();
      if (!FOLDER_NAME_PATTERN.test(name)) return { available: false, reason: 'invalid' };
      const taken = emu.access.reachableWorkspaces(callerOf(ctx).user.id).some((w) => w.folderName === name);
      return taken ? { available: false, reason: 'taken' } : { available: true };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/limits/',
    area: 'workspaces',
    summary: "The workspace's plan limits and what it uses of them",
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity: {
      status: 'implemented',
      source: `${SOURCE} get_workspace_limits`,
      choices: [
        "limits of the org's plan (null = unlimited): storage_bytes, max_file_bytes, members; usage: storage_bytes (current versions of live files), members (active)",
      ],
    },
    handler: (_ctx, { scope }, emu) => {
      const plan = emu.plans.get(scope.org.plan);
      let bytes = 0;
      for (const n of emu.db.nodes.find('workspace', scope.workspace.id)) if (n.trashed === null && n.type !== 'folder') bytes += n.size;
      const members = emu.db.workspaceMembers.find('workspace', scope.workspace.id).filter((m) => m.status === 'active').length;
      return {
        limits: {
          plan: scope.org.plan,
          storage_bytes: plan?.storage_bytes ?? null,
          max_file_bytes: plan?.max_file_bytes ?? null,
          members: plan?.members_per_workspace ?? null,
        },
        usage: { storage_bytes: bytes, members },
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/jobs/status/',
    area: 'workspaces',
    summary: "The workspace's background jobs: AI ingestion of its files, by state",
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.details' },
    parity: {
      status: 'partial',
      source: `${SOURCE} jobs_status (stale entries, completed or failed more than an hour ago, are hidden)`,
      choices: [
        'jobs: one per file whose AI state is pending, in_progress, or ready/failed within the last hour: {node_id, type: ingest, status (queued, running, completed, errored), updated}',
        'metadata extraction jobs are not listed (the emulator runs no extraction)',
      ],
    },
    handler: (_ctx, { scope }, emu) => {
      const now = emu.clock.now();
      const STATUS = { pending: 'queued', in_progress: 'running', ready: 'completed', failed: 'errored' } as const;
      const jobs = [];
      for (const n of emu.db.nodes.find('workspace', scope.workspace.id)) {
        if (n.type === 'folder' || n.trashed !== null || n.ai.state === 'disabled') continue;
        const done = n.ai.state === 'ready' || n.ai.state === 'failed';
        if (done && n.ai.updated < now - 3600 * 1000) continue;
        jobs.push({ node_id: n.id, type: 'ingest', status: STATUS[n.ai.state], updated: formatTime(n.ai.updated) });
      }
      return { jobs, results: jobs.length };
    },
  }),
];
