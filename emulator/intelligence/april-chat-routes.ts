/**
 * The April workspace chat routes, `/current/workspace/{id}/ai/chat/...`: create, message and the
 * lookups (API notes "Intelligence", agent guide v1.29 "Built-In AI"), and rename, publish, cancel,
 * the soft-deleted list and message `read/` (client 41dde01 src/api/ai.rs cancel_message, flat
 * answers; mcp/tools.rs `ai`: chat-update with `name`, chat-publish with no body, chat-list,
 * message-read). The routes are april-chat-builder.ts's, made here for a workspace (the share's:
 * share-chat-april-routes.ts); April chats have no privacy: every member sees every chat.
 */
import { aprilChatRoutes as buildAprilChatRoutes } from './april-chat-builder.js';
import { workspacePlace } from './chat-place.js';

/** PARITY: the V2 client moved chat to `/ai/agent/` (MediaFire/fastio_cli 96b1551, src/api/ai.rs); `/ai/chat/` is the April dialect's. */
const AI_SOURCE = 'API notes "Intelligence"; agent guide v1.29 "Built-In AI"; official client src/api/ai.rs (before the V2 /ai/agent/ move)';
const SOURCE = 'official client 41dde01 src/api/ai.rs (cancel_message), src/bin/fastio/mcp/tools.rs (ai: chat-update, chat-publish, chat-cancel, message-read)';
const VIEW = "another workspace's chat and an unknown id answer 404/1609 (every member sees every April chat)";

const ANSWER_CHOICES = [
  'answers are extractive and deterministic: the sentences of the best 8 passages that best match the question, each marked with its citation number',
  'every citation names a node and passage of this workspace (`node_id`, `version_id`, `page`, `passage_id`, `snippet`)',
  'AI tokens: one per 4 characters of question, passages read and answer; 1 credit per 100 tokens, fractional; past the budget 402/1696 and nothing is stored',
  'the message is `complete` when the request returns (no in_progress phase)',
  'the agent plan (no ai_agent) answers 402/1695',
  'chat_with_files needs intelligence on (400/1605 naming `type`); files_attach is not emulated',
  'a `chat` without files answers with a fixed text saying the emulator answers only from workspace files',
];

/** Said on the April chat create and on the April search (routes.ts). */
export const SCOPE_CHOICES = [
  'files_scope nodeId:versionId (empty version = current); folders_scope nodeId:depth (root allowed; depth 1 = files directly in the folder; no depth = 10); both together are a union',
  "a scope naming another workspace's node answers 401/115069; an unknown node 404/1609",
];

export const aprilChatRoutes = buildAprilChatRoutes({
  place: workspacePlace(false),
  source: AI_SOURCE,
  // April accepts `privacy` and does not apply it: every member sees every chat.
  createFields: (body) => ({ ...body, privacy: undefined }),
  routes: [
    [
      'create',
      {
        summary: 'Create an AI chat with its first question (April-2026 shape); the answer cites this workspace only',
        choices: [
          'answers `chat_id`, `message_id`, `chat` and `message`',
          'without `name` the chat is named after its question',
          'personality defaults to detailed',
          ...ANSWER_CHOICES,
          ...SCOPE_CHOICES,
        ],
      },
    ],
    [
      'list',
      {
        summary: "The workspace's chats, newest first",
        choices: ['every member sees every chat of the workspace (privacy is accepted, not applied)', 'newest first'],
      },
    ],
    ['details', { summary: 'One chat', choices: ["another workspace's chat answers 404/1609"] }],
    ['delete', { summary: 'Delete a chat', choices: ["only the chat's creator or a workspace admin or owner deletes it (else 403/1680)"] }],
    [
      'message',
      {
        summary: 'Ask a follow-up question in a chat',
        choices: ['answers `chat_id`, `message_id` and `message`', "a message without scope uses the chat's (files gone since are skipped)", ...ANSWER_CHOICES],
      },
    ],
    ['messages', { summary: "A chat's messages, oldest first" }],
    ['messageDetails', { summary: 'One message: state, response.text, response.citations[]', choices: ['answers under `message`'] }],
    [
      'update',
      {
        summary: 'Rename a chat',
        source: SOURCE,
        choices: ["`name` only; the chat's creator or a workspace admin or owner renames it (else 403/1680); records ai_chat_updated", VIEW],
      },
    ],
    [
      'publish',
      {
        summary: 'Publish a chat (April chats are already visible to every member: answered unchanged)',
        source: SOURCE,
        choices: [
          'CHOICE: an April chat has no privacy (every member sees it), so publishing answers it unchanged under `chat`; the creator or a workspace admin or owner only (else 403/1680)',
          VIEW,
        ],
      },
    ],
    [
      'cancel',
      {
        summary: "Cancel a chat's message in progress: `{success, ...}` without the envelope",
        source: SOURCE,
        choices: [
          'answers `{"success":true,"no_pending_message":true}` without the envelope (messages complete before their request returns); a soft-deleted chat the flat HTTP 406 (41dde01 ai.rs:87-180)',
          'the client sends the path without the trailing slash; both forms are this route',
          VIEW,
        ],
      },
    ],
    [
      'listDeleted',
      {
        summary: "The workspace's soft-deleted chats, newest first",
        source: SOURCE,
        choices: ['answers `chats[]` with `pagination`; every member sees every deleted chat of the workspace'],
      },
    ],
    [
      'read',
      {
        summary: 'Read one message (its answer and citations), as details does',
        source: SOURCE,
        choices: [
          'CHOICE: the sources name message-read without its answer; it answers what details does, under `message`; the agent guide says to read once after the activity key, which this serves',
          VIEW,
        ],
      },
    ],
  ],
});
