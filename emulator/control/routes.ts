import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { parseTime } from '../http/format.js';
import { RawResponse, type AnyRoute } from '../http/route.js';
import { VERSION } from '../version.js';
import { creditsJson, entryJson } from '../billing/format.js';
import type { LedgerKind } from '../store/model.js';
import { DashboardAssets } from './dashboard.js';
import { faultRuleBody, faultToJson } from './faults.js';
import type { JournalFilter } from './journal.js';
import { buildOverview, waitForOverviewChange } from './overview.js';
import {
  stateImportBody,
  personaBody,
  mailboxQuery,
  clockSetBody,
  clockAdvanceBody,
  journalQuery,
  faultParams,
  overviewQuery,
  assetParams,
  settleQuery,
  ledgerChargeBody,
} from './schema.js';
import { Catalogue, DIALECTS } from '../catalogue/index.js';
import { catalogueCoverage } from '../catalogue/coverage.js';

const emulatorOnly = { status: 'implemented', source: 'emulator control plane (no live counterpart)' } as const;

export interface ControlDeps {
  /** the route table of the running dialect, for `GET /_emulator/routes` and OpenAPI */
  routes: () => readonly AnyRoute[];
  /** the whole route table, every dialect (for the coverage of each) */
  allRoutes?: () => readonly AnyRoute[];
  /** persistence status, when `--data` is set */
  persistence: () => { status: 'ok' | 'degraded'; lastError: string | null; file: string } | undefined;
}

/** The emulator-only control plane under `/_emulator/`. */
export function controlRoutes(deps: ControlDeps): AnyRoute[] {
  let openApi: RawResponse | undefined;
  let assets: DashboardAssets | undefined;
  const dashboard = () => (assets ??= new DashboardAssets());
  return [
    defineRoute({
      method: 'GET',
      path: '/_emulator/health',
      area: 'control',
      summary: 'Liveness, version and persistence status',
      auth: 'none',
      emulatorOnly: true,
      // Open under --control-token (issue 14): container health checks carry no token, and the
      // answer holds nothing secret (status, version, dialect, the data file's state).
      publicAsset: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => {
        const p = deps.persistence();
        return {
          status: p?.status === 'degraded' ? 'degraded' : 'ok',
          version: VERSION,
          api_dialect: emu.config.apiDialect,
          ...(p ? { persistence: p } : {}),
        };
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/reset',
      area: 'control',
      summary: 'Empty the state: users, orgs, everything (the request journal and fault rules too)',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      // The instance's own reset, nothing more: `emulator.reset()` in process leaves the same state
      // (test/control/reset-parity.test.ts).
      handler: (_ctx, _i, emu) => emu.reset(),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/state',
      area: 'control',
      summary: 'Export the whole state as JSON',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => ({ state: emu.exportState() }),
    }),

    defineRoute({
      method: 'PUT',
      path: '/_emulator/state',
      area: 'control',
      summary: 'Import a state (the body is an export, or {"state": export})',
      auth: 'none',
      emulatorOnly: true,
      // curl -d sends application/x-www-form-urlencoded: a JSON export parsed as a form would
      // fail with a message about tables, so the content type is named instead.
      jsonBody: true,
      body: stateImportBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        const doc = 'state' in body && body.state && typeof body.state === 'object' ? body.state : body;
        try {
          emu.importState(doc, 'the imported state');
        } catch (e) {
          throw Errors.badRequest((e as Error).message);
        }
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/users/',
      area: 'control',
      summary: 'Create a ready persona: verified user, API key and JWT',
      auth: 'none',
      emulatorOnly: true,
      body: personaBody,
      parity: emulatorOnly,
      handler: async (_ctx, { body }, emu) => {
        const tag = emu.ids.secret(8).toLowerCase();
        const email = body.email ?? `persona-${tag}@personas.emulator.test`;
        const password = body.password ?? `pw-${emu.ids.secret(16)}`;
        const user = await emu.users.signUp({
          email,
          password,
          accountType: body.account_type ?? 'agent',
          firstName: body.first_name ?? 'Persona',
          lastName: body.last_name ?? tag,
        });
        if (body.verified ?? true) emu.users.markVerified(user.id);
        const { secret } = emu.users.createApiKey(user, { memo: 'emulator persona' });
        const { token } = await emu.users.issueToken(user.id);
        return { user_id: user.id, email_address: user.email, password, account_type: user.accountType, api_key: secret, auth_token: token };
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/mailbox/',
      area: 'control',
      summary: "Messages the emulator 'sent' (verification codes, invitations), newest first",
      auth: 'none',
      emulatorOnly: true,
      query: mailboxQuery,
      parity: emulatorOnly,
      handler: (_ctx, { query }, emu) => ({
        messages: emu.mailer.list(query.to).map((m) => ({
          id: m.id,
          to: m.to,
          subject: m.subject,
          kind: m.kind,
          code: m.code,
          body: m.body,
          created: new Date(m.created).toISOString(),
        })),
      }),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/clock',
      area: 'control',
      summary: 'The emulator clock',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => ({ now: emu.clock.nowIso(), offset_ms: emu.clock.offset }),
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/clock',
      area: 'control',
      summary: 'Set the clock to a later time (never backwards)',
      auth: 'none',
      emulatorOnly: true,
      body: clockSetBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        const ms = parseTime(body.now);
        if (ms === undefined) throw Errors.invalidField('now', 'Expected an ISO 8601 time.', 'string');
        if (ms < emu.clock.now())
          throw Errors.invalidField('now', 'The clock only moves forward: the time given is earlier than the emulator clock.', 'string');
        emu.clock.set(ms);
        return { now: emu.clock.nowIso() };
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/clock/advance',
      area: 'control',
      summary: 'Move the clock forward by `seconds`',
      auth: 'none',
      emulatorOnly: true,
      body: clockAdvanceBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        emu.clock.advance(body.seconds);
        return { now: emu.clock.nowIso() };
      },
    }),

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
        coverage: catalogueCoverage(Catalogue.load(), deps.allRoutes?.() ?? deps.routes()),
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
      handler: async () => {
        if (!openApi) {
          // Built on first use and kept: start-up never pays for it.
          const { buildOpenApi } = await import('./openapi.js');
          openApi = new RawResponse(JSON.stringify(buildOpenApi(deps.routes())), 'application/json; charset=utf-8');
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

    // Moved from storage/routes.ts and billing/routes.ts: a control route lives in control/.
    defineRoute({
      method: 'POST',
      path: '/_emulator/jobs/settle',
      area: 'control',
      summary: 'Wait until upload assembly and ingestion have nothing scheduled or running (`now=true`: run them without their delay)',
      auth: 'none',
      query: settleQuery,
      emulatorOnly: true,
      parity: { status: 'implemented', source: 'emulator control plane (no live counterpart)' },
      handler: async (_ctx, { query }, emu) => {
        const timeoutMs = query.timeout_ms ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        const work = query.now ? emu.jobs.drain() : emu.jobs.settle();
        const outcome = await Promise.race([work.then(() => 'settled' as const), timedOut]);
        clearTimeout(timer);
        return { settled: outcome === 'settled', pending: emu.jobs.size };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/_emulator/ledger/charge',
      area: 'control',
      summary: "Charge an org's credits as storage, ingestion or chat would (test credit exhaustion)",
      auth: 'none',
      emulatorOnly: true,
      body: ledgerChargeBody,
      parity: { status: 'implemented', source: 'emulator control plane (no live counterpart)' },
      handler: (ctx, { body }, emu) => {
        const org = emu.access.findOrg(body.org_id);
        if (!org) throw Errors.notFound('organization');
        // The org is named in the body: for the journal.
        ctx.tenantResolved(org.id);
        const entry = emu.ledger.charge(org, {
          kind: body.kind as LedgerKind,
          units: body.units ?? 0,
          credits: body.credits,
          workspaceId: body.workspace_id ?? null,
          shareId: body.share_id ?? null,
          objectId: body.object_id ?? null,
          userId: body.user_id ?? null,
        });
        return { entry: entryJson(entry), ...creditsJson(emu.db.orgs.get(org.id) ?? org, emu) };
      },
    }),
  ];
}
