import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromPackageRoot } from '../paths.js';
import { DEFAULT_DIALECT, type Dialect } from '../catalogue/index.js';
import type { AccountType } from '../store/model.js';

/**
 * The plan catalog is data: one file per dialect (`DIALECT_PLAN_FILES`) unless `--plans FILE`
 * names another, so a user can load another era's plans without touching code. What differs
 * between the dialects' billing is here, not in services: which plans exist and what they cost
 * (`amount` in cents), which plan a new org and a claimed org are on (`defaults`), and whether an
 * org on a plan is upgrade-only (`upgrade_only`: resource-consuming calls answer 402/1688).
 */
const planSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: z.string().min(1),
  account_types: z.array(z.enum(['agent', 'human'])).min(1),
  /** null = unlimited */
  credits_per_period: z.number().nonnegative().nullable(),
  storage_bytes: z.number().nonnegative().nullable(),
  max_file_bytes: z.number().nonnegative().nullable(),
  workspaces: z.number().int().nonnegative().nullable(),
  members_per_workspace: z.number().int().nonnegative().nullable(),
  features: z.array(z.string()),
  /** listed by GET /org/billing/plan/list/ and accepted as `billing_plan` (default true) */
  offered: z.boolean().default(true),
  /** an org on this plan has no subscription: resource-consuming calls answer 402/1688 (default false) */
  upgrade_only: z.boolean().default(false),
  /** the price per interval, in cents (the official client renders `amount` as dollars); absent: no price */
  amount: z.number().int().nonnegative().nullable().default(null),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/)
    .default('usd'),
  interval: z.enum(['month', 'year']).nullable().default(null),
});

const defaultsSchema = z.object({
  /** the plan a new org starts on, by its creator's account type */
  new_org: z.object({ agent: z.string(), human: z.string() }),
  /** the plan an org moves to when a human claims it with a transfer token */
  claimed_org: z.string(),
  /** the plan an org is on once a cancelled subscription has ended */
  ended_subscription: z.string().optional(),
});

const catalogSchema = z.object({
  era: z.string().optional(),
  source: z.string().optional(),
  choices: z.array(z.string()).optional(),
  defaults: defaultsSchema.optional(),
  plans: z.array(planSchema).min(1),
});

export type Plan = z.output<typeof planSchema>;
export type PlanDefaults = z.output<typeof defaultsSchema>;

export class PlanCatalog {
  private readonly byId: Map<string, Plan>;
  readonly defaults: Readonly<Required<PlanDefaults>>;

  constructor(
    readonly plans: readonly Plan[],
    defaults?: PlanDefaults,
    /** the file's own `choices` (the parity report lists them) */
    readonly choices: readonly string[] = [],
  ) {
    this.byId = new Map(plans.map((p) => [p.id, p]));
    // Without `defaults` (a catalog written before they existed): the first offered plan open to
    // each account type, and that of humans for a claimed org.
    const firstFor = (t: AccountType) => plans.find((p) => p.offered && p.account_types.includes(t))?.id ?? plans[0]!.id;
    const d = defaults ?? { new_org: { agent: firstFor('agent'), human: firstFor('human') }, claimed_org: firstFor('human') };
    this.defaults = Object.freeze({ ...d, ended_subscription: d.ended_subscription ?? d.new_org.human });
  }

  get(id: string): Plan | undefined {
    return this.byId.get(id);
  }

  /** A plan that must exist (the org's own plan). */
  require(id: string): Plan {
    const p = this.byId.get(id);
    if (!p) throw new Error(`plan ${id} is not in the catalog`);
    return p;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The plans a client may choose (the plan list, `billing_plan`). */
  offered(): Plan[] {
    return this.plans.filter((p) => p.offered);
  }

  /** Is an org on this plan upgrade-only (no subscription: resource calls answer 402/1688)? */
  isUpgradeOnly(planId: string): boolean {
    return this.byId.get(planId)?.upgrade_only ?? false;
  }

  newOrgPlan(accountType: AccountType): string {
    return this.defaults.new_org[accountType];
  }

  static load(file: string): PlanCatalog {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`cannot read plan catalog ${file}: ${(e as Error).message}`, { cause: e });
    }
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`plan catalog ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const ids = new Set<string>();
    for (const p of parsed.data.plans) {
      if (ids.has(p.id)) throw new Error(`plan catalog ${file} lists plan ${p.id} twice`);
      ids.add(p.id);
    }
    const d = parsed.data.defaults;
    if (d) {
      for (const [what, id] of [
        ['defaults.new_org.agent', d.new_org.agent],
        ['defaults.new_org.human', d.new_org.human],
        ['defaults.claimed_org', d.claimed_org],
        ['defaults.ended_subscription', d.ended_subscription],
      ] as const) {
        if (id !== undefined && !ids.has(id)) throw new Error(`plan catalog ${file}: ${what} names plan ${id}, which it does not list`);
      }
    }
    return new PlanCatalog(parsed.data.plans, d, parsed.data.choices ?? []);
  }
}

/**
 * The plan catalog each API dialect names (a file under fixtures/): the April-2026 table
 * (`plans.json`, agent and free plans) and V2's (`plans-v2.json`: Solo, Business, Growth, no free
 * plan, a new org upgrade-only until it subscribes).
 */
export const DIALECT_PLAN_FILES: Readonly<Record<Dialect, string>> = Object.freeze({ '2026-04': 'plans.json', v2: 'plans-v2.json' });

/** The catalog shipped with the package for a dialect. */
export function defaultPlansFile(dialect: Dialect = DEFAULT_DIALECT): string {
  return fromPackageRoot('fixtures', DIALECT_PLAN_FILES[dialect]);
}
