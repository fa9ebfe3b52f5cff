/**
 * The April workspace chat routes beyond create, message and the lookups (intelligence/routes.ts):
 * rename, publish, cancel, the soft-deleted list and message `read/`. PARITY: client 41dde01
 * src/api/ai.rs cancel_message (`/ai/chat/{id}/cancel`, flat answers) and mcp/tools.rs `ai`
 * (chat-update with `name`, chat-publish with no body, chat-list; message-read). The same chat
 * service as the V2 `/ai/agent/` routes (chat-lifecycle.ts); April chats have no privacy.
 */
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { paginate } from '../http/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { agentChatUpdateBody } from './agent-schema.js';
import { chatJson, messageJson } from './format.js';
import { chatListQuery, chatParams, messageParams } from './schema.js';
import { cancelAnswer } from './share-chat-routes.js';

const APRIL = ['2026-04'] as const;
const SOURCE = 'official client 41dde01 src/api/ai.rs (cancel_message), src/bin/fastio/mcp/tools.rs (ai: chat-update, chat-publish, chat-cancel, message-read)';
const BASE = '/current/workspace/:workspace_id/ai/chat';
const VIEW = "another workspace's chat and an unknown id answer 404/1609 (every member sees every April chat)";

export const aprilChatRoutes = [
  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/update/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Rename a chat',
    params: chatParams,
    body: agentChatUpdateBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ["`name` only; the chat's creator or a workspace admin or owner renames it (else 403/1680); records ai_chat_updated", VIEW],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const chat = emu.intelligence.renameChat(callerOf(ctx).user, scope, params.chat_id, body.name);
      return { chat: chatJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/publish/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Publish a chat (April chats are already visible to every member: answered unchanged)',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'CHOICE: an April chat has no privacy (every member sees it), so publishing answers it unchanged under `chat`; the creator or a workspace admin or owner only (else 403/1680)',
        VIEW,
      ],
    },
    handler: (ctx, { params, scope }, emu) => {
      const chat = emu.intelligence.publishChat(callerOf(ctx).user, scope, params.chat_id);
      return { chat: chatJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/cancel/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: "Cancel a chat's message in progress: `{success, ...}` without the envelope",
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `{"success":true,"no_pending_message":true}` without the envelope (messages complete before their request returns); a soft-deleted chat the flat HTTP 406 (41dde01 ai.rs:87-180)',
        'the client sends the path without the trailing slash; both forms are this route',
        VIEW,
      ],
    },
    handler: (_ctx, { params, scope }, emu) => {
      const outcome = emu.intelligence.cancelChat(scope, params.chat_id);
      return cancelAnswer({ chat: outcome.chat, deleted: outcome.kind === 'deleted' });
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/list/deleted/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: "The workspace's soft-deleted chats, newest first",
    params: workspaceParams,
    query: chatListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `chats[]` with `pagination`; every member sees every deleted chat of the workspace'] },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.intelligence.chats(scope, { deleted: true }), query.limit, query.offset);
      return { chats: page.map((c) => chatJson(c, emu.intelligence.messageCount(c.id))), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/message/:message_id/read/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Read one message (its answer and citations), as details does',
    params: messageParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'CHOICE: the sources name message-read without its answer; it answers what details does, under `message`; the agent guide says to read once after the activity key, which this serves',
        VIEW,
      ],
    },
    handler: (_ctx, { params, scope }, emu) => ({ message: messageJson(emu.db, emu.intelligence.message(scope, params.chat_id, params.message_id)) }),
  }),
];
