/**
 * The comment routes (HTTP only; rules in service.ts). PARITY: official client 96b1551 and 41dde01
 * src/api/comment.rs (paths, bodies, query) and commands/comment.rs; agent guide REFERENCE
 * "Comments & Annotations". Routes are resolved in the handler through the entity resolver
 * (scopes.ts) because the path names the kind of place (`workspace`, `share`), not a parameter
 * the pipeline's `access` could name.
 */
import { defineRoute } from '../http/define.js';
import { callerOf, type RequestContext } from '../http/context.js';
import { ApiError } from '../http/errors.js';
import type { Emulator } from '../emulator.js';
import type { Comment } from '../store/comment-model.js';
import { ANCHOR_FORMATS, attachmentJson, commentJson } from './format.js';
import type { Found } from './service.js';
import {
  addBody,
  attachBody,
  bulkDeleteBody,
  commentParams,
  detachBody,
  entityNodeParams,
  entityParams,
  linkBody,
  linkedParams,
  listQuery,
  reactionBody,
  updateBody,
} from './schema.js';

const SOURCE = 'official client 96b1551 src/api/comment.rs, commands/comment.rs; agent guide REFERENCE "Comments & Annotations"';
const APRIL_SOURCE = 'official client 41dde01 src/api/comment.rs link_comment, unlink_comment, linked_comments';
const SHAPE = 'answers are CHOICE (the client renders them as they come): `comment` for one, `comments` with `pagination` for lists';

function one(ctx: RequestContext, emu: Emulator, c: Comment): Record<string, unknown> {
  return commentJson(c, callerOf(ctx).user.id, { user: (id) => emu.db.users.get(id), replies: (id) => emu.comments.replies(id) });
}

/** The attached objects the caller can still reach (a purged or trashed node is left out). */
function hydrated({ comment, place }: Found): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const a of comment.attachments) {
    try {
      out.push(attachmentJson(place.node(a.targetId), a.created));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
  }
  return out;
}

export const commentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/comments/:subject/:entity_id/',
    area: 'comments',
    summary: 'List every comment of a workspace or share (`subject` is the entity type)',
    params: entityParams,
    query: listQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [SHAPE, 'oldest first unless sort=desc|newest; replies listed beside top comments with parent_id'],
    },
    handler: (ctx, { params, query }, emu) => {
      const place = emu.comments.place(callerOf(ctx), params.subject, params.entity_id, 'read');
      const { page, pagination } = emu.comments.list(place, undefined, query);
      return { comments: page.map((c) => one(ctx, emu, c)), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/comments/:subject/:entity_id/:node_id/',
    area: 'comments',
    summary: 'List the comments on one file or folder',
    params: entityNodeParams,
    query: listQuery,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'a trashed node still lists its comments'] },
    handler: (ctx, { params, query }, emu) => {
      const place = emu.comments.place(callerOf(ctx), params.subject, params.entity_id, 'read');
      const { page, pagination } = emu.comments.list(place, params.node_id, query);
      return { comments: page.map((c) => one(ctx, emu, c)), pagination };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/:entity_id/:node_id/',
    area: 'comments',
    summary: 'Add a comment (or, with parent_id, a reply) to a file, with an optional anchoring reference, properties and attachments',
    params: entityNodeParams,
    body: addBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SHAPE,
        'members who may change files (not guests) comment',
        'a reply to a reply joins the thread of its top comment',
        'mentions of users who cannot read the workspace notify no one',
        '`_context.anchor_formats` lists the four reference types the emulator checks',
      ],
    },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const place = emu.comments.place(caller, params.subject, params.entity_id, 'write');
      const comment = emu.comments.add(caller, place, params.node_id, body);
      return { comment: one(ctx, emu, comment), _context: { anchor_formats: ANCHOR_FORMATS } };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/comments/:subject/details/',
    area: 'comments',
    summary: 'One comment (`subject` is the comment id)',
    params: commentParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE] },
    handler: (ctx, { params }, emu) => ({ comment: one(ctx, emu, emu.comments.find(callerOf(ctx), params.subject, 'read').comment) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/update/',
    dialects: ['v2'],
    area: 'comments',
    summary: "Edit a comment's text (author only; entity, node and thread do not move)",
    params: commentParams,
    body: updateBody,
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/comment.rs update_comment',
      choices: [SHAPE, 'another member editing answers 403/1680'],
    },
    handler: (ctx, { params, body }, emu) => ({ comment: one(ctx, emu, emu.comments.update(callerOf(ctx), params.subject, body.body)) }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/comments/:subject/delete/',
    area: 'comments',
    summary: 'Delete a comment (the author, or an owner or admin of the workspace); a top comment takes its replies',
    params: commentParams,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `deleted_ids` (the comment and the replies that went with it)'] },
    handler: (ctx, { params }, emu) => ({ deleted_ids: emu.comments.delete(callerOf(ctx), params.subject) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/bulk/delete/',
    area: 'comments',
    summary: 'Delete up to 100 comments; each one the caller may not delete is listed in `failed`',
    body: bulkDeleteBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        "not recursive (a top comment's replies stay); not atomic: `deleted` and `failed` (comment_id, code, text); another tenant's id fails as not found",
      ],
    },
    handler: (ctx, { body }, emu) => emu.comments.bulkDelete(callerOf(ctx), body.comment_ids),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/reactions/',
    area: 'comments',
    summary: "Set the caller's emoji reaction (one per user per comment; a new one replaces it)",
    params: commentParams,
    body: reactionBody,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'reactions grouped by emoji with count and user_ids; `my_reaction`'] },
    handler: (ctx, { params, body }, emu) => ({ comment: one(ctx, emu, emu.comments.react(callerOf(ctx), params.subject, body.emoji)) }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/comments/:subject/reactions/',
    area: 'comments',
    summary: "Remove the caller's reaction",
    params: commentParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'no reaction to remove is a success that changes nothing'] },
    handler: (ctx, { params }, emu) => ({ comment: one(ctx, emu, emu.comments.unreact(callerOf(ctx), params.subject)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/comments/:subject/attachments/',
    dialects: ['v2'],
    area: 'comments',
    summary: 'The objects attached to a comment, hydrated (the ones the caller can reach)',
    params: commentParams,
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/comment.rs list_comment_attachments',
      choices: ['an attachment is a node of the same workspace; `attachments[]` with target_id, target_type, name, type, size, mimetype, attached'],
    },
    handler: (ctx, { params }, emu) => ({ attachments: hydrated(emu.comments.find(callerOf(ctx), params.subject, 'read')) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/attachments/',
    dialects: ['v2'],
    area: 'comments',
    summary: 'Attach one object (target_id) or several (target_ids, at most 25): author only, idempotent, atomic',
    params: commentParams,
    body: attachBody,
    parity: { status: 'implemented', source: 'official client 96b1551 src/api/comment.rs attach_comment' },
    handler: (ctx, { params, body }, emu) => ({
      attachments: hydrated(emu.comments.attach(callerOf(ctx), params.subject, body.target_ids ?? (body.target_id !== undefined ? [body.target_id] : []))),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/attachments/detach/',
    dialects: ['v2'],
    area: 'comments',
    summary: 'Detach one object; `removed: false` when it was not attached',
    params: commentParams,
    body: detachBody,
    parity: { status: 'implemented', source: 'official client 96b1551 src/api/comment.rs detach_comment' },
    handler: (ctx, { params, body }, emu) => {
      const found = emu.comments.detach(callerOf(ctx), params.subject, body.target_id);
      return { removed: found.removed, attachments: hydrated(found) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/link/',
    dialects: ['2026-04'],
    area: 'comments',
    summary: 'Link a comment to a workflow entity (task, todo, approval, worklog)',
    params: commentParams,
    body: linkBody,
    parity: {
      status: 'partial',
      source: APRIL_SOURCE,
      choices: [SHAPE, 'author only; one link per comment, a new one replaces it'],
      divergences: [
        { path: 'entity_id', reason: 'the workflow areas are not emulated (removed upstream 2026-07-21): the linked entity is not checked to exist' },
      ],
    },
    handler: (ctx, { params, body }, emu) => ({ comment: one(ctx, emu, emu.comments.link(callerOf(ctx), params.subject, body.entity_type, body.entity_id)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/comments/:subject/unlink/',
    dialects: ['2026-04'],
    area: 'comments',
    summary: 'Unlink a comment from its workflow entity (none linked is a no-op)',
    params: commentParams,
    parity: { status: 'implemented', source: APRIL_SOURCE, choices: [SHAPE] },
    handler: (ctx, { params }, emu) => ({ comment: one(ctx, emu, emu.comments.unlink(callerOf(ctx), params.subject)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/comments/linked/:entity_type/:entity_id/',
    dialects: ['2026-04'],
    area: 'comments',
    summary: 'The comments linked to a workflow entity that the caller can read',
    params: linkedParams,
    parity: { status: 'implemented', source: APRIL_SOURCE, choices: ['comments of places the caller cannot read are left out, not refused'] },
    handler: (ctx, { params }, emu) => ({ comments: emu.comments.linked(callerOf(ctx), params.entity_type, params.entity_id).map((c) => one(ctx, emu, c)) }),
  }),
];
