/**
 * Inputs of a share's AI routes (share-chat-routes.ts, share-chat-april-routes.ts,
 * share-ai-routes.ts): the share id in place of the workspace id, the chat and message ids, and
 * the bodies of autotitle and the AI summary (`ai/share/`).
 */
import { z } from 'zod';
import { formInt, lazy, text } from '../http/schema.js';
import { opaqueId } from '../storage/schema.js';

const shareId = () => z.string().min(1).max(100);

export const shareChatParams = lazy(() => z.object({ share_id: shareId(), chat_id: opaqueId('9', 'a chat id') }));
export const shareMessageParams = lazy(() => z.object({ share_id: shareId(), chat_id: opaqueId('9', 'a chat id'), message_id: opaqueId('9', 'a message id') }));

/** PARITY: client 96b1551 ai.rs autotitle (`user_context`); 41dde01 mcp/tools.rs autotitle (`context`). */
export const autotitleBody = lazy(() => z.object({ user_context: text({ min: 0, max: 2000 }).optional(), context: text({ min: 0, max: 2000 }).optional() }));

/** PARITY: client ai.rs build_share_form / `ai/share/`: 1-25 files. */
export const MAX_SUMMARY_FILES = 25;

/**
 * `files` (V2, and the April share form): a JSON array of node ids, or a comma-separated list;
 * `nodes` (April workspace form): comma-separated. PARITY: client 96b1551 ai.rs:640-678, 41dde01
 * ai.rs summarize and mcp/tools.rs share-generate. CHOICE: either field in either dialect.
 */
export const summaryBody = lazy(() =>
  z.object({
    files: z.union([z.string().max(20_000), z.array(z.string().max(100)).max(100)]).optional(),
    nodes: z.string().max(20_000).optional(),
  }),
);

/** The node ids a summary names, in order, without repeats; 400/1605 unless 1-25. */
export function summaryIds(body: { files?: string | string[] | undefined; nodes?: string | undefined }): string[] | string {
  let raw: unknown = body.files ?? body.nodes;
  if (typeof raw === 'string' && raw.trim().startsWith('[')) {
    try {
      raw = JSON.parse(raw);
    } catch {
      return 'Expected a JSON array of file ids in files.';
    }
  }
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
  const ids = [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];
  if (ids.length < 1 || ids.length > MAX_SUMMARY_FILES) return `Name 1-${MAX_SUMMARY_FILES} files.`;
  return ids;
}

/** April `ai/search/`: `question` (the client's name), with the scope strings and paging. */
export const aiSearchQuery = lazy(() =>
  z.object({
    question: text({ min: 2, max: 1000 }).optional(),
    search: text({ min: 2, max: 1000 }).optional(),
    files_scope: z.string().max(10_000).optional(),
    folders_scope: z.string().max(10_000).optional(),
    limit: formInt({ min: 1, max: 500 }).optional(),
    offset: formInt({ min: 0, max: 1_000_000 }).optional(),
  }),
);
