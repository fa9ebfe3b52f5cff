import { formatTime } from '../http/format.js';
import type { AuditEvent } from '../store/model.js';
import { visibilityOf } from './catalogue.js';

/** An audit event on the wire (search, details, ack, and the forwarded webhook body). */
export function eventJson(e: AuditEvent): Record<string, unknown> {
  return {
    id: e.id,
    event: e.event,
    category: e.category,
    subcategory: e.subcategory,
    org_id: e.orgId,
    workspace_id: e.workspaceId,
    share_id: e.shareId,
    user_id: e.userId,
    calling_user_id: e.callingUserId,
    object_id: e.objectId,
    parent_event_id: e.parentEventId ?? null,
    visibility: visibilityOf(e.event),
    acknowledged: e.acknowledged,
    data: e.data,
    created: formatTime(e.created),
  };
}
