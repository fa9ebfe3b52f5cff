/**
 * The per-member workspace dashboard (V2): a ranked feed of actionable cards built from the
 * workspace's audit trail, and the member's own dismissals and snoozes, which are audit events too
 * (so they persist with the state file and show in the caller's audit log).
 *
 * PARITY: official client src/api/dashboard.rs (`GET /workspace/{id}/dashboard/` answers `cards`,
 * `pagination`, `dismissed_recent_count`; dismiss/snooze/undismiss are out-of-band and per member;
 * undismiss is idempotent; card keys look like `mention:{id}` and `file_activity:{node_id}`).
 * CHOICE, where the client is silent:
 * - lanes served: `file_added` and `file_version`, one card per live file (`file_activity:{node_id}`)
 *   from its latest `workspace_storage_file_added` event; the mention, synthesis and signature
 *   lanes have no source in the emulator (no comments, no e-sign) and never appear;
 * - a card is actionable for a member when another member caused it: one's own uploads make none;
 * - rank: newest activity first; the feed reads the latest 1,000 file events of the workspace;
 * - a snoozed card returns when `snooze_until` passes; `dismissed_recent_count` counts the cards
 *   the caller's dismissals and snoozes hide from the feed right now.
 */
import type { Pagination } from '../http/schema.js';
import type { Db } from '../store/db.js';
import type { AuditEvent, Org, Workspace } from '../store/model.js';
import type { AuditLog } from './audit.js';
import { AuditEvents } from './catalogue.js';
import { formatTime } from '../http/format.js';

export const DASHBOARD_DEFAULT_LIMIT = 50;
const FEED_WINDOW = 1000;
const DISMISS_WINDOW = 1000;

export interface DashboardCard {
  card_key: string;
  lane: 'file_added' | 'file_version';
  workspace_id: string;
  node_id: string;
  name: string;
  event_id: string;
  actor_id: string | null;
  created: string | null;
}

export interface CardDismiss {
  card_key: string;
  workspace_id: string;
  dismissed: boolean;
  snooze_until: string | null;
  updated: string | null;
}

interface Hidden {
  until: number | null;
  at: number;
}

export interface DashboardScope {
  org: Org;
  workspace: Workspace;
}

export class DashboardService {
  constructor(private readonly d: { db: Db; audit: AuditLog; now: () => number }) {}

  feed(
    scope: DashboardScope,
    userId: string,
    limit = DASHBOARD_DEFAULT_LIMIT,
    offset = 0,
  ): { cards: DashboardCard[]; pagination: Pagination; dismissed_recent_count: number } {
    const ws = scope.workspace;
    const hidden = this.hiddenCards(ws.id, userId);
    const now = this.d.now();
    const seen = new Set<string>();
    const cards: DashboardCard[] = [];
    let hiddenCount = 0;
    const files = this.d.db.events.query({ scopes: { workspace: ws.id }, event: 'workspace_storage_file_added', limit: FEED_WINDOW, offset: 0 }).events;
    for (const e of files) {
      const nodeId = e.objectId;
      if (!nodeId || seen.has(nodeId)) continue;
      seen.add(nodeId);
      if (e.callingUserId === userId) continue;
      const node = this.d.db.nodes.get(nodeId);
      if (!node || node.workspaceId !== ws.id || node.trashed !== null) continue;
      const key = `file_activity:${nodeId}`;
      const h = hidden.get(key);
      if (h && (h.until === null || h.until > now)) {
        hiddenCount++;
        continue;
      }
      cards.push(cardOf(e, key, node.name));
    }
    const page = cards.slice(offset, offset + limit);
    return {
      cards: page,
      pagination: { total: cards.length, limit, offset, has_more: offset + page.length < cards.length },
      dismissed_recent_count: hiddenCount,
    };
  }

  dismiss(scope: DashboardScope, userId: string, cardKey: string, snoozeUntil: number | null): CardDismiss {
    const e = this.d.audit.record(AuditEvents.dashboardCardDismissed({ orgId: scope.org.id, workspaceId: scope.workspace.id }, userId, cardKey, snoozeUntil));
    return { card_key: cardKey, workspace_id: scope.workspace.id, dismissed: true, snooze_until: formatTime(snoozeUntil), updated: formatTime(e.created) };
  }

  /** Idempotent: a card that is not hidden records nothing. */
  undismiss(scope: DashboardScope, userId: string, cardKey: string): CardDismiss {
    const h = this.hiddenCards(scope.workspace.id, userId).get(cardKey);
    let updated = h ? h.at : null;
    if (h)
      updated = this.d.audit.record(AuditEvents.dashboardCardUndismissed({ orgId: scope.org.id, workspaceId: scope.workspace.id }, userId, cardKey)).created;
    return { card_key: cardKey, workspace_id: scope.workspace.id, dismissed: false, snooze_until: null, updated: formatTime(updated) };
  }

  /** The caller's latest word on each card key in this workspace (newest event wins). */
  private hiddenCards(workspaceId: string, userId: string): Map<string, Hidden> {
    const events = this.d.db.events.query({
      scopes: { workspace: workspaceId, user: userId },
      subcategory: 'dashboard',
      limit: DISMISS_WINDOW,
      offset: 0,
    }).events;
    const decided = new Set<string>();
    const hidden = new Map<string, Hidden>();
    for (const e of events) {
      const key = e.objectId;
      if (!key || decided.has(key)) continue;
      decided.add(key);
      if (e.event === 'dashboard_card_dismissed') {
        const until = e.data.snooze_until;
        hidden.set(key, { until: typeof until === 'number' ? until : null, at: e.created });
      }
    }
    return hidden;
  }
}

function cardOf(e: AuditEvent, key: string, name: string): DashboardCard {
  return {
    card_key: key,
    lane: e.data.new_version === true ? 'file_version' : 'file_added',
    workspace_id: e.workspaceId!,
    node_id: e.objectId!,
    name,
    event_id: e.id,
    actor_id: e.callingUserId,
    created: formatTime(e.created),
  };
}
