/**
 * Inputs of the V2 chat routes (`/ai/agent/`). PARITY: official client 96b1551 src/api/ai.rs:14-205:
 * create and message bodies are forms with `question`, `privacy`, `name`, `kind`; the RAG scope
 * and the attachments are JSON-array fields `references` and `subjects`, items
 * `{"type":"file","id":N,"file_details":{"node_id":N,"version_id":V|""}}` and
 * `{"type":"folder","id":N,"folder_details":{"node_id":N}}`. This file turns them into the scope
 * strings the one chat service reads (`files_scope`, `folders_scope`) and its attachment list.
 */
import { z } from 'zod';
import { displayName, lazy, paginationQuery, text } from '../http/schema.js';
import type { AttachmentRef } from './attachments.js';

const item = z.object({
  type: z.enum(['file', 'folder']),
  id: z.union([z.string(), z.number()]).optional(),
  file_details: z
    .object({ node_id: z.union([z.string(), z.number()]), version_id: z.string().optional().nullable() })
    .partial()
    .optional(),
  folder_details: z
    .object({ node_id: z.union([z.string(), z.number()]) })
    .partial()
    .optional(),
});

/** One item of `references` or `subjects`, its node id taken from its details or else `id`. */
export interface RefItem {
  type: 'file' | 'folder';
  nodeId: string;
  versionId: string;
}

/** A JSON-array form field, parsed and checked; at most `max` items. */
function refArray(field: string, max: number) {
  return z
    .string()
    .max(200_000)
    .transform((raw, ctx): RefItem[] => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `Expected a JSON array of {type, id, file_details|folder_details} items in ${field}.` });
        return z.NEVER;
      }
      const items = z.array(item).max(max).safeParse(parsed);
      if (!items.success) {
        ctx.addIssue({ code: 'custom', message: `Expected a JSON array of at most ${max} {type, id, file_details|folder_details} items in ${field}.` });
        return z.NEVER;
      }
      const out: RefItem[] = [];
      for (const it of items.data) {
        const details = it.type === 'file' ? it.file_details : it.folder_details;
        const nodeId = String(details?.node_id ?? it.id ?? '').trim();
        if (!nodeId) {
          ctx.addIssue({ code: 'custom', message: `Every ${field} item names a node (id or ${it.type}_details.node_id).` });
          return z.NEVER;
        }
        const versionId = it.type === 'file' ? String(it.file_details?.version_id ?? '').trim() : '';
        out.push({ type: it.type, nodeId, versionId });
      }
      return out;
    });
}

/** PARITY: agent guide v2.6 "AI chat (Ripley) mechanics": scope up to 100 items; attachments up to 20 files. */
export const MAX_REFERENCES = 200;
export const MAX_SUBJECTS = 20;

const agentFields = {
  question: text({ min: 1, max: 12_768 }),
  references: refArray('references', MAX_REFERENCES).optional(),
  subjects: refArray('subjects', MAX_SUBJECTS).optional(),
};

export const agentChatCreateBody = lazy(() =>
  z.object({
    ...agentFields,
    name: displayName({ min: 1, max: 100 }).optional(),
    privacy: z.enum(['private', 'public']).optional(),
    kind: z.enum(['user', 'agent']).optional(),
  }),
);
export type AgentChatInput = z.output<ReturnType<typeof agentChatCreateBody>>;

export const agentMessageBody = lazy(() => z.object(agentFields));
export type AgentMessageInput = z.output<ReturnType<typeof agentMessageBody>>;

export const agentChatUpdateBody = lazy(() => z.object({ name: displayName({ min: 1, max: 100 }) }));

/** PARITY: client src/api/ai.rs:426-445: `kind` is `user` (default), `agent` or `all`. */
export const agentChatListQuery = lazy(() => z.object({ ...paginationQuery, kind: z.enum(['user', 'agent', 'all']).optional() }));

/**
 * References as the service's scope strings: files `nodeId:versionId` (empty version = current),
 * folders `nodeId:` (PARITY: the V2 contract has no depth, ai.rs:26-29; CHOICE: a folder
 * reference reaches every level below it, the scope parser's default depth).
 */
export function referencesAsScopes(refs: readonly RefItem[] | undefined): { files_scope?: string; folders_scope?: string } {
  if (!refs || refs.length === 0) return {};
  const files = refs.filter((r) => r.type === 'file').map((r) => `${r.nodeId}:${r.versionId}`);
  const folders = refs.filter((r) => r.type === 'folder').map((r) => `${r.nodeId}:`);
  return { ...(files.length ? { files_scope: files.join(',') } : {}), ...(folders.length ? { folders_scope: folders.join(',') } : {}) };
}

export function subjectsAsAttachments(subjects: readonly RefItem[] | undefined): AttachmentRef[] | undefined {
  if (!subjects || subjects.length === 0) return undefined;
  return subjects.map((s) => ({ nodeId: s.nodeId, versionId: s.versionId, folder: s.type === 'folder' }));
}
