/**
 * The wire form of a comment. PARITY: the official client renders the answers as they come
 * (96b1551 commands/comment.rs `ctx.output.render(&value)`) and reads no field of its own, so the
 * field names are CHOICE, in the live naming pattern (snake_case, `created`/`updated` times, ids as
 * strings); the lists answer `comments` with the shared `pagination`.
 */
import { formatTime } from '../http/format.js';
import type { Comment } from '../store/comment-model.js';
import type { StorageNode, User } from '../store/model.js';
import { displayText } from './mentions.js';

export interface CommentFormatDeps {
  user(id: string): User | undefined;
  replies(commentId: string): number;
}

/** Reactions grouped by emoji, most used first; the caller's own as `my_reaction`. */
function reactionsJson(c: Comment, viewerId: string) {
  const byEmoji = new Map<string, string[]>();
  for (const r of c.reactions) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) ?? []), r.userId]);
  return {
    reactions: [...byEmoji.entries()].map(([emoji, users]) => ({ emoji, count: users.length, user_ids: users })).sort((a, b) => b.count - a.count),
    my_reaction: c.reactions.find((r) => r.userId === viewerId)?.emoji ?? null,
  };
}

export function commentJson(c: Comment, viewerId: string, deps: CommentFormatDeps): Record<string, unknown> {
  const author = deps.user(c.authorId);
  return {
    id: c.id,
    entity_type: c.entityType,
    entity_id: c.entityId,
    node_id: c.nodeId,
    parent_id: c.parentId,
    body: c.body,
    display_text: displayText(c.body),
    reference: c.reference,
    properties: c.properties,
    mentions: c.mentions.map((m) => ({ user_id: m.userId, name: m.name })),
    ...reactionsJson(c, viewerId),
    attachment_ids: c.attachments.map((a) => a.targetId),
    reply_count: c.parentId === null ? deps.replies(c.id) : 0,
    user_id: c.authorId,
    author: author ? { id: author.id, first_name: author.firstName, last_name: author.lastName } : { id: c.authorId, first_name: '', last_name: '' },
    linked_entity: c.link ? { entity_type: c.link.entityType, entity_id: c.link.entityId, linked: formatTime(c.link.linked) } : null,
    edited: c.updated !== c.created,
    created: formatTime(c.created),
    updated: formatTime(c.updated),
  };
}

/** An attached object, hydrated. CHOICE: the fields of a node a picker shows. */
export function attachmentJson(node: StorageNode, attached: number): Record<string, unknown> {
  return {
    target_id: node.id,
    target_type: 'node',
    name: node.name,
    type: node.type,
    size: node.size,
    mimetype: node.mimetype,
    attached: formatTime(attached),
  };
}

/** PARITY: agent guide REFERENCE "_context": an add answers the anchor formats a reference may take. */
export const ANCHOR_FORMATS = [
  { type: 'region', applies_to: 'image, video', fields: { x: 'number 0-1', y: 'number 0-1', width: 'number 0-1', height: 'number 0-1' } },
  { type: 'timestamp', applies_to: 'video, audio', fields: { timestamp: 'seconds' } },
  { type: 'range', applies_to: 'video, audio', fields: { start: 'seconds', end: 'seconds' } },
  { type: 'page', applies_to: 'pdf, document', fields: { page: 'integer from 1', text: 'optional selected text' } },
];
