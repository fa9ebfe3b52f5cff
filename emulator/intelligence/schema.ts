import { z } from 'zod';
import { displayName, formBool, formInt, lazy, paginationQuery, text } from '../http/schema.js';
import { opaqueId } from '../storage/schema.js';

/** Scope strings: comma-separated pairs, at most 100 (checked per pair by scopes.ts). */
const scopeList = () => z.string().max(10_000);

/**
 * PARITY: agent guide v1.29 "Semantic Search": `search` 2-1,000 characters, `files_scope`,
 * `folders_scope`, `limit` 1-500 (default 100, 10 with `details`), `offset`, `details`.
 */
export const searchQuery = lazy(() =>
  z.object({
    search: text({ min: 2, max: 1000 }),
    files_scope: scopeList().optional(),
    folders_scope: scopeList().optional(),
    limit: formInt({ min: 1, max: 500 }).optional(),
    offset: formInt({ min: 0, max: 1_000_000 }).optional(),
    details: formBool().optional(),
  }),
);
export type SearchInput = z.output<ReturnType<typeof searchQuery>>;

export const PERSONALITIES = ['concise', 'detailed'] as const;

/** PARITY: agent guide v1.29 "AI Chat Parameters": `type`, `question` up to 12,768 characters, `personality`, `name` up to 100. */
export const chatCreateBody = lazy(() =>
  z.object({
    type: z.enum(['chat', 'chat_with_files']),
    question: text({ min: 1, max: 12_768 }),
    personality: z.enum(PERSONALITIES).optional(),
    name: displayName({ min: 1, max: 100 }).optional(),
    privacy: z.enum(['private', 'public']).optional(),
    files_scope: scopeList().optional(),
    folders_scope: scopeList().optional(),
  }),
);
export type ChatInput = z.output<ReturnType<typeof chatCreateBody>>;

export const messageCreateBody = lazy(() =>
  z.object({
    question: text({ min: 1, max: 12_768 }),
    personality: z.enum(PERSONALITIES).optional(),
    files_scope: scopeList().optional(),
    folders_scope: scopeList().optional(),
  }),
);
export type MessageInput = z.output<ReturnType<typeof messageCreateBody>>;

const workspaceId = () => z.string().min(1).max(100);

export const chatParams = lazy(() => z.object({ workspace_id: workspaceId(), chat_id: opaqueId('9', 'a chat id') }));

export const messageParams = lazy(() =>
  z.object({ workspace_id: workspaceId(), chat_id: opaqueId('9', 'a chat id'), message_id: opaqueId('9', 'a message id') }),
);

export const chatListQuery = lazy(() => z.object(paginationQuery));
