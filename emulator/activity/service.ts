/**
 * Activity for callers: which entities a user may watch, and the long-poll. The hub (hub.ts) keeps
 * the changes; audit events feed it through `keys.ts`.
 *
 * PARITY: `GET /current/activity/poll/{entity_id}/` holds up to 95 s and answers at once on a change
 * (agent guide section 13); entity ids are workspaces, orgs, or the caller's own user id (uploads).
 */
import { Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import { parseTime } from '../http/format.js';
import type { AuditLog } from '../events/audit.js';
import type { Db } from '../store/db.js';
import type { Access, OrgScope, WorkspaceScope } from '../tenancy/access.js';
import { formatCursor, parseCursor, type ActivityHub } from './hub.js';
import { activityTouches } from '../events/catalogue.js';
import type { ActivityTouch } from './keys.js';
import type { AuditEvent } from '../store/model.js';

/** PARITY: the documented maximum hold of a long-poll. */
export const MAX_WAIT_SECONDS = 95;

export interface PollInput {
  wait?: number | undefined;
  lastactivity?: string | undefined;
}

/**
 * Another area's entity the poll follows (fileshares, shares/fileshare-activity.ts): which ids are
 * its, who may watch one, and which of the other entities' changes it hears too.
 */
export interface FollowedEntity {
  owns(entityId: string): boolean;
  /** may the caller watch it (poll, WebSocket)? Throws the refusal. */
  authorize(caller: Caller, entityId: string): void;
  /** the entities of this kind that also hear a change (an event's touch of another entity) */
  alsoHearing(event: AuditEvent, touch: ActivityTouch): string[];
}

export class ActivityService {
  private readonly followed: FollowedEntity[] = [];

  constructor(private readonly d: { db: Db; access: Access; hub: ActivityHub; audit: AuditLog }) {
    d.audit.recorded.on((event) => {
      for (const t of activityTouches(event)) d.hub.touch([...t.entities, ...this.followed.flatMap((f) => f.alsoHearing(event, t))], t.key);
    });
  }

  /** Follow another area's entities too (called once by that area). */
  follow(entity: FollowedEntity): void {
    this.followed.push(entity);
  }

  /**
   * May this caller watch the entity? Throws the tenancy answers: another tenant's org 404/1609,
   * another tenant's workspace 401/10545, anything else (another user's id) 404/1609. An entity
   * of another area is decided by it (`followed`).
   */
  authorize(caller: Caller, entityId: string): OrgScope | WorkspaceScope | undefined {
    if (entityId === caller.user.id) return undefined;
    if (this.d.db.orgs.has(entityId)) return this.d.access.org(caller, entityId, 'org.details');
    if (this.d.db.workspaces.has(entityId)) return this.d.access.workspace(caller, entityId, 'workspace.details');
    const other = this.followed.find((f) => f.owns(entityId));
    if (other) return void other.authorize(caller, entityId);
    throw Errors.notFound('entity');
  }

  /** The same decision as a boolean (the WebSocket checks it on every push). */
  mayWatch(caller: Caller, entityId: string): boolean {
    try {
      this.authorize(caller, entityId);
      return true;
    } catch {
      return false;
    }
  }

  /** Wait for changes of one entity after `lastactivity` (or after now), up to `wait` seconds. */
  async poll(caller: Caller, entityId: string, input: PollInput, signal: AbortSignal): Promise<{ activity: string[]; lastactivity: string }> {
    const scope = this.authorize(caller, entityId);
    let cursor = this.d.hub.cursor;
    if (input.lastactivity !== undefined && input.lastactivity !== '') {
      const parsed = parseCursor(input.lastactivity, parseTime);
      if (parsed === undefined) {
        throw Errors.invalidField('lastactivity', 'Expected the lastactivity string of an earlier answer, or a time (ISO 8601 or YYYY-MM-DD HH:MM:SS UTC).');
      }
      cursor = parsed;
    }
    // PARITY: CHOICE, a wait above the documented 95 s is held for 95 s rather than refused.
    const waitMs = Math.min(input.wait ?? 0, MAX_WAIT_SECONDS) * 1000;
    const { keys, cursor: next } = await this.d.hub.wait(entityId, cursor, waitMs, signal);
    // The wait may have lasted up to 95 s: a caller removed from the workspace (or org) meanwhile
    // is refused like any other non-member, not told what changed there.
    if (scope) this.d.access.recheck(caller, scope);
    else if (entityId !== caller.user.id) this.authorize(caller, entityId);
    return { activity: keys, lastactivity: formatCursor(next) };
  }
}
