/**
 * The April chat routes, `{place}/ai/chat/...` (client 41dde01 src/api/ai.rs, mcp/tools.rs `ai`),
 * written once for a workspace and a share: the place (chat-place.ts) says where the chats are,
 * the spec which routes the place serves, in which order, and what each says of itself; fields are
 * schema.ts's, answers format.ts's, rules the chat service's (chat.ts, chat-lifecycle.ts).
 */
import { defineRoute } from '../http/define.js';
import type { AnyRoute } from '../http/route.js';
import { paginate } from '../http/schema.js';
import type { Emulator } from '../emulator.js';
import type { Chat } from '../store/model.js';
import { agentChatUpdateBody } from './agent-schema.js';
import type { ChatRequest } from './chat.js';
import { cancelAnswer, routeHead, type ChatPlace, type RouteSays } from './chat-place.js';
import { chatJson, messageJson } from './format.js';
import { chatCreateBody, chatListQuery, messageCreateBody } from './schema.js';

export type AprilRoute =
  'create' | 'list' | 'listDeleted' | 'details' | 'update' | 'delete' | 'publish' | 'cancel' | 'message' | 'messages' | 'messageDetails' | 'read';

export interface AprilChatSpec {
  place: ChatPlace;
  source: string;
  /** the routes this place serves, in the order the route table lists them */
  routes: readonly (readonly [AprilRoute, RouteSays])[];
  /** what the create form's fields become (a workspace drops `privacy`) */
  createFields(body: ChatRequest): ChatRequest;
}

/**
 * One case a route: the records look alike (method, path, head, params, handler), as route records
 * do (http/route.ts RouteSpec; the `duplicates` tool pairs them by shape); the logic is the chat
 * service's, called once per route for both places.
 */
export function aprilChatRoutes(s: AprilChatSpec): AnyRoute[] {
  const { place } = s;
  const base = `${place.base}chat/`;
  const chats = (emu: Emulator) => emu.intelligence.chats;
  const lifecycle = (emu: Emulator) => emu.intelligence.chatLifecycle;
  const chatOf = (emu: Emulator, chat: Chat) => ({ chat: chatJson(chat, emu.intelligence.chats.messageCount(chat.id)) });
  const build = (name: AprilRoute, says: RouteSays): AnyRoute => {
    const head = (access: 'read' | 'chat') => routeHead(place, '2026-04', s.source, says, access);
    switch (name) {
      case 'create':
        return defineRoute({
          method: 'POST',
          path: base,
          ...head('chat'),
          params: place.params.place,
          body: chatCreateBody,
          handler: async (ctx, input, emu) => {
            const { user, cs } = place.ask(ctx, input, emu);
            const { chat, message } = await chats(emu).createChat(cs, user, s.createFields({ ...input.body }));
            return { chat_id: chat.id, message_id: message.id, chat: chatJson(chat, 1), message: messageJson(emu.db, message) };
          },
        });
      case 'list':
      case 'listDeleted':
        return defineRoute({
          method: 'GET',
          path: name === 'list' ? `${base}list/` : `${base}list/deleted/`,
          ...head('read'),
          params: place.params.place,
          query: chatListQuery,
          handler: (ctx, input, emu) => {
            const listed = chats(emu).chats(place.ask(ctx, input, emu).cs, { deleted: name === 'listDeleted' });
            const { page, pagination } = paginate(listed, input.query.limit, input.query.offset);
            return { chats: page.map((c) => chatJson(c, chats(emu).messageCount(c.id))), pagination };
          },
        });
      case 'details':
        return defineRoute({
          method: 'GET',
          path: `${base}:chat_id/details/`,
          ...head('read'),
          params: place.params.chat,
          handler: (ctx, input, emu) => chatOf(emu, chats(emu).chat(place.ask(ctx, input, emu).cs, input.params.chat_id)),
        });
      case 'update':
        return defineRoute({
          method: 'POST',
          path: `${base}:chat_id/update/`,
          ...head('chat'),
          params: place.params.chat,
          body: agentChatUpdateBody,
          handler: (ctx, input, emu) => {
            const { user, cs } = place.ask(ctx, input, emu);
            return chatOf(emu, lifecycle(emu).rename(cs, user, input.params.chat_id, input.body.name));
          },
        });
      case 'delete':
        return defineRoute({
          method: 'DELETE',
          path: `${base}:chat_id/`,
          ...head('chat'),
          params: place.params.chat,
          handler: (ctx, input, emu) => {
            const { user, cs } = place.ask(ctx, input, emu);
            lifecycle(emu).deleteChat(cs, user, input.params.chat_id);
          },
        });
      case 'publish':
        return defineRoute({
          method: 'POST',
          path: `${base}:chat_id/publish/`,
          ...head('chat'),
          params: place.params.chat,
          handler: (ctx, input, emu) => {
            const { user, cs } = place.ask(ctx, input, emu);
            return chatOf(emu, lifecycle(emu).publish(cs, user, input.params.chat_id));
          },
        });
      case 'cancel':
        return defineRoute({
          method: 'POST',
          path: `${base}:chat_id/cancel/`,
          ...head('chat'),
          params: place.params.chat,
          handler: (ctx, input, emu) => {
            const outcome = lifecycle(emu).cancel(place.ask(ctx, input, emu).cs, input.params.chat_id);
            return cancelAnswer({ chat: outcome.chat, deleted: outcome.kind === 'deleted' });
          },
        });
      case 'message':
        return defineRoute({
          method: 'POST',
          path: `${base}:chat_id/message/`,
          ...head('chat'),
          params: place.params.chat,
          body: messageCreateBody,
          handler: async (ctx, input, emu) => {
            const { user, cs } = place.ask(ctx, input, emu);
            const message = await chats(emu).addMessage(cs, user, input.params.chat_id, input.body);
            return { chat_id: message.chatId, message_id: message.id, message: messageJson(emu.db, message) };
          },
        });
      case 'messages':
        return defineRoute({
          method: 'GET',
          path: `${base}:chat_id/messages/list/`,
          ...head('read'),
          params: place.params.chat,
          query: chatListQuery,
          handler: (ctx, input, emu) => {
            const all = chats(emu).messages(place.ask(ctx, input, emu).cs, input.params.chat_id);
            const { page, pagination } = paginate(all, input.query.limit, input.query.offset);
            return { messages: page.map((m) => messageJson(emu.db, m)), pagination };
          },
        });
      case 'messageDetails':
      case 'read':
        return defineRoute({
          method: 'GET',
          path: `${base}:chat_id/message/:message_id/${name === 'read' ? 'read' : 'details'}/`,
          ...head('read'),
          params: place.params.message,
          handler: (ctx, input, emu) => {
            const { message } = chats(emu).message(place.ask(ctx, input, emu).cs, input.params.chat_id, input.params.message_id);
            return { message: messageJson(emu.db, message) };
          },
        });
    }
  };
  return s.routes.map(([name, says]) => build(name, says));
}
