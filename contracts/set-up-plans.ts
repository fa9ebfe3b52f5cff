/**
 * The plans the set-up helpers (contracts/harness.ts `createOrg`, contracts/tenants.ts `createOrg`,
 * test/support/client.ts `tenant`) give a new V2 org, which is upgrade-only (402/1688 on
 * resource-consuming calls) until it has one.
 */

/** The largest V2 plan, so a test meets no limit it did not ask for. */
export const V2_SET_UP_PLAN = 'growth_monthly';

/** `billing_plan: NO_PLAN` in a helper's fields leaves a new V2 org unsubscribed (upgrade-only). */
export const NO_PLAN = 'none';
