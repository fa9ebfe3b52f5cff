/**
 * Which activity keys an audit event touches, on which entities. Every mutation records an audit
 * event, so mapping events here keeps activity complete without each area touching the hub;
 * changes that are not audit events (ingestion progress `ai_state:{node_id}`, upload sessions
 * `upload:{upload_id}`) are touched directly with `emu.activity.touch`.
 *
 * PARITY: the keys `storage:{node_id}`, `ai_chat:{chat_id}`, `upload:{upload_id}` and `members`
 * are documented (agent guide sections 13, SKILL "Activity Polling"); the others are CHOICE and
 * listed in ACTIVITY_KEY_CHOICES.
 */
import type { AuditEvent } from '../store/model.js';

export interface ActivityTouch {
  entities: (string | null)[];
  key: string;
}

export const ACTIVITY_KEY_CHOICES = [
  'member and invitation changes touch `members` on the workspace (or the org), and `memberships` on the member user',
  'settings changes touch `settings` on the workspace (or the org)',
  'workspace lifecycle (created, archived, deleted) touches `workspace` on the workspace and `workspaces` on its org',
  'org lifecycle touches `org`; ownership transfer touches `transfer` and `members`; billing events touch `billing` on the org',
  "a user's own account events touch `user` on the user",
  'other events touch their subcategory name on the workspace, else the org, else the user',
];

export function activityTouches(e: AuditEvent): ActivityTouch[] {
  const place = e.workspaceId ?? e.shareId ?? e.orgId;
  switch (e.subcategory) {
    case 'members':
    case 'invitations': {
      const touches: ActivityTouch[] = [{ entities: [place], key: 'members' }];
      if (e.userId) touches.push({ entities: [e.userId], key: 'memberships' });
      return touches;
    }
    case 'settings':
      return [{ entities: [place ?? e.userId], key: 'settings' }];
    case 'lifecycle':
      if (e.workspaceId) {
        return [
          { entities: [e.workspaceId], key: 'workspace' },
          { entities: [e.orgId], key: 'workspaces' },
        ];
      }
      if (e.orgId) return [{ entities: [e.orgId], key: 'org' }];
      return [{ entities: [e.userId], key: 'user' }];
    case 'transfer':
      return e.event === 'org_transfer_completed'
        ? [
            { entities: [e.orgId], key: 'transfer' },
            { entities: [e.orgId], key: 'members' },
          ]
        : [{ entities: [e.orgId], key: 'transfer' }];
    case 'billing':
      return [{ entities: [e.orgId], key: 'billing' }];
    case 'storage':
      return e.objectId ? [{ entities: [place], key: `storage:${e.objectId}` }] : [{ entities: [place], key: 'storage' }];
    case 'upload':
      return e.objectId ? [{ entities: [e.callingUserId ?? e.userId], key: `upload:${e.objectId}` }] : [];
    case 'ai':
      if (e.objectId && e.event.startsWith('ai_chat')) return [{ entities: [place], key: `ai_chat:${e.objectId}` }];
      return [{ entities: [place], key: 'ai' }];
    default:
      if (!place) return [{ entities: [e.userId], key: 'user' }];
      return [{ entities: [place], key: e.subcategory }];
  }
}
