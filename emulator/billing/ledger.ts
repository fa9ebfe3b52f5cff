/**
 * The credit ledger: one append-only record of every charge, and the single source of every usage
 * figure. Nothing else keeps a counter; the per-period sums below are an index over the ledger,
 * rebuilt from it whenever the state is replaced.
 *
 * PARITY: credits reset every 30 days from the org's period start; a credit-consuming call that
 * would pass the limit answers 402/1696 naming used and limit, and is not recorded; unlimited plans
 * never refuse (API notes, "Credits and plans"; agent guide "Agent Plan").
 */
import { Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { LedgerEntry, LedgerKind, Org } from '../store/model.js';
import type { PlanCatalog } from './plans.js';
import { Listeners, type Observable } from '../listeners.js';

export const PERIOD_MS = 30 * 24 * 3600 * 1000;

/** PARITY: credit costs from the April-2026 catalog (API notes). */
export const CREDIT_COSTS = {
  /** per GiB held (pro-rated over the period: CHOICE) */
  storagePerGib: 100,
  /** per 10^9 bytes downloaded */
  bandwidthPerGb: 212,
  /** per 100 AI tokens */
  aiTokensPer100: 1,
  /** per document page ingested */
  ingestionPerPage: 10,
  videoPerSecond: 5,
  audioPerSecond: 0.5,
  imageEach: 5,
  conversionEach: 25,
} as const;

export interface Period {
  start: number;
  end: number;
}

export interface ChargeInput {
  kind: LedgerKind;
  units: number;
  credits: number;
  workspaceId?: string | null;
  shareId?: string | null;
  objectId?: string | null;
  userId?: string | null;
}

interface PeriodUsage {
  total: number;
  byKind: Map<LedgerKind, number>;
}

function addTo(usage: PeriodUsage, e: LedgerEntry): void {
  usage.total += e.credits;
  usage.byKind.set(e.kind, (usage.byKind.get(e.kind) ?? 0) + e.credits);
}

export class CreditLedger {
  /** `${orgId}:${periodStart}` -> credits charged in that period, in all and per kind (derived from the ledger) */
  private readonly sums = new Map<string, PeriodUsage>();
  // A listener (thresholds, alerts) never undoes or fails the charge it hears about.
  private readonly charges: Listeners<[entry: LedgerEntry, usedAfter: number, limit: number | null]>;
  /** Every charge, after it is stored. */
  readonly charged: Observable<[entry: LedgerEntry, usedAfter: number, limit: number | null]>;

  constructor(
    private readonly db: Db,
    private readonly ids: IdGenerator,
    private readonly plans: PlanCatalog,
    private readonly now: () => number,
    onListenerError: (err: unknown) => void = () => {},
  ) {
    this.charged = this.charges = new Listeners(onListenerError);
  }

  /** The 30-day period containing `at`, counted from the org's anchor. */
  period(org: Org, at = this.now()): Period {
    const n = Math.max(0, Math.floor((at - org.periodAnchor) / PERIOD_MS));
    const start = org.periodAnchor + n * PERIOD_MS;
    return { start, end: start + PERIOD_MS };
  }

  /** Credits per period for the org's plan; null = unlimited. */
  limit(org: Org): number | null {
    return this.plans.get(org.plan)?.credits_per_period ?? null;
  }

  used(org: Org, at = this.now()): number {
    return this.periodUsage(org, at).total;
  }

  /** Credits charged in the period containing `at`, in all and per kind. */
  usage(org: Org, at = this.now()): { total: number; byKind: ReadonlyMap<LedgerKind, number> } {
    return this.periodUsage(org, at);
  }

  private periodUsage(org: Org, at: number): PeriodUsage {
    const { start } = this.period(org, at);
    const key = `${org.id}:${start}`;
    let usage = this.sums.get(key);
    if (!usage) {
      usage = { total: 0, byKind: new Map() };
      const end = start + PERIOD_MS;
      for (const e of this.db.ledger.find('org', org.id)) if (e.created >= start && e.created < end) addTo(usage, e);
      this.sums.set(key, usage);
    }
    return usage;
  }

  remaining(org: Org): number | null {
    const limit = this.limit(org);
    return limit === null ? null : Math.max(0, limit - this.used(org));
  }

  /** `subscriber` in org details: false once the period's credits are spent. */
  isSubscriber(org: Org): boolean {
    const limit = this.limit(org);
    return limit === null || this.used(org) < limit;
  }

  canAfford(org: Org, credits: number): boolean {
    const limit = this.limit(org);
    return limit === null || this.used(org) + credits <= limit;
  }

  /** Record a charge, or refuse it with 402/1696 when it would pass the limit (nothing recorded). */
  charge(org: Org, input: ChargeInput): LedgerEntry {
    if (!Number.isFinite(input.credits) || input.credits < 0) throw new Error(`invalid charge of ${input.credits} credits`);
    const limit = this.limit(org);
    const now = this.now();
    const usage = this.periodUsage(org, now);
    const used = usage.total;
    // The epsilon keeps fractional credits (audio is 0.5 per second) from refusing an exact fit.
    if (limit !== null && used + input.credits > limit + 1e-9) throw Errors.creditLimit(used, limit);
    const entry = this.db.ledger.insert({
      id: this.ids.opaqueId('b'),
      orgId: org.id,
      workspaceId: input.workspaceId ?? null,
      shareId: input.shareId ?? null,
      kind: input.kind,
      units: input.units,
      credits: input.credits,
      objectId: input.objectId ?? null,
      userId: input.userId ?? null,
      created: now,
    });
    addTo(usage, entry);
    const after = usage.total;
    this.charges.emit(entry, after, limit);
    return entry;
  }

  /** Entries of one org in a time range, oldest first. */
  entries(orgId: string, from = -Infinity, to = Infinity): LedgerEntry[] {
    return this.db.ledger.find('org', orgId).filter((e) => e.created >= from && e.created < to);
  }

  /** Forget the derived sums (after the state is replaced or reset). */
  invalidate(): void {
    this.sums.clear();
  }
}
