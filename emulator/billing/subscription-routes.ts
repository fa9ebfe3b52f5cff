/**
 * The subscription routes: choose a plan (POST), cancel at the period's end (DELETE), reactivate
 * (PUT), and the invoices. The emulator's payment is instant and offline (see subscriptions.ts).
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { GATE_CHOICES } from './gate.js';
import { billingDetails, invoiceJson, subscriptionJson, unixSeconds } from './format.js';
import { INVOICES_DEFAULT_LIMIT, changePlanBody, invoicesQuery, orgParams } from './schema.js';

const SOURCE = 'official client 96b1551 src/api/org.rs (billing_create, billing_cancel, billing_reactivate, billing_invoices), commands/org.rs billing_format';
const V2_SOURCE = `${SOURCE}; agent guide SKILL.md v2.6 section 8 "Billing / 402 awareness"`;
const ADMIN_ONLY = 'owners and admins only (org members 403/1680)';
const OWNER_ONLY = 'owner only (admins and members 403/1680); an org without a paid subscription answers 404/1683';

export const subscriptionRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/billing/',
    area: 'billing',
    summary: "Choose the org's plan (`billing_plan`): a subscription, paid at once",
    params: orgParams,
    body: changePlanBody,
    access: { org: 'org_id', action: 'org.billing.manage' },
    parity: {
      status: 'partial',
      source: V2_SOURCE,
      choices: [
        'changes the plan at once; payment is instant and offline: the answer carries `is_active: true` and `setup_intent: null` (no onboarding step), then the billing details',
        'only offered plans of the loaded catalog; the plan must be open to the owner account type (April: agent plan for agent-owned orgs only, free for human-owned)',
        'from an upgrade-only plan (V2 `none`) it starts a subscription and a new 30-day period; between priced plans the period keeps its anchor (credits used count against the new allowance) and the new plan is invoiced in full for the current period (no proration)',
        'a priced plan raises a paid invoice (GET .../billing/invoices/); records subscription_created (from no subscription, and every April change) or subscription_updated (between priced plans), category billing',
        'choosing the current plan again changes nothing and records nothing; choosing any plan withdraws a scheduled cancellation',
        ...GATE_CHOICES,
        ADMIN_ONLY,
      ],
      divergences: [
        {
          path: '$',
          reason: 'the live route starts a paid subscription (setup intent, onboarding URL); the emulator switches the plan and marks the invoice paid',
        },
      ],
    },
    handler: (ctx, { body, scope }, emu) => {
      const change = emu.billing.choosePlan(callerOf(ctx).user, scope, body.billing_plan, emu.orgs.ownerOf(scope.org.id));
      const paid = emu.billing.subscriptions.renews(change.org) !== null;
      return {
        ...billingDetails(change.org, emu),
        ...(paid ? { is_active: true, setup_intent: null } : {}),
        ...(change.invoice ? { invoice: invoiceJson(change.invoice) } : {}),
      };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/billing/',
    area: 'billing',
    summary: 'Cancel the subscription at the end of the current period',
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.manage' },
    dialects: ['v2'],
    parity: {
      status: 'implemented',
      source: V2_SOURCE,
      choices: [
        'answers status `scheduled_cancellation`, cancel_at and current_period_end (Unix seconds, as the client formats them), cancel_at_period_end true, and the subscription',
        'the org keeps its plan until cancel_at; then it moves to the catalog defaults.ended_subscription (V2 `none`: upgrade-only, 402/1688 on resource calls) and subscription_ended is recorded',
        'cancelling again changes nothing; records subscription_cancel_scheduled (category billing)',
        'served in V2 only: the April catalog has no priced plan to cancel',
        OWNER_ONLY,
      ],
    },
    handler: (ctx, { scope }, emu) => {
      const org = emu.billing.subscriptions.cancel(callerOf(ctx).user, scope);
      const period = emu.ledger.period(org);
      return {
        status: 'scheduled_cancellation',
        org_id: org.id,
        billing_plan: org.plan,
        cancel_at: unixSeconds(org.cancelAt ?? period.end),
        cancel_at_period_end: true,
        current_period_end: unixSeconds(period.end),
        subscription: subscriptionJson(org, emu),
      };
    },
  }),

  defineRoute({
    method: 'PUT',
    path: '/current/org/:org_id/billing/',
    area: 'billing',
    summary: 'Reactivate a subscription scheduled to cancel',
    params: orgParams,
    access: { org: 'org_id', action: 'org.billing.manage' },
    dialects: ['v2'],
    parity: {
      status: 'implemented',
      source: V2_SOURCE,
      choices: [
        'answers status `reactivated` (or `active` when no cancellation was scheduled: a successful no-op), current_period_end (Unix seconds), cancel_at_period_end false, and the subscription',
        'records subscription_reactivated (category billing) when a cancellation was withdrawn',
        'once a cancelled subscription has ended, 404/1683 (choose a plan with POST instead)',
        OWNER_ONLY,
      ],
    },
    handler: (ctx, { scope }, emu) => {
      const was = emu.billing.subscriptions.settle(scope.org).cancelAt != null;
      const org = emu.billing.subscriptions.reactivate(callerOf(ctx).user, scope);
      return {
        status: was ? 'reactivated' : 'active',
        org_id: org.id,
        billing_plan: org.plan,
        current_period_end: unixSeconds(emu.ledger.period(org).end),
        cancel_at_period_end: false,
        subscription: subscriptionJson(org, emu),
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/billing/invoices/',
    area: 'billing',
    summary: "The org's invoices, newest first (cursor: starting_after)",
    params: orgParams,
    query: invoicesQuery,
    access: { org: 'org_id', action: 'org.billing.view' },
    dialects: ['v2'],
    parity: {
      status: 'implemented',
      source: V2_SOURCE,
      choices: [
        'answers `invoices[]` newest first and `has_more`; rows id (in_...), status paid, plan, reason (subscription_create, subscription_update, subscription_cycle), currency, amount_due, amount_paid, subtotal, total (cents), period_start, period_end, created (server-formatted)',
        `limit 1-100, default ${INVOICES_DEFAULT_LIMIT}; starting_after must name an invoice of the org (else 400/1605)`,
        'one invoice per plan choice and one per period that begins while subscribed (renewals are raised when the org is next read after the period starts)',
        'served in V2 only: the April catalog has no prices',
        ADMIN_ONLY,
      ],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const page = emu.billing.subscriptions.invoices(scope.org, query.limit ?? INVOICES_DEFAULT_LIMIT, query.starting_after);
      return { invoices: page.invoices.map(invoiceJson), has_more: page.hasMore };
    },
  }),
];
