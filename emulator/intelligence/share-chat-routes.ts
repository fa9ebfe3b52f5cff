/**
 * V2 AI chat in a share, `/current/share/{id}/ai/agent/...` (client 96b1551 src/api/ai.rs
 * agent_chat_path / build_cancel_path / ai_api_form with context `share`, commands/ai.rs `--share`).
 * Share routes carry no pipeline `access`: each handler asks `emu.shares.access.scope` first
 * (shares/access.ts), then the share chat service (share-chat.ts), which reads the share's files
 * only. The April `/ai/chat/` forms are share-chat-april-routes.ts.
 */
import { callerOf, type RequestContext } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { RawResponse } from '../http/route.js';
import { paginate } from '../http/schema.js';
import { shareParams } from '../shares/schema.js';
import type { Emulator } from '../emulator.js';
import type { ShareAction } from '../shares/access.js';
import { PUBLISH_DISABLED } from './chat-lifecycle.js';
import { threadJson, turnJson } from './agent-format.js';
import { agentChatCreateBody, agentChatListQuery, agentChatUpdateBody, agentMessageBody, referencesAsScopes, subjectsAsAttachments } from './agent-schema.js';
import { chatListQuery } from './schema.js';
import type { ShareAsker } from './share-chat.js';
import { shareChatParams, shareMessageParams } from './share-ai-schema.js';

const V2 = ['v2'] as const;
const SOURCE = 'official client 96b1551 src/api/ai.rs (context_type share), src/bin/fastio/commands/ai.rs (--share); agent guide "Two Storage Modes"';
const BASE = '/current/share/:share_id/ai/agent';

/** Said on every share AI route (both dialects). */
export const SHARE_AI_CHOICES = [
  "answers read the share's files only: the workspace's index restricted to the tree below the share's backing folder; a document of the workspace outside the share is never read or cited",
  "a share without a backing folder (a portal whose own storage is not built) holds nothing to cite; with the workspace's intelligence off the answer is a fixed text",
  'any share role that reads the share (view and up) may chat; visitor tokens (auth/password, auth/guest) are not accepted here (401/1650): a chat needs a signed-in user',
  "a chat is its creator's alone (share chats are always private, client ai.rs ChatCreateOptions): another member's chat answers 404/1609",
  "a reference or attachment to a node of the workspace outside the share, or of another workspace, answers 401/115069; `root` is the share's root",
  "AI tokens are charged to the share's org on the one ledger (with the share's id) as for workspace chat: 1 credit per 100 tokens; past the budget 402/1696",
  'a share thread over 128,000 tokens answers 409/144657 (new) or 409/148135 (continue), the share codes of client ai.rs CONVERSATION_TOO_LARGE_CODES',
  'events ai_chat_created / ai_chat_new_message / ai_chat_updated / ai_chat_deleted carry the share id; the activity key ai_chat:{id} is touched on the share',
];

/** The caller in the share, for an action; `recheck` asks the share again after an await. */
export function shareAsker(ctx: RequestContext, emu: Emulator, shareId: string, action: ShareAction = 'share.storage.read'): ShareAsker {
  const caller = callerOf(ctx);
  return { user: caller.user, scope: emu.shares.access.scope(caller, shareId, action), recheck: () => emu.shares.access.scope(caller, shareId, action) };
}

export const shareAgentRoutes = [
  defineRoute({
    method: 'POST',
    path: `${BASE}/`,
    dialects: V2,
    area: 'intelligence',
    // The catalogue's V2 pages do not list the share create, but the client calls it (ai.rs
    // ai_api_form with context `share` and `agent/`): served, and marked as beyond the catalogue.
    emulatorOnly: true,
    summary: "Create an AI chat in a share with its first question; the answer cites the share's files only",
    params: shareParams,
    body: agentChatCreateBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers `thread` and `turn`', '`privacy` and `kind` answer 400/1605 (share chats reject them, client ai.rs)', ...SHARE_AI_CHOICES],
    },
    handler: async (ctx, { params, body }, emu) => {
      if (body.privacy !== undefined) throw Errors.invalidField('privacy', 'Share chats are always private.');
      if (body.kind !== undefined) throw Errors.invalidField('kind', 'kind is for workspace chats only.');
      const asker = shareAsker(ctx, emu, params.share_id);
      const { chat, message } = await emu.intelligence.shareChats.createChat(asker, {
        question: body.question,
        name: body.name,
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
    // Not in the catalogue's V2 pages either; the client sends it (ai_api_form `agent/{id}/message/`).
    emulatorOnly: true,
    summary: 'Ask a follow-up question in a share chat',
    params: shareChatParams,
    body: agentMessageBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers the turn flat (`turn_id`, `thread_id`, `seq`, `status`) and whole under `turn`', ...SHARE_AI_CHOICES],
    },
    handler: async (ctx, { params, body }, emu) => {
      const asker = shareAsker(ctx, emu, params.share_id);
      const chats = emu.intelligence.shareChats;
      const message = await chats.addMessage(asker, params.chat_id, {
        question: body.question,
        ...referencesAsScopes(body.references),
        ...(body.subjects ? { attach: subjectsAsAttachments(body.subjects) ?? [] } : {}),
      });
      const seq = emu.intelligence.messageCount(message.chatId);
      return { turn_id: message.id, thread_id: message.chatId, seq, status: message.state, turn: turnJson(emu.db, message, seq) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/message/:message_id/details/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'One turn of a share chat, under `turn`',
    params: shareMessageParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers under `turn` (client ai.rs message_detail: "a `turn` object on the share endpoint")', ...SHARE_AI_CHOICES],
    },
    handler: (ctx, { params }, emu) => {
      const { message, seq } = emu.intelligence.shareChats.message(shareAsker(ctx, emu, params.share_id), params.chat_id, params.message_id);
      return { turn: turnJson(emu.db, message, seq) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/messages/list/`,
    dialects: V2,
    area: 'intelligence',
    summary: "A share chat's turns, oldest first",
    params: shareChatParams,
    query: chatListQuery,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `messages[]` with `pagination`', ...SHARE_AI_CHOICES] },
    handler: (ctx, { params, query }, emu) => {
      const all = emu.intelligence.shareChats.messages(shareAsker(ctx, emu, params.share_id), params.chat_id);
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
      summary: suffix === 'list/' ? "The caller's chats in a share, newest first" : "The caller's soft-deleted chats in a share, newest first",
      params: shareParams,
      query: agentChatListQuery,
      parity: {
        status: 'implemented',
        source: SOURCE,
        choices: ['answers `chats[]` with `pagination`; `kind` is accepted and every share chat is `user`', ...SHARE_AI_CHOICES],
      },
      handler: (ctx, { params, query }, emu) => {
        const chats = emu.intelligence.shareChats.chats(shareAsker(ctx, emu, params.share_id), { deleted: suffix !== 'list/' });
        const listed = query.kind === 'agent' ? [] : chats;
        const { page, pagination } = paginate(listed, query.limit, query.offset);
        return { chats: page.map((c) => threadJson(c, emu.intelligence.messageCount(c.id))), pagination };
      },
    }),
  ),

  defineRoute({
    method: 'GET',
    path: `${BASE}/:chat_id/details/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'One share chat',
    params: shareChatParams,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers under `chat`, with the message count', ...SHARE_AI_CHOICES] },
    handler: (ctx, { params }, emu) => {
      const chat = emu.intelligence.shareChats.chat(shareAsker(ctx, emu, params.share_id), params.chat_id);
      return { chat: threadJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/update/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Rename a share chat',
    params: shareChatParams,
    body: agentChatUpdateBody,
    parity: { status: 'implemented', source: SOURCE, choices: ['records ai_chat_updated', ...SHARE_AI_CHOICES] },
    handler: (ctx, { params, body }, emu) => {
      const chat = emu.intelligence.shareChats.rename(shareAsker(ctx, emu, params.share_id), params.chat_id, body.name);
      return { chat: threadJson(chat, emu.intelligence.messageCount(chat.id)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/publish/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Publish a share chat: refused (share chats are always private; publishing is disabled platform-wide)',
    params: shareChatParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ["answers 403/1680 with the client's HINT_PUBLISH_DISABLED text for the caller's own chat", ...SHARE_AI_CHOICES],
    },
    handler: (ctx, { params }, emu) => {
      emu.intelligence.shareChats.chat(shareAsker(ctx, emu, params.share_id), params.chat_id);
      throw Errors.accessDenied(PUBLISH_DISABLED);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:chat_id/`,
    dialects: V2,
    area: 'intelligence',
    summary: 'Soft-delete a share chat (listed by list/deleted)',
    params: shareChatParams,
    parity: { status: 'implemented', source: SOURCE, choices: ['records ai_chat_deleted', ...SHARE_AI_CHOICES] },
    handler: (ctx, { params }, emu) => {
      emu.intelligence.shareChats.deleteChat(shareAsker(ctx, emu, params.share_id), params.chat_id);
    },
  }),

  defineRoute({
    method: 'POST',
    path: `${BASE}/:chat_id/cancel/`,
    dialects: V2,
    area: 'intelligence',
    summary: "Cancel a share chat's message in progress: `{success, ...}` without the envelope",
    params: shareChatParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `{"success":true,"no_pending_message":true}` without the envelope (turns complete before their request returns); a soft-deleted chat the flat HTTP 406',
        ...SHARE_AI_CHOICES,
      ],
    },
    handler: (ctx, { params }, emu) => cancelAnswer(emu.intelligence.shareChats.cancel(shareAsker(ctx, emu, params.share_id), params.chat_id)),
  }),
];

/** PARITY: client ai.rs:297-336 parse_cancel_response: both dialects answer cancel without the envelope. */
export function cancelAnswer(outcome: { chat: { id: string }; deleted: boolean }): RawResponse {
  if (outcome.deleted) {
    const body = { result: false, error_message: 'This chat is deleted: there is nothing to cancel.', error_id: 1605 };
    return new RawResponse(JSON.stringify(body), 'application/json; charset=utf-8', 406);
  }
  return new RawResponse(JSON.stringify({ success: true, no_pending_message: true, thread_id: outcome.chat.id }), 'application/json; charset=utf-8');
}
