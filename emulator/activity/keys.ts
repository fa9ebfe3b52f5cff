/**
 * Which activity keys an audit event touches, on which entities. Every mutation records an audit
 * event, so each entry of the event catalogue (events/catalogue.ts) names one of these rules and
 * activity stays complete without each area touching the hub; changes that are not audit events
 * (ingestion progress `ai_state:{node_id}`, upload progress `upload:{upload_id}`) are touched
 * directly with `emu.activityHub.touch`.
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

export type ActivityRule = (e: AuditEvent) => ActivityTouch[];

export const ACTIVITY_KEY_CHOICES = [
  'member and invitation changes touch `members` on the workspace (or the org), and `memberships` on the member user',
  'settings changes touch `settings` on the workspace (or the org)',
  'workspace lifecycle (created, archived, deleted) touches `workspace` on the workspace and `workspaces` on its org',
  'org lifecycle touches `org`; ownership transfer touches `transfer` and `members`; billing events touch `billing` on the org',
  "a user's own account events touch `user` on the user",
  'share lifecycle and settings touch `share` on the share and `shares` on its workspace',
  'comment events touch `comments:{node_id}` on the share (share comments) or the workspace; a mention also touches `comments` on the mentioned user',
  'cloud import events touch `imports` on the workspace, and `imports:{source_id}` when the event names a source',
  "metadata events touch `metadata:{node_id}` on the workspace for a node's values, `metadata` for templates and views",
  'other events touch their subcategory name on the workspace, else the org, else the user',
  'asset events touch `assets` on the share, else the workspace, else the org, else the user whose asset it is',
  'fileshare events touch `storage:{node_id}` of the bound file on the workspace, and the fileshare itself: `fileshare` (created, updated, deleted) or `grants`; every change of the bound file (a new version, by write-back or any upload, a rename, a restore) touches `storage:{node_id}` on each live fileshare of it',
];

/** Where an event happened: its workspace, else its share, else its org. */
const placeOf = (e: AuditEvent) => e.workspaceId ?? e.shareId ?? e.orgId;

/** A node's change: `storage:{node_id}` on its workspace (or share). */
function storageNode(e: AuditEvent): ActivityTouch[] {
  return e.objectId ? [{ entities: [placeOf(e)], key: `storage:${e.objectId}` }] : [{ entities: [placeOf(e)], key: 'storage' }];
}

/** The rules the catalogue picks from, one per kind of change. */
export const ActivityRules = {
  members: (e) => {
    const touches: ActivityTouch[] = [{ entities: [placeOf(e)], key: 'members' }];
    if (e.userId) touches.push({ entities: [e.userId], key: 'memberships' });
    return touches;
  },
  settings: (e) => [{ entities: [placeOf(e) ?? e.userId], key: 'settings' }],
  workspaceLifecycle: (e) => [
    { entities: [e.workspaceId], key: 'workspace' },
    { entities: [e.orgId], key: 'workspaces' },
  ],
  orgLifecycle: (e) => [{ entities: [e.orgId], key: 'org' }],
  user: (e) => [{ entities: [e.userId], key: 'user' }],
  transfer: (e) => [{ entities: [e.orgId], key: 'transfer' }],
  transferCompleted: (e) => [
    { entities: [e.orgId], key: 'transfer' },
    { entities: [e.orgId], key: 'members' },
  ],
  billing: (e) => [{ entities: [e.orgId], key: 'billing' }],
  storageNode,
  // a fileshare's own changes: the bound file's key on the workspace, and the fileshare (its poll, shares/fileshare-activity.ts)
  fileshare: (e) => [...storageNode(e), { entities: [fileshareOf(e)], key: 'fileshare' }],
  fileshareGrants: (e) => [...storageNode(e), { entities: [fileshareOf(e)], key: 'grants' }],
  // the uploader (who polls its sessions) and the workspace the file goes to
  upload: (e) => (e.objectId ? [{ entities: [e.callingUserId ?? e.userId, e.workspaceId], key: `upload:${e.objectId}` }] : []),
  // a share's chat (the event carries its share id) is heard by the share, not its workspace
  aiChat: (e) => (e.objectId ? [{ entities: [e.shareId ?? placeOf(e)], key: `ai_chat:${e.objectId}` }] : [{ entities: [e.shareId ?? placeOf(e)], key: 'ai' }]),
  ai: (e) => [{ entities: [placeOf(e)], key: 'ai' }],
  // a share's members: the share hears it, and the member's own memberships
  shareMembers: (e) => {
    const touches: ActivityTouch[] = [{ entities: [e.shareId], key: 'members' }];
    if (e.userId) touches.push({ entities: [e.userId], key: 'memberships' });
    return touches;
  },
  shareLifecycle: (e) => [
    { entities: [e.shareId], key: 'share' },
    { entities: [e.workspaceId], key: 'shares' },
  ],
  // a member's own dashboard (dismissals are per member): only that member hears it
  dashboard: (e) => [{ entities: [e.userId], key: 'dashboard' }],
  // a node's comment thread: whoever has the file open polls `comments:{node_id}` on the share or workspace
  comments: (e) => [{ entities: [e.shareId ?? e.workspaceId], key: commentKey(e) }],
  commentMention: (e) => [
    { entities: [e.shareId ?? e.workspaceId], key: commentKey(e) },
    { entities: [e.userId], key: 'comments' },
  ],
  // a branding asset: whoever shows the entity's logo polls `assets` on it
  assets: (e) => [{ entities: [e.shareId ?? e.workspaceId ?? e.orgId ?? e.userId], key: 'assets' }],
  // cloud imports: the workspace hears every change; a source's page polls `imports:{source_id}`
  imports: (e) => {
    const touches: ActivityTouch[] = [{ entities: [e.workspaceId], key: 'imports' }];
    if (typeof e.data.source_id === 'string') touches.push({ entities: [e.workspaceId], key: `imports:${e.data.source_id}` });
    return touches;
  },
  // metadata: the workspace hears `metadata:{node_id}` for a node's values, `metadata` for templates and views
  metadata: (e) => [{ entities: [e.workspaceId], key: typeof e.data.node_id === 'string' ? `metadata:${e.data.node_id}` : 'metadata' }],
} satisfies Record<string, ActivityRule>;

function fileshareOf(e: AuditEvent): string | null {
  return typeof e.data.fileshare === 'string' ? e.data.fileshare : null;
}

function commentKey(e: AuditEvent): string {
  return typeof e.data.node_id === 'string' ? `comments:${e.data.node_id}` : 'comments';
}
