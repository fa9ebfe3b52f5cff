/**
 * Subscriptions: choosing a plan, cancelling at the period's end, reactivating, and the invoices
 * they raise. The emulator's payment is instant and offline: a subscription is active the moment
 * a plan is chosen, every invoice is paid when it is raised, and nothing leaves the machine.
 *
 * What a plan costs and whether an org without one is upgrade-only is the plan catalog's (see
 * plans.ts): the April-2026 catalog has no prices, so choosing a plan there raises no invoice and
 * records `subscription_created` as it always did; V2's has prices in cents and the unlisted
 * upgrade-only plan `none` that a new org starts on.
 *
 * Time moves on its own (the clock, `POST /_emulator/clock/advance`), so the subscription is
 * settled lazily (`settle`): before a billing answer and before the gate decides, a period that
 * has begun raises its renewal invoice and a cancelled subscription whose end has passed ends.
 *
 * PARITY: routes and answer fields from the official client 96b1551 src/api/org.rs
 * (billing_create, billing_cancel, billing_reactivate, billing_invoices) and commands/org.rs
 * (`status: scheduled_cancellation`, `cancel_at` and `current_period_end` as Unix seconds,
 * `cancel_at_period_end`; invoices' amount_due, amount_paid, subtotal, total in cents and
 * server-formatted period_start, created; `has_more`); reactivate is owner-only and answers
 * 1683/404 once the subscription has ended (org.rs billing_reactivate).
 */
import { ApiError, Errors, assert } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { AuditEvents } from '../events/catalogue.js';
import { OpaqueType } from '../store/ids.js';
import type { Invoice, Org, User } from '../store/model.js';
import type { OrgScope } from '../tenancy/access.js';
import { PERIOD_MS } from './ledger.js';
import type { Plan } from './plans.js';
import type { ServiceDeps } from '../service-deps.js';
import { AprilSubscriptions, settleUnpriced } from './april-subscriptions.js';
import { oldestFirst } from '../store/order.js';

/** PARITY: official client org.rs billing_reactivate: "once the subscription has fully terminated the server returns 1683/404". */
export const NO_SUBSCRIPTION_CODE = 1683;

/** A clock moved years ahead raises at most this many renewal invoices at once (CHOICE). */
const MAX_RENEWALS_AT_ONCE = 120;

export type SubscriptionDeps = Pick<ServiceDeps, 'db' | 'ids' | 'ledger' | 'plans' | 'audit' | 'now'>;

export interface PlanChange {
  org: Org;
  /** false when the org was on that plan already (nothing recorded) */
  changed: boolean;
  invoice: Invoice | undefined;
}

export interface InvoicePage {
  invoices: Invoice[];
  hasMore: boolean;
}

function noSubscription(): ApiError {
  return new ApiError(404, NO_SUBSCRIPTION_CODE, 'This organization has no active subscription. Choose a plan with POST /current/org/{org_id}/billing/.');
}

export class SubscriptionService {
  /** The April-2026 (unpriced) cancel, activate, reset and invoices (april-subscriptions.ts). */
  readonly april: AprilSubscriptions;

  constructor(private readonly d: SubscriptionDeps) {
    this.april = new AprilSubscriptions(d, (org) => this.settle(org));
  }

  /** A paid plan: one with a price (April's plans have none; V2's `none` is not one). */
  private paid(plan: Plan | undefined): plan is Plan {
    return plan !== undefined && !plan.upgrade_only && plan.amount !== null;
  }

  /**
   * Bring the org's subscription up to now: a renewal invoice for each period that has begun, and
   * the end of a cancelled subscription whose period is over (the org moves to the catalog's
   * `ended_subscription` plan). Answers the org as it is after that.
   */
  settle(org: Org): Org {
    if (!this.paid(this.d.plans.get(org.plan))) return settleUnpriced(this.d, org);
    const now = this.d.now();
    const endsAt = org.cancelAt ?? null;
    const until = endsAt !== null && endsAt <= now ? endsAt : now;
    this.renew(org, until, endsAt);
    if (endsAt === null || endsAt > now) return org;
    const ended = this.d.db.orgs.update(org.id, { plan: this.d.plans.defaults.ended_subscription, cancelAt: null, updated: now });
    this.d.audit.record(AuditEvents.subscriptionEnded(org, null, { ended: formatTime(endsAt), reason: 'cancelled' }));
    return ended;
  }

  /** Renewal invoices for the periods begun before `until` (and before the subscription's end). */
  private renew(org: Org, until: number, endsAt: number | null): void {
    const plan = this.d.plans.require(org.plan);
    const last = this.invoicesOf(org.id).at(-1);
    if (!last) return;
    let start = last.periodEnd;
    for (let n = 0; start <= until && (endsAt === null || start < endsAt) && n < MAX_RENEWALS_AT_ONCE; n++) {
      const invoice = this.raise(org, plan, 'subscription_cycle', { start, end: start + PERIOD_MS }, start);
      this.d.audit.record(AuditEvents.subscriptionRenewed(org, { invoice_id: invoice.id, amount: invoice.amount, period_start: formatTime(start) }));
      start += PERIOD_MS;
    }
  }

  private raise(org: Org, plan: Plan, reason: Invoice['reason'], period: { start: number; end: number }, created = this.d.now()): Invoice {
    return this.d.db.invoices.insert({
      id: `in_${this.d.ids.opaqueId(OpaqueType.general)}`,
      orgId: org.id,
      plan: plan.id,
      amount: plan.amount ?? 0,
      currency: plan.currency,
      reason,
      periodStart: period.start,
      periodEnd: period.end,
      created,
    });
  }

  /**
   * Choose a plan (`POST /org/{id}/billing/`, `billing_plan`). From an upgrade-only plan this starts
   * a subscription and a new period (the org is usable at once); between priced plans it changes
   * the plan and keeps the period (PARITY: CHOICE, no proration: the new plan's whole price is
   * invoiced for the current period); a pending cancellation is withdrawn. The plan must be
   * offered and open to the owner's account type.
   */
  choosePlan(caller: User, scope: OrgScope, planId: string, ownerId: string | undefined): PlanChange {
    const org = this.settle(scope.org);
    const plan = this.d.plans.get(planId);
    if (!plan || !plan.offered) throw Errors.invalidField('billing_plan', `Unknown plan "${planId}". See GET /current/org/billing/plan/list/.`);
    const owner = ownerId ? this.d.db.users.get(ownerId) : undefined;
    const accountType = owner?.accountType ?? caller.accountType;
    if (!plan.account_types.includes(accountType)) {
      throw Errors.invalidField('billing_plan', `The ${plan.id} plan is not available to organizations owned by ${accountType} accounts.`);
    }
    if (plan.id === org.plan) return { org, changed: false, invoice: undefined };
    const previous = this.d.plans.get(org.plan);
    const starts = previous?.upgrade_only ?? false;
    const now = this.d.now();
    const updated = this.d.db.orgs.update(org.id, {
      plan: plan.id,
      updated: now,
      ...(org.cancelAt != null ? { cancelAt: null } : {}),
      ...(starts ? { periodAnchor: now } : {}),
    });
    const invoice =
      plan.amount !== null
        ? this.raise(updated, plan, starts || !this.paid(previous) ? 'subscription_create' : 'subscription_update', this.d.ledger.period(updated))
        : undefined;
    const data = invoice ? { invoice_id: invoice.id, amount: invoice.amount, currency: invoice.currency } : {};
    // April's plans are unpriced: every change there is a `subscription_created`, as before V2.
    if (this.paid(previous)) this.d.audit.record(AuditEvents.subscriptionUpdated(caller, org, plan.id, data));
    else this.d.audit.record(AuditEvents.subscriptionCreated(caller, org, plan.id, data));
    return { org: updated, changed: true, invoice };
  }

  /** Schedule the subscription to end with its current period (`DELETE /org/{id}/billing/`). */
  cancel(caller: User, scope: OrgScope): Org {
    const org = this.activeSubscription(scope);
    if (org.cancelAt != null) return org;
    const cancelAt = this.d.ledger.period(org).end;
    const updated = this.d.db.orgs.update(org.id, { cancelAt, updated: this.d.now() });
    this.d.audit.record(AuditEvents.subscriptionCancelScheduled(caller, org, { cancel_at: formatTime(cancelAt) }));
    return updated;
  }

  /** Withdraw a scheduled cancellation (`PUT /org/{id}/billing/`); a no-op when none is scheduled. */
  reactivate(caller: User, scope: OrgScope): Org {
    const org = this.activeSubscription(scope);
    if (org.cancelAt == null) return org;
    const updated = this.d.db.orgs.update(org.id, { cancelAt: null, updated: this.d.now() });
    this.d.audit.record(AuditEvents.subscriptionReactivated(caller, org));
    return updated;
  }

  /** PARITY: owner-only (client org.rs billing_reactivate; CHOICE for cancel); no paid plan: 404/1683. */
  private activeSubscription(scope: OrgScope): Org {
    assert(scope.role === 'owner', () => Errors.accessDenied('Only the owner of the organization can cancel or reactivate its subscription.'));
    const org = this.settle(scope.org);
    if (!this.paid(this.d.plans.get(org.plan))) throw noSubscription();
    return org;
  }

  /** Does the org's subscription renew (true), end at `cancelAt` (false), or is there none (null)? */
  renews(org: Org): boolean | null {
    if (!this.paid(this.d.plans.get(org.plan))) return null;
    return org.cancelAt == null;
  }

  invoicesOf(orgId: string): Invoice[] {
    return oldestFirst(this.d.db.invoices.find('org', orgId));
  }

  /**
   * Invoices, newest first, cursor-paginated: `starting_after` is the id of the last invoice of the
   * previous page (PARITY: client org.rs billing_invoices; never offset). An id that is not one of
   * the org's invoices answers 400/1605 (CHOICE).
   */
  invoices(org: Org, limit: number, startingAfter: string | undefined): InvoicePage {
    const all = this.invoicesOf(this.settle(org).id).reverse();
    let from = 0;
    if (startingAfter !== undefined) {
      const at = all.findIndex((i) => i.id === startingAfter);
      if (at < 0) throw Errors.invalidField('starting_after', 'starting_after names no invoice of this organization.');
      from = at + 1;
    }
    return { invoices: all.slice(from, from + limit), hasMore: from + limit < all.length };
  }
}
