/**
 * The April-2026 subscription state machine: its plans have no prices, so a "subscription" is an
 * org on a plan other than its owner's new-org plan (pro or business; the free and agent plans are
 * where an org starts and where it returns). The routes are the April client's (41dde01
 * src/api/org.rs billing_cancel, billing_activate, billing_reset, billing_invoices); what they do
 * is not documented, so every step below is a CHOICE, modelled on the V2 machine
 * (subscriptions.ts) where the two meet:
 *
 * - `DELETE /billing/` schedules the end of the subscription at the end of the current period
 *   (as V2's cancel); at `cancelAt` the org moves to its owner's new-org plan (`settleUnpriced`).
 * - `POST /billing/activate/` withdraws a scheduled cancellation (as V2's PUT reactivate); with
 *   none scheduled it is a successful no-op.
 * - `POST /billing/reset/` ends the subscription at once: the org is back on its owner's new-org
 *   plan, any scheduled cancellation is dropped; the period and the credits used in it stay (a
 *   reset does not give fresh credits).
 * - All three are the owner's (admins 403/1680, as V2); an org on its new-org plan has no
 *   subscription: cancel and activate answer 404/1683, reset is a successful no-op.
 * - Invoices are the org's 30-day periods, read from the credit ledger: one per period from the
 *   org's period anchor to now, newest first, with the credits used by kind; amounts are 0 (the
 *   catalog has no prices); ids are derived from the org and the period start, so they are stable.
 */
import { createHash } from 'node:crypto';
import { ApiError, Errors, assert } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { AuditEvents } from '../events/catalogue.js';
import type { LedgerKind, Org, User } from '../store/model.js';
import type { OrgScope } from '../tenancy/access.js';
import { PERIOD_MS } from './ledger.js';
import type { SubscriptionDeps } from './subscriptions.js';
import { NO_SUBSCRIPTION_CODE } from './subscriptions.js';
import { LEDGER_KINDS, roundCredits } from './service.js';

export interface AprilInvoice {
  id: string;
  status: 'paid' | 'draft';
  periodStart: number;
  periodEnd: number;
  creditsUsed: number;
  byKind: Record<LedgerKind, number>;
}

/** A clock moved far ahead lists at most this many periods (CHOICE, as MAX_RENEWALS_AT_ONCE in V2). */
const MAX_PERIODS = 1200;

/** The plan an org of this owner starts on (and returns to when its subscription ends). */
export function homePlanOf(d: Pick<SubscriptionDeps, 'db' | 'plans'>, org: Org): string {
  const ownerId = d.db.orgMembers.find('org', org.id).find((m) => m.role === 'owner' && m.status === 'active')?.userId;
  const owner = ownerId ? d.db.users.get(ownerId) : undefined;
  return d.plans.newOrgPlan(owner?.accountType ?? 'human');
}

/**
 * End a scheduled cancellation of an unpriced (April) plan whose time has passed: the org moves to
 * its owner's new-org plan and `subscription_ended` is recorded (no calling user: the clock).
 */
export function settleUnpriced(d: SubscriptionDeps, org: Org): Org {
  const endsAt = org.cancelAt ?? null;
  if (endsAt === null || endsAt > d.now()) return org;
  const ended = d.db.orgs.update(org.id, { plan: homePlanOf(d, org), cancelAt: null, updated: d.now() });
  d.audit.record(AuditEvents.subscriptionEnded(org, null, { ended: formatTime(endsAt), reason: 'cancelled' }));
  return ended;
}

function noSubscription(): ApiError {
  return new ApiError(404, NO_SUBSCRIPTION_CODE, 'This organization has no active subscription. Choose a plan with POST /current/org/{org_id}/billing/.');
}

export class AprilSubscriptions {
  constructor(
    private readonly d: SubscriptionDeps,
    private readonly settle: (org: Org) => Org,
  ) {}

  /** Is the org on a plan above its owner's new-org plan? */
  subscribed(org: Org): boolean {
    return org.plan !== homePlanOf(this.d, org);
  }

  private owned(scope: OrgScope): Org {
    assert(scope.role === 'owner', () => Errors.accessDenied('Only the owner of the organization can change its subscription.'));
    return this.settle(scope.org);
  }

  cancel(caller: User, scope: OrgScope): Org {
    const org = this.owned(scope);
    if (!this.subscribed(org)) throw noSubscription();
    if (org.cancelAt != null) return org;
    const cancelAt = this.d.ledger.period(org).end;
    const updated = this.d.db.orgs.update(org.id, { cancelAt, updated: this.d.now() });
    this.d.audit.record(AuditEvents.subscriptionCancelScheduled(caller, org, { cancel_at: formatTime(cancelAt) }));
    return updated;
  }

  /** Withdraw a scheduled cancellation; `was` tells whether one was scheduled. */
  activate(caller: User, scope: OrgScope): { org: Org; was: boolean } {
    const org = this.owned(scope);
    if (!this.subscribed(org)) throw noSubscription();
    if (org.cancelAt == null) return { org, was: false };
    const updated = this.d.db.orgs.update(org.id, { cancelAt: null, updated: this.d.now() });
    this.d.audit.record(AuditEvents.subscriptionReactivated(caller, org));
    return { org: updated, was: true };
  }

  /** End the subscription at once; `changed` is false when there was none to end. */
  reset(caller: User, scope: OrgScope): { org: Org; changed: boolean; previous: string } {
    const org = this.owned(scope);
    const home = homePlanOf(this.d, org);
    if (org.plan === home && org.cancelAt == null) return { org, changed: false, previous: org.plan };
    const updated = this.d.db.orgs.update(org.id, { plan: home, cancelAt: null, updated: this.d.now() });
    this.d.audit.record(AuditEvents.subscriptionEnded(org, caller.id, { ended: formatTime(this.d.now()), reason: 'reset' }));
    return { org: updated, changed: true, previous: org.plan };
  }

  /** The org's periods, newest first, each with the credits the ledger holds for it. */
  invoices(org: Org): AprilInvoice[] {
    const now = this.d.now();
    const anchor = org.periodAnchor;
    const current = Math.max(0, Math.floor((now - anchor) / PERIOD_MS));
    const first = Math.max(0, current - MAX_PERIODS + 1);
    const rows = new Map<number, AprilInvoice>();
    for (let n = first; n <= current; n++) {
      const start = anchor + n * PERIOD_MS;
      rows.set(n, {
        id: `in_${createHash('sha256').update(`${org.id}:${start}`).digest('hex').slice(0, 24)}`,
        status: n < current ? 'paid' : 'draft',
        periodStart: start,
        periodEnd: start + PERIOD_MS,
        creditsUsed: 0,
        byKind: Object.fromEntries(LEDGER_KINDS.map((k) => [k, 0])) as Record<LedgerKind, number>,
      });
    }
    for (const e of this.d.ledger.entries(org.id, anchor + first * PERIOD_MS, now + 1)) {
      const row = rows.get(Math.floor((e.created - anchor) / PERIOD_MS));
      if (!row) continue;
      row.creditsUsed += e.credits;
      row.byKind[e.kind] += e.credits;
    }
    return [...rows.values()].reverse().map((r) => ({
      ...r,
      creditsUsed: roundCredits(r.creditsUsed),
      byKind: Object.fromEntries(Object.entries(r.byKind).map(([k, v]) => [k, roundCredits(v)])) as Record<LedgerKind, number>,
    }));
  }
}
