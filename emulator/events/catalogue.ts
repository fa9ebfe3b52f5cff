/**
 * The catalogue of every audit event the emulator records. Each event name is filed under one
 * category and subcategory (membership events under two: an invitation while the row is pending)
 * and names the activity rule it touches. Areas build events only through the named constructors
 * of `AuditEvents`, so a category or subcategory is never a free string at a call site, and
 * `AuditLog.record` accepts nothing else: a hand-built object lacks the catalogue's brand (a type
 * error), and `checkCatalogued` refuses at run time an event name or filing the catalogue lacks.
 *
 * PARITY: event names, categories and subcategories follow the live audit trail as the API notes
 * ("Events and activity") and the official client (src/api/event.rs filters) describe it; names the
 * sources do not list are CHOICE, in the live naming pattern.
 */
import type { ActivityTouch } from '../activity/keys.js';
import type { ApiKey, AuditEvent, Invite, Org, OrgMember, StorageNode, TransferToken, User, Workspace, WorkspaceMember } from '../store/model.js';
import type { Share, ShareMember } from '../store/share-model.js';
import type { Fileshare } from '../store/fileshare-model.js';

export { AUDIT_VISIBILITIES, type AuditCategory, type AuditSubcategory, type AuditVisibility } from './catalogue-entries.js';
import { CATALOGUE, filed, INVITATION, type AuditVisibility, type CatalogueEntry } from './catalogue-entries.js';
import { build, own, placed, type AuditEventName, type AuditFields, type FilingOf, type WorkspacePlace } from './catalogue-build.js';
import { CONTENT_EVENTS } from './catalogue-content.js';

export type { AuditEventName, AuditFields, CataloguedEvent, WorkspacePlace } from './catalogue-build.js';
export type { AssetEventPlace, CommentPlace, ImportPlace } from './catalogue-content.js';

/** Every catalogued event name (tests, documentation). */
export const AUDIT_EVENT_NAMES = Object.keys(CATALOGUE) as AuditEventName[];

const entryOf = (event: string): CatalogueEntry | undefined => (Object.hasOwn(CATALOGUE, event) ? CATALOGUE[event as AuditEventName] : undefined);

/**
 * The run-time half of the guarantee: an event whose name is not catalogued, or filed where the
 * catalogue does not file it, is a programming error (thrown, so the request that tried it fails
 * loudly and the test that ran it goes red).
 */
export function checkCatalogued(e: { event: string; category: string; subcategory: string }): void {
  const entry = entryOf(e.event);
  if (!entry) throw new Error(`audit event ${JSON.stringify(e.event)} is not in the event catalogue (events/catalogue.ts)`);
  if (!entry.filings.some((f) => f.category === e.category && f.subcategory === e.subcategory)) {
    throw new Error(`audit event ${e.event} filed under ${e.category}/${e.subcategory}, which the event catalogue does not list for it`);
  }
}

/** Where an event is read (`external` unless the catalogue says otherwise). */
export function visibilityOf(event: string): AuditVisibility {
  return entryOf(event)?.visibility ?? 'external';
}

/** The event names of one visibility. */
export function eventNamesOf(visibility: AuditVisibility): ReadonlySet<string> {
  return new Set(AUDIT_EVENT_NAMES.filter((n) => visibilityOf(n) === visibility));
}

/** The name of a serial event's parent, if it has one. */
export function parentEventOf(event: string): string | undefined {
  return entryOf(event)?.parent;
}

/** The activity keys a stored event touches: its catalogue entry's rule. */
export function activityTouches(e: AuditEvent): ActivityTouch[] {
  return entryOf(e.event)?.touches(e) ?? [];
}

// ---------------------------------------------------------------------------------------------
// The named constructors

type MemberRow = OrgMember | WorkspaceMember | ShareMember;

/** A membership event about a row: a pending row files it as an invitation. */
function aboutMember<N extends AuditEventName>(
  event: N,
  active: FilingOf<N>,
  row: MemberRow,
  callingUserId: string,
  data?: Record<string, unknown>,
  objectId?: string,
) {
  const workspaceId = 'workspaceId' in row ? row.workspaceId : null;
  return build(event, (row.status === 'pending' ? INVITATION : active) as FilingOf<N>, {
    orgId: row.orgId,
    workspaceId,
    ...('shareId' in row ? { shareId: row.shareId } : {}),
    userId: row.userId,
    callingUserId,
    objectId: objectId ?? row.userId ?? row.invite?.id ?? null,
    ...(data ? { data } : {}),
  });
}

const ORG_MEMBERS = filed('org', 'members');
const WORKSPACE_MEMBERS = filed('workspace', 'members');
const SHARE_MEMBERS = filed('share', 'members');
const membersFilingOf = (row: MemberRow) => ('shareId' in row ? SHARE_MEMBERS : 'workspaceId' in row ? WORKSPACE_MEMBERS : ORG_MEMBERS);

export const AuditEvents = {
  // users
  userCreated: (user: User) => own('user_created', { userId: user.id, callingUserId: user.id, objectId: user.id, data: { account_type: user.accountType } }),
  userEmailVerified: (userId: string) => own('user_email_verified', { userId, callingUserId: userId, objectId: userId }),
  userSignedOut: (userId: string) => own('user_signed_out', { userId, callingUserId: userId, objectId: userId }),
  userSessionsInvalidated: (userId: string, sessions: number) =>
    own('user_sessions_invalidated', { userId, callingUserId: userId, objectId: userId, data: { sessions } }),
  userUpdated: (userId: string, fields: string[]) => own('user_updated', { userId, callingUserId: userId, objectId: userId, data: { fields } }),
  userEmailChangeRequested: (userId: string) => own('user_email_change_requested', { userId, callingUserId: userId, objectId: userId }),
  userEmailChanged: (userId: string) => own('user_email_changed', { userId, callingUserId: userId, objectId: userId }),
  apiKeyCreated: (user: User, key: ApiKey) => own('api_key_created', { userId: user.id, callingUserId: user.id, objectId: key.id, data: { memo: key.memo } }),
  apiKeyUpdated: (user: User, key: ApiKey, fields: string[]) =>
    own('api_key_updated', { userId: user.id, callingUserId: user.id, objectId: key.id, data: { fields } }),
  apiKeyDeleted: (user: User, key: ApiKey) => own('api_key_deleted', { userId: user.id, callingUserId: user.id, objectId: key.id }),
  // --- identity ---
  oauthSessionCreated: (userId: string, sessionId: string, clientId: string) =>
    own('oauth_session_created', { userId, callingUserId: userId, objectId: sessionId, data: { client_id: clientId } }),
  oauthSessionUpdated: (userId: string, sessionId: string) => own('oauth_session_updated', { userId, callingUserId: userId, objectId: sessionId }),
  oauthSessionRevoked: (userId: string, sessionId: string) => own('oauth_session_revoked', { userId, callingUserId: userId, objectId: sessionId }),
  oauthSessionsRevoked: (userId: string, sessions: number) =>
    own('oauth_sessions_revoked', { userId, callingUserId: userId, objectId: userId, data: { sessions } }),
  // --- identity2 ---
  twoFactorSetupStarted: (userId: string, channel: string) =>
    own('user_2fa_setup_started', { userId, callingUserId: userId, objectId: userId, data: { channel } }),
  twoFactorEnabled: (userId: string, channel: string) => own('user_2fa_enabled', { userId, callingUserId: userId, objectId: userId, data: { channel } }),
  twoFactorDisabled: (userId: string) => own('user_2fa_disabled', { userId, callingUserId: userId, objectId: userId }),
  userPasswordResetRequested: (userId: string) => own('user_password_reset_requested', { userId, callingUserId: userId, objectId: userId }),
  userPasswordReset: (userId: string) => own('user_password_reset', { userId, callingUserId: userId, objectId: userId }),
  userClosed: (userId: string) => own('user_closed', { userId, callingUserId: userId, objectId: userId }),

  // orgs
  orgCreated: (caller: User, org: Org) =>
    own('org_created', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { domain: org.domain, name: org.name, plan: org.plan } }),
  orgUpdated: (caller: User, org: Org, fields: string[]) => own('org_updated', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { fields } }),
  orgClosed: (caller: User, org: Org) => own('org_closed', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { domain: org.domain } }),

  // workspaces
  workspaceCreated: (caller: User, ws: Workspace) =>
    own('workspace_created', {
      ...onWorkspace(ws, caller),
      data: { folder_name: ws.folderName, name: ws.name, intelligence: ws.intelligence },
    }),
  /** `intelligence` only when the update toggled it. */
  workspaceUpdated: (caller: User, ws: Workspace, fields: string[], intelligence?: boolean) =>
    own('workspace_updated', { ...onWorkspace(ws, caller), data: { fields, ...(intelligence !== undefined ? { intelligence } : {}) } }),
  workspaceArchived: (caller: User, ws: Workspace) => own('workspace_archived', onWorkspace(ws, caller)),
  workspaceUnarchived: (caller: User, ws: Workspace) => own('workspace_unarchived', onWorkspace(ws, caller)),
  workspaceDeleted: (caller: User, ws: Workspace) => own('workspace_deleted', { ...onWorkspace(ws, caller), data: { folder_name: ws.folderName } }),

  // members and invitations
  addedMemberToOrg: (row: OrgMember, callingUserId: string, data: Record<string, unknown>) =>
    aboutMember('added_member_to_org', ORG_MEMBERS, row, callingUserId, data),
  removedMemberFromOrg: (row: OrgMember, callingUserId: string, data?: Record<string, unknown>) =>
    aboutMember('removed_member_from_org', ORG_MEMBERS, row, callingUserId, data),
  orgOwnershipTransferred: (row: OrgMember, callingUserId: string) =>
    aboutMember('org_ownership_transferred', ORG_MEMBERS, row, callingUserId, undefined, row.orgId),
  addedMemberToWorkspace: (row: WorkspaceMember, callingUserId: string, data: Record<string, unknown>) =>
    aboutMember('added_member_to_workspace', WORKSPACE_MEMBERS, row, callingUserId, data),
  removedMemberFromWorkspace: (row: WorkspaceMember, callingUserId: string, data?: Record<string, unknown>) =>
    aboutMember('removed_member_from_workspace', WORKSPACE_MEMBERS, row, callingUserId, data),
  workspaceOwnershipTransferred: (row: WorkspaceMember, callingUserId: string) =>
    aboutMember('workspace_ownership_transferred', WORKSPACE_MEMBERS, row, callingUserId, undefined, row.workspaceId),
  addedMemberToShare: (row: ShareMember, callingUserId: string, data: Record<string, unknown>) =>
    aboutMember('added_member_to_share', SHARE_MEMBERS, row, callingUserId, data),
  removedMemberFromShare: (row: ShareMember, callingUserId: string, data?: Record<string, unknown>) =>
    aboutMember('removed_member_from_share', SHARE_MEMBERS, row, callingUserId, data),
  shareOwnershipTransferred: (row: ShareMember, callingUserId: string) =>
    aboutMember('share_ownership_transferred', SHARE_MEMBERS, row, callingUserId, undefined, row.shareId),
  /** `row` is the membership after the change. */
  membershipUpdated: (row: MemberRow, callingUserId: string, from: string, to: string) =>
    aboutMember('membership_updated', membersFilingOf(row), row, callingUserId, { from, to }),
  /** `active` is the membership the invitation became. */
  invitationAccepted: (user: User, invite: Invite | null, active: MemberRow) =>
    own('invitation_accepted', {
      orgId: active.orgId,
      workspaceId: 'workspaceId' in active ? active.workspaceId : null,
      ...('shareId' in active ? { shareId: active.shareId } : {}),
      userId: user.id,
      callingUserId: user.id,
      objectId: invite?.id ?? null,
      data: { permissions: active.role },
    }),
  /** The invitee declined a pending invitation (`row` is the pending row, which stays). */
  invitationDeclined: (user: User, row: MemberRow) => aboutMember('invitation_declined', INVITATION, row, user.id, undefined, row.invite?.id),
  /** The inviter changed a pending invitation (`fields`: which; a renewal mails it again). */
  invitationUpdated: (row: MemberRow, callingUserId: string, fields: string[]) =>
    aboutMember('invitation_updated', INVITATION, row, callingUserId, { fields }, row.invite?.id),

  // ownership transfer
  orgTransferTokenCreated: (caller: User, token: TransferToken) =>
    own('org_transfer_token_created', { orgId: token.orgId, callingUserId: caller.id, objectId: token.id }),
  orgTransferTokenDeleted: (caller: User, token: TransferToken) =>
    own('org_transfer_token_deleted', { orgId: token.orgId, callingUserId: caller.id, objectId: token.id }),
  orgTransferCompleted: (caller: User, org: Org, previousOwner: string | null, plan: string) =>
    own('org_transfer_completed', {
      orgId: org.id,
      userId: caller.id,
      callingUserId: caller.id,
      objectId: org.id,
      data: { previous_owner: previousOwner, plan },
    }),

  // billing
  subscriptionCreated: (caller: User, org: Org, plan: string, data: Record<string, unknown> = {}) =>
    own('subscription_created', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { plan, previous_plan: org.plan, ...data } }),
  /** A subscription moved from one paid plan to another. */
  subscriptionUpdated: (caller: User, org: Org, plan: string, data: Record<string, unknown> = {}) =>
    own('subscription_updated', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { plan, previous_plan: org.plan, ...data } }),
  subscriptionCancelScheduled: (caller: User, org: Org, data: Record<string, unknown>) =>
    own('subscription_cancel_scheduled', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { plan: org.plan, ...data } }),
  subscriptionReactivated: (caller: User, org: Org) =>
    own('subscription_reactivated', { orgId: org.id, callingUserId: caller.id, objectId: org.id, data: { plan: org.plan } }),
  /** Recorded by the emulator itself when a period of a subscription starts (no calling user). */
  subscriptionRenewed: (org: Org, data: Record<string, unknown>) =>
    own('subscription_renewed', { orgId: org.id, callingUserId: null, objectId: org.id, data: { plan: org.plan, ...data } }),
  /** A cancelled subscription reached its end, or a claim ended the previous owner's (callingUserId null: the clock). */
  subscriptionEnded: (org: Org, callingUserId: string | null, data: Record<string, unknown>) =>
    own('subscription_ended', { orgId: org.id, callingUserId, objectId: org.id, data: { plan: org.plan, ...data } }),
  /** Recorded by the emulator itself (no calling user). */
  creditsThresholdReached: (org: Org, data: Record<string, unknown>) =>
    own('credits_threshold_reached', { orgId: org.id, callingUserId: null, objectId: org.id, data }),

  // dashboard (the card key is the object; `snooze_until` in ms, null for a permanent dismiss)
  dashboardCardDismissed: (at: WorkspacePlace, userId: string, cardKey: string, snoozeUntil: number | null) =>
    own('dashboard_card_dismissed', { ...placed(at), callingUserId: userId, objectId: cardKey, data: { card_key: cardKey, snooze_until: snoozeUntil } }),
  dashboardCardUndismissed: (at: WorkspacePlace, userId: string, cardKey: string) =>
    own('dashboard_card_undismissed', { ...placed(at), callingUserId: userId, objectId: cardKey, data: { card_key: cardKey } }),

  // storage
  storageFileAdded: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_file_added', { ...placed(at), callingUserId, objectId: node.id, data }),
  storageFolderCreated: (at: WorkspacePlace, callingUserId: string, folder: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_folder_created', { ...placed(at), callingUserId, objectId: folder.id, data }),
  /** PARITY: CHOICE (no live name recorded): a share link added to a folder (`addlink`). */
  storageLinkAdded: (at: WorkspacePlace, callingUserId: string, link: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_link_added', { ...placed(at), callingUserId, objectId: link.id, data }),
  /** A node's name changed without a new version (a note renamed by `updatenote`). */
  storageFileUpdated: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_file_updated', { ...placed(at), callingUserId, objectId: node.id, data }),
  /** A kept version became current again (`restore-version`). */
  storageVersionRestored: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_version_restored', { ...placed(at), callingUserId, objectId: node.id, data }),
  /** A trash (file or folder) or a purge: `nodes` counts every node that went with it. */
  storageRemoved: (
    how: 'workspace_storage_file_deleted' | 'workspace_storage_folder_deleted' | 'workspace_storage_file_purged',
    at: WorkspacePlace,
    callingUserId: string,
    node: StorageNode,
    nodes: number,
  ) => own(how, { ...placed(at), callingUserId, objectId: node.id, data: { name: node.name, type: node.type, nodes } }),

  // storage node operations (node-ops.ts, locks.ts); the node is the object
  /** PARITY: agent guide REFERENCE "Common Event Names": `workspace_storage_file_moved`, `workspace_storage_folder_moved`. */
  storageNodeMoved: (
    how: 'workspace_storage_file_moved' | 'workspace_storage_folder_moved',
    at: WorkspacePlace,
    callingUserId: string,
    node: StorageNode,
    data: Record<string, unknown>,
  ) => own(how, { ...placed(at), callingUserId, objectId: node.id, data }),
  /** The copy is the object; `data.source_id` names the original. */
  storageFileCopied: (at: WorkspacePlace, callingUserId: string, copy: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_file_copied', { ...placed(at), callingUserId, objectId: copy.id, data }),
  storageFileRestored: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_file_restored', { ...placed(at), callingUserId, objectId: node.id, data }),
  /** CHOICE (name not in the sources): recorded once in the source workspace and once in the target. */
  storageNodeTransferred: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_node_transferred', { ...placed(at), callingUserId, objectId: node.id, data }),
  storageLockAcquired: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_lock_acquired', { ...placed(at), callingUserId, objectId: node.id, data }),
  storageLockReleased: (at: WorkspacePlace, callingUserId: string, node: StorageNode, data: Record<string, unknown>) =>
    own('workspace_storage_lock_released', { ...placed(at), callingUserId, objectId: node.id, data }),

  // uploads (the upload id is the object)
  uploadSessionCreated: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_session_created', { ...placed(at), callingUserId, objectId: uploadId, data }),
  uploadChunkAdded: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_chunk_added', { ...placed(at), callingUserId, objectId: uploadId, data }),
  uploadChunkDeleted: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_chunk_deleted', { ...placed(at), callingUserId, objectId: uploadId, data }),
  uploadSessionCompleted: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_session_completed', { ...placed(at), callingUserId, objectId: uploadId, data }),
  /** Recorded by the emulator's background assembly (no calling user): about the upload's owner. */
  uploadSessionFailed: (at: WorkspacePlace, userId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_session_failed', { ...placed(at), userId, callingUserId: null, objectId: uploadId, data }),
  uploadSessionDeleted: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('upload_session_deleted', { ...placed(at), callingUserId, objectId: uploadId, data }),
  webUploadCreated: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('web_upload_created', { ...placed(at), callingUserId, objectId: uploadId, data }),
  webUploadCancelled: (at: WorkspacePlace, callingUserId: string, uploadId: string, data: Record<string, unknown>) =>
    own('web_upload_cancelled', { ...placed(at), callingUserId, objectId: uploadId, data }),

  // intelligence
  /** Recorded by the background ingestion (no calling user): about the user whose upload it was. */
  aiFileIngestion: (ok: boolean, node: StorageNode, userId: string | null, data: Record<string, unknown>) =>
    own(ok ? 'ai_file_ingested' : 'ai_file_ingestion_failed', {
      orgId: node.orgId,
      workspaceId: node.workspaceId,
      userId,
      callingUserId: null,
      objectId: node.id,
      data,
    }),
  aiChatCreated: (at: WorkspacePlace, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_created', { ...placed(at), callingUserId, objectId: chatId, data }),
  aiChatNewMessage: (at: WorkspacePlace, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_new_message', { ...placed(at), callingUserId, objectId: chatId, data }),
  aiChatDeleted: (at: WorkspacePlace, callingUserId: string, chatId: string) => own('ai_chat_deleted', { ...placed(at), callingUserId, objectId: chatId }),
  aiChatUpdated: (at: WorkspacePlace, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_updated', { ...placed(at), callingUserId, objectId: chatId, data }),
  // a share's AI chats (intelligence/share-chat.ts): the same events, carrying the share's id
  shareAiChatCreated: (share: Share, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_created', { ...inShare(share), callingUserId, objectId: chatId, data }),
  shareAiChatNewMessage: (share: Share, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_new_message', { ...inShare(share), callingUserId, objectId: chatId, data }),
  shareAiChatDeleted: (share: Share, callingUserId: string, chatId: string) => own('ai_chat_deleted', { ...inShare(share), callingUserId, objectId: chatId }),
  shareAiChatUpdated: (share: Share, callingUserId: string, chatId: string, data: Record<string, unknown>) =>
    own('ai_chat_updated', { ...inShare(share), callingUserId, objectId: chatId, data }),

  // shares (the share is the object; events carry org, workspace and share ids)
  shareCreated: (caller: User, share: Share) =>
    own('share_created', { ...onShare(share, caller), data: { title: share.title, share_type: share.shareType, custom_name: share.customName } }),
  shareUpdated: (caller: User, share: Share, fields: string[]) => own('share_updated', { ...onShare(share, caller), data: { fields } }),
  shareArchived: (caller: User, share: Share) => own('share_archived', onShare(share, caller)),
  shareUnarchived: (caller: User, share: Share) => own('share_unarchived', onShare(share, caller)),
  shareDeleted: (caller: User, share: Share) => own('share_deleted', { ...onShare(share, caller), data: { custom_name: share.customName } }),
  /** A share's files copied into a workspace (shares/import-routes.ts): filed in the target workspace, the new folder is the object. */
  shareImported: (caller: User, target: WorkspacePlace, share: Share, folderId: string, nodes: number) =>
    own('share_imported_to_workspace', { ...placed(target), callingUserId: caller.id, objectId: folderId, data: { share_id: share.id, nodes } }),

  // fileshares and QuickShares (the bound node is the object, so the file's activity key moves)
  fileshareCreated: (caller: User, f: Fileshare) => own('fileshare_created', onFileshare(f, caller, { access_option: f.accessOption })),
  fileshareUpdated: (caller: User, f: Fileshare, fields: string[]) => own('fileshare_updated', onFileshare(f, caller, { fields })),
  fileshareDeleted: (caller: User, f: Fileshare) => own('fileshare_deleted', onFileshare(f, caller, {})),
  fileshareGrantAdded: (caller: User, f: Fileshare, data: Record<string, unknown>) => own('fileshare_grant_added', onFileshare(f, caller, data)),
  fileshareGrantRemoved: (caller: User, f: Fileshare, data: Record<string, unknown>) => own('fileshare_grant_removed', onFileshare(f, caller, data)),
  quickshareCreated: (caller: User, f: Fileshare) => own('workspace_quickshare_created', onFileshare(f, caller, {})),
  quickshareUpdated: (caller: User, f: Fileshare) => own('workspace_quickshare_updated', onFileshare(f, caller, {})),
  quickshareDeleted: (caller: User, f: Fileshare) => own('workspace_quickshare_deleted', onFileshare(f, caller, {})),

  ...CONTENT_EVENTS,
};

function onFileshare(f: Fileshare, caller: User, data: Record<string, unknown>): AuditFields {
  return { orgId: f.orgId, workspaceId: f.workspaceId, callingUserId: caller.id, objectId: f.nodeId, data: { ...data, [f.kind]: f.id } };
}

function inShare(share: Share): Pick<AuditFields, 'orgId' | 'workspaceId' | 'shareId'> {
  return { orgId: share.orgId, workspaceId: share.workspaceId, shareId: share.id };
}

function onShare(share: Share, caller: User): AuditFields {
  return { orgId: share.orgId, workspaceId: share.workspaceId, shareId: share.id, callingUserId: caller.id, objectId: share.id };
}

function onWorkspace(ws: Workspace, caller: User): AuditFields {
  return { orgId: ws.orgId, workspaceId: ws.id, callingUserId: caller.id, objectId: ws.id };
}
