/**
 * The entries of the audit event catalogue (catalogue.ts builds and checks events from them): one
 * per event name, with its filings (category, subcategory), the activity rule it touches, its
 * visibility and, for serial events, its parent. Data only.
 */
import { ActivityRules, type ActivityRule } from '../activity/keys.js';

export type AuditCategory = 'user' | 'org' | 'workspace' | 'invitation' | 'billing' | 'ai' | 'share';
export type AuditSubcategory =
  | 'lifecycle'
  | 'authentication'
  | 'security'
  | 'settings'
  | 'members'
  | 'invitations'
  | 'transfer'
  | 'billing'
  | 'storage'
  | 'upload'
  | 'ai'
  | 'dashboard'
  | 'comments'
  | 'assets'
  | 'import_export';

export interface Filing {
  readonly category: AuditCategory;
  readonly subcategory: AuditSubcategory;
}

/**
 * Where an event is read: `external` events are the members' activity feed and the audit log,
 * `external_audit_log` events the audit log only (security, settings, billing, upload plumbing).
 * PARITY: the V2 client's events filter `visibility` takes exactly these two values (src/api/event.rs
 * `SearchEventsParams.visibility`, "Audit-log read filter"); which event is which is CHOICE.
 */
export type AuditVisibility = 'external' | 'external_audit_log';
export const AUDIT_VISIBILITIES: readonly AuditVisibility[] = ['external', 'external_audit_log'];

export interface CatalogueEntry {
  /** the first filing is the event's own; a second is for the pending-invitation form */
  readonly filings: readonly Filing[];
  readonly touches: ActivityRule;
  /** default `external` */
  readonly visibility?: AuditVisibility;
  /**
   * A serial event: a child of the latest `parent` event about the same object (an upload
   * session's chunks and outcome, a chat's messages). PARITY: the V2 `parent_event_id` filter
   * "drills into a serial/batch parent event's children" (src/api/event.rs); which events are
   * serial is CHOICE.
   */
  readonly parent?: string;
}

export const filed = <C extends AuditCategory, S extends AuditSubcategory>(category: C, subcategory: S) => ({ category, subcategory }) as const;
export const INVITATION = filed('invitation', 'invitations');

// One entry per event: the entries (and the named constructors below) look alike by design; the
// likeness is the catalogue being data, not logic written twice.
export const CATALOGUE = {
  // users
  user_created: { filings: [filed('user', 'lifecycle')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_email_verified: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_signed_out: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_sessions_invalidated: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_updated: { filings: [filed('user', 'settings')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_email_change_requested: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_email_changed: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  api_key_created: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  api_key_updated: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  api_key_deleted: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  // --- identity ---
  oauth_session_created: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  oauth_session_updated: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  oauth_session_revoked: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  oauth_sessions_revoked: { filings: [filed('user', 'authentication')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  // --- identity2 ---
  user_2fa_setup_started: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_2fa_enabled: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_2fa_disabled: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_password_reset_requested: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_password_reset: { filings: [filed('user', 'security')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  user_closed: { filings: [filed('user', 'lifecycle')], touches: ActivityRules.user, visibility: 'external_audit_log' },
  // orgs
  org_created: { filings: [filed('org', 'lifecycle')], touches: ActivityRules.orgLifecycle },
  org_updated: { filings: [filed('org', 'settings')], touches: ActivityRules.settings, visibility: 'external_audit_log' },
  org_closed: { filings: [filed('org', 'lifecycle')], touches: ActivityRules.orgLifecycle },
  // workspaces
  workspace_created: { filings: [filed('workspace', 'lifecycle')], touches: ActivityRules.workspaceLifecycle },
  workspace_updated: { filings: [filed('workspace', 'settings')], touches: ActivityRules.settings, visibility: 'external_audit_log' },
  workspace_archived: { filings: [filed('workspace', 'lifecycle')], touches: ActivityRules.workspaceLifecycle },
  workspace_unarchived: { filings: [filed('workspace', 'lifecycle')], touches: ActivityRules.workspaceLifecycle },
  workspace_deleted: { filings: [filed('workspace', 'lifecycle')], touches: ActivityRules.workspaceLifecycle },
  // members and invitations (a pending row is an invitation)
  added_member_to_org: { filings: [filed('org', 'members'), INVITATION], touches: ActivityRules.members },
  removed_member_from_org: { filings: [filed('org', 'members'), INVITATION], touches: ActivityRules.members },
  org_ownership_transferred: { filings: [filed('org', 'members')], touches: ActivityRules.members },
  added_member_to_workspace: { filings: [filed('workspace', 'members'), INVITATION], touches: ActivityRules.members },
  removed_member_from_workspace: { filings: [filed('workspace', 'members'), INVITATION], touches: ActivityRules.members },
  workspace_ownership_transferred: { filings: [filed('workspace', 'members')], touches: ActivityRules.members },
  // PARITY: added/removed_member_to/from_share are the agent guide's names; share_ownership_transferred is CHOICE
  added_member_to_share: { filings: [filed('share', 'members'), INVITATION], touches: ActivityRules.shareMembers },
  removed_member_from_share: { filings: [filed('share', 'members'), INVITATION], touches: ActivityRules.shareMembers },
  share_ownership_transferred: { filings: [filed('share', 'members')], touches: ActivityRules.shareMembers },
  membership_updated: {
    filings: [filed('org', 'members'), filed('workspace', 'members'), filed('share', 'members'), INVITATION],
    touches: ActivityRules.members,
  },
  invitation_accepted: { filings: [INVITATION], touches: ActivityRules.members },
  // PARITY: invitation_declined is the agent guide's name; invitation_updated is CHOICE
  invitation_declined: { filings: [INVITATION], touches: ActivityRules.members },
  invitation_updated: { filings: [INVITATION], touches: ActivityRules.members },
  // ownership transfer (agent -> human)
  org_transfer_token_created: { filings: [filed('org', 'transfer')], touches: ActivityRules.transfer, visibility: 'external_audit_log' },
  org_transfer_token_deleted: { filings: [filed('org', 'transfer')], touches: ActivityRules.transfer, visibility: 'external_audit_log' },
  org_transfer_completed: { filings: [filed('org', 'transfer')], touches: ActivityRules.transferCompleted },
  // billing
  subscription_created: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  subscription_updated: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  subscription_cancel_scheduled: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  subscription_reactivated: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  subscription_renewed: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  subscription_ended: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  credits_threshold_reached: { filings: [filed('billing', 'billing')], touches: ActivityRules.billing, visibility: 'external_audit_log' },
  // the per-member dashboard (V2): a card hidden or shown again, on the caller's own feed only
  dashboard_card_dismissed: { filings: [filed('workspace', 'dashboard')], touches: ActivityRules.dashboard, visibility: 'external_audit_log' },
  dashboard_card_undismissed: { filings: [filed('workspace', 'dashboard')], touches: ActivityRules.dashboard, visibility: 'external_audit_log' },
  // storage
  workspace_storage_file_added: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_folder_created: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_link_added: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_file_deleted: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_folder_deleted: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_file_purged: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_file_updated: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_version_restored: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  // storage node operations (node-ops.ts, locks.ts)
  workspace_storage_file_moved: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_folder_moved: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_file_copied: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_file_restored: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_node_transferred: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_lock_acquired: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_storage_lock_released: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  // uploads
  upload_session_created: { filings: [filed('user', 'upload')], touches: ActivityRules.upload, visibility: 'external_audit_log' },
  upload_chunk_added: { filings: [filed('user', 'upload')], touches: ActivityRules.upload, visibility: 'external_audit_log', parent: 'upload_session_created' },
  upload_chunk_deleted: {
    filings: [filed('user', 'upload')],
    touches: ActivityRules.upload,
    visibility: 'external_audit_log',
    parent: 'upload_session_created',
  },
  upload_session_completed: {
    filings: [filed('user', 'upload')],
    touches: ActivityRules.upload,
    visibility: 'external_audit_log',
    parent: 'upload_session_created',
  },
  upload_session_failed: {
    filings: [filed('user', 'upload')],
    touches: ActivityRules.upload,
    visibility: 'external_audit_log',
    parent: 'upload_session_created',
  },
  upload_session_deleted: {
    filings: [filed('user', 'upload')],
    touches: ActivityRules.upload,
    visibility: 'external_audit_log',
    parent: 'upload_session_created',
  },
  web_upload_created: { filings: [filed('user', 'upload')], touches: ActivityRules.upload, visibility: 'external_audit_log' },
  web_upload_cancelled: { filings: [filed('user', 'upload')], touches: ActivityRules.upload, visibility: 'external_audit_log', parent: 'web_upload_created' },
  // intelligence
  ai_file_ingested: { filings: [filed('ai', 'ai')], touches: ActivityRules.ai },
  ai_file_ingestion_failed: { filings: [filed('ai', 'ai')], touches: ActivityRules.ai },
  ai_chat_created: { filings: [filed('ai', 'ai')], touches: ActivityRules.aiChat },
  ai_chat_new_message: { filings: [filed('ai', 'ai')], touches: ActivityRules.aiChat, parent: 'ai_chat_created' },
  ai_chat_deleted: { filings: [filed('ai', 'ai')], touches: ActivityRules.aiChat },
  ai_chat_updated: { filings: [filed('ai', 'ai')], touches: ActivityRules.aiChat },
  // shares (PARITY: names from the agent guide v1.29 "Share lifecycle")
  share_created: { filings: [filed('share', 'lifecycle')], touches: ActivityRules.shareLifecycle },
  share_updated: { filings: [filed('share', 'settings')], touches: ActivityRules.shareLifecycle },
  share_archived: { filings: [filed('share', 'lifecycle')], touches: ActivityRules.shareLifecycle },
  share_unarchived: { filings: [filed('share', 'lifecycle')], touches: ActivityRules.shareLifecycle },
  share_deleted: { filings: [filed('share', 'lifecycle')], touches: ActivityRules.shareLifecycle },
  share_imported_to_workspace: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  // fileshares (PARITY: CHOICE names, no source names them) and QuickShares (agent guide "Quick shares")
  fileshare_created: { filings: [filed('workspace', 'storage')], touches: ActivityRules.fileshare },
  fileshare_updated: { filings: [filed('workspace', 'storage')], touches: ActivityRules.fileshare },
  fileshare_deleted: { filings: [filed('workspace', 'storage')], touches: ActivityRules.fileshare },
  fileshare_grant_added: { filings: [filed('workspace', 'storage')], touches: ActivityRules.fileshareGrants },
  fileshare_grant_removed: { filings: [filed('workspace', 'storage')], touches: ActivityRules.fileshareGrants },
  workspace_quickshare_created: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_quickshare_updated: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  workspace_quickshare_deleted: { filings: [filed('workspace', 'storage')], touches: ActivityRules.storageNode },
  // comments (PARITY: agent guide REFERENCE "Common Event Names: Comments" names these six, subcategory `comments`)
  comment_created: { filings: [filed('workspace', 'comments')], touches: ActivityRules.comments },
  comment_replied: { filings: [filed('workspace', 'comments')], touches: ActivityRules.comments },
  comment_updated: { filings: [filed('workspace', 'comments')], touches: ActivityRules.comments },
  comment_deleted: { filings: [filed('workspace', 'comments')], touches: ActivityRules.comments },
  comment_mentioned: { filings: [filed('workspace', 'comments')], touches: ActivityRules.commentMention },
  comment_reaction: { filings: [filed('workspace', 'comments')], touches: ActivityRules.comments },
  // assets (PARITY: agent guide REFERENCE names subcategory `assets` and `user_asset_updated`; the other names are CHOICE, in its pattern)
  user_asset_updated: { filings: [filed('user', 'assets')], touches: ActivityRules.assets, visibility: 'external_audit_log' },
  user_asset_deleted: { filings: [filed('user', 'assets')], touches: ActivityRules.assets, visibility: 'external_audit_log' },
  org_asset_updated: { filings: [filed('org', 'assets')], touches: ActivityRules.assets, visibility: 'external_audit_log' },
  org_asset_deleted: { filings: [filed('org', 'assets')], touches: ActivityRules.assets, visibility: 'external_audit_log' },
  workspace_asset_updated: { filings: [filed('workspace', 'assets')], touches: ActivityRules.assets },
  workspace_asset_deleted: { filings: [filed('workspace', 'assets')], touches: ActivityRules.assets },
  share_asset_updated: { filings: [filed('share', 'assets')], touches: ActivityRules.assets },
  share_asset_deleted: { filings: [filed('share', 'assets')], touches: ActivityRules.assets },
  // cloud imports (PARITY: agent guide REFERENCE "Event Subcategories" names `import_export`; the event names are CHOICE)
  workspace_import_enabled: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  workspace_import_disabled: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_identity_provisioned: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_identity_revoked: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_source_created: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_source_updated: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_source_disconnected: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_source_deleted: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_job_started: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_job_finished: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_job_cancelled: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_writeback_queued: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_writeback_finished: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_writeback_resolved: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  import_writeback_cancelled: { filings: [filed('workspace', 'import_export')], touches: ActivityRules.imports },
  // metadata (PARITY: CHOICE names, no source names them; filed under ai like the other AI work)
  metadata_template_created: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_template_updated: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_template_deleted: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_template_nodes_added: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_template_nodes_removed: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_extracted: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_updated: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_deleted: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_view_saved: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
  metadata_view_deleted: { filings: [filed('ai', 'ai')], touches: ActivityRules.metadata },
} as const satisfies Record<string, CatalogueEntry>;
