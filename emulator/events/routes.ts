import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import type { RouteRateLimit } from '../http/route.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { eventJson } from './format.js';
import { eventAckBody, eventParams, eventSearchQuery, eventSummarizeQuery } from './schema.js';

const SOURCE = 'official client src/api/event.rs; docs.fast.io/events.html; agent guide v1.29 section 12';

/** PARITY: docs.fast.io/events.html "Rate limited: 5 per 3s, 15 per 30s, 120 per 10min (shared channel events_search)". */
export const EVENTS_SEARCH_LIMIT: RouteRateLimit = {
  channel: 'events_search',
  windows: [
    { max: 5, seconds: 3 },
    { max: 15, seconds: 30 },
    { max: 120, seconds: 600 },
  ],
};

const SEARCH_CHOICES = [
  'answers `events[]` (newest first) and `pagination {total, limit, offset, has_more}`',
  'event fields: id, event, category, subcategory, org_id, workspace_id, share_id, user_id, calling_user_id, object_id, acknowledged, data, created',
  'limit defaults to 100',
  'created-min and created-max are inclusive; created-min after created-max is 400/1605',
  'user_id alone must be the caller (another user: 404/1609); with org_id or workspace_id it filters by the user the event is about',
  'share_id is resolved like a share route (members and above of the share; outsiders 401/115069)',
  'org-wide search needs owner or admin (org members search by workspace)',
  'parent_event_id must name an event the caller may see (else 404/1609) and combines only with acknowledged, limit and offset (else 400/1605); it answers the serial event’s children: an upload session’s chunk, completion, failure and deletion events (children of upload_session_created), a chat’s messages (children of ai_chat_created); any other event has none',
  'visibility external_audit_log | external (another value: 400/1605) matches events whose `visibility` is that value: audit-only events (user security and authentication, org and workspace settings, transfer tokens, billing, upload plumbing) are external_audit_log, the rest external',
  'every event carries `parent_event_id` (null unless serial) and `visibility`, in both dialects',
  'category, subcategory and event take any string (an unknown one matches nothing)',
];

export const eventRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/events/search/',
    area: 'events',
    summary: 'Search the audit trail of orgs, workspaces and users the caller may see',
    query: eventSearchQuery,
    rateLimit: EVENTS_SEARCH_LIMIT,
    parity: { status: 'implemented', source: SOURCE, choices: SEARCH_CHOICES },
    handler: (ctx, { query }, emu) => {
      const { events, pagination } = emu.events.search(callerOf(ctx), query);
      return { events: events.map(eventJson), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/events/search/summarize/',
    area: 'events',
    summary: 'Counts by category and event name, with a short narrative, of the events a search selects',
    query: eventSummarizeQuery,
    rateLimit: EVENTS_SEARCH_LIMIT,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'summarizes the page the same search would return (limit default 100, max 250), newest first',
        'answers `summary` (a deterministic narrative built from the counts), `event_count`, `total`, `categories {name: n}`, `event_names {name: n}`, `first`, `last`, `pagination`',
        'shares the events search rate limit',
        'user_context is accepted and not used',
      ],
      divergences: [{ path: '$.summary', reason: 'the live summary is written by an AI model; the emulator writes a fixed-form sentence from counts' }],
    },
    handler: (ctx, { query }, emu) => {
      const s = emu.events.summarize(callerOf(ctx), query);
      return {
        summary: s.narrative,
        event_count: s.included,
        total: s.total,
        categories: Object.fromEntries(s.byCategory),
        event_names: Object.fromEntries(s.byEvent),
        first: formatTime(s.first),
        last: formatTime(s.last),
        pagination: s.pagination,
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/event/:event_id/details/',
    area: 'events',
    summary: 'One event the caller may see',
    params: eventParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers under `event`', 'an event of another tenant answers 404/1609, like an unknown id'],
    },
    handler: (ctx, { params }, emu) => ({ event: eventJson(emu.events.visible(callerOf(ctx), params.event_id)) }),
  }),

  ...(['POST', 'GET'] as const).map((method) =>
    defineRoute({
      method,
      path: '/current/event/:event_id/ack/',
      area: 'events',
      summary: 'Mark an event as read (acknowledged)',
      params: eventParams,
      body: eventAckBody,
      parity: {
        status: 'implemented',
        source: `${SOURCE}; agent guide v1.29 section 12 shows GET, the official client POSTs`,
        choices: [
          'answers the acknowledged event under `event`',
          'acknowledgement belongs to the event, not to each viewer; acknowledging twice is not an error',
          'an event_id in the body must match the path',
        ],
      },
      handler: (ctx, { params, body }, emu) => {
        if (body.event_id && body.event_id !== params.event_id) throw Errors.invalidField('event_id', 'event_id in the body must match the event in the path.');
        return { event: eventJson(emu.events.acknowledge(callerOf(ctx), params.event_id)) };
      },
    }),
  ),

  ...dashboardRoutes,
];
