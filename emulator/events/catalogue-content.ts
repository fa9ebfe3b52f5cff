/**
 * The named constructors of the content areas' events: comments, assets, cloud imports and
 * metadata. catalogue.ts spreads them into `AuditEvents`, the one object call sites use.
 */
import { own, placed, type AuditEventName, type AuditFields, type WorkspacePlace } from './catalogue-build.js';

/** Where an import event happened: a workspace of an org. */
export interface ImportPlace {
  orgId: string;
  workspaceId: string;
}

/** The constructor of one cloud import event: (where, who, the object, data). */
function onImport<N extends AuditEventName>(event: N) {
  return (at: ImportPlace, callingUserId: string, objectId: string, data: Record<string, unknown> = {}) =>
    own(event, { orgId: at.orgId, workspaceId: at.workspaceId, callingUserId, objectId, data });
}

/** Whose asset changed: the entity, with the org and workspace it lives in (none for a user's own). */
export interface AssetEventPlace {
  entityType: 'org' | 'workspace' | 'share' | 'user';
  entityId: string;
  orgId: string | null;
  workspaceId: string | null;
  shareId: string | null;
}
type AssetEventData = { name: string } & Record<string, unknown>;

const ASSET_EVENTS = {
  user: { updated: 'user_asset_updated', deleted: 'user_asset_deleted' },
  org: { updated: 'org_asset_updated', deleted: 'org_asset_deleted' },
  workspace: { updated: 'workspace_asset_updated', deleted: 'workspace_asset_deleted' },
  share: { updated: 'share_asset_updated', deleted: 'share_asset_deleted' },
} as const satisfies Record<AssetEventPlace['entityType'], { updated: AuditEventName; deleted: AuditEventName }>;

function assetPlaced(at: AssetEventPlace): Pick<AuditFields, 'orgId' | 'workspaceId' | 'shareId' | 'userId'> {
  return { orgId: at.orgId, workspaceId: at.workspaceId, shareId: at.shareId, userId: at.entityType === 'user' ? at.entityId : null };
}

/** Where a comment event happened: a workspace, or a share (with its workspace). */
export interface CommentPlace {
  orgId: string;
  workspaceId: string | null;
  shareId: string | null;
}
type CommentEventData = { node_id: string } & Record<string, unknown>;

function commentPlaced(at: CommentPlace): Pick<AuditFields, 'orgId' | 'workspaceId' | 'shareId'> {
  return { orgId: at.orgId, workspaceId: at.workspaceId, shareId: at.shareId };
}

export const CONTENT_EVENTS = {
  // comments (the comment is the object; `data.node_id` names the node it is on)
  commentCreated: (at: CommentPlace, callingUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_created', { ...commentPlaced(at), callingUserId, objectId: commentId, data }),
  commentReplied: (at: CommentPlace, callingUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_replied', { ...commentPlaced(at), callingUserId, objectId: commentId, data }),
  commentUpdated: (at: CommentPlace, callingUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_updated', { ...commentPlaced(at), callingUserId, objectId: commentId, data }),
  commentDeleted: (at: CommentPlace, callingUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_deleted', { ...commentPlaced(at), callingUserId, objectId: commentId, data }),
  /** About the mentioned user (`userId`), so their own feed hears it. */
  commentMentioned: (at: CommentPlace, callingUserId: string, mentionedUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_mentioned', { ...commentPlaced(at), userId: mentionedUserId, callingUserId, objectId: commentId, data }),
  commentReaction: (at: CommentPlace, callingUserId: string, commentId: string, data: CommentEventData) =>
    own('comment_reaction', { ...commentPlaced(at), callingUserId, objectId: commentId, data }),

  // assets (the asset is the object; `data.name` is its asset type, the event name says whose)
  assetUpdated: (at: AssetEventPlace, callingUserId: string, assetId: string, data: AssetEventData) =>
    own(ASSET_EVENTS[at.entityType].updated, { ...assetPlaced(at), callingUserId, objectId: assetId, data }),
  assetDeleted: (at: AssetEventPlace, callingUserId: string, assetId: string, data: AssetEventData) =>
    own(ASSET_EVENTS[at.entityType].deleted, { ...assetPlaced(at), callingUserId, objectId: assetId, data }),
  // cloud imports (the identity, source, job or write-back is the object, the workspace itself for the switch; `data.source_id` names the source)
  workspaceImportEnabled: onImport('workspace_import_enabled'),
  workspaceImportDisabled: onImport('workspace_import_disabled'),
  importIdentityProvisioned: onImport('import_identity_provisioned'),
  importIdentityRevoked: onImport('import_identity_revoked'),
  importSourceCreated: onImport('import_source_created'),
  importSourceUpdated: onImport('import_source_updated'),
  importSourceDisconnected: onImport('import_source_disconnected'),
  importSourceDeleted: onImport('import_source_deleted'),
  importJobStarted: onImport('import_job_started'),
  importJobFinished: onImport('import_job_finished'),
  importJobCancelled: onImport('import_job_cancelled'),
  importWritebackQueued: onImport('import_writeback_queued'),
  importWritebackFinished: onImport('import_writeback_finished'),
  importWritebackResolved: onImport('import_writeback_resolved'),
  importWritebackCancelled: onImport('import_writeback_cancelled'),
  // metadata (the template, or the view, is the object; `data.node_id` names a node whose values changed)
  metadataTemplateCreated: (at: WorkspacePlace, callingUserId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_template_created', { ...placed(at), callingUserId, objectId: templateId, data }),
  metadataTemplateUpdated: (at: WorkspacePlace, callingUserId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_template_updated', { ...placed(at), callingUserId, objectId: templateId, data }),
  metadataTemplateDeleted: (at: WorkspacePlace, callingUserId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_template_deleted', { ...placed(at), callingUserId, objectId: templateId, data }),
  metadataTemplateNodesAdded: (at: WorkspacePlace, callingUserId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_template_nodes_added', { ...placed(at), callingUserId, objectId: templateId, data }),
  metadataTemplateNodesRemoved: (at: WorkspacePlace, callingUserId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_template_nodes_removed', { ...placed(at), callingUserId, objectId: templateId, data }),
  /** Recorded by the background extraction job: about the user who asked for it. */
  metadataExtracted: (at: WorkspacePlace, userId: string, templateId: string, data: Record<string, unknown>) =>
    own('metadata_extracted', { ...placed(at), userId, callingUserId: null, objectId: templateId, data }),
  metadataUpdated: (at: WorkspacePlace, callingUserId: string, templateId: string | null, data: Record<string, unknown>) =>
    own('metadata_updated', { ...placed(at), callingUserId, objectId: templateId, data }),
  metadataDeleted: (at: WorkspacePlace, callingUserId: string, nodeId: string, data: Record<string, unknown>) =>
    own('metadata_deleted', { ...placed(at), callingUserId, objectId: nodeId, data }),
  metadataViewSaved: (at: WorkspacePlace, callingUserId: string, viewId: string, data: Record<string, unknown>) =>
    own('metadata_view_saved', { ...placed(at), callingUserId, objectId: viewId, data }),
  metadataViewDeleted: (at: WorkspacePlace, callingUserId: string, viewId: string, data: Record<string, unknown>) =>
    own('metadata_view_deleted', { ...placed(at), callingUserId, objectId: viewId, data }),
};
