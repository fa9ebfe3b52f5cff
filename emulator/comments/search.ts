/**
 * The unified find's `comments` bucket (GET /workspace/{id}/search/): the workspace's comments
 * whose shown text holds every word of the query, newest first, paginated on its own.
 * PARITY: official client 96b1551 src/api/search.rs and output/mod.rs render_buckets read
 * `items`, `status`, `total`, `has_more`, `offset`, `limit`; an item's fields are CHOICE (the
 * comment's own, as the comment routes answer it).
 *
 * The share find (`GET /share/{id}/search/`) is not served yet; when it is, its comments bucket is
 * `commentBucketOf(emu, caller, 'share', shareId, ...)` (the share's access rules apply).
 */
import type { Emulator } from '../emulator.js';
import type { CommentCaller } from './scopes.js';
import type { Bucket } from '../storage/search-format.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { CommentEntityType } from '../store/comment-model.js';
import { commentJson } from './format.js';

export function commentBucket(emu: Emulator, caller: CommentCaller, scope: WorkspaceScope, search: string, offset: number, limit: number): Bucket {
  return commentBucketOf(emu, caller, 'workspace', scope.workspace.id, search, offset, limit);
}

export function commentBucketOf(
  emu: Emulator,
  caller: CommentCaller,
  entityType: CommentEntityType,
  entityId: string,
  search: string,
  offset: number,
  limit: number,
): Bucket {
  const place = emu.comments.place(caller, entityType, entityId, 'read');
  const hits = emu.comments.search(place, search);
  const page = hits.slice(offset, offset + limit);
  const deps = { user: (id: string) => emu.db.users.get(id), replies: (id: string) => emu.comments.replies(id) };
  return {
    items: page.map((c) => commentJson(c, caller.user.id, deps)),
    status: 'ok',
    total: hits.length,
    total_relation: 'eq',
    has_more: offset + page.length < hits.length,
    offset,
    limit,
  };
}
