/**
 * A comment on a file or folder of a workspace or share (emulator/comments/). Kept in its own file
 * beside model.ts so the comments area adds a table without touching the other areas' records.
 */

/** What a comment hangs on: a workspace or a share (the path's `entity_type`). */
export type CommentEntityType = 'workspace' | 'share';

export interface CommentReaction {
  userId: string;
  emoji: string;
  created: number;
}

export interface CommentAttachment {
  /** the attached object's id (a storage node of the same workspace or share) */
  targetId: string;
  created: number;
}

export interface Comment {
  /** opaque id, type `a` (general) */
  id: string;
  orgId: string;
  entityType: CommentEntityType;
  entityId: string;
  /** the workspace the comment's node lives in, null for a share comment */
  workspaceId: string | null;
  shareId: string | null;
  nodeId: string;
  /** the top-level comment of the thread (replies are single-level), null for a top-level one */
  parentId: string | null;
  authorId: string;
  /** as sent, mention tags included */
  body: string;
  /** the anchoring reference as the client sent it (a JSON object), or null */
  reference: Record<string, unknown> | null;
  properties: Record<string, unknown> | null;
  /** users mentioned with `@[user:ID:Name]` who can read the entity */
  mentions: { userId: string; name: string }[];
  reactions: CommentReaction[];
  attachments: CommentAttachment[];
  /** April: the workflow entity the comment is linked to */
  link: { entityType: string; entityId: string; linked: number } | null;
  created: number;
  updated: number;
}
