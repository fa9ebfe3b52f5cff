import { formatTime } from '../http/format.js';
import type { Db } from '../store/db.js';
import type { Chat, ChatMessage } from '../store/model.js';
import { nodeJson } from '../storage/format.js';
import type { SearchRow } from './search.js';

/**
 * A search hit. PARITY: agent guide v1.29 "Semantic Search": `relevance_score` (0-1),
 * `content_snippet` (null for keyword-only matches), `match_source`, `mimetype`, and the node
 * (`node`: the full node with `details=true`). CHOICE: hits come as a `results` array (the
 * official client reads both this and a `files` map); `page` (the PDF page or text page of the
 * snippet) is the emulator's addition. The passage text itself is never sent.
 */
export function searchHitJson(row: SearchRow, details: boolean): Record<string, unknown> {
  const { node } = row;
  return {
    id: node.id,
    node_id: node.id,
    name: node.name,
    type: node.type,
    parent: node.parentId,
    mimetype: node.mimetype,
    version: row.versionId,
    page: row.page,
    relevance_score: row.relevanceScore,
    content_snippet: row.snippet,
    match_source: row.matchSource,
    ...(details ? { node: nodeJson(node) } : {}),
  };
}

export function chatJson(chat: Chat, messages: number): Record<string, unknown> {
  return {
    id: chat.id,
    name: chat.name,
    type: chat.type,
    personality: chat.personality,
    files_scope: chat.filesScope,
    folders_scope: chat.foldersScope,
    creator: chat.userId,
    messages,
    created: formatTime(chat.created),
    updated: formatTime(chat.updated),
  };
}

/**
 * A chat message. PARITY: `state`, `response.text`, `response.citations[]` (agent guide v1.29
 * "Waiting for AI Responses"; the official client reads `response.citations`). Each citation names
 * a node and passage of this workspace. `tokens` and `credits` are the emulator's additions.
 */
/** A message's citations as both dialects answer them (April `message.response`, V2 `turn.response`). */
export function citationsJson(db: Db, message: ChatMessage): Record<string, unknown>[] {
  return message.citations.map((c) => ({
    node_id: c.nodeId,
    version_id: c.versionId,
    name: db.nodes.get(c.nodeId)?.name ?? null,
    page: c.page,
    passage_id: c.passageId,
    snippet: c.snippet,
  }));
}

export function messageJson(db: Db, message: ChatMessage): Record<string, unknown> {
  return {
    id: message.id,
    chat_id: message.chatId,
    question: message.question,
    personality: message.personality,
    state: message.state,
    response: {
      text: message.responseText,
      citations: citationsJson(db, message),
    },
    tokens: message.tokens,
    credits: message.credits,
    creator: message.userId,
    created: formatTime(message.created),
    updated: formatTime(message.updated),
  };
}
