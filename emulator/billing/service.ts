/**
 * Billing: plans, the org's billing period, plan changes, and every usage figure, all read from the
 * credit ledger (ledger.ts) so no figure keeps a counter of its own; and the
 * `credits_threshold_reached` events at 80% and 100% of a period's credits.
 *
 * PARITY: routes and the meter names from the official client (src/api/org.rs); plan table and
 * credit costs from the API notes "Credits and plans" and the agent guide v1.29 "Agent Plan".
 */
import { formatTime } from '../http/format.js';
import { utcDay } from './format.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents, type AuditEventName } from '../events/catalogue.js';
import type { Db } from '../store/db.js';
import type { LedgerEntry, LedgerKind, Org, OrgRole, User } from '../store/model.js';
import type { OrgScope } from '../tenancy/access.js';
import type { IdGenerator } from '../store/ids.js';
import type { CreditLedger, Period } from './ledger.js';
import { SubscriptionService, type PlanChange } from './subscriptions.js';
import type { Plan, PlanCatalog } from './plans.js';

export const LEDGER_KINDS: readonly LedgerKind[] = ['storage', 'bandwidth', 'ai_tokens', 'ingestion', 'video', 'audio', 'images', 'conversions'];

/** Meters: what each measures, in ledger units. PARITY: meter names from the official client. */
export const METERS = { storage_bytes: 'storage', bandwidth_bytes: 'bandwidth', ai_tokens: 'ai_tokens' } as const satisfies Record<string, LedgerKind>;
export type MeterName = keyof typeof METERS;

/** PARITY: CHOICE thresholds of `credits_threshold_reached`, in percent of the period's credits. */
export const CREDIT_THRESHOLDS = [80, 100] as const;
export const THRESHOLD_EVENT: AuditEventName = 'credits_threshold_reached';

const DAY_MS = 24 * 3600 * 1000;

export interface CreditUsage {
  plan: Plan | undefined;
  period: Period;
  used: number;
  limit: number | null;
  remaining: number | null;
  subscriber: boolean;
  byKind: Record<LedgerKind, number>;
}

export interface MeterQuery {
  meter: MeterName;
  start: number;
  end: number;
  workspaceId?: string | undefined;
  shareId?: string | undefined;
}

export interface MeterReport {
  total: number;
  credits: number;
  days: { date: string; value: number; credits: number }[];
}

export interface BillableMember {
  user: User;
  orgRole: OrgRole | null;
  workspaces: number;
}

/** Credits are shown with at most 4 decimals (audio costs 0.5 per second; sums of floats drift). */
export function roundCredits(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}

export class BillingService {
  readonly subscriptions: SubscriptionService;

  constructor(private readonly d: { db: Db; ids: IdGenerator; ledger: CreditLedger; plans: PlanCatalog; audit: AuditLog; now: () => number }) {
    this.subscriptions = new SubscriptionService(d);
    d.ledger.charged.on((entry) => {
      const org = d.db.orgs.get(entry.orgId);
      if (org) this.checkThresholds(org);
    });
  }

  /** The plans a client may choose (an upgrade-only plan such as V2's `none` is not listed). */
  plans(): readonly Plan[] {
    return this.d.plans.offered();
  }

  usage(org: Org): CreditUsage {
    const { ledger } = this.d;
    const period = ledger.period(org);
    const { total, byKind } = ledger.usage(org);
    const limit = ledger.limit(org);
    const kinds = Object.fromEntries(LEDGER_KINDS.map((k) => [k, roundCredits(byKind.get(k) ?? 0)])) as Record<LedgerKind, number>;
    return {
      plan: this.d.plans.get(org.plan),
      period,
      used: roundCredits(total),
      limit,
      remaining: limit === null ? null : roundCredits(Math.max(0, limit - total)),
      subscriber: ledger.isSubscriber(org),
      byKind: kinds,
    };
  }

  /**
   * Choose a plan (see SubscriptionService.choosePlan): a smaller allowance may already be 80% or
   * 100% spent, so the thresholds are checked again.
   */
  choosePlan(caller: User, scope: OrgScope, planId: string, ownerId: string | undefined): PlanChange {
    const change = this.subscriptions.choosePlan(caller, scope, planId, ownerId);
    if (change.changed) this.checkThresholds(change.org);
    return change;
  }

  /**
   * Record `credits_threshold_reached` for each threshold the period's usage has reached and that
   * has no event yet in this period: once each per period, whatever crossed it (a charge, or a
   * plan change that lowered the allowance).
   */
  checkThresholds(org: Org): void {
    const { ledger } = this.d;
    const limit = ledger.limit(org);
    if (limit === null || limit <= 0) return;
    const used = ledger.used(org);
    const period = ledger.period(org);
    const reached = CREDIT_THRESHOLDS.filter((pct) => used + 1e-9 >= (limit * pct) / 100);
    if (reached.length === 0) return;
    const recorded = new Set(
      this.d.db.events
        .query({ scopes: { org: org.id }, event: THRESHOLD_EVENT, createdMin: period.start, limit: 10, offset: 0 })
        .events.filter((e) => e.data.period_start === formatTime(period.start))
        .map((e) => e.data.threshold),
    );
    for (const pct of reached) {
      if (recorded.has(pct)) continue;
      this.d.audit.record(
        AuditEvents.creditsThresholdReached(org, {
          threshold: pct,
          credits_used: roundCredits(used),
          credits_limit: limit,
          period_start: formatTime(period.start),
          period_end: formatTime(period.end),
          plan: org.plan,
        }),
      );
    }
  }

  /** One meter over a time range, per UTC day with usage (oldest first). */
  meter(org: Org, q: MeterQuery): MeterReport {
    const kind = METERS[q.meter];
    const days = new Map<string, { value: number; credits: number }>();
    let total = 0;
    let credits = 0;
    for (const e of this.d.ledger.entries(org.id, q.start, q.end + 1)) {
      if (e.kind !== kind || !inPlace(e, q)) continue;
      total += e.units;
      credits += e.credits;
      const date = utcDay(Math.floor(e.created / DAY_MS) * DAY_MS);
      const day = days.get(date) ?? { value: 0, credits: 0 };
      day.value += e.units;
      day.credits += e.credits;
      days.set(date, day);
    }
    return {
      total,
      credits: roundCredits(credits),
      days: [...days].map(([date, d]) => ({ date, value: d.value, credits: roundCredits(d.credits) })),
    };
  }

  /**
   * Everyone with an active place in the org: its members, and users who reach it only through a
   * workspace. PARITY: CHOICE, the live rule for who is billable is not documented.
   */
  billableMembers(org: Org): BillableMember[] {
    const { db } = this.d;
    const out = new Map<string, BillableMember>();
    for (const m of db.orgMembers.find('org', org.id)) {
      if (m.status !== 'active' || !m.userId) continue;
      const user = db.users.get(m.userId);
      if (user) out.set(user.id, { user, orgRole: m.role, workspaces: 0 });
    }
    for (const m of db.workspaceMembers.find('org', org.id)) {
      if (m.status !== 'active' || !m.userId) continue;
      const ws = db.workspaces.get(m.workspaceId);
      if (!ws || ws.deleted) continue;
      let row = out.get(m.userId);
      if (!row) {
        const user = db.users.get(m.userId);
        if (!user) continue;
        out.set(user.id, (row = { user, orgRole: null, workspaces: 0 }));
      }
      row.workspaces++;
    }
    return [...out.values()].sort((a, b) => a.user.created - b.user.created || (a.user.id < b.user.id ? -1 : 1));
  }
}

function inPlace(e: LedgerEntry, q: MeterQuery): boolean {
  if (q.workspaceId !== undefined && e.workspaceId !== q.workspaceId) return false;
  if (q.shareId !== undefined && e.shareId !== q.shareId) return false;
  return true;
}
