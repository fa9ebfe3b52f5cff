import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { billableMemberJson, billingDetails, creditsJson, meterReportJson, planJson } from './format.js';
import { membersQuery, metersQuery, orgParams } from './schema.js';
import { subscriptionRoutes } from './subscription-routes.js';
import { aprilBillingRoutes } from './april-billing-routes.js';
import { CREDIT_THRESHOLDS } from './service.js';
import { PlanCatalog, defaultPlansFile } from './plans.js';

const SOURCE = 'API notes "Credits and plans"; official client src/api/org.rs; agent guide v1.29 "Agent Plan", "Manage Credit Budget"';
const ADMIN_ONLY = 'owners and admins only (org members 403/1680)';

/** The V2 plan file's own `choices`, read at start-up (it is data; the parity report lists them with the route's). */
const PLAN_CHOICES: string[] = (() => {
  try {
    return [...PlanCatalog.load(defaultPlansFile('v2')).choices].map((c) => `V2 plan catalog: ${c}`);
  } catch {
    return [];
  }
})();

export const billingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/org/billing/plan/list/',
    area: 'billing',
    summary: 'The plan catalog',
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        "answers `plans[]` from the loaded catalog (the dialect's: fixtures/plans.json for 2026-04, fixtures/plans-v2.json for v2; or --plans), its offered plans only, with credits_per_period, storage_bytes, max_file_bytes, workspaces, members_per_workspace, features (null = unlimited)",
        'no prices in the April-2026 catalog; V2 plans add amount (cents), currency, interval',
        ...PLAN_CHOICES,
      ],
    },
    handler: (_ctx, _input, emu) => ({ plans: emu.billing.plans().map(planJson) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/details/',
    area: 'billing',
    summary: "The org's plan, billing period and subscriber flag",
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.view' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers org_id, billing_plan, plan {catalog row}, subscriber, current_period_start, current_period_end (server-formatted), credits_limit, subscription (priced plans: id, plan, status, current_period_start, current_period_end, cancel_at in Unix seconds, cancel_at_period_end; else null), cancel_at, cancel_at_period_end',
        'an org without a subscription (V2) shows billing_plan `none`, subscriber false, credits_limit 0',
        ADMIN_ONLY,
      ],
    },
    handler: (_ctx, { scope }, emu) => billingDetails(emu.billing.subscriptions.settle(scope.org), emu),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/usage/limits/credits/',
    area: 'billing',
    summary: 'Credits used, limit and remaining in the current 30-day period, by kind',
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.view' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers credits_used, credits_limit, credits_remaining (null when unlimited), period_start, period_end, subscriber, plan, breakdown {storage, bandwidth, ai_tokens, ingestion, video, audio, images, conversions}',
        'every figure is summed from the credit ledger for the current period; remaining is never negative',
        `a credits_threshold_reached event (category billing) is recorded at ${CREDIT_THRESHOLDS.join('% and ')}% of the period's credits, once each per period`,
        ADMIN_ONLY,
      ],
    },
    handler: (_ctx, { scope }, emu) => creditsJson(emu.billing.subscriptions.settle(scope.org), emu),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/usage/meters/list/',
    area: 'billing',
    summary: 'One usage meter (storage_bytes, bandwidth_bytes, ai_tokens) over a time range, per day',
    params: orgParams,
    query: metersQuery,
    access: { org: 'org_id', action: 'org.billing.view' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers meter, start_time, end_time, workspace_id, share_id, total (units), credits, and `meters[]` of {date (UTC day), value, credits} for days with usage, oldest first',
        'start_time defaults to 30 days before end_time, end_time to now; both inclusive',
        'a workspace of another org answers 404/1609; share ids filter the ledger as given',
        ADMIN_ONLY,
      ],
    },
    handler: (ctx, { query, scope }, emu) => {
      const end = query.end_time ?? ctx.now();
      const start = query.start_time ?? end - 30 * 24 * 3600 * 1000;
      if (start > end) throw Errors.invalidField('start_time', 'start_time is later than end_time.');
      if (query.workspace_id !== undefined) {
        const ws = emu.db.workspaces.get(query.workspace_id);
        if (!ws || ws.orgId !== scope.org.id) throw Errors.notFound('workspace');
      }
      const report = emu.billing.meter(scope.org, { meter: query.meter, start, end, workspaceId: query.workspace_id, shareId: query.share_id });
      return meterReportJson(query.meter, start, end, query.workspace_id, query.share_id, report);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/usage/members/list/',
    area: 'billing',
    summary: 'Billable members: org members and users who reach the org through a workspace',
    params: orgParams,
    query: membersQuery,
    access: { org: 'org_id', action: 'org.billing.view' },
    parity: {
      status: 'implemented',
      source: `${SOURCE}; agent guide v1.29 "Pagination" (collection key billable_members)`,
      choices: [
        'billable: active org members, and active members of its live workspaces who are not org members; pending invitations are not billable',
        'rows: id, email_address, first_name, last_name, account_type, permissions (org role, or null for workspace-only members), workspaces (explicit workspace memberships)',
        ADMIN_ONLY,
      ],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.billing.billableMembers(scope.org), query.limit, query.offset);
      return {
        billable_members: page.map(billableMemberJson),
        pagination,
      };
    },
  }),
  ...subscriptionRoutes,
  ...aprilBillingRoutes,
];
