import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { ApiError, Codes } from '../http/errors.js';
import { activityParams, activityPollQuery } from '../events/schema.js';
import { ACTIVITY_KEY_CHOICES } from './keys.js';
import { WEBSOCKET_CHOICES } from './websocket.js';
import { FILESHARE_ACTIVITY_CHOICES } from '../shares/fileshare-activity.js';

const SOURCE = 'API notes "Events and activity"; agent guide v1.29 section 13; official client src/api/event.rs poll_activity';

export const activityRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/activity/poll/:entity_id/',
    area: 'events',
    summary: 'Long-poll: wait up to `wait` seconds (max 95) for changes of a workspace, org, fileshare (V2) or the caller',
    params: activityParams,
    query: activityPollQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `activity` (distinct keys changed after lastactivity, in order of their latest change) and `lastactivity`',
        '`lastactivity` is epoch seconds with six decimals, as a string; a time (ISO 8601 or YYYY-MM-DD HH:MM:SS UTC) is accepted too and counts changes at or after it',
        'without lastactivity the poll waits for changes after now; without wait it answers at once',
        'wait above 95 is held for 95 s; `updated=1` is accepted (the answer is always what is newer than lastactivity)',
        "entities: org (members, admins, owner), workspace (any member), the caller's own user id; another tenant's org or an unknown id 404/1609, another tenant's workspace 401/10545",
        ...ACTIVITY_KEY_CHOICES,
        ...FILESHARE_ACTIVITY_CHOICES,
      ],
    },
    handler: async (ctx, { params, query }, emu) => {
      const poll = () => emu.activity.poll(callerOf(ctx), params.entity_id, query, ctx.signal);
      // A poll that waits holds a slot of its credential's long-poll budget until it answers.
      return query.wait ? emu.held.hold('long-poll', callerOf(ctx), poll) : poll();
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/websocket/',
    area: 'events',
    summary: 'Activity pushed over a WebSocket (`?token=`); a plain GET is told to upgrade',
    auth: 'none',
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 section 13 ("WebSocket upgrade")',
      choices: ['a request without the WebSocket upgrade answers 426 (code 1605)', ...WEBSOCKET_CHOICES],
    },
    handler: () => {
      throw new ApiError(426, Codes.invalidInput, 'Connect with a WebSocket upgrade: ws(s)://<host>/api/websocket/?token=<auth token or API key>.', {
        headers: { upgrade: 'websocket' },
      });
    },
  }),
];
