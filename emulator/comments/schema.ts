/**
 * Input schemas of the comments area. The first segment after `/comments/` is a comment id on
 * most routes and the entity type (`workspace`, `share`) on the list and add routes; the router
 * needs one parameter name at one place of the path, so it is `:subject` on all of them.
 */
import { z } from 'zod';
import { lazy, paginationQuery, text } from '../http/schema.js';
import { opaqueId } from '../storage/schema.js';
import { COMMENT_ENTITY_TYPES } from './scopes.js';

/** PARITY: agent guide REFERENCE "Comments & Annotations": `body` at most 8,192 characters, mention markup included. */
export const COMMENT_BODY_MAX = 8192;
/** PARITY: same section: the display text (mention tags shown as their names) at most 500 characters. */
export const COMMENT_DISPLAY_MAX = 500;
/** PARITY: official client 96b1551 commands/comment.rs: at most 25 attachments per comment. */
export const COMMENT_ATTACHMENTS_MAX = 25;
/** PARITY: official client 96b1551 commands/comment.rs bulk_delete: at most 100 ids. */
export const BULK_DELETE_MAX = 100;
/** CHOICE: an anchoring reference or a properties object, serialised, at most 4 KiB. */
export const COMMENT_OBJECT_MAX = 4096;
/** CHOICE: the workflow entity types an April comment links to (the client names them "workflow entities"). */
export const LINK_ENTITY_TYPES = ['task', 'todo', 'approval', 'worklog'] as const;

/** A comment id (opaque, type `a`), hyphens and upper case accepted. */
export const commentId = () => opaqueId('a', 'a comment id');

const entityType = () => z.enum(COMMENT_ENTITY_TYPES, { message: 'Expected "workspace" or "share".' });
const entityId = () => z.string().min(1).max(100);

export const entityParams = lazy(() => z.object({ subject: entityType(), entity_id: entityId() }));
export const entityNodeParams = lazy(() => z.object({ subject: entityType(), entity_id: entityId(), node_id: opaqueId('2', 'a node id') }));
export const commentParams = lazy(() => z.object({ subject: commentId() }));
export const linkedParams = lazy(() => z.object({ entity_type: z.enum(LINK_ENTITY_TYPES), entity_id: z.string().min(1).max(100) }));

/** PARITY: V2 client: `sort` asc|desc (server default asc); the April client's doc names newest|oldest: both accepted. */
export const listQuery = lazy(() => z.object({ sort: z.enum(['asc', 'desc', 'oldest', 'newest']).optional(), ...paginationQuery }));
export type CommentListOptions = z.output<ReturnType<typeof listQuery>>;

/** A JSON object sent as JSON, or as a JSON string inside a form. */
function jsonObject(what: string) {
  return z.union([z.record(z.string(), z.unknown()), z.string()]).transform((v, ctx) => {
    let value: unknown = v;
    if (typeof v === 'string') {
      try {
        value = JSON.parse(v);
      } catch {
        value = undefined;
      }
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `Expected ${what} as a JSON object.` });
      return z.NEVER;
    }
    if (JSON.stringify(value).length > COMMENT_OBJECT_MAX) {
      ctx.addIssue({ code: 'custom', message: `Expected ${what} of at most ${COMMENT_OBJECT_MAX} characters as JSON.` });
      return z.NEVER;
    }
    return value as Record<string, unknown>;
  });
}

/** A list of ids sent as a JSON array, or comma-separated in a form. */
function idList(max: number, item: () => z.ZodType<string, string>) {
  return z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(item()).min(1, 'Expected at least one id.').max(max, `Expected at most ${max} ids.`));
}

const commentBody = () => text({ trim: false, max: COMMENT_BODY_MAX }).refine((s) => s.trim().length > 0, 'A comment needs some text.');
const targetId = () => opaqueId('2', 'a node id (the object to attach)');

export const addBody = lazy(() =>
  z.object({
    body: commentBody(),
    parent_id: commentId().optional(),
    reference: jsonObject('the reference').optional(),
    properties: jsonObject('the properties').optional(),
    target_id: targetId().optional(),
    target_ids: idList(COMMENT_ATTACHMENTS_MAX, targetId).optional(),
  }),
);
export type CommentAddInput = z.output<ReturnType<typeof addBody>>;

export const updateBody = lazy(() => z.object({ body: commentBody() }));
export const reactionBody = lazy(() => z.object({ emoji: text({ min: 1, max: 32 }) }));
export const bulkDeleteBody = lazy(() => z.object({ comment_ids: idList(BULK_DELETE_MAX, () => z.string().min(1).max(100)) }));
export const attachBody = lazy(() =>
  z
    .object({ target_id: targetId().optional(), target_ids: idList(COMMENT_ATTACHMENTS_MAX, targetId).optional() })
    .refine((b) => (b.target_id === undefined) !== (b.target_ids === undefined), { message: 'Send one of target_id or target_ids.', path: ['target_id'] }),
);
export const detachBody = lazy(() => z.object({ target_id: targetId() }));
export const linkBody = lazy(() => z.object({ entity_type: z.enum(LINK_ENTITY_TYPES), entity_id: z.string().trim().min(1).max(100) }));
