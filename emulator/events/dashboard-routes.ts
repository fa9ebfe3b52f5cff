/**
 * The per-member workspace dashboard (V2 only): the feed, and dismiss/snooze/undismiss of a card.
 * Membership is checked by the route's access (any member, guests included, reads its own feed;
 * another tenant's workspace answers the tenancy codes), and every card names only this workspace.
 */
import type { RequestContext } from '../http/context.js';
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import type { Emulator } from '../emulator.js';
import { DashboardService } from './dashboard.js';
import { dashboardCardParams, dashboardDismissBody, dashboardQuery } from './schema.js';

const SOURCE = 'official client src/api/dashboard.rs and src/bin/fastio/commands/dashboard.rs (V2, 96b1551); agent guide v2.6 `event` dashboard-* actions';
const ACCESS = { workspace: 'workspace_id', action: 'workspace.events.view' } as const;

function dashboardOf(emu: Emulator): DashboardService {
  return new DashboardService({ db: emu.db, audit: emu.audit, now: () => emu.clock.now() });
}

function memberOf(ctx: RequestContext): string {
  return callerOf(ctx).user.id;
}

export const dashboardRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/dashboard/',
    area: 'events',
    dialects: ['v2'],
    summary: "The calling member's ranked feed of actionable cards in a workspace",
    query: dashboardQuery,
    access: ACCESS,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'answers `cards[]` (card_key, lane, workspace_id, node_id, name, event_id, actor_id, created), `pagination {total, limit, offset, has_more}` and `dismissed_recent_count`',
        'cards come from the audit trail: one `file_activity:{node_id}` card per live file, lane `file_added` or `file_version` (its latest `workspace_storage_file_added` event), newest first, from the latest 1,000 file events',
        'a card is actionable for a member when another member caused it: one’s own uploads make none',
        '`dismissed_recent_count` counts the cards the caller’s dismissals and snoozes hide right now',
        'limit 1-200 (default 50), offset from 0',
      ],
      divergences: [
        {
          path: '$.cards',
          reason: 'the mention, synthesis and signature lanes have no source in the emulator (no comments, no e-sign, no synthesis) and never appear',
        },
      ],
    },
    handler: (ctx, { query, scope }, emu) => dashboardOf(emu).feed(scope, memberOf(ctx), query.limit, query.offset),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/dashboard/cards/:card_key/dismiss/',
    area: 'events',
    dialects: ['v2'],
    summary: "Dismiss a card from the caller's own feed, or snooze it until a time",
    params: dashboardCardParams,
    body: dashboardDismissBody,
    access: ACCESS,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `card_dismiss {card_key, workspace_id, dismissed: true, snooze_until, updated}`',
        'no body: a permanent dismiss; `snooze_until` (YYYY-MM-DD HH:MM:SS UTC, in the future, else 400/1605) hides the card until then',
        'any printable card key up to 200 characters is accepted (a card not in the feed now stays hidden if it appears); otherwise 400/1605',
        'records `dashboard_card_dismissed` (workspace/dashboard, visibility external_audit_log); nothing else changes',
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const until = body.snooze_until ?? null;
      if (until !== null && until <= ctx.now()) throw Errors.invalidField('snooze_until', 'snooze_until must be in the future.', 'string');
      return { card_dismiss: dashboardOf(emu).dismiss(scope, memberOf(ctx), params.card_key, until) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/dashboard/cards/:card_key/dismiss/',
    area: 'events',
    dialects: ['v2'],
    summary: "Show a dismissed or snoozed card again on the caller's own feed (idempotent)",
    params: dashboardCardParams,
    access: ACCESS,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `card_dismiss {card_key, workspace_id, dismissed: false, snooze_until: null, updated}`',
        'a card that is not hidden succeeds and records nothing; otherwise records `dashboard_card_undismissed`',
      ],
    },
    handler: (ctx, { params, scope }, emu) => ({ card_dismiss: dashboardOf(emu).undismiss(scope, memberOf(ctx), params.card_key) }),
  }),
];
