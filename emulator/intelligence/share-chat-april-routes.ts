/**
 * April AI chat in a share, `/current/share/{id}/ai/chat/...` (client 41dde01 src/api/ai.rs
 * cancel_message with context `share`, mcp/tools.rs `ai` with context_type share: chat create,
 * list (and list/deleted for shares), details, update, delete, publish, cancel, message send,
 * list, details). The same share chat service as the V2 routes (share-chat.ts), April's fields
 * and answers (format.ts).
 */
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { shareParams } from '../shares/schema.js';
import { PUBLISH_DISABLED } from './chat-lifecycle.js';
import { agentChatUpdateBody } from './agent-schema.js';
import { chatJson, messageJson } from './format.js';
import { chatCreateBody, chatListQuery, messageCreateBody } from './schema.js';
import { shareChatParams, shareMessageParams } from './share-ai-schema.js';
import { cancelAnswer, SHARE_AI_CHOICES, shareAsker } from './share-chat-routes.js';

const APRIL = ['2026-04'] as const;
const SOURCE = 'official client 41dde01 src/api/ai.rs, src/bin/fastio/mcp/tools.rs (ai, context_type share)';
const BASE = '/current/share/:share_id/ai/chat';
const CHOICES = [...SHARE_AI_CHOICES, '`privacy` is accepted and not applied: a share chat is private'];

export const shareChatAprilRoutes = [
  defineRoute({
    method: 'POST',
    path: `${BASE}/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: "Create an AI chat in a share (April shape); the answer cites the share's files only",
    params: shareParams,
    body: chatCreateBody,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `chat_id`, `message_id`, `chat` and `message`', ...CHOICES] },
    handler: async (ctx, { params, body }, emu) => {
      const { chat, message } = await emu.intelligence.shareChats.createChat(shareAsker(ctx, emu, params.share_id), { ...body });
      return { chat_id: chat.id, message_id: message.id, chat: chatJson(chat, 1), message: messageJson(emu.db, message) };
    },
  }),

  ...(['list/', 'list/deleted/'] as const).map((suffix) =>
    defineRoute({
      method: 'GET',
      path: `${BASE}/${suffix}`,
      dialects: APRIL,
      area: 'intelligence',
      summary: suffix === 'list/' ? "The caller's chats in a share, newest first" : "The caller's soft-deleted chats in a share, newest first",
      params: shareParams,
      query: chatListQuery,
      parity: { status: 'implemented', source: SOURCE, choices: ['answers `chats[]` with `pagination`', ...CHOICES] },
      handler: (ctx, { params, query }, emu) => {
        const chats = emu.intelligence.shareChats.chats(shareAsker(ctx, emu, params.share_id), { deleted: suffix !== 'list/' });
        const { page, pagination } = paginate(chats, query.limit, query.offset);
        return { chats: page.map((c) => chatJson(c, emu.intelligence.messageCount(c.id))), pagination };
      },
    }),
  ),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/details/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'One share chat',
    params: shareChatParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const chat = emu.intelligence.shareChats.chat(shareAsker(ctx, emu, params.share_id), params.chat_id);
      return { chat: chatJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/update/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Rename a share chat',
    params: shareChatParams,
    body: agentChatUpdateBody,
    parity: { status: 'implemented', source: SOURCE, choices: ['`name` only (mcp/tools.rs chat-update)', ...CHOICES] },
    handler: (ctx, { params, body }, emu) => {
      const chat = emu.intelligence.shareChats.rename(shareAsker(ctx, emu, params.share_id), params.chat_id, body.name);
      return { chat: chatJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:chat_id/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Soft-delete a share chat (listed by list/deleted)',
    params: shareChatParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      emu.intelligence.shareChats.deleteChat(shareAsker(ctx, emu, params.share_id), params.chat_id);
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/publish/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Publish a share chat: refused (share chats are private)',
    params: shareChatParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ["answers 403/1680 for the caller's own chat (the V2 client's HINT_PUBLISH_DISABLED text)", ...CHOICES],
    },
    handler: (ctx, { params }, emu) => {
      emu.intelligence.shareChats.chat(shareAsker(ctx, emu, params.share_id), params.chat_id);
      throw Errors.accessDenied(PUBLISH_DISABLED);
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/cancel/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: "Cancel a share chat's message in progress: `{success, ...}` without the envelope",
    params: shareChatParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `{"success":true,"no_pending_message":true}` without the envelope; a soft-deleted chat the flat 406 (client 41dde01 ai.rs:87-180)',
        ...CHOICES,
      ],
    },
    handler: (ctx, { params }, emu) => cancelAnswer(emu.intelligence.shareChats.cancel(shareAsker(ctx, emu, params.share_id), params.chat_id)),
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/message/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'Ask a follow-up question in a share chat',
    params: shareChatParams,
    body: messageCreateBody,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `chat_id`, `message_id` and `message`', ...CHOICES] },
    handler: async (ctx, { params, body }, emu) => {
      const message = await emu.intelligence.shareChats.addMessage(shareAsker(ctx, emu, params.share_id), params.chat_id, body);
      return { chat_id: message.chatId, message_id: message.id, message: messageJson(emu.db, message) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/messages/list/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: "A share chat's messages, oldest first",
    params: shareChatParams,
    query: chatListQuery,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, query }, emu) => {
      const all = emu.intelligence.shareChats.messages(shareAsker(ctx, emu, params.share_id), params.chat_id);
      const { page, pagination } = paginate(all, query.limit, query.offset);
      return { messages: page.map((m) => messageJson(emu.db, m)), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/message/:message_id/details/`,
    dialects: APRIL,
    area: 'intelligence',
    summary: 'One message of a share chat',
    params: shareMessageParams,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers under `message`', ...CHOICES] },
    handler: (ctx, { params }, emu) => {
      const { message } = emu.intelligence.shareChats.message(shareAsker(ctx, emu, params.share_id), params.chat_id, params.message_id);
      return { message: messageJson(emu.db, message) };
    },
  }),
];
