/**
 * The V2 chat routes, `{place}/ai/agent/...` (client 96b1551 src/api/ai.rs agent_chat_path,
 * commands/ai.rs), written once for a workspace and a share: the place (chat-place.ts) says where
 * the chats are, the spec what each route says of itself; fields are agent-schema.ts's, answers
 * agent-format.ts's, rules the chat service's (chat.ts, chat-lifecycle.ts over chat-scope.ts).
 */
import { defineRoute } from '../http/define.js';
import type { AnyRoute } from '../http/route.js';
import type { Emulator } from '../emulator.js';
import type { Chat } from '../store/model.js';
import { paginate } from '../http/schema.js';
import { threadJson, turnJson } from './agent-format.js';
import { agentChatCreateBody, agentChatListQuery, agentChatUpdateBody, agentMessageBody, referencesAsScopes, subjectsAsAttachments } from './agent-schema.js';
import type { ChatRequest } from './chat.js';
import { cancelAnswer, routeHead, type ChatPlace, type RouteSays } from './chat-place.js';
import { chatListQuery } from './schema.js';

export type AgentRoute = 'create' | 'message' | 'messageDetails' | 'messages' | 'list' | 'listDeleted' | 'details' | 'update' | 'publish' | 'delete' | 'cancel';

export interface AgentChatSpec {
  place: ChatPlace;
  source: string;
  routes: Record<AgentRoute, RouteSays & { choices: string[] }>;
  /** the create form's `privacy` and `kind`: refused (throws) or applied */
  createFields(body: { privacy?: 'private' | 'public' | undefined; kind?: 'user' | 'agent' | undefined }): Pick<ChatRequest, 'privacy' | 'kind'>;
  /** the key a whole turn answers under in message and message details answers */
  turnKey: 'message' | 'turn';
}

/** The V2 routes of one place. Their records look alike by shape, as route records do (http/route.ts RouteSpec). */
export function agentChatRoutes(s: AgentChatSpec): AnyRoute[] {
  const { place } = s;
  const base = `${place.base}agent/`;
  const says = (name: AgentRoute, access: 'read' | 'chat') => routeHead(place, 'v2', s.source, s.routes[name], access);
  const threadOf = (emu: Emulator, chat: Chat) => ({ chat: threadJson(chat, emu.intelligence.chats.messageCount(chat.id)) });
  return [
    defineRoute({
      method: 'POST',
      path: base,
      ...says('create', 'chat'),
      params: place.params.place,
      body: agentChatCreateBody,
      handler: async (ctx, input, emu) => {
        const { body } = input;
        const fields = s.createFields(body);
        const { user, cs } = place.ask(ctx, input, emu);
        const { chat, message } = await emu.intelligence.chats.createChat(cs, user, {
          question: body.question,
          name: body.name,
          ...fields,
          ...referencesAsScopes(body.references),
          attach: subjectsAsAttachments(body.subjects),
        });
        return { thread: threadJson(chat, 1), turn: turnJson(emu.db, message, 1) };
      },
    }),

    defineRoute({
      method: 'POST',
      path: `${base}:chat_id/message/`,
      ...says('message', 'chat'),
      params: place.params.chat,
      body: agentMessageBody,
      handler: async (ctx, input, emu) => {
        const { params, body } = input;
        const { user, cs } = place.ask(ctx, input, emu);
        const message = await emu.intelligence.chats.addMessage(cs, user, params.chat_id, {
          question: body.question,
          ...referencesAsScopes(body.references),
          ...(body.subjects ? { attach: subjectsAsAttachments(body.subjects) ?? [] } : {}),
        });
        // Flat, and never a top-level `response`: the client unwraps a top-level `response` object
        // as the whole payload (src/client.rs:2152-2165), which would hide `turn_id`.
        const seq = emu.intelligence.chats.messageCount(message.chatId);
        return { turn_id: message.id, thread_id: message.chatId, seq, status: message.state, [s.turnKey]: turnJson(emu.db, message, seq) };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${base}:chat_id/message/:message_id/details/`,
      ...says('messageDetails', 'read'),
      params: place.params.message,
      handler: (ctx, input, emu) => {
        const { message, seq } = emu.intelligence.chats.message(place.ask(ctx, input, emu).cs, input.params.chat_id, input.params.message_id);
        return { [s.turnKey]: turnJson(emu.db, message, seq) };
      },
    }),

    defineRoute({
      method: 'GET',
      path: `${base}:chat_id/messages/list/`,
      ...says('messages', 'read'),
      params: place.params.chat,
      query: chatListQuery,
      handler: (ctx, input, emu) => {
        const { params, query } = input;
        const all = emu.intelligence.chats.messages(place.ask(ctx, input, emu).cs, params.chat_id);
        const offset = query.offset ?? 0;
        const { page, pagination } = paginate(all, query.limit, offset);
        return { messages: page.map((m, i) => turnJson(emu.db, m, offset + i + 1)), pagination };
      },
    }),

    ...(['list', 'listDeleted'] as const).map((name) =>
      defineRoute({
        method: 'GET',
        path: name === 'list' ? `${base}list/` : `${base}list/deleted/`,
        ...says(name, 'read'),
        params: place.params.place,
        query: agentChatListQuery,
        handler: (ctx, input, emu) => {
          const { query } = input;
          // CHOICE: `kind` user (the default), agent or all; a share chat is always `user`.
          const chats = emu.intelligence.chats.chats(place.ask(ctx, input, emu).cs, { kind: query.kind ?? 'user', deleted: name === 'listDeleted' });
          const { page, pagination } = paginate(chats, query.limit, query.offset);
          return { chats: page.map((c) => threadJson(c, emu.intelligence.chats.messageCount(c.id))), pagination };
        },
      }),
    ),

    defineRoute({
      method: 'GET',
      path: `${base}:chat_id/details/`,
      ...says('details', 'read'),
      params: place.params.chat,
      handler: (ctx, input, emu) => threadOf(emu, emu.intelligence.chats.chat(place.ask(ctx, input, emu).cs, input.params.chat_id)),
    }),

    defineRoute({
      method: 'POST',
      path: `${base}:chat_id/update/`,
      ...says('update', 'chat'),
      params: place.params.chat,
      body: agentChatUpdateBody,
      handler: (ctx, input, emu) => {
        const { user, cs } = place.ask(ctx, input, emu);
        return threadOf(emu, emu.intelligence.chatLifecycle.rename(cs, user, input.params.chat_id, input.body.name));
      },
    }),

    defineRoute({
      method: 'POST',
      path: `${base}:chat_id/publish/`,
      ...says('publish', 'chat'),
      params: place.params.chat,
      handler: (ctx, input, emu) => {
        const { user, cs } = place.ask(ctx, input, emu);
        return threadOf(emu, emu.intelligence.chatLifecycle.publish(cs, user, input.params.chat_id));
      },
    }),

    defineRoute({
      method: 'DELETE',
      path: `${base}:chat_id/`,
      ...says('delete', 'chat'),
      params: place.params.chat,
      handler: (ctx, input, emu) => {
        const { user, cs } = place.ask(ctx, input, emu);
        emu.intelligence.chatLifecycle.deleteChat(cs, user, input.params.chat_id);
      },
    }),

    defineRoute({
      method: 'POST',
      path: `${base}:chat_id/cancel/`,
      ...says('cancel', 'chat'),
      params: place.params.chat,
      handler: (ctx, input, emu) => {
        const outcome = emu.intelligence.chatLifecycle.cancel(place.ask(ctx, input, emu).cs, input.params.chat_id);
        return cancelAnswer({ chat: outcome.chat, deleted: outcome.kind === 'deleted' });
      },
    }),
  ];
}
