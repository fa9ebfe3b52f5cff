/**
 * The V2 chat answers (`/ai/agent/`). PARITY: client 96b1551 commands/ai.rs extract_chat_id /
 * extract_message_id: a create answers `thread.thread_id` and `turn.turn_id`; a follow-up answers
 * the turn's fields flat (`turn_id`, `thread_id`, `seq`, `status`); message details answer under
 * `message` with `state`, `text` (the question, ai.rs extract_clarification_question) and
 * `response.text` / `response.citations[]`. References and subjects come back in the JSON-array
 * item shape the client sends (ai.rs:138-148).
 */
import { formatTime } from '../http/format.js';
import type { Db } from '../store/db.js';
import type { Chat, ChatMessage, LedgerEntry } from '../store/model.js';
import { parseAttachmentsText } from './attachments.js';
import { citationsJson } from './format.js';

function fileItem(nodeId: string, versionId: string): Record<string, unknown> {
  return { type: 'file', id: nodeId, file_details: { node_id: nodeId, version_id: versionId } };
}

function referenceItems(chat: Chat): Record<string, unknown>[] {
  const pairs = (raw: string | null) => (raw ? raw.split(',').map((p) => p.trim().split(':') as [string, string?]) : []);
  return [
    ...pairs(chat.filesScope).map(([n, v]) => fileItem(n, v ?? '')),
    ...pairs(chat.foldersScope).map(([n]) => ({ type: 'folder', id: n, folder_details: { node_id: n } })),
  ];
}

export function threadJson(chat: Chat, messages: number): Record<string, unknown> {
  return {
    thread_id: chat.id,
    id: chat.id,
    name: chat.name,
    privacy: chat.privacy ?? 'public',
    kind: chat.kind ?? 'user',
    references: referenceItems(chat),
    subjects: parseAttachmentsText(chat.attachments).map((a) => fileItem(a.nodeId, a.versionId)),
    creator: chat.userId,
    messages,
    created: formatTime(chat.created),
    updated: formatTime(chat.updated),
    deleted: formatTime(chat.deleted),
  };
}

/** A turn (message). `seq` is its 1-based place in the thread. `tokens` and `credits` are the emulator's additions. */
export function turnJson(db: Db, message: ChatMessage, seq: number): Record<string, unknown> {
  return {
    turn_id: message.id,
    id: message.id,
    thread_id: message.chatId,
    seq,
    state: message.state,
    status: message.state,
    text: message.question,
    response: {
      text: message.responseText,
      citations: citationsJson(db, message),
    },
    subjects: parseAttachmentsText(message.attachments).map((a) => fileItem(a.nodeId, a.versionId)),
    tokens: message.tokens,
    credits: message.credits,
    creator: message.userId,
    created: formatTime(message.created),
    updated: formatTime(message.updated),
  };
}

/** PARITY: CHOICE. One AI token charge of the ledger, as `/ai/transactions/` lists it. */
export function transactionJson(entry: LedgerEntry): Record<string, unknown> {
  return {
    id: entry.id,
    chat_id: entry.objectId,
    user_id: entry.userId,
    tokens: entry.units,
    credits: entry.credits,
    created: formatTime(entry.created),
  };
}
