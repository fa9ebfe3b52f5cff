import { z } from 'zod';
import { parseTime } from '../http/format.js';
import { formBool, formInt, lazy, profileId, text } from '../http/schema.js';

/**
 * A time bound given as ISO 8601 or `YYYY-MM-DD HH:MM:SS UTC`, as emulator-clock ms. Both bounds
 * are inclusive at the precision given: times are rendered to the second, so an upper bound of
 * `10:00:05` takes in everything up to 10:00:05.999 (and `2026-04-01` the whole day).
 */
export function timeBound(edge: 'min' | 'max') {
  return z
    .string()
    .trim()
    .max(64)
    .transform((s, ctx) => {
      const ms = parseTime(s);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'Expected a time in ISO 8601 (2026-04-01T10:00:00Z) or YYYY-MM-DD HH:MM:SS UTC form.' });
        return z.NEVER;
      }
      return edge === 'min' ? ms : ms + precisionOf(s) - 1;
    });
}

/** The unit of the last field a time string gives, in ms (fractions and epoch seconds: exact). */
function precisionOf(s: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return 86_400_000;
  if (/^\d{9,11}$/.test(s)) return 1000;
  const time = /[ T](\d{2}):(\d{2})(:\d{2})?(\.\d+)?/.exec(s);
  if (!time || time[4]) return 1;
  return time[3] ? 1000 : 60_000;
}

/**
 * The filters of `/events/search/` and `/events/search/summarize/`.
 * PARITY: names from the official client (src/api/event.rs `build_search_query`) and
 * docs.fast.io/events.html; `limit` 1-250.
 */
const searchFields = {
  user_id: profileId().optional(),
  org_id: text({ min: 1, max: 100 }).optional(),
  workspace_id: text({ min: 1, max: 100 }).optional(),
  share_id: profileId().optional(),
  parent_event_id: text({ min: 1, max: 64 }).optional(),
  event: text({ min: 1, max: 100 }).optional(),
  category: text({ min: 1, max: 50 }).optional(),
  subcategory: text({ min: 1, max: 50 }).optional(),
  calling_user_id: profileId().optional(),
  object_id: text({ min: 1, max: 64 }).optional(),
  acknowledged: formBool().optional(),
  visibility: z.enum(['external_audit_log', 'external']).optional(),
  'created-min': timeBound('min').optional(),
  'created-max': timeBound('max').optional(),
  limit: formInt({ min: 1, max: 250 }).optional(),
  offset: formInt({ min: 0 }).optional(),
};

export const eventSearchQuery = lazy(() => z.object(searchFields));

export const eventSummarizeQuery = lazy(() => z.object({ ...searchFields, user_context: text({ max: 1000 }).optional() }));

export type EventSearchInput = z.output<ReturnType<typeof eventSearchQuery>>;

export const eventParams = lazy(() => z.object({ event_id: z.string().trim().min(1).max(64) }));

/** The official client sends `event_id` in the ack body too; it must name the same event when given. */
export const eventAckBody = lazy(() => z.object({ event_id: z.string().trim().max(64).optional() }));

export const activityParams = lazy(() => z.object({ entity_id: z.string().trim().min(1).max(100) }));

export const activityPollQuery = lazy(() =>
  z.object({
    wait: formInt({ min: 0, max: 100_000 }).optional(),
    lastactivity: z.string().trim().max(64).optional(),
    updated: formBool().optional(),
  }),
);

/**
 * The dashboard feed (V2). PARITY: official client src/api/dashboard.rs: `limit` 1-200 (default
 * 50), `offset`; a card key is printable and bounded (the server's own check, error 128636 there;
 * here 400/1605, CHOICE: at most 200 characters).
 */
export const dashboardQuery = lazy(() => z.object({ limit: formInt({ min: 1, max: 200 }).optional(), offset: formInt({ min: 0 }).optional() }));

export const dashboardCardParams = lazy(() =>
  z.object({
    workspace_id: z.string().trim().min(1).max(100),
    card_key: z
      .string()
      .min(1, 'This value should not be blank.')
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'A card key is printable ASCII without spaces.'),
  }),
);

/** A permanent dismiss has no body; a snooze names `snooze_until` in the API's own time form. */
export const dashboardDismissBody = lazy(() =>
  z.object({
    snooze_until: z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/, 'Expected a time in the form YYYY-MM-DD HH:MM:SS UTC.')
      .transform((s) => parseTime(s)!)
      .optional(),
  }),
);
