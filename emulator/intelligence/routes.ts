import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { paginate } from '../http/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { agentChatRoutes } from './agent-routes.js';
import { aprilChatRoutes } from './april-chat-routes.js';
import { shareChatAprilRoutes } from './share-chat-april-routes.js';
import { shareAgentRoutes } from './share-chat-routes.js';
import { shareAiRoutes } from './share-ai-routes.js';
import { chatJson, messageJson, searchHitJson } from './format.js';
import { chatCreateBody, chatListQuery, chatParams, messageCreateBody, messageParams, searchQuery } from './schema.js';

/** PARITY: the V2 client moved chat to `/ai/agent/` (MediaFire/fastio_cli 96b1551, src/api/ai.rs); `/ai/chat/` is the April dialect's. */
const AI_CHAT_DIALECTS = ['2026-04'] as const;
const AI_SOURCE = 'API notes "Intelligence"; agent guide v1.29 "Built-In AI"; official client src/api/ai.rs (before the V2 /ai/agent/ move)';
const SEARCH_SOURCE = 'API notes "Intelligence"; agent guide v1.29 "Semantic Search"; official client src/api/storage.rs search_files';

const ANSWER_CHOICES = [
  'answers are extractive and deterministic: the sentences of the best 8 passages that best match the question, each marked with its citation number',
  'every citation names a node and passage of this workspace (`node_id`, `version_id`, `page`, `passage_id`, `snippet`)',
  'AI tokens: one per 4 characters of question, passages read and answer; 1 credit per 100 tokens, fractional; past the budget 402/1696 and nothing is stored',
  'the message is `complete` when the request returns (no in_progress phase)',
  'the agent plan (no ai_agent) answers 402/1695',
  'chat_with_files needs intelligence on (400/1605 naming `type`); files_attach is not emulated',
  'a `chat` without files answers with a fixed text saying the emulator answers only from workspace files',
];

const SCOPE_CHOICES = [
  'files_scope nodeId:versionId (empty version = current); folders_scope nodeId:depth (root allowed; depth 1 = files directly in the folder; no depth = 10); both together are a union',
  "a scope naming another workspace's node answers 401/115069; an unknown node 404/1609",
];

export const intelligenceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/search/',
    // V2's answer shapes are emulator/storage/search-routes.ts's.
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "Search this workspace's ready files: keyword (BM25) fused with a local semantic score",
    params: workspaceParams,
    query: searchQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SEARCH_SOURCE,
      choices: [
        'hits come as `results[]` with `pagination` (one hit per file, its best passage); `node` with details=true',
        'relevance_score: mean of normalised BM25 and trigram-variant coverage, 0-1, 4 decimals; ties by node id then passage; same state and query, same order',
        'semantic leg: spelling variants (character trigrams), not synonyms (no model)',
        'with intelligence off the search matches file names only (match_source keyword, content_snippet null)',
        'indexes are rebuilt lazily on the first search after a restart or state import (not charged)',
        ...SCOPE_CHOICES,
      ],
      divergences: [{ path: 'results[].relevance_score', reason: 'live scores come from an embedding model; local scores order the same content differently' }],
    },
    handler: async (ctx, { query, scope }, emu) => {
      const page = await emu.intelligence.search(scope, query);
      // The search may have waited for the index: a caller who lost the workspace meanwhile gets nothing.
      emu.access.recheck(callerOf(ctx), scope);
      return {
        results: page.rows.map((row) => searchHitJson(row, query.details ?? false)),
        pagination: { total: page.total, limit: page.limit, offset: page.offset, has_more: page.offset + page.rows.length < page.total },
      };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/ai/chat/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: 'Create an AI chat with its first question (April-2026 shape); the answer cites this workspace only',
    params: workspaceParams,
    body: chatCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: AI_SOURCE,
      choices: [
        'answers `chat_id`, `message_id`, `chat` and `message`',
        'without `name` the chat is named after its question',
        'personality defaults to detailed',
        ...ANSWER_CHOICES,
        ...SCOPE_CHOICES,
      ],
    },
    handler: async (ctx, { body, scope }, emu) => {
      // April accepts `privacy` and does not apply it: every member sees every chat.
      const { chat, message } = await emu.intelligence.createChat(callerOf(ctx).user, scope, { ...body, privacy: undefined });
      return { chat_id: chat.id, message_id: message.id, chat: chatJson(chat, 1), message: messageJson(emu.db, message) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/chat/list/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: "The workspace's chats, newest first",
    params: workspaceParams,
    query: chatListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: {
      status: 'implemented',
      source: AI_SOURCE,
      choices: ['every member sees every chat of the workspace (privacy is accepted, not applied)', 'newest first'],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.intelligence.chats(scope), query.limit, query.offset);
      return { chats: page.map((c) => chatJson(c, emu.intelligence.messageCount(c.id))), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/chat/:chat_id/details/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: 'One chat',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: AI_SOURCE, choices: ["another workspace's chat answers 404/1609"] },
    handler: (_ctx, { params, scope }, emu) => {
      const chat = emu.intelligence.chat(scope, params.chat_id);
      return { chat: chatJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/ai/chat/:chat_id/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: 'Delete a chat',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: { status: 'implemented', source: AI_SOURCE, choices: ["only the chat's creator or a workspace admin or owner deletes it (else 403/1680)"] },
    handler: (ctx, { params, scope }, emu) => {
      emu.intelligence.deleteChat(callerOf(ctx).user, scope, params.chat_id);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/ai/chat/:chat_id/message/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: 'Ask a follow-up question in a chat',
    params: chatParams,
    body: messageCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: AI_SOURCE,
      choices: ['answers `chat_id`, `message_id` and `message`', "a message without scope uses the chat's (files gone since are skipped)", ...ANSWER_CHOICES],
    },
    handler: async (ctx, { params, body, scope }, emu) => {
      const message = await emu.intelligence.addMessage(callerOf(ctx).user, scope, params.chat_id, body);
      return { chat_id: message.chatId, message_id: message.id, message: messageJson(emu.db, message) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/chat/:chat_id/messages/list/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: "A chat's messages, oldest first",
    params: chatParams,
    query: chatListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: AI_SOURCE },
    handler: (_ctx, { params, query, scope }, emu) => {
      const { page, pagination } = paginate(emu.intelligence.messages(scope, params.chat_id), query.limit, query.offset);
      return { messages: page.map((m) => messageJson(emu.db, m)), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/chat/:chat_id/message/:message_id/details/',
    dialects: AI_CHAT_DIALECTS,
    area: 'intelligence',
    summary: 'One message: state, response.text, response.citations[]',
    params: messageParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: AI_SOURCE, choices: ['answers under `message`'] },
    handler: (_ctx, { params, scope }, emu) => ({ message: messageJson(emu.db, emu.intelligence.message(scope, params.chat_id, params.message_id)) }),
  }),

  ...aprilChatRoutes,
  ...agentChatRoutes,
  ...shareAgentRoutes,
  ...shareChatAprilRoutes,
  ...shareAiRoutes,
];
