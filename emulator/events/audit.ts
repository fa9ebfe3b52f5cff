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

export class AuditLog {
  private readonly listeners: AuditListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly ids: IdGenerator,
    private readonly now: () => number,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  onEvent(listener: AuditListener): void {
    this.listeners.push(listener);
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
      data: input.data ?? {},
      acknowledged: false,
      created: this.now(),
    });
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return event;
  }
}
