/**
 * V2 AI chat, `/current/workspace/{id}/ai/agent/...` (client 96b1551 src/api/ai.rs, commands/ai.rs,
 * mcp/tools.rs `ai`). Served under the V2 dialect only; the April `/ai/chat/` routes are the
 * other dialect's. Both call the same chat service: only the fields (here: agent-schema.ts) and
 * the answers (agent-format.ts) differ.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { RawResponse } from '../http/route.js';
import { paginate } from '../http/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import { PUBLISH_DISABLED } from './chat-lifecycle.js';
import { threadJson, transactionJson, turnJson } from './agent-format.js';
import { agentChatCreateBody, agentChatListQuery, agentChatUpdateBody, agentMessageBody, referencesAsScopes, subjectsAsAttachments } from './agent-schema.js';
import { chatListQuery, chatParams, messageParams } from './schema.js';

const V2 = ['v2'] as const;
const SOURCE =
  'official client 96b1551 src/api/ai.rs, src/bin/fastio/commands/ai.rs, src/bin/fastio/mcp/tools.rs (ai); agent guide v2.6 "AI chat (Ripley) mechanics"';
const BASE = '/current/workspace/:workspace_id/ai/agent';

const ANSWER_CHOICES = [
  'answers are extractive and deterministic (the same engine as the April chat): the best 8 passages of the workspace, or of the scope, quoted with citation numbers; every citation names a node of this workspace',
  'without references the whole workspace is the scope when intelligence is on; with intelligence off and nothing attached the answer is a fixed text saying the emulator answers only from files',
  'references need intelligence on (400/1605 naming `references`); a folder reference reaches every level below it (the V2 contract has no depth)',
  'subjects (attachments) are read from their stored bytes for each message, without ingestion and with no ingestion charge, intelligence on or off; their whole text counts as read tokens; citations are empty (the guide: always empty in this mode)',
  'at most 20 attachments, 200 MB in all (400/1605); a folder or a type the AI does not read answers 406/1605; a version other than the current one 400/1605; references and subjects together 400/1605 naming `subjects`',
  "a reference or attachment naming another workspace's node answers 401/115069, like any foreign node; an unknown node 404/1609",
  'AI tokens: one per 4 characters of question, text read and answer; 1 credit per 100 tokens, fractional, on the one credit ledger; past the budget 402/1696 and nothing is stored',
  'a thread holds at most 128,000 tokens: a first turn over it answers 409/153795, a follow-up that would pass it 409/168116; nothing is stored or charged',
  'the turn is `complete` when the request returns (no in_progress phase); message details carry `text` (the question) and `response.text`',
  'the agent plan (no ai_agent) answers 402/1695, whatever the kind',
];
const VIEW_CHOICES = ["another member's private chat, another workspace's chat, and an unknown id all answer 404/1609"];

export const agentChatRoutes = [
  defineRoute({
    method: 'POST',
    path: `${BASE}/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Create an AI chat (thread) with its first question; the answer comes from this workspace or the attached files',
    params: workspaceParams,
    body: agentChatCreateBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `thread` (with `thread_id`) and `turn` (with `turn_id`)',
        'privacy defaults to private; `privacy=public` answers 403/1680 (publishing is disabled platform-wide, client HINT_PUBLISH_DISABLED)',
        'kind defaults to user and never changes; without `name` the chat is named after its question',
        ...ANSWER_CHOICES,
      ],
    },
    handler: async (ctx, { body, scope }, emu) => {
      if (body.privacy === 'public') throw Errors.accessDenied(PUBLISH_DISABLED);
      const { chat, message } = await emu.intelligence.createChat(callerOf(ctx).user, scope, {
        question: body.question,
        name: body.name,
        privacy: body.privacy ?? 'private',
        kind: body.kind ?? 'user',
        ...referencesAsScopes(body.references),
        attach: subjectsAsAttachments(body.subjects),
      });
      return { thread: threadJson(chat, 1), turn: turnJson(emu.db, message, 1) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/message/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Ask a follow-up question in a chat',
    params: chatParams,
    body: agentMessageBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the turn flat: `turn_id`, `thread_id`, `seq`, `status`, and the whole turn under `message` (never a top-level `response`, which the client would unwrap)',
        "a message without references or subjects uses the chat's (files gone since are skipped)",
        ...ANSWER_CHOICES,
        ...VIEW_CHOICES,
      ],
    },
    handler: async (ctx, { params, body, scope }, emu) => {
      const user = callerOf(ctx).user;
      const message = await emu.intelligence.addMessage(
        user,
        scope,
        params.chat_id,
        { question: body.question, ...referencesAsScopes(body.references), ...(body.subjects ? { attach: subjectsAsAttachments(body.subjects) ?? [] } : {}) },
        { viewer: user },
      );
      // Flat, and never a top-level `response`: the client unwraps a top-level `response` object
      // as the whole payload (src/client.rs:2152-2165), which would hide `turn_id`.
      const seq = emu.intelligence.messageCount(message.chatId);
      return { turn_id: message.id, thread_id: message.chatId, seq, status: message.state, message: turnJson(emu.db, message, seq) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/message/:message_id/details/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'One turn: state, text, response.text, response.citations[]',
    params: messageParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers under `message` (a share answers under `turn`; shares are not emulated)', ...VIEW_CHOICES],
    },
    handler: (ctx, { params, scope }, emu) => {
      const viewer = { viewer: callerOf(ctx).user };
      const message = emu.intelligence.message(scope, params.chat_id, params.message_id, viewer);
      const seq = emu.intelligence.messages(scope, params.chat_id, viewer).findIndex((m) => m.id === message.id) + 1;
      return { message: turnJson(emu.db, message, seq) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/messages/list/`,
    dialects: V2,
    area: 'intelligence',
    summary: "A chat's turns, oldest first",
    params: chatParams,
    query: chatListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `messages[]` with `pagination`', ...VIEW_CHOICES] },
    handler: (ctx, { params, query, scope }, emu) => {
      const all = emu.intelligence.messages(scope, params.chat_id, { viewer: callerOf(ctx).user });
      const offset = query.offset ?? 0;
      const { page, pagination } = paginate(all, query.limit, offset);
      return { messages: page.map((m, i) => turnJson(emu.db, m, offset + i + 1)), pagination };
    },
  }),

  ...(['list/', 'list/deleted/'] as const).map((suffix) =>
    defineRoute({
      method: 'GET',
      path: `${BASE}/${suffix}`,
      dialects: V2,
      area: 'intelligence',
      summary:
        suffix === 'list/' ? "The caller's chats and the workspace's public ones, newest first" : 'The soft-deleted chats the caller can see, newest first',
      params: workspaceParams,
      query: agentChatListQuery,
      access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
      parity: {
        status: 'implemented',
        source: SOURCE,
        choices: [
          'answers `chats[]` with `pagination`; `kind` user (default), agent or all',
          "the caller sees its own chats and the public ones (April chats count as public); another member's private chats are not listed",
          ...(suffix === 'list/' ? [] : ['the client sends `list/deleted` without the trailing slash; both forms are this route']),
        ],
      },
      handler: (ctx, { query, scope }, emu) => {
        const chats = emu.intelligence.chats(scope, { viewer: callerOf(ctx).user, kind: query.kind ?? 'user', deleted: suffix !== 'list/' });
        const { page, pagination } = paginate(chats, query.limit, query.offset);
        return { chats: page.map((c) => threadJson(c, emu.intelligence.messageCount(c.id))), pagination };
      },
    }),
  ),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/details/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'One chat',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: { status: 'implemented', source: SOURCE, choices: ['answers under `chat`, with the message count', ...VIEW_CHOICES] },
    handler: (ctx, { params, scope }, emu) => {
      const chat = emu.intelligence.chat(scope, params.chat_id, { viewer: callerOf(ctx).user });
      return { chat: threadJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/update/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Rename a chat',
    params: chatParams,
    body: agentChatUpdateBody,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        "only the chat's creator or a workspace admin or owner renames it (else 403/1680); `kind` is ignored",
        'records ai_chat_updated',
        ...VIEW_CHOICES,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const user = callerOf(ctx).user;
      const chat = emu.intelligence.renameChat(user, scope, params.chat_id, body.name, { viewer: user });
      return { chat: threadJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/publish/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Publish a private chat (disabled platform-wide: 403)',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['publishing a private chat answers 403/1680 (client HINT_PUBLISH_DISABLED); a chat already public answers `chat` unchanged', ...VIEW_CHOICES],
    },
    handler: (ctx, { params, scope }, emu) => {
      const user = callerOf(ctx).user;
      const chat = emu.intelligence.publishChat(user, scope, params.chat_id, { viewer: user });
      return { chat: threadJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:chat_id/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Soft-delete a chat (listed by list/deleted)',
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ["only the chat's creator or a workspace admin or owner deletes it (else 403/1680)", ...VIEW_CHOICES],
    },
    handler: (ctx, { params, scope }, emu) => {
      const user = callerOf(ctx).user;
      emu.intelligence.deleteChat(user, scope, params.chat_id, { viewer: user });
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/cancel/`,
    dialects: V2,
    area: 'intelligence',
    summary: "Cancel a chat's message in progress: `{success, ...}` without the envelope",
    params: chatParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `{"success":true,"no_pending_message":true}` without the envelope (client ai.rs:300-336): turns complete before their request returns, so none is ever pending',
        'a soft-deleted chat answers the flat HTTP 406 `{"result":false,"error_message":...,"error_id":1605}`',
        'the issue text says 406 when nothing is pending; the client source (idempotent 200 with no_pending_message) is followed',
        ...VIEW_CHOICES,
      ],
    },
    handler: (ctx, { params, scope }, emu) => {
      const outcome = emu.intelligence.cancelChat(scope, params.chat_id, { viewer: callerOf(ctx).user });
      if (outcome.kind === 'deleted') {
        const body = { result: false, error_message: 'This chat is deleted: there is nothing to cancel.', error_id: 1605 };
        return new RawResponse(JSON.stringify(body), 'application/json; charset=utf-8', 406);
      }
      return new RawResponse(JSON.stringify({ success: true, no_pending_message: true, thread_id: outcome.chat.id }), 'application/json; charset=utf-8');
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/ai/transactions/',
    area: 'intelligence',
    summary: "The workspace's most recent AI token charges (at most 40), newest first",
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.ai.read' },
    parity: {
      status: 'implemented',
      source: 'official client src/api/ai.rs transactions (96b1551), mcp/tools.rs (41dde01)',
      choices: [
        'answers `transactions[]`: `id`, `chat_id`, `user_id`, `tokens`, `credits`, `created`, read from the one credit ledger (kind ai_tokens, this workspace)',
        'served in both dialects (both document it); any member of the workspace reads it',
      ],
    },
    handler: (_ctx, { scope }, emu) => ({ transactions: emu.intelligence.aiTransactions(scope).map(transactionJson) }),
  }),
];
