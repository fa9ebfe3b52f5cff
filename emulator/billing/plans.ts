import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromPackageRoot } from '../paths.js';
import { DEFAULT_DIALECT, type Dialect } from '../catalogue/index.js';

/**
 * The plan catalog is data: `fixtures/plans.json` (the April-2026 table) unless `--plans FILE`
 * names another, so a user can load another era's plans without touching code.
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
});

const catalogSchema = z.object({
  era: z.string().optional(),
  source: z.string().optional(),
  choices: z.array(z.string()).optional(),
  plans: z.array(planSchema).min(1),
});

export type Plan = z.infer<typeof planSchema>;

export class PlanCatalog {
  private readonly byId: Map<string, Plan>;

  constructor(readonly plans: readonly Plan[]) {
    this.byId = new Map(plans.map((p) => [p.id, p]));
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
    return new PlanCatalog(parsed.data.plans);
  }
}

/**
 * The plan catalog each API dialect names (a file under fixtures/). CHOICE: both dialects name the
 * April-2026 table until the V2 catalog exists (issue 16).
 */
export const DIALECT_PLAN_FILES: Readonly<Record<Dialect, string>> = Object.freeze({ '2026-04': 'plans.json', v2: 'plans.json' });

/** The catalog shipped with the package for a dialect. */
export function defaultPlansFile(dialect: Dialect = DEFAULT_DIALECT): string {
  return fromPackageRoot('fixtures', DIALECT_PLAN_FILES[dialect]);
}
