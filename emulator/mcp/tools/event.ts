/**
 * `event`: the audit log (search, summarize, details, ack), activity (activity-list,
 * activity-poll) and the workspace dashboard feed (dashboard-*). PARITY: agent guide v2.6
 * section 5 "Activity polling": activity-list takes `profile_id`, activity-poll `entity_id`, the
 * search family `workspace_id`/`share_id`/`org_id`/`user_id`; mixing the families is 10262.
 * Client tools.rs `event` (activity-list = a poll with `updated` and no wait).
 */
import { fail, invalid, rest, str, type ActionSpec, type Args, type ToolCtx, type ToolSpec } from '../kit.js';

const ACTIVITY = ['profile_id', 'context_id', 'entity_id', 'lastactivity', 'cursor', 'wait'];
const SEARCH = ['workspace_id', 'share_id', 'org_id', 'user_id'];

function mixed(ctx: ToolCtx, a: Args, family: 'activity' | 'search'): ReturnType<typeof fail> | undefined {
  const foreign = (family === 'activity' ? SEARCH : ACTIVITY).filter((k) => a[k] !== undefined);
  if (foreign.length === 0) return undefined;
  return fail(
    ctx,
    400,
    10262,
    family === 'activity'
      ? `event action=${ctx.action} takes ${ctx.action === 'activity-poll' ? 'entity_id' : 'profile_id'}, not the search filters (${foreign.join(', ')}).`
      : `event action=${ctx.action} takes workspace_id/share_id/org_id/user_id, not the activity parameters (${foreign.join(', ')}).`,
  );
}

function guarded(spec: ActionSpec, family: 'activity' | 'search'): ActionSpec {
  return { ...spec, run: async (ctx, a) => mixed(ctx, a, family) ?? spec.run(ctx, a) };
}

const poll = rest('Long-poll for changes (held up to ~95 s); answers activity keys and lastactivity', 'GET', '/activity/poll/{entity_id}/', {
  params: ['wait', 'lastactivity'],
});
const list = rest('A snapshot of recent activity', 'GET', '/activity/poll/{profile_id}/', {
  fixed: { updated: 'true' },
  fields: { lastactivity: 'cursor' },
  params: ['cursor'],
});

const activityPoll: ActionSpec = guarded(
  { ...poll, run: (ctx, a) => (str(a, 'entity_id') ? poll.run(ctx, a) : Promise.resolve(invalid(ctx, 'Missing required parameter: entity_id'))) },
  'activity',
);
const activityList: ActionSpec = guarded(
  {
    ...list,
    run: (ctx, a) => {
      const profile = str(a, 'profile_id', 'context_id');
      if (!profile) return Promise.resolve(invalid(ctx, 'Missing required parameter: profile_id'));
      const { context_id: _c, profile_type: _t, ...rest } = a;
      return list.run(ctx, { ...rest, profile_id: profile });
    },
  },
  'activity',
);

const D = '/workspace/{workspace_id}/dashboard';

export const eventTool: ToolSpec = {
  name: 'event',
  description:
    'Audit events (search/summarize/details/ack with workspace_id|share_id|org_id|user_id), activity (activity-list profile_id, activity-poll entity_id: long-poll, never tight-loop), dashboard-* cards.',
  actions: {
    search: guarded(rest('Search audit events', 'GET', '/events/search/'), 'search'),
    summarize: guarded(rest('An AI summary of events', 'GET', '/events/search/summarize/'), 'search'),
    details: guarded(rest('One event', 'GET', '/event/{event_id}/details/'), 'search'),
    ack: rest('Acknowledge an event', 'POST', '/event/{event_id}/ack/'),
    'activity-list': activityList,
    'activity-poll': activityPoll,
    'dashboard-get': rest('Your dashboard cards in a workspace', 'GET', `${D}/`),
    'dashboard-dismiss': rest('Dismiss or snooze a card', 'POST', `${D}/cards/{card_key}/dismiss/`),
    'dashboard-undismiss': rest('Undismiss a card', 'DELETE', `${D}/cards/{card_key}/dismiss/`),
  },
};
