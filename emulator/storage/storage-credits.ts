/**
 * What storage costs an org: the plan's size limits, the storage credits for bytes held, and the
 * bandwidth credits for bytes downloaded. Charges go through the credit ledger; the only state kept
 * here is which periods' held storage is already charged, and it is derived from the ledger.
 */
import { CREDIT_COSTS, PERIOD_MS } from '../billing/ledger.js';
import { Errors } from '../http/errors.js';
import type { Org, StorageNode } from '../store/model.js';
import type { StorageDeps } from './service.js';

/** PARITY: storage is measured in GiB, bandwidth in 10^9 bytes (agent guide v1.29 "Unit Calculations"). */
export const GIB = 1024 ** 3;
export const GB = 1e9;
const STORAGE_PERIOD_MARKER = 'storage-period:';

export class StorageCredits {
  /** `${orgId}:${periodStart}` whose held storage is already charged (derived from the ledger). */
  private readonly settledPeriods = new Set<string>();

  constructor(private readonly d: Pick<StorageDeps, 'db' | 'plans' | 'ledger' | 'now'>) {}

  /**
   * Bytes an org holds: every file and note version (current and kept) of its live workspaces. PARITY: CHOICE, the
   * trash still holds bytes until purged; a deleted workspace's files no longer count.
   */
  heldBytes(orgId: string, storedBefore = Infinity): number {
    const live = new Map<string, boolean>();
    const alive = (workspaceId: string): boolean => {
      let known = live.get(workspaceId);
      if (known === undefined) {
        const ws = this.d.db.workspaces.get(workspaceId);
        known = Boolean(ws && !ws.deleted);
        live.set(workspaceId, known);
      }
      return known;
    };
    let total = 0;
    for (const n of this.d.db.nodes.find('org', orgId)) {
      if (n.type === 'folder' || n.updated >= storedBefore) continue;
      if (alive(n.workspaceId)) total += n.size;
    }
    // PARITY: agent guide v2.6: an overwritten file's previous content is kept as a version, so it is held too.
    for (const v of this.d.db.fileVersions.find('org', orgId)) {
      if (v.created < storedBefore && alive(v.workspaceId)) total += v.size;
    }
    return total;
  }

  /**
   * PARITY: the plan's file size and storage limits answer 402/1685 (API notes "Credits and plans").
   * `freed` is what the write releases (nothing, today: a replaced version is kept).
   */
  assertFits(org: Org, size: number, freed = 0): void {
    const plan = this.d.plans.get(org.plan);
    if (!plan) return;
    if (plan.max_file_bytes !== null && size > plan.max_file_bytes) throw Errors.planLimit(`bytes per file (${plan.id} plan)`, plan.max_file_bytes);
    if (plan.storage_bytes !== null && this.heldBytes(org.id) - freed + size > plan.storage_bytes) {
      throw Errors.planLimit(`bytes of storage (${plan.id} plan)`, plan.storage_bytes);
    }
  }

  /**
   * Storage credits, without a cost on every request. PARITY: CHOICE (100 credits per GiB held,
   * pro-rated over the 30-day period):
   * - a stored version is charged for the rest of the current period when it is stored;
   * - bytes held when a period starts are charged for the whole period, once, at the org's first
   *   storage operation (upload, note, delete, purge, download) of that period (a ledger row
   *   with object `storage-period:{start}` marks it done, so a restart does not charge twice);
   * - deleting or replacing refunds nothing;
   * - storage never fails for credits ("storage keeps working"): past the limit only what is left
   *   of the budget is charged.
   */
  settleHeldStorage(org: Org): void {
    const { start, end } = this.d.ledger.period(org);
    const key = `${org.id}:${start}`;
    if (this.settledPeriods.has(key)) return;
    this.settledPeriods.add(key);
    const settled = this.d.ledger.entries(org.id, start, end).some((e) => e.kind === 'storage' && e.objectId?.startsWith(STORAGE_PERIOD_MARKER));
    if (settled) return;
    const held = this.heldBytes(org.id, start);
    if (held === 0) return;
    this.chargeStorage(org, { units: held, credits: (held / GIB) * CREDIT_COSTS.storagePerGib, objectId: `${STORAGE_PERIOD_MARKER}${start}` });
  }

  /** A version just stored, for the rest of the current period. */
  chargeStoredVersion(org: Org, node: StorageNode, userId: string): void {
    if (node.size === 0) return;
    const { end } = this.d.ledger.period(org);
    const fraction = Math.max(0, end - this.d.now()) / PERIOD_MS;
    this.chargeStorage(org, {
      units: node.size,
      credits: (node.size / GIB) * CREDIT_COSTS.storagePerGib * fraction,
      workspaceId: node.workspaceId,
      objectId: node.id,
      userId,
    });
  }

  private chargeStorage(org: Org, input: { units: number; credits: number; workspaceId?: string; objectId: string; userId?: string }): void {
    const remaining = this.d.ledger.remaining(org);
    const credits = remaining === null ? input.credits : Math.min(input.credits, remaining);
    this.d.ledger.charge(org, { kind: 'storage', ...input, credits });
  }

  /** PARITY: bandwidth costs 212 credits per 10^9 bytes downloaded; past the budget a download answers 402/1696. */
  chargeBandwidth(org: Org, node: Pick<StorageNode, 'id' | 'workspaceId'>, bytes: number, userId: string): void {
    if (bytes === 0) return;
    this.d.ledger.charge(org, {
      kind: 'bandwidth',
      units: bytes,
      credits: (bytes / GB) * CREDIT_COSTS.bandwidthPerGb,
      workspaceId: node.workspaceId,
      objectId: node.id,
      userId,
    });
  }

  /** After the state is replaced: which periods are settled is read from the new ledger again. */
  forget(): void {
    this.settledPeriods.clear();
  }
}
