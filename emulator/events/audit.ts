import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { AuditEvent } from '../store/model.js';
import { Listeners, type Observable } from '../listeners.js';
import { checkCatalogued, parentEventOf, type CataloguedEvent } from './catalogue.js';
import { currentShareRef } from './through-share.js';

/** Events without data share one frozen object (events are the table that grows to millions). */
const NO_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The one audit module: every mutation records exactly one event through `record`, built by the
 * event catalogue (events/catalogue.ts), and the events search reads what it wrote. Listeners
 * (activity fan-out, event forwarding) hear each event after it is stored; a listener that throws
 * never fails the request that caused the event.
 */
export class AuditLog {
  private readonly listeners: Listeners<[AuditEvent]>;
  /** Every event, after it is stored. */
  readonly recorded: Observable<[AuditEvent]>;

  constructor(
    private readonly db: Db,
    private readonly ids: IdGenerator,
    private readonly now: () => number,
    onListenerError: (err: unknown) => void = () => {},
  ) {
    this.recorded = this.listeners = new Listeners(onListenerError);
  }

  /** Store an event the catalogue built (`AuditEvents.*`): nothing else type-checks, or passes `checkCatalogued`. */
  record(input: CataloguedEvent): AuditEvent {
    checkCatalogued(input);
    const parentEventId = this.parentOf(input);
    const event = this.db.events.insert({
      id: this.ids.opaqueId('a'),
      event: input.event,
      category: input.category,
      subcategory: input.subcategory,
      orgId: input.orgId ?? null,
      workspaceId: input.workspaceId ?? null,
      shareId: input.shareId ?? this.shareOfWrite(input.workspaceId) ?? null,
      userId: input.userId ?? input.callingUserId,
      callingUserId: input.callingUserId,
      objectId: input.objectId ?? null,
      // only on serial events: most events have no parent, and the state file stays as it was
      ...(parentEventId ? { parentEventId } : {}),
      data: input.data ?? NO_DATA,
      acknowledged: false,
      created: this.now(),
    });
    this.listeners.emit(event);
    return event;
  }

  /** The share a write runs through (through-share.ts), when the event is of that share's workspace. */
  private shareOfWrite(workspaceId: string | null | undefined): string | undefined {
    const ref = currentShareRef();
    if (!ref || !workspaceId) return undefined;
    const share = this.db.shares.get(ref) ?? this.db.shares.findOne('customName', ref.toLowerCase());
    return share && share.workspaceId === workspaceId ? share.id : undefined;
  }

  /**
   * A serial event's parent: the latest event the catalogue names as its parent about the same
   * object, in the same workspace (or org); null when there is none (a single-call upload has no
   * session event, for one).
   */
  private parentOf(input: CataloguedEvent): string | null {
    const parent = parentEventOf(input.event);
    if (!parent || !input.objectId) return null;
    const scopes = input.workspaceId ? { workspace: input.workspaceId } : input.orgId ? { org: input.orgId } : undefined;
    if (!scopes) return null;
    const page = this.db.events.query({ scopes, event: parent, objectId: input.objectId, limit: 1, offset: 0 });
    return page.events[0]?.id ?? null;
  }
}
