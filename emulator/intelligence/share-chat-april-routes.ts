/**
 * April AI chat in a share, `/current/share/{id}/ai/chat/...` (client 41dde01 src/api/ai.rs
 * cancel_message with context `share`, mcp/tools.rs `ai` with context_type share: chat create,
 * list (and list/deleted for shares), details, update, delete, publish, cancel, message send,
 * list, details). The routes are april-chat-builder.ts's, made here for a share (chat-place.ts
 * `sharePlace`), April's fields and answers (format.ts).
 */
import { aprilChatRoutes } from './april-chat-builder.js';
import { sharePlace } from './chat-place.js';
import { SHARE_AI_CHOICES } from './share-chat-routes.js';

const SOURCE = 'official client 41dde01 src/api/ai.rs, src/bin/fastio/mcp/tools.rs (ai, context_type share)';
const CHOICES = [...SHARE_AI_CHOICES, '`privacy` is accepted and not applied: a share chat is private'];

export const shareChatAprilRoutes = aprilChatRoutes({
  place: sharePlace,
  source: SOURCE,
  createFields: (body) => body,
  routes: [
    [
      'create',
      {
        summary: "Create an AI chat in a share (April shape); the answer cites the share's files only",
        choices: ['answers `chat_id`, `message_id`, `chat` and `message`', ...CHOICES],
      },
    ],
    ['list', { summary: "The caller's chats in a share, newest first", choices: ['answers `chats[]` with `pagination`', ...CHOICES] }],
    ['listDeleted', { summary: "The caller's soft-deleted chats in a share, newest first", choices: ['answers `chats[]` with `pagination`', ...CHOICES] }],
    ['details', { summary: 'One share chat', choices: CHOICES }],
    ['update', { summary: 'Rename a share chat', choices: ['`name` only (mcp/tools.rs chat-update)', ...CHOICES] }],
    ['delete', { summary: 'Soft-delete a share chat (listed by list/deleted)', choices: CHOICES }],
    [
      'publish',
      {
        summary: 'Publish a share chat: refused (share chats are private)',
        choices: ["answers 403/1680 for the caller's own chat (the V2 client's HINT_PUBLISH_DISABLED text)", ...CHOICES],
      },
    ],
    [
      'cancel',
      {
        summary: "Cancel a share chat's message in progress: `{success, ...}` without the envelope",
        choices: [
          'answers `{"success":true,"no_pending_message":true}` without the envelope; a soft-deleted chat the flat 406 (client 41dde01 ai.rs:87-180)',
          ...CHOICES,
        ],
      },
    ],
    ['message', { summary: 'Ask a follow-up question in a share chat', choices: ['answers `chat_id`, `message_id` and `message`', ...CHOICES] }],
    ['messages', { summary: "A share chat's messages, oldest first", choices: CHOICES }],
    ['messageDetails', { summary: 'One message of a share chat', choices: ['answers under `message`', ...CHOICES] }],
  ],
});
