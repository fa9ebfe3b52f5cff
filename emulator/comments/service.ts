/**
 * Comments: rules for adding, threading, editing, deleting and reacting. Every operation resolves
 * the comment's place for the caller first (scopes.ts), so a comment of a workspace the caller is
 * not a member of answers the tenancy refusal (401/10545) before anything of it is read.
 *
 * PARITY (agent guide REFERENCE "Comments & Annotations"): replies are single-level (a reply to a
 * reply is flattened onto the thread's top comment); one reaction per user per comment, a new one
 * replaces the previous; mentions are `@[user:ID:Name]`.
 */
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Db } from '../store/db.js';
import { OpaqueType, type IdGenerator } from '../store/ids.js';
import type { Comment, CommentEntityType } from '../store/comment-model.js';
import { paginate, type Pagination } from '../http/schema.js';
import { CommentScopes, type CommentCaller, type CommentMode, type CommentPlace } from './scopes.js';
import { COMMENT_DISPLAY_MAX, type CommentAddInput, type CommentListOptions } from './schema.js';
import { displayText, mentionsIn } from './mentions.js';
import { checkReference } from './anchors.js';
import { newestFirst, oldestFirst } from '../store/order.js';

export interface CommentDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
}

type Who = CommentCaller;

export interface Found {
  comment: Comment;
  place: CommentPlace;
}

export class CommentService {
  /** the entity types comments may hang on; the shares area registers `share` */
  readonly scopes = new CommentScopes();

  constructor(private readonly d: CommentDeps) {}

  place(caller: Who, entityType: CommentEntityType, entityId: string, mode: CommentMode): CommentPlace {
    return this.scopes.resolve(caller, entityType, entityId, mode);
  }

  /** A comment, for a caller who may `mode` its place. Unknown ids answer 404/1609. */
  find(caller: Who, id: string, mode: CommentMode): Found {
    const comment = this.d.db.comments.get(id);
    if (!comment) throw Errors.notFound('comment');
    const place = this.place(caller, comment.entityType, comment.entityId, mode);
    return { comment, place };
  }

  replies(commentId: string): number {
    return this.d.db.comments.count('thread', commentId);
  }

  /** The comments of a place, or of one node of it: threads flat, replies beside their parent's fields. */
  list(place: CommentPlace, nodeId: string | undefined, opts: CommentListOptions): { page: Comment[]; pagination: Pagination } {
    const key = `${place.entityType}:${place.entityId}`;
    if (nodeId !== undefined) place.node(nodeId, 'allow');
    const rows = nodeId === undefined ? this.d.db.comments.find('entity', key) : this.d.db.comments.find('node', `${key}/${nodeId}`);
    const desc = opts.sort === 'desc' || opts.sort === 'newest';
    return paginate(desc ? newestFirst(rows) : oldestFirst(rows), opts.limit ?? 100, opts.offset ?? 0);
  }

  add(caller: Who, place: CommentPlace, nodeId: string, input: CommentAddInput): Comment {
    const node = place.node(nodeId);
    checkDisplay(input.body);
    if (input.reference) checkReference(input.reference);
    let parentId: string | null = null;
    if (input.parent_id !== undefined) {
      const parent = this.d.db.comments.get(input.parent_id);
      if (!parent || parent.entityType !== place.entityType || parent.entityId !== place.entityId || parent.nodeId !== node.id) {
        throw Errors.invalidField('parent_id', 'The parent comment is not a comment on this file.');
      }
      parentId = parent.parentId ?? parent.id;
    }
    if (input.target_id !== undefined && input.target_ids !== undefined) throw Errors.invalidField('target_ids', 'Send one of target_id or target_ids.');
    const targets = input.target_ids ?? (input.target_id !== undefined ? [input.target_id] : []);
    const now = this.d.now();
    const attachments = [...new Set(targets)].map((t) => ({ targetId: place.node(t, 'no').id, created: now }));
    const comment = this.d.db.comments.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      orgId: place.orgId,
      entityType: place.entityType,
      entityId: place.entityId,
      workspaceId: place.workspaceId,
      shareId: place.shareId,
      nodeId: node.id,
      parentId,
      authorId: caller.user.id,
      body: input.body,
      reference: input.reference ?? null,
      properties: input.properties ?? null,
      mentions: this.reachable(place, mentionsIn(input.body)),
      reactions: [],
      attachments,
      link: null,
      created: now,
      updated: now,
    });
    const data = { node_id: node.id, entity_type: place.entityType, parent_id: parentId };
    if (parentId === null) this.d.audit.record(AuditEvents.commentCreated(place, caller.user.id, comment.id, data));
    else this.d.audit.record(AuditEvents.commentReplied(place, caller.user.id, comment.id, data));
    this.announceMentions(caller, place, comment, []);
    return comment;
  }

  /** Author-only; the entity, node and thread cannot change. */
  update(caller: Who, id: string, body: string): Comment {
    const { comment, place } = this.find(caller, id, 'write');
    authorOnly(caller, comment, 'edit');
    checkDisplay(body);
    const before = comment.mentions.map((m) => m.userId);
    const updated = this.d.db.comments.update(id, {
      body,
      mentions: this.reachable(place, mentionsIn(body)),
      updated: Math.max(this.d.now(), comment.created + 1),
    });
    this.d.audit.record(AuditEvents.commentUpdated(place, caller.user.id, id, { node_id: comment.nodeId, fields: ['body'] }));
    this.announceMentions(caller, place, updated, before);
    return updated;
  }

  /**
   * The author, or a moderator of the place; a thread's top comment takes its replies with it,
   * unless `recursive` is false (bulk delete).
   */
  delete(caller: Who, id: string, recursive = true): string[] {
    const { comment, place } = this.find(caller, id, 'write');
    if (comment.authorId !== caller.user.id && !place.moderator)
      throw Errors.accessDenied('Only the author or an admin of this workspace may delete this comment.');
    return this.remove(caller, place, comment, recursive);
  }

  /**
   * PARITY: official client 96b1551 cli.rs "Bulk soft-delete up to 100 comments by ID (not
   * recursive)": a top comment's replies stay. CHOICE: not atomic: each id the caller may delete
   * is deleted; the others are listed in `failed` with the code a single delete would answer (an
   * id of another tenant is "not found", saying nothing of it).
   */
  bulkDelete(caller: Who, ids: readonly string[]): { deleted: string[]; failed: { comment_id: string; code: number; text: string }[] } {
    const deleted: string[] = [];
    const failed: { comment_id: string; code: number; text: string }[] = [];
    for (const id of new Set(ids)) {
      try {
        this.delete(caller, id, false);
        deleted.push(id);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const hidden = err.code !== Codes.accessDenied;
        failed.push({ comment_id: id, code: hidden ? 1609 : err.code, text: hidden ? 'The comment was not found.' : err.message });
      }
    }
    return { deleted, failed };
  }

  react(caller: Who, id: string, emoji: string): Comment {
    const { comment, place } = this.find(caller, id, 'write');
    const reactions = [...comment.reactions.filter((r) => r.userId !== caller.user.id), { userId: caller.user.id, emoji, created: this.d.now() }];
    const updated = this.d.db.comments.update(id, { reactions });
    this.d.audit.record(AuditEvents.commentReaction(place, caller.user.id, id, { node_id: comment.nodeId, emoji, action: 'added' }));
    return updated;
  }

  /** Removes the caller's reaction; none to remove is a no-op (CHOICE). */
  unreact(caller: Who, id: string): Comment {
    const { comment, place } = this.find(caller, id, 'write');
    if (!comment.reactions.some((r) => r.userId === caller.user.id)) return comment;
    const updated = this.d.db.comments.update(id, { reactions: comment.reactions.filter((r) => r.userId !== caller.user.id) });
    this.d.audit.record(AuditEvents.commentReaction(place, caller.user.id, id, { node_id: comment.nodeId, action: 'removed' }));
    return updated;
  }

  /**
   * PARITY: official client 96b1551 src/api/comment.rs attach_comment: author-only, idempotent
   * (attached objects are skipped), atomic (one bad target attaches nothing), at most 25.
   */
  attach(caller: Who, id: string, targets: readonly string[]): Found {
    const { comment, place } = this.find(caller, id, 'write');
    authorOnly(caller, comment, 'attach to');
    const have = new Set(comment.attachments.map((a) => a.targetId));
    const add = [...new Set(targets)].filter((t) => !have.has(t));
    for (const t of add) place.node(t);
    if (have.size + add.length > 25) throw Errors.invalidField('target_ids', 'A comment accepts at most 25 attachments.');
    if (add.length === 0) return { comment, place };
    const now = this.d.now();
    const updated = this.d.db.comments.update(id, { attachments: [...comment.attachments, ...add.map((targetId) => ({ targetId, created: now }))] });
    this.d.audit.record(AuditEvents.commentUpdated(place, caller.user.id, id, { node_id: comment.nodeId, attached: add }));
    return { comment: updated, place };
  }

  /** PARITY: detach_comment: idempotent, `removed: false` when it was not attached. */
  detach(caller: Who, id: string, targetId: string): Found & { removed: boolean } {
    const { comment, place } = this.find(caller, id, 'write');
    authorOnly(caller, comment, 'detach from');
    if (!comment.attachments.some((a) => a.targetId === targetId)) return { comment, place, removed: false };
    const updated = this.d.db.comments.update(id, { attachments: comment.attachments.filter((a) => a.targetId !== targetId) });
    this.d.audit.record(AuditEvents.commentUpdated(place, caller.user.id, id, { node_id: comment.nodeId, detached: [targetId] }));
    return { comment: updated, place, removed: true };
  }

  /** April: link to a workflow entity (one link per comment; a new one replaces it). Author-only (CHOICE). */
  link(caller: Who, id: string, entityType: string, entityId: string): Comment {
    const { comment, place } = this.find(caller, id, 'write');
    authorOnly(caller, comment, 'link');
    const updated = this.d.db.comments.update(id, { link: { entityType, entityId, linked: this.d.now() } });
    this.d.audit.record(
      AuditEvents.commentUpdated(place, caller.user.id, id, { node_id: comment.nodeId, linked: { entity_type: entityType, entity_id: entityId } }),
    );
    return updated;
  }

  unlink(caller: Who, id: string): Comment {
    const { comment, place } = this.find(caller, id, 'write');
    authorOnly(caller, comment, 'unlink');
    if (!comment.link) return comment;
    const updated = this.d.db.comments.update(id, { link: null });
    this.d.audit.record(AuditEvents.commentUpdated(place, caller.user.id, id, { node_id: comment.nodeId, unlinked: true }));
    return updated;
  }

  /** Comments linked to a workflow entity that the caller can read (others are left out, not refused). */
  linked(caller: Who, entityType: string, entityId: string): Comment[] {
    return this.d.db.comments.find('linked', `${entityType}:${entityId}`).filter((c) => {
      try {
        this.place(caller, c.entityType, c.entityId, 'read');
        return true;
      } catch (err) {
        if (err instanceof ApiError) return false;
        throw err;
      }
    });
  }

  /** The comments of a workspace whose display text holds every word of the query (the unified find's bucket). */
  search(place: CommentPlace, query: string): Comment[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const hits = this.d.db.comments.find('entity', `${place.entityType}:${place.entityId}`).filter((c) => {
      const t = displayText(c.body).toLowerCase();
      return words.every((w) => t.includes(w));
    });
    return newestFirst(hits);
  }

  private remove(caller: Who, place: CommentPlace, comment: Comment, recursive: boolean): string[] {
    const replies = recursive && comment.parentId === null ? this.d.db.comments.find('thread', comment.id) : [];
    for (const r of replies) this.d.db.comments.delete(r.id);
    this.d.db.comments.delete(comment.id);
    this.d.audit.record(AuditEvents.commentDeleted(place, caller.user.id, comment.id, { node_id: comment.nodeId, replies: replies.length }));
    return [comment.id, ...replies.map((r) => r.id)];
  }

  /** CHOICE: a mention of someone who cannot read the place stays text and notifies no one. */
  private reachable(place: CommentPlace, mentions: ReturnType<typeof mentionsIn>) {
    return mentions.filter((m) => place.reaches(m.userId));
  }

  private announceMentions(caller: Who, place: CommentPlace, comment: Comment, before: readonly string[]): void {
    for (const m of comment.mentions) {
      if (before.includes(m.userId) || m.userId === caller.user.id) continue;
      this.d.audit.record(AuditEvents.commentMentioned(place, caller.user.id, m.userId, comment.id, { node_id: comment.nodeId }));
    }
  }
}

function authorOnly(caller: Who, comment: Comment, what: string): void {
  if (comment.authorId !== caller.user.id) throw Errors.accessDenied(`Only the comment's author may ${what} it.`);
}

function checkDisplay(body: string): void {
  if (displayText(body).length > COMMENT_DISPLAY_MAX)
    throw Errors.invalidField('body', `The text shown (mentions as names) must be at most ${COMMENT_DISPLAY_MAX} characters.`);
}
