import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { AuditEvent } from '../store/model.js';

/**
 * The one audit module: every mutation records exactly one event through `record`, and the events
 * search reads what it wrote. Listeners (activity fan-out, event forwarding) hear each event after
 * it is stored; a listener that throws never fails the request that caused the event.
 */
export interface AuditInput {
  event: string;
  category: string;
  subcategory: string;
  orgId?: string | null;
  workspaceId?: string | null;
  shareId?: string | null;
  userId?: string | null;
  callingUserId: string | null;
  objectId?: string | null;
  data?: Record<string, unknown>;
}

export type AuditListener = (event: AuditEvent) => void;

/** Events without data share one frozen object (events are the table that grows to millions). */
const NO_DATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export class AuditLog {
  private readonly listeners: AuditListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly ids: IdGenerator,
    private readonly now: () => number,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  /** Hear every event after it is stored. Returns the function that stops listening. */
  onEvent(listener: AuditListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  record(input: AuditInput): AuditEvent {
    const event = this.db.events.insert({
      id: this.ids.opaqueId('a'),
      event: input.event,
      category: input.category,
      subcategory: input.subcategory,
      orgId: input.orgId ?? null,
      workspaceId: input.workspaceId ?? null,
      shareId: input.shareId ?? null,
      userId: input.userId ?? input.callingUserId,
      callingUserId: input.callingUserId,
      objectId: input.objectId ?? null,
      data: input.data ?? NO_DATA,
      acknowledged: false,
      created: this.now(),
    });
    // A copy: a listener may stop listening (or record another event) while it runs.
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return event;
  }
}
