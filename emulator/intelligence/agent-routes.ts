/**
 * V2 AI chat, `/current/workspace/{id}/ai/agent/...` (client 96b1551 src/api/ai.rs, commands/ai.rs,
 * mcp/tools.rs `ai`). Served under the V2 dialect only; the April `/ai/chat/` routes are the
 * other dialect's. The routes are agent-chat-builder.ts's, made here for a workspace (the share's
 * twins: share-chat-routes.ts); this file says what each one answers and decides.
 */
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { workspaceParams } from '../workspaces/schema.js';
import { PUBLISH_DISABLED } from './chat-lifecycle.js';
import { transactionJson } from './agent-format.js';
import { agentChatRoutes as buildAgentChatRoutes } from './agent-chat-builder.js';
import { workspacePlace } from './chat-place.js';

const SOURCE =
  'official client 96b1551 src/api/ai.rs, src/bin/fastio/commands/ai.rs, src/bin/fastio/mcp/tools.rs (ai); agent guide v2.6 "AI chat (Ripley) mechanics"';

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
const LIST_CHOICES = [
  'answers `chats[]` with `pagination`; `kind` user (default), agent or all',
  "the caller sees its own chats and the public ones (April chats count as public); another member's private chats are not listed",
];

export const agentChatRoutes = [
  ...buildAgentChatRoutes({
    place: workspacePlace(true),
    source: SOURCE,
    turnKey: 'message',
    createFields: (body) => {
      if (body.privacy === 'public') throw Errors.accessDenied(PUBLISH_DISABLED);
      return { privacy: body.privacy ?? 'private', kind: body.kind ?? 'user' };
    },
    routes: {
      create: {
        summary: 'Create an AI chat (thread) with its first question; the answer comes from this workspace or the attached files',
        choices: [
          'answers `thread` (with `thread_id`) and `turn` (with `turn_id`)',
          'privacy defaults to private; `privacy=public` answers 403/1680 (publishing is disabled platform-wide, client HINT_PUBLISH_DISABLED)',
          'kind defaults to user and never changes; without `name` the chat is named after its question',
          ...ANSWER_CHOICES,
        ],
      },
      message: {
        summary: 'Ask a follow-up question in a chat',
        choices: [
          'answers the turn flat: `turn_id`, `thread_id`, `seq`, `status`, and the whole turn under `message` (never a top-level `response`, which the client would unwrap)',
          "a message without references or subjects uses the chat's (files gone since are skipped)",
          ...ANSWER_CHOICES,
          ...VIEW_CHOICES,
        ],
      },
      messageDetails: {
        summary: 'One turn: state, text, response.text, response.citations[]',
        choices: ['answers under `message` (a share answers under `turn`; shares are not emulated)', ...VIEW_CHOICES],
      },
      messages: { summary: "A chat's turns, oldest first", choices: ['answers `messages[]` with `pagination`', ...VIEW_CHOICES] },
      list: { summary: "The caller's chats and the workspace's public ones, newest first", choices: LIST_CHOICES },
      listDeleted: {
        summary: 'The soft-deleted chats the caller can see, newest first',
        choices: [...LIST_CHOICES, 'the client sends `list/deleted` without the trailing slash; both forms are this route'],
      },
      details: { summary: 'One chat', choices: ['answers under `chat`, with the message count', ...VIEW_CHOICES] },
      update: {
        summary: 'Rename a chat',
        choices: [
          "only the chat's creator or a workspace admin or owner renames it (else 403/1680); `kind` is ignored",
          'records ai_chat_updated',
          ...VIEW_CHOICES,
        ],
      },
      publish: {
        summary: 'Publish a private chat (disabled platform-wide: 403)',
        choices: ['publishing a private chat answers 403/1680 (client HINT_PUBLISH_DISABLED); a chat already public answers `chat` unchanged', ...VIEW_CHOICES],
      },
      delete: {
        summary: 'Soft-delete a chat (listed by list/deleted)',
        choices: ["only the chat's creator or a workspace admin or owner deletes it (else 403/1680)", ...VIEW_CHOICES],
      },
      cancel: {
        summary: "Cancel a chat's message in progress: `{success, ...}` without the envelope",
        choices: [
          'answers `{"success":true,"no_pending_message":true}` without the envelope (client ai.rs:300-336): turns complete before their request returns, so none is ever pending',
          'a soft-deleted chat answers the flat HTTP 406 `{"result":false,"error_message":...,"error_id":1605}`',
          'the issue text says 406 when nothing is pending; the client source (idempotent 200 with no_pending_message) is followed',
          ...VIEW_CHOICES,
        ],
      },
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
