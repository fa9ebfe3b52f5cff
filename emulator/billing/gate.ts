/**
 * The subscription gate: an org on an upgrade-only plan of the catalog (V2's `none`, the plan of a
 * new org and of a claimed one) answers 402/1688 on resource-consuming actions until a plan is
 * chosen. It is decided by the plan catalog and the action a route declares, never by the dialect:
 * the April-2026 catalog has no upgrade-only plan, so nothing is gated there.
 *
 * It runs inside `Access` (tenancy/access.ts `addGate`) after the permission table: a caller who
 * may not act on the org at all still gets 404/401/403, and only one who may is told about billing.
 *
 * PARITY: agent guide SKILL.md v2.6 section 8 ("after org create the org is upgrade-only and returns
 * 402 on resource-consuming calls until a plan is selected"); code 1688 from the official client
 * src/error.rs (HINT_SUBSCRIPTION_REQUIRED). Which calls consume resources is not listed: CHOICE,
 * `GATED_ACTIONS` below.
 */
import { Errors } from '../http/errors.js';
import type { AccessGate } from '../tenancy/access.js';
import type { OrgAction, WorkspaceAction } from '../tenancy/permissions.js';
import type { PlanCatalog } from './plans.js';
import type { SubscriptionService } from './subscriptions.js';

/**
 * PARITY: CHOICE. The actions that consume what a plan sells: workspaces, storage (uploads,
 * folders, notes, and the storage writes that go with them, deletes included), AI chat, and seats
 * (adding or inviting members, and the other member changes of the same action). Reading,
 * settings, billing, leaving, closing and ownership transfer (the 402 hand-off) stay open.
 */
export const GATED_ACTIONS: ReadonlySet<OrgAction | WorkspaceAction | 'workspace.join'> = new Set([
  'org.workspaces.create',
  'org.members.manage',
  'workspace.storage.write',
  'workspace.ai.chat',
  'workspace.members.manage',
]);

export const GATE_CHOICES = [
  'an org on an upgrade-only plan (V2: `none`, a new or claimed org) answers 402/1688 on: creating workspaces, storage writes (uploads, folders, notes, deletes), AI chats and messages, adding, inviting, updating and removing org and workspace members',
  'reads, org settings, billing, leaving, closing the org and transfer tokens (the 402 hand-off) stay open to an upgrade-only org',
  'the 402 comes after the permission checks: a caller without access to the org gets the usual 404/401/403',
];

export function subscriptionGate(plans: PlanCatalog, subscriptions: SubscriptionService): AccessGate {
  return (scope) => {
    if (!GATED_ACTIONS.has(scope.action)) return;
    const org = subscriptions.settle(scope.org);
    if (plans.isUpgradeOnly(org.plan)) throw Errors.subscriptionRequired();
  };
}
