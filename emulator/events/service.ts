/**
 * The events search, details, acknowledgement and summary. A caller only ever reads events of the
 * orgs and workspaces it may see, and the events about itself: every search is resolved to scopes
 * through the access module first (so another tenant's id is refused with the tenancy codes), and
 * the query then runs only inside those scopes.
 *
 * PARITY: routes and filters from the official client (src/api/event.rs) and docs.fast.io/events.html;
 * one of user_id, org_id, workspace_id, share_id (or parent_event_id) is required (400/1605).
 */
import { Errors, paramMissing } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import { formatTime } from '../http/format.js';
import type { Pagination } from '../http/schema.js';
import type { Db } from '../store/db.js';
import type { AuditEvent } from '../store/model.js';
import type { Access } from '../tenancy/access.js';
import { orgAllows, workspaceAllows } from '../tenancy/permissions.js';
import type { EventQuery } from '../store/event-query.js';
import type { EventSearchInput } from './schema.js';
import { eventNamesOf, type AuditVisibility } from './catalogue.js';

/** PARITY: CHOICE, the live default page size of the events search is not documented. */
export const DEFAULT_EVENT_LIMIT = 100;

export interface EventSearchResult {
  events: AuditEvent[];
  pagination: Pagination;
}

export interface EventSummary {
  total: number;
  included: number;
  byCategory: [string, number][];
  byEvent: [string, number][];
  narrative: string;
  first: number | null;
  last: number | null;
}

/** How the shares area answers for a share id (emulator/shares/access.ts): the resolved id, or a refusal. */
export interface ShareEventAccess {
  eventScope(caller: Caller, shareRef: string): string;
  canSeeEvents(caller: Caller, shareId: string): boolean;
}

export class EventService {
  private shares: ShareEventAccess | undefined;

  /** Let share ids be searched (set once by the emulator when the shares area is built). */
  useShares(shares: ShareEventAccess): void {
    this.shares = shares;
  }

  private readonly namesByVisibility: Record<AuditVisibility, ReadonlySet<string>> = {
    external: eventNamesOf('external'),
    external_audit_log: eventNamesOf('external_audit_log'),
  };

  constructor(private readonly d: { db: Db; access: Access }) {}

  /** Resolve the scopes a caller asked for (refusing other tenants' ids) and run the query. */
  search(caller: Caller, input: EventSearchInput): EventSearchResult {
    const limit = input.limit ?? DEFAULT_EVENT_LIMIT;
    const offset = input.offset ?? 0;
    const empty = { events: [], pagination: { total: 0, limit, offset, has_more: false } };
    const query = this.resolve(caller, input, limit, offset);
    if (!query) return empty;
    const page = this.d.db.events.query(query);
    return { events: page.events, pagination: { total: page.total, limit, offset, has_more: offset + page.events.length < page.total } };
  }

  /** One event the caller may see, or 404/1609 (another tenant's event is as good as absent). */
  visible(caller: Caller, eventId: string): AuditEvent {
    const e = this.d.db.events.get(eventId);
    if (!e || !this.canSee(caller, e)) throw Errors.notFound('event');
    return e;
  }

  acknowledge(caller: Caller, eventId: string): AuditEvent {
    const e = this.visible(caller, eventId);
    // PARITY: CHOICE, acknowledgement is a property of the event (any viewer may set it), not per user.
    return e.acknowledged ? e : this.d.db.events.update(e.id, { acknowledged: true });
  }

  summarize(caller: Caller, input: EventSearchInput): EventSummary & { pagination: Pagination } {
    const { events, pagination } = this.search(caller, input);
    return { ...summarizeEvents(events, pagination.total), pagination };
  }

  /**
   * The caller's scopes as an index query, or null when the request can match nothing.
   * PARITY: V2 `visibility` (src/api/event.rs): an event's `visibility` equals the one asked
   * (CHOICE: exact match, so `external_audit_log` reads the audit-only entries).
   */
  private resolve(caller: Caller, input: EventSearchInput, limit: number, offset: number): EventQuery | null {
    const uid = caller.user.id;
    const createdMin = input['created-min'];
    const createdMax = input['created-max'];
    if (createdMin !== undefined && createdMax !== undefined && createdMin > createdMax) {
      throw Errors.invalidField('created-min', 'created-min is later than created-max.');
    }
    const names = input.visibility === undefined ? undefined : this.namesByVisibility[input.visibility];
    const filters = {
      event: input.event,
      accept: names && ((e: AuditEvent) => names.has(e.event)),
      category: input.category,
      subcategory: input.subcategory,
      callingUserId: input.calling_user_id,
      objectId: input.object_id,
      acknowledged: input.acknowledged,
      createdMin,
      createdMax,
      limit,
      offset,
    };
    if (input.parent_event_id !== undefined) {
      // PARITY: parent_event_id combines only with acknowledged, limit and offset (docs.fast.io/events.html).
      const other = [
        'user_id',
        'org_id',
        'workspace_id',
        'share_id',
        'event',
        'category',
        'subcategory',
        'calling_user_id',
        'object_id',
        'created-min',
        'created-max',
      ];
      const mixed = [...other, 'visibility'].filter((k) => input[k as keyof EventSearchInput] !== undefined);
      if (mixed.length > 0) throw Errors.invalidField(mixed[0]!, 'parent_event_id cannot be combined with filters other than acknowledged, limit and offset.');
      // The children of a serial event: the same object, in the parent's place, naming the parent.
      const parent = this.visible(caller, input.parent_event_id);
      if (parent.objectId === null) return null;
      const scopes: EventQuery['scopes'] = parent.workspaceId
        ? { workspace: parent.workspaceId }
        : parent.orgId
          ? { org: parent.orgId }
          : { user: parent.userId ?? uid };
      const id = parent.id;
      return { scopes, objectId: parent.objectId, acknowledged: input.acknowledged, accept: (e) => e.parentEventId === id, limit, offset };
    }
    if (input.user_id === undefined && input.org_id === undefined && input.workspace_id === undefined && input.share_id === undefined) {
      throw Errors.invalidInput(
        [paramMissing('user_id'), paramMissing('org_id'), paramMissing('workspace_id'), paramMissing('share_id')],
        'One of user_id, org_id, workspace_id or share_id is required.',
      );
    }
    const scopes: EventQuery['scopes'] = {};
    if (input.org_id !== undefined) scopes.org = this.d.access.org(caller, input.org_id, 'org.events.view').org.id;
    if (input.workspace_id !== undefined) scopes.workspace = this.d.access.workspace(caller, input.workspace_id, 'workspace.events.view').workspace.id;
    const tenantScoped = scopes.org !== undefined || scopes.workspace !== undefined;
    if (input.user_id !== undefined) {
      // Alone, user_id reads the caller's own events only. PARITY: CHOICE 404/1609 for another user.
      if (!tenantScoped && input.user_id !== uid) throw Errors.notFound('user');
      scopes.user = input.user_id;
    }
    if (input.share_id !== undefined) {
      // The share is resolved for the caller like any share route (401/115069 outside it).
      if (this.shares) scopes.share = this.shares.eventScope(caller, input.share_id);
      else if (!tenantScoped) throw Errors.notFound('share');
      else scopes.share = input.share_id;
    }
    return { scopes, ...filters };
  }

  private canSee(caller: Caller, e: AuditEvent): boolean {
    const uid = caller.user.id;
    if (e.userId === uid) return true;
    const access = this.d.access;
    if (e.orgId) {
      const org = this.d.db.orgs.get(e.orgId);
      const role = org && !org.closed ? access.orgRoleOf(org.id, uid) : undefined;
      if (org && role && orgAllows('org.events.view', role, org)) return true;
    }
    if (e.workspaceId) {
      const ws = this.d.db.workspaces.get(e.workspaceId);
      const org = ws ? this.d.db.orgs.get(ws.orgId) : undefined;
      if (ws && !ws.deleted && org && !org.closed) {
        const role = access.workspaceRoleOf(ws, uid);
        if (role && workspaceAllows('workspace.events.view', role, ws)) return true;
      }
    }
    if (e.shareId && this.shares?.canSeeEvents(caller, e.shareId)) return true;
    return false;
  }
}

function countBy(events: readonly AuditEvent[], key: (e: AuditEvent) => string | null): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of events) {
    const k = key(e);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  // Deterministic: most frequent first, then by name.
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Counts by category and event name, and a short narrative built only from those counts, so the
 * same events always give the same text. PARITY: CHOICE, the live summary is AI-written.
 */
export function summarizeEvents(events: readonly AuditEvent[], total: number): EventSummary {
  const byCategory = countBy(events, (e) => e.category);
  const byEvent = countBy(events, (e) => e.event);
  const byUser = countBy(events, (e) => e.callingUserId);
  const times = events.map((e) => e.created);
  const first = times.length > 0 ? Math.min(...times) : null;
  const last = times.length > 0 ? Math.max(...times) : null;
  let narrative: string;
  if (events.length === 0) narrative = 'No events match.';
  else {
    const parts = [
      `${plural(events.length, 'event')}${total > events.length ? ` (the latest of ${total})` : ''} from ${formatTime(first)} to ${formatTime(last)}.`,
      `By category: ${byCategory.map(([k, n]) => `${k} ${n}`).join(', ')}.`,
      `Most frequent: ${byEvent
        .slice(0, 3)
        .map(([k, n]) => `${k} (${n})`)
        .join(', ')}.`,
    ];
    const top = byUser[0];
    if (top) parts.push(`Most active user: ${top[0]} (${plural(top[1], 'event')}).`);
    narrative = parts.join(' ');
  }
  return { total, included: events.length, byCategory, byEvent, narrative, first, last };
}
