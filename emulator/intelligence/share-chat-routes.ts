/**
 * V2 AI chat in a share, `/current/share/{id}/ai/agent/...` (client 96b1551 src/api/ai.rs
 * agent_chat_path / build_cancel_path / ai_api_form with context `share`, commands/ai.rs `--share`).
 * The routes are agent-chat-builder.ts's, made here for a share (chat-place.ts `sharePlace`: each
 * handler asks `emu.shares.access.scope` first, then the chat service over the share's chat scope,
 * which reads the share's files only). The April `/ai/chat/` forms are share-chat-april-routes.ts.
 */
import { Errors } from '../http/errors.js';
import { agentChatRoutes } from './agent-chat-builder.js';
import { sharePlace } from './chat-place.js';

const SOURCE = 'official client 96b1551 src/api/ai.rs (context_type share), src/bin/fastio/commands/ai.rs (--share); agent guide "Two Storage Modes"';

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

const LIST_CHOICES = ['answers `chats[]` with `pagination`; `kind` is accepted and every share chat is `user`', ...SHARE_AI_CHOICES];

export const shareAgentRoutes = agentChatRoutes({
  place: sharePlace,
  source: SOURCE,
  turnKey: 'turn',
  createFields: (body) => {
    if (body.privacy !== undefined) throw Errors.invalidField('privacy', 'Share chats are always private.');
    if (body.kind !== undefined) throw Errors.invalidField('kind', 'kind is for workspace chats only.');
    return {};
  },
  routes: {
    create: {
      // The catalogue's V2 pages do not list the share create, but the client calls it (ai.rs
      // ai_api_form with context `share` and `agent/`): served, and marked as beyond the catalogue.
      emulatorOnly: true,
      summary: "Create an AI chat in a share with its first question; the answer cites the share's files only",
      choices: ['answers `thread` and `turn`', '`privacy` and `kind` answer 400/1605 (share chats reject them, client ai.rs)', ...SHARE_AI_CHOICES],
    },
    message: {
      // Not in the catalogue's V2 pages either; the client sends it (ai_api_form `agent/{id}/message/`).
      emulatorOnly: true,
      summary: 'Ask a follow-up question in a share chat',
      choices: ['answers the turn flat (`turn_id`, `thread_id`, `seq`, `status`) and whole under `turn`', ...SHARE_AI_CHOICES],
    },
    messageDetails: {
      summary: 'One turn of a share chat, under `turn`',
      choices: ['answers under `turn` (client ai.rs message_detail: "a `turn` object on the share endpoint")', ...SHARE_AI_CHOICES],
    },
    messages: { summary: "A share chat's turns, oldest first", choices: ['answers `messages[]` with `pagination`', ...SHARE_AI_CHOICES] },
    list: { summary: "The caller's chats in a share, newest first", choices: LIST_CHOICES },
    listDeleted: { summary: "The caller's soft-deleted chats in a share, newest first", choices: LIST_CHOICES },
    details: { summary: 'One share chat', choices: ['answers under `chat`, with the message count', ...SHARE_AI_CHOICES] },
    update: { summary: 'Rename a share chat', choices: ['records ai_chat_updated', ...SHARE_AI_CHOICES] },
    publish: {
      summary: 'Publish a share chat: refused (share chats are always private; publishing is disabled platform-wide)',
      choices: ["answers 403/1680 with the client's HINT_PUBLISH_DISABLED text for the caller's own chat", ...SHARE_AI_CHOICES],
    },
    delete: { summary: 'Soft-delete a share chat (listed by list/deleted)', choices: ['records ai_chat_deleted', ...SHARE_AI_CHOICES] },
    cancel: {
      summary: "Cancel a share chat's message in progress: `{success, ...}` without the envelope",
      choices: [
        'answers `{"success":true,"no_pending_message":true}` without the envelope (turns complete before their request returns); a soft-deleted chat the flat HTTP 406',
        ...SHARE_AI_CHOICES,
      ],
    },
  },
});
