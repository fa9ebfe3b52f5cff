/**
 * Where a comment lives, resolved for a caller: the `entity_type` of the path names a resolver
 * that checks the caller's membership and hands back what the service needs (the place's ids,
 * its nodes, who else may read it). Workspaces resolve through the tenancy area (Access), shares
 * through the shares area (ShareAccess.scope), so the refusals are the ones those areas give.
 */
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { Db } from '../store/db.js';
import type { Share } from '../store/share-model.js';
import type { ShareAccess } from '../shares/access.js';
import type { CommentEntityType } from '../store/comment-model.js';
import type { StorageNode } from '../store/model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { TrashedFilter } from '../storage/nodes.js';
import { PORTAL_PARENT } from '../shares/share-storage.js';

export const COMMENT_ENTITY_TYPES = ['workspace', 'share'] as const satisfies readonly CommentEntityType[];

/** `read`: list and view; `write`: add, edit, react, delete one's own. */
export type CommentMode = 'read' | 'write';

export interface CommentPlace {
  entityType: CommentEntityType;
  entityId: string;
  orgId: string;
  workspaceId: string | null;
  shareId: string | null;
  /** may delete other members' comments (the place's owners and admins) */
  moderator: boolean;
  /** a node of this place; a node of another answers the live 401/115069, none 404/1609 */
  node(id: string, trashed?: TrashedFilter): StorageNode;
  /** whether this user may read the place's comments (mentions reach only them) */
  reaches(userId: string): boolean;
}

/** The caller as the tenancy checks need it (a scoped credential reaches only what it grants). */
export type CommentCaller = Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>;

export type CommentScopeResolver = (caller: CommentCaller, entityId: string, mode: CommentMode) => CommentPlace;

export class CommentScopes {
  private readonly resolvers = new Map<CommentEntityType, CommentScopeResolver>();

  register(entityType: CommentEntityType, resolver: CommentScopeResolver): void {
    this.resolvers.set(entityType, resolver);
  }

  resolve(caller: CommentCaller, entityType: CommentEntityType, entityId: string, mode: CommentMode): CommentPlace {
    const resolver = this.resolvers.get(entityType);
    if (!resolver)
      throw new ApiError(
        501,
        Codes.notImplemented,
        `The emulator does not serve comments on ${entityType}s yet: the ${entityType}s area has not registered them.`,
      );
    return resolver(caller, entityId, mode);
  }
}

/** Workspace comments: members only; reading is `storage.read`, writing `storage.write` (guests read). */
export function workspaceCommentScope(access: Access, node: (scope: WorkspaceScope, id: string, trashed?: TrashedFilter) => StorageNode): CommentScopeResolver {
  return (caller, entityId, mode) => {
    // CHOICE: guests read comments and may not post (storage.write), as they may not change files.
    const scope = access.workspace(caller, entityId, mode === 'read' ? 'workspace.storage.read' : 'workspace.storage.write');
    return {
      entityType: 'workspace',
      entityId: scope.workspace.id,
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      shareId: null,
      moderator: scope.role === 'owner' || scope.role === 'admin',
      node: (id, trashed) => node(scope, id, trashed),
      reaches: (userId) => access.workspaceRoleOf(scope.workspace, userId) !== undefined,
    };
  };
}

/**
 * Share comments. CHOICE: reading is `share.storage.read` (view and up), writing
 * `share.storage.write` (guest and up); with `comments_enabled` off only the share's managers
 * (admins, owner) read or post (agent guide REFERENCE: "the comments sidebar opens ... in share
 * previews when comments are enabled on the share"; "comment controls"). A share-token visitor
 * (password share) has no user to author a comment: the comment routes take a signed-in caller.
 */
export function shareCommentScope(db: Db, shares: ShareAccess): CommentScopeResolver {
  return (caller, entityId, mode) => {
    const scope = shares.scope(caller, entityId, mode === 'read' ? 'share.storage.read' : 'share.storage.write');
    const manager = scope.role === 'owner' || scope.role === 'admin';
    if (!scope.share.commentsEnabled && !manager) throw Errors.accessDenied('Comments are disabled on this share.');
    const share = scope.share;
    return {
      entityType: 'share',
      entityId: share.id,
      orgId: share.orgId,
      workspaceId: share.workspaceId,
      shareId: share.id,
      moderator: manager,
      node: (id, trashed = 'no') => shareNode(db, share, id, trashed),
      reaches: (userId) => shares.roleOf(share, db.workspaces.get(share.workspaceId)!, userId) !== undefined,
    };
  };
}

/**
 * A node of a share. CHOICE: a `workspace_folder` share holds the backing folder's subtree (the
 * folder itself included); an `independent` share (portal) holds the nodes of its own tree, under
 * the hidden `share:{id}` parent of the workspace tree (and, as before, any node stored under the
 * share's own id). Any other node answers the
 * live 401/115069, an unknown id 404/1609.
 */
function shareNode(db: Db, share: Share, id: string, trashed: TrashedFilter): StorageNode {
  if (id === 'root' || id === 'trash') throw Errors.invalidField('node_id', `"${id}" is not a file or folder id here.`);
  const node = db.nodes.get(id);
  if (!node) throw Errors.notFound('node');
  if (!inShare(db, share, node)) throw Errors.notShared();
  if (trashed === 'no' && node.trashed !== null) throw Errors.notFound('node');
  return node;
}

function inShare(db: Db, share: Share, node: StorageNode): boolean {
  const portal = share.storageMode !== 'workspace_folder';
  // A node stored under the share's own id (the first share storage hook) stays the share's.
  if (portal && node.workspaceId === share.id) return true;
  if (node.workspaceId !== share.workspaceId || (!portal && share.folderNodeId === null)) return false;
  // A portal's tree hangs from the hidden parent `share:{id}` (shares/share-storage.ts PORTAL_PARENT):
  // its nodes are those whose chain of parents reaches it; a shared folder's, those under its folder.
  const hidden = PORTAL_PARENT(share.id);
  let at: StorageNode | undefined = node;
  for (let depth = 0; at && depth < 1000; depth++) {
    if (portal ? at.parentId === hidden : at.id === share.folderNodeId) return true;
    if (at.parentId === 'root' || at.parentId.startsWith('share:')) return false;
    at = db.nodes.get(at.parentId);
  }
  return false;
}
