import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { billableMemberJson, billingDetails, creditsJson, meterReportJson, planJson } from './format.js';
import { changePlanBody, membersQuery, metersQuery, orgParams } from './schema.js';
import { CREDIT_THRESHOLDS } from './service.js';

const SOURCE = 'API notes "Credits and plans"; official client src/api/org.rs; agent guide v1.29 "Agent Plan", "Manage Credit Budget"';
const ADMIN_ONLY = 'owners and admins only (org members 403/1680)';

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
        'answers `plans[]` from the loaded catalog (fixtures/plans.json or --plans), with credits_per_period, storage_bytes, max_file_bytes, workspaces, members_per_workspace, features (null = unlimited)',
        'no prices (`amount`) in the April-2026 catalog',
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
        'answers org_id, billing_plan, plan {catalog row}, subscriber, current_period_start, current_period_end (server-formatted), credits_limit',
        ADMIN_ONLY,
      ],
    },
    handler: (_ctx, { scope }, emu) => billingDetails(scope.org, emu),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/billing/',
    area: 'billing',
    summary: "Change the org's plan (`billing_plan`)",
    params: orgParams,
    body: changePlanBody,
    access: { org: 'org_id', action: 'org.billing.manage' },
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'changes the plan at once, no payment step; answers the billing details',
        "the plan must be open to the owner's account type (agent plan for agent-owned orgs only; free for human-owned)",
        'the billing period keeps its anchor: credits already used count against the new allowance',
        'records subscription_created (category billing) when the plan changes',
        ADMIN_ONLY,
      ],
      divergences: [{ path: '$', reason: 'the live route starts a paid subscription (setup intent, onboarding URL); the emulator switches the plan' }],
    },
    handler: (ctx, { body, scope }, emu) => {
      const org = emu.billing.changePlan(callerOf(ctx).user, scope, body.billing_plan, emu.orgs.ownerOf(scope.org.id));
      return billingDetails(org, emu);
    },
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
    handler: (_ctx, { scope }, emu) => creditsJson(scope.org, emu),
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
];
