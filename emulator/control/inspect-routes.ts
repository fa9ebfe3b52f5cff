/**
 * The control routes that show what the emulator did and let a test shape its answers: the request
 * journal, the route table with coverage, fault rules, the OpenAPI document, the dashboard and its
 * data. Composed by controlRoutes (routes.ts).
 */
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { RawResponse, type AnyRoute } from '../http/route.js';
import { Catalogue, DIALECTS } from '../catalogue/index.js';
import { catalogueCoverage } from '../catalogue/coverage.js';
import { DashboardAssets } from './dashboard.js';
import { faultRuleBody, faultToJson } from './faults.js';
import type { JournalFilter } from './journal.js';
import { buildOverview, waitForOverviewChange } from './overview.js';
import type { ControlDeps } from './routes.js';
import { assetParams, faultParams, journalQuery, overviewQuery } from './schema.js';

const emulatorOnly = { status: 'implemented', source: 'emulator control plane (no live counterpart)' } as const;

export function inspectionRoutes(deps: ControlDeps): AnyRoute[] {
  let openApi: RawResponse | undefined;
  let assets: DashboardAssets | undefined;
  const dashboard = () => (assets ??= new DashboardAssets());
  return [
    defineRoute({
      method: 'GET',
      path: '/_emulator/requests',
      area: 'control',
      summary: 'The request journal: last requests with status, latency, caller and org',
      auth: 'none',
      emulatorOnly: true,
      query: journalQuery,
      parity: emulatorOnly,
      handler: (_ctx, { query }, emu) => ({
        requests: emu.journal
          .list({
            method: query.method,
            path: query.path,
            status: query.status as JournalFilter['status'],
            userId: query.user_id,
            orgId: query.org_id,
            workspaceId: query.workspace_id,
            faulted: query.faulted,
            mcp: query.mcp,
            since: query.since,
            includeControl: query.include_control,
            limit: query.limit,
          })
          .map((e) => ({ ...e, time: new Date(e.time).toISOString() })),
      }),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/routes',
      area: 'control',
      summary: 'The route table of the running dialect with parity status, and the coverage of the documented API per dialect and area',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => ({
        dialect: emu.config.apiDialect,
        // served / documented per dialect and area, against emulator/catalogue/routes.json
        coverage: catalogueCoverage(Catalogue.bundled(), deps.allRoutes?.() ?? deps.routes()),
        routes: deps.routes().map((r) => ({
          method: r.method,
          path: r.path,
          area: r.area,
          summary: r.summary,
          auth: r.auth,
          emulator_only: r.emulatorOnly,
          dialects: r.dialects ?? DIALECTS,
          status: r.parity.status,
          choices: r.parity.choices ?? [],
          divergences: r.parity.divergences ?? [],
          source: r.parity.source ?? null,
        })),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/_emulator/faults',
      area: 'control',
      summary: 'Add a fault rule: matching API requests answer an error (`status`, `code`) or wait (`delay_ms`, `jitter_ms`)',
      auth: 'none',
      emulatorOnly: true,
      body: faultRuleBody,
      parity: emulatorOnly,
      handler: async (_ctx, { body }, emu) => ({ fault: faultToJson(await emu.faults.add(body)) }),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/faults',
      area: 'control',
      summary: 'The fault rules, in the order they are tried, with their hits so far',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => ({ faults: emu.faults.list().map(faultToJson) }),
    }),

    defineRoute({
      method: 'DELETE',
      path: '/_emulator/faults',
      area: 'control',
      summary: 'Remove every fault rule',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => {
        const rules = emu.faults;
        const removed = rules.size;
        rules.clear();
        return { removed };
      },
    }),

    defineRoute({
      method: 'DELETE',
      path: '/_emulator/faults/:fault_id',
      area: 'control',
      summary: 'Remove one fault rule',
      auth: 'none',
      emulatorOnly: true,
      params: faultParams,
      parity: emulatorOnly,
      handler: (_ctx, { params }, emu) => {
        if (!emu.faults.remove(params.fault_id)) throw Errors.notFound('fault rule');
        return { removed: 1 };
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/openapi.json',
      area: 'control',
      summary: 'An OpenAPI 3.1 document of every route, generated from the schemas that validate requests',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: async (_ctx, _input, emu) => {
        if (!openApi) {
          // Built on first use and kept: start-up never pays for it.
          const { buildOpenApi } = await import('./openapi.js');
          openApi = new RawResponse(JSON.stringify(buildOpenApi(deps.routes(), emu.config.apiDialect)), 'application/json; charset=utf-8');
        }
        return openApi;
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/overview',
      area: 'control',
      summary: "The dashboard's data: orgs, workspaces, members, files with AI state, credits, recent events and requests",
      auth: 'none',
      emulatorOnly: true,
      query: overviewQuery,
      parity: emulatorOnly,
      handler: (ctx, { query }, emu) => {
        const build = () =>
          buildOverview(emu, emu.journal, {
            q: query.q || undefined,
            orgLimit: query.org_limit,
            fileLimit: query.file_limit,
          });
        if (!query.after || !query.wait) return build();
        return waitForOverviewChange(build, emu.journal, query.after, query.wait * 1000, ctx.signal);
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/ui',
      area: 'control',
      summary: 'The dashboard (a page served from the built files in dist/ui/)',
      auth: 'none',
      emulatorOnly: true,
      publicAsset: true,
      parity: emulatorOnly,
      handler: () => dashboard().index(),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/ui/:asset',
      area: 'control',
      summary: "The dashboard's static files",
      auth: 'none',
      emulatorOnly: true,
      publicAsset: true,
      params: assetParams,
      parity: emulatorOnly,
      handler: (_ctx, { params }) => dashboard().asset(params.asset),
    }),
  ];
}
