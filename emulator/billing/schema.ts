import { z } from 'zod';
import { timeBound } from '../events/schema.js';
import { formInt, lazy, paginationQuery, profileId, text } from '../http/schema.js';
import { METERS } from './service.js';

export const orgParams = lazy(() => z.object({ org_id: z.string().min(1).max(100) }));

/** PARITY: `billing_plan` is the field the official client sends (src/api/org.rs billing_create). */
export const changePlanBody = lazy(() => z.object({ billing_plan: text({ min: 1, max: 40 }) }));

/**
 * PARITY: `meter`, `start_time`, `end_time`, `workspace_id` XOR `share_id` (official client
 * src/api/org.rs BillingMetersParams; both ids -> 400/1605).
 */
export const metersQuery = lazy(() =>
  z
    .object({
      meter: z.enum(Object.keys(METERS) as [keyof typeof METERS, ...(keyof typeof METERS)[]]),
      start_time: timeBound('min').optional(),
      end_time: timeBound('max').optional(),
      workspace_id: profileId().optional(),
      share_id: profileId().optional(),
    })
    .superRefine((q, issues) => {
      if (q.workspace_id !== undefined && q.share_id !== undefined) {
        for (const path of ['workspace_id', 'share_id']) issues.addIssue({ code: 'custom', path: [path], message: 'Give workspace_id or share_id, not both.' });
      }
      if (q.start_time !== undefined && q.end_time !== undefined && q.start_time > q.end_time) {
        issues.addIssue({ code: 'custom', path: ['start_time'], message: 'start_time is later than end_time.' });
      }
    }),
);

export const membersQuery = lazy(() => z.object(paginationQuery));

/** Emulator-only: a charge through the ledger, as storage, ingestion or chat would make it. */

/**
 * PARITY: cursor pagination, `limit` and `starting_after` (an invoice id), never `offset` (official
 * client src/api/org.rs billing_invoices). CHOICE: limit 1-100, default 10.
 */
export const INVOICES_DEFAULT_LIMIT = 10;
export const invoicesQuery = lazy(() =>
  z.object({
    limit: formInt({ min: 1, max: 100 }).optional(),
    starting_after: text({ min: 1, max: 100 }).optional(),
  }),
);

/** PARITY: the April client pages invoices by `limit` and `offset` (41dde01 src/api/org.rs billing_invoices). CHOICE: limit 1-100. */
export const aprilInvoicesQuery = lazy(() =>
  z.object({
    limit: formInt({ min: 1, max: 100 }).optional(),
    offset: formInt({ min: 0, max: 100000 }).optional(),
  }),
);
