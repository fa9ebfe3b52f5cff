/** The control plane's input schemas (`/_emulator/*`). */
import { z } from 'zod';
import { LEDGER_KINDS } from '../billing/service.js';
import { formBool, formInt, formNumber, lazy, profileId, text } from '../http/schema.js';

export const stateImportBody = lazy(() => z.record(z.string(), z.unknown()));

export const personaBody = lazy(() =>
  z.object({
    email: z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.')).optional(),
    password: z.string().min(8).max(256).optional(),
    account_type: z.enum(['agent', 'human']).optional(),
    verified: formBool().optional(),
    first_name: text({ max: 100 }).optional(),
    last_name: text({ max: 100 }).optional(),
  }),
);

export const mailboxQuery = lazy(() => z.object({ to: z.string().trim().max(320).optional() }));

export const clockSetBody = lazy(() => z.object({ now: z.string().trim().min(1).max(64) }));

export const clockAdvanceBody = lazy(() => z.object({ seconds: formNumber({ min: 0, max: 10 * 365 * 86400 }) }));

export const journalQuery = lazy(() =>
  z.object({
    method: z.string().max(10).optional(),
    path: z.string().max(500).optional(),
    // an exact status, or a class such as 5xx
    status: z
      .union([
        z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^[1-5]xx$/),
        formInt({ min: 100, max: 599 }),
      ])
      .optional(),
    user_id: z.string().max(40).optional(),
    org_id: z.string().max(40).optional(),
    workspace_id: z.string().max(40).optional(),
    faulted: formBool().optional(),
    mcp: z.string().max(100).optional(),
    since: formInt({ min: 0 }).optional(),
    include_control: formBool().optional(),
    limit: formInt({ min: 1, max: 1000 }).optional(),
  }),
);

export const faultParams = lazy(() => z.object({ fault_id: z.string().min(1).max(40) }));

export const overviewQuery = lazy(() =>
  z.object({
    q: z.string().trim().max(200).optional(),
    org_limit: formInt({ min: 1, max: 1000 }).optional(),
    file_limit: formInt({ min: 0, max: 1000 }).optional(),
    // the hash of the overview the caller has; with `wait`, answer only once it changed
    after: z.string().max(100).optional(),
    wait: formInt({ min: 0, max: 60 }).optional(),
  }),
);

export const assetParams = lazy(() => z.object({ asset: z.string().min(1).max(200) }));

export const settleQuery = lazy(() => z.object({ timeout_ms: formInt({ min: 0, max: 120_000 }).optional(), now: formBool().optional() }));

export const ledgerChargeBody = lazy(() =>
  z.object({
    org_id: z.string().min(1).max(100),
    kind: z.enum(LEDGER_KINDS as [string, ...string[]]),
    credits: formNumber({ min: 0, max: 1e12 }),
    units: formNumber({ min: 0, max: 1e18 }).optional(),
    workspace_id: profileId().optional(),
    share_id: profileId().optional(),
    object_id: text({ min: 1, max: 64 }).optional(),
    user_id: profileId().optional(),
  }),
);
