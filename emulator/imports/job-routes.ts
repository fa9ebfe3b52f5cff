/** Import jobs and write-backs of a source (HTTP only; rules in runner.ts). PARITY: as source-routes.ts. */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { jobJson, writebackJson } from './format.js';
import { jobParams, pageQuery, pushParams, resolveBody, sourceParams, writebackListQuery, writebackParams } from './schema.js';
import { SHAPE, SOURCE } from './source-routes.js';

const RUNNER = 'jobs and write-backs run on the background queue; their rules are CHOICE (emulator/imports/runner.ts)';

export const importJobRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/imports/details/:source_id/jobs/',
    area: 'imports',
    summary: 'The import jobs of a source, newest first',
    params: sourceParams,
    query: pageQuery,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER] },
    handler: (ctx, { params, query }, emu) => {
      const { source } = emu.imports.source(callerOf(ctx), params.source_id, 'read');
      const { page, pagination } = emu.imports.runner.jobs(source, query.limit, query.offset);
      return { jobs: page.map(jobJson), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/details/:source_id/jobs/:job_id/',
    area: 'imports',
    summary: 'One import job: status and counts',
    params: jobParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'statuses: queued, running, completed, cancelled, failed'] },
    handler: (ctx, { params }, emu) => {
      const { source } = emu.imports.source(callerOf(ctx), params.source_id, 'read');
      return { job: jobJson(emu.imports.runner.job(source, params.job_id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/jobs/:job_id/cancel/',
    area: 'imports',
    summary: 'Cancel a queued or running import job',
    params: jobParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'a finished job answers 409/1660'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      return { job: jobJson(emu.imports.runner.cancelJob(caller.user, source, params.job_id)) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/details/:source_id/writebacks/',
    area: 'imports',
    summary: 'The write-backs of a source (filter by status), newest first',
    params: sourceParams,
    query: writebackListQuery,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'statuses: pending, completed, conflict, failed, cancelled'] },
    handler: (ctx, { params, query }, emu) => {
      const { source } = emu.imports.source(callerOf(ctx), params.source_id, 'read');
      const { page, pagination } = emu.imports.runner.writebacks(source, query.status, query.limit, query.offset);
      return { writebacks: page.map(writebackJson), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/details/:source_id/writebacks/:writeback_id/',
    area: 'imports',
    summary: 'One write-back',
    params: writebackParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER] },
    handler: (ctx, { params }, emu) => {
      const { source } = emu.imports.source(callerOf(ctx), params.source_id, 'read');
      return { writeback: writebackJson(emu.imports.runner.writeback(source, params.writeback_id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/writebacks/push/:node_id/',
    area: 'imports',
    summary: "Write one file of the source's folder back to the remote now",
    params: pushParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SHAPE,
        RUNNER,
        'a read-only source answers 403/1680; a file outside the source folder 400/1605; a pending write-back of the file takes the latest version',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source, scope } = emu.imports.source(caller, params.source_id, 'write');
      emu.imports.assertEnabled(source.workspaceId);
      return { writeback: writebackJson(emu.imports.runner.push(caller.user, scope, source, params.node_id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/writebacks/:writeback_id/retry/',
    area: 'imports',
    summary: 'Queue a failed or cancelled write-back again',
    params: writebackParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'a pending, completed or conflicting write-back answers 409/1660'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      emu.imports.assertEnabled(source.workspaceId);
      return { writeback: writebackJson(emu.imports.runner.retry(caller.user, source, params.writeback_id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/writebacks/:writeback_id/resolve/',
    area: 'imports',
    summary: 'Resolve a write-back conflict: keep_local (to the remote) or keep_remote (a new version of the file)',
    params: writebackParams,
    body: resolveBody,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'only a write-back in conflict is resolved (else 409/1660)'] },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const { source, scope } = emu.imports.source(caller, params.source_id, 'write');
      emu.imports.assertEnabled(source.workspaceId);
      return { writeback: writebackJson(emu.imports.runner.resolve(caller.user, scope, source, params.writeback_id, body.resolution)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/writebacks/:writeback_id/cancel/',
    area: 'imports',
    summary: 'Cancel a pending write-back',
    params: writebackParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, RUNNER, 'only a pending write-back is cancelled (else 409/1660)'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      return { writeback: writebackJson(emu.imports.runner.cancel(caller.user, source, params.writeback_id)) };
    },
  }),
];
