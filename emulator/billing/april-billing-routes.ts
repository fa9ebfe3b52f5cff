/**
 * The April-2026 subscription routes: cancel (DELETE), activate, reset and the invoices, on the
 * unpriced April catalog (the state machine and its CHOICEs: april-subscriptions.ts). V2 serves
 * its own DELETE and invoices (subscription-routes.ts); activate and reset are April's only.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { paginate } from '../http/schema.js';
import { formatTime } from '../http/format.js';
import type { Org } from '../store/model.js';
import type { Emulator } from '../emulator.js';
import type { AprilInvoice } from './april-subscriptions.js';
import { billingDetails } from './format.js';
import { aprilInvoicesQuery, orgParams } from './schema.js';

const APRIL = ['2026-04'] as const;
const SOURCE = 'official client 41dde01 src/api/org.rs (billing_cancel, billing_activate, billing_reset, billing_invoices), src/bin/fastio/commands/org.rs';
const OWNER_ONLY = 'owner only (admins and members 403/1680), as V2; another tenant 404/1609';
const SUBSCRIPTION =
  'an April subscription is an org on a plan above its owner’s new-org plan (pro, business); free and agent are where an org starts and returns to';

/** The answer of cancel, activate and reset: a status, then the billing details as GET .../billing/details/ shows them. */
function stateJson(status: string, org: Org, emu: Emulator): Record<string, unknown> {
  return { status, ...billingDetails(org, emu) };
}

function aprilInvoiceJson(i: AprilInvoice): Record<string, unknown> {
  return {
    id: i.id,
    status: i.status,
    reason: 'subscription_cycle',
    currency: null,
    amount_due: 0,
    amount_paid: 0,
    subtotal: 0,
    total: 0,
    credits_used: i.creditsUsed,
    breakdown: i.byKind,
    period_start: formatTime(i.periodStart),
    period_end: formatTime(i.periodEnd),
    created: formatTime(i.periodStart),
  };
}

export const aprilBillingRoutes = [
  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/billing/',
    area: 'billing',
    summary: 'Cancel the subscription at the end of the current period (April)',
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.manage' },
    dialects: APRIL,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SUBSCRIPTION,
        'schedules the end at the end of the current period: answers status `scheduled_cancellation` and the billing details (cancel_at, cancel_at_period_end true); at cancel_at the org moves to its owner’s new-org plan and subscription_ended is recorded',
        'cancelling again changes nothing; an org with no subscription answers 404/1683; records subscription_cancel_scheduled (category billing)',
        OWNER_ONLY,
      ],
    },
    handler: (ctx, { scope }, emu) => stateJson('scheduled_cancellation', emu.billing.subscriptions.april.cancel(callerOf(ctx).user, scope), emu),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/billing/activate/',
    area: 'billing',
    summary: 'Activate the subscription again: withdraw a scheduled cancellation (April)',
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.manage' },
    dialects: APRIL,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SUBSCRIPTION,
        'withdraws a scheduled cancellation: status `reactivated` and the billing details; with none scheduled, status `active` (a successful no-op); records subscription_reactivated',
        'an org with no subscription (never subscribed, or ended) answers 404/1683: choose a plan with POST .../billing/',
        'payment is instant and offline, so there is no pending subscription to activate',
        OWNER_ONLY,
      ],
    },
    handler: (ctx, { scope }, emu) => {
      const { org, was } = emu.billing.subscriptions.april.activate(callerOf(ctx).user, scope);
      return stateJson(was ? 'reactivated' : 'active', org, emu);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/billing/reset/',
    area: 'billing',
    summary: "End the subscription at once: the org is back on its owner's new-org plan (April)",
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.manage' },
    dialects: APRIL,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SUBSCRIPTION,
        'ends the subscription now: the plan becomes the owner’s new-org plan (free for humans, agent for agents), a scheduled cancellation is dropped; answers status `reset`, previous_plan and the billing details; records subscription_ended (reason reset)',
        'the period and the credits used in it stay: a reset gives no fresh credits',
        'an org already on its new-org plan with nothing scheduled: status `reset`, nothing changes or is recorded',
        OWNER_ONLY,
      ],
    },
    handler: (ctx, { scope }, emu) => {
      const { org, previous } = emu.billing.subscriptions.april.reset(callerOf(ctx).user, scope);
      return { ...stateJson('reset', org, emu), previous_plan: previous };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/invoices/',
    area: 'billing',
    summary: "The org's billing periods with the credits used in each, newest first (April: limit and offset)",
    params: orgParams,
    query: aprilInvoicesQuery,
    access: { org: 'org_id', action: 'org.billing.view' },
    dialects: APRIL,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'one invoice per 30-day period from the org’s period anchor to now, newest first, read from the credit ledger: id (in_ + 24 hex, derived from org and period start: stable), status (`paid` for an ended period, `draft` for the current one), reason subscription_cycle, currency null and amounts 0 (the April catalog has no prices), credits_used, breakdown by kind, period_start, period_end, created',
        'pages by limit (1-100, default 10) and offset, as the April client sends them; answers `invoices[]` and `pagination`',
        'owners and admins (members 403/1680); another tenant 404/1609',
      ],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const org = emu.billing.subscriptions.settle(scope.org);
      const { page, pagination } = paginate(emu.billing.subscriptions.april.invoices(org), query.limit ?? 10, query.offset ?? 0);
      return { invoices: page.map(aprilInvoiceJson), pagination };
    },
  }),
];
