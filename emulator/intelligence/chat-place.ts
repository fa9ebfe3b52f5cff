/**
 * Where a chat route finds its chats: the place part of the chat route builders
 * (agent-chat-builder.ts for V2 `/ai/agent/`, april-chat-builder.ts for April `/ai/chat/`). A
 * workspace's routes let the pipeline resolve the workspace (`access`); a share's carry no
 * pipeline access and ask the share (shares/access.ts) in the handler. Either way the handler gets
 * the asking user and a chat scope (chat-scope.ts), and the rules are the chat service's.
 */
import type { z } from 'zod';
import { callerOf, type RequestContext } from '../http/context.js';
import { RawResponse } from '../http/route.js';
import type { Emulator } from '../emulator.js';
import type { User } from '../store/model.js';
import type { AccessSpec, WorkspaceScope } from '../tenancy/access.js';
import { shareParams } from '../shares/schema.js';
import { workspaceParams } from '../workspaces/schema.js';
import type { ChatScope } from './chat-scope.js';
import { chatParams, messageParams } from './schema.js';
import { shareChatParams, shareMessageParams } from './share-ai-schema.js';
import { shareAsker } from './share-chat.js';

/** The asking user and the chat scope a handler works in. */
export interface Asked {
  user: User;
  cs: ChatScope;
}

/** What a builder's handler hands the place: the route's resolved input, loosely typed. */
export interface PlaceInput {
  params: object;
  scope: unknown;
}

export interface ChatPlace {
  /** the path up to the dialect's segment: `/current/workspace/:workspace_id/ai/` */
  base: string;
  params: {
    place: () => z.ZodType<object>;
    chat: () => z.ZodType<{ chat_id: string }>;
    message: () => z.ZodType<{ chat_id: string; message_id: string }>;
  };
  /** the pipeline's access for lookups and for changes (absent: the handler asks) */
  access?: { read: AccessSpec; chat: AccessSpec };
  ask(ctx: RequestContext, input: PlaceInput, emu: Emulator): Asked;
}

const WORKSPACE_ACCESS = {
  read: { workspace: 'workspace_id', action: 'workspace.ai.read' },
  chat: { workspace: 'workspace_id', action: 'workspace.ai.chat' },
} as const;

/**
 * A workspace's chats; `viewer` (V2): the caller sees its own chats and the public ones. Without
 * (April) every member sees every chat.
 */
export function workspacePlace(viewer: boolean): ChatPlace {
  return {
    base: '/current/workspace/:workspace_id/ai/',
    params: { place: workspaceParams, chat: chatParams, message: messageParams },
    access: WORKSPACE_ACCESS,
    ask: (ctx, input, emu) => {
      const user = callerOf(ctx).user;
      // The route's `access` resolved the workspace before the handler runs.
      return { user, cs: emu.intelligence.chatScopes.workspace(input.scope as WorkspaceScope, viewer ? user : undefined) };
    },
  };
}

/** A share's chats: each handler asks the share itself (view and up; a signed-in user). */
export const sharePlace: ChatPlace = {
  base: '/current/share/:share_id/ai/',
  params: { place: shareParams, chat: shareChatParams, message: shareMessageParams },
  ask: (ctx, input, emu) => {
    const asker = shareAsker(ctx, emu, (input.params as { share_id: string }).share_id);
    return { user: asker.user, cs: emu.intelligence.chatScopes.share(asker) };
  },
};

/** PARITY: client ai.rs:297-336 parse_cancel_response: both dialects answer cancel without the envelope. */
export function cancelAnswer(outcome: { chat: { id: string }; deleted: boolean }): RawResponse {
  if (outcome.deleted) {
    const body = { result: false, error_message: 'This chat is deleted: there is nothing to cancel.', error_id: 1605 };
    return new RawResponse(JSON.stringify(body), 'application/json; charset=utf-8', 406);
  }
  return new RawResponse(JSON.stringify({ success: true, no_pending_message: true, thread_id: outcome.chat.id }), 'application/json; charset=utf-8');
}

/** What one chat route says of itself. `emulatorOnly`: the catalogue does not list it (the client calls it). */
export interface RouteSays {
  summary: string;
  choices?: string[];
  /** where the route is documented, when not the builder spec's own */
  source?: string;
  emulatorOnly?: true;
}

/** The parts of a chat route record that are the same for every route a builder makes. */
export function routeHead(place: ChatPlace, dialect: 'v2' | '2026-04', source: string, says: RouteSays, access: 'read' | 'chat') {
  return {
    dialects: [dialect],
    area: 'intelligence' as const,
    ...(says.emulatorOnly ? { emulatorOnly: true } : {}),
    summary: says.summary,
    ...(place.access ? { access: place.access[access] } : {}),
    parity: { status: 'implemented' as const, source: says.source ?? source, ...(says.choices ? { choices: says.choices } : {}) },
  };
}
