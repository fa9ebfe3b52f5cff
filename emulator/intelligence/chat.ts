/**
 * AI chat, answered locally from THIS workspace's passages: a chat and its first message, follow-up
 * messages, listing and deletion. Each message is answered while the request waits, charged in AI
 * tokens, and stored only when the charge succeeds; what was checked before the answer awaited the
 * index is checked again before anything is charged.
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { Chat, ChatMessage, Org, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import type { SearchHit } from './engine/search-types.js';
import type { WorkspaceIndexes } from './indexes.js';
import type { ChatInput, MessageInput } from './schema.js';
import type { ScopeResolver, Scopes } from './scopes.js';
import type { IntelligenceDeps } from './service.js';
import { AuditEvents } from '../events/catalogue.js';

/** PARITY: CHOICE. A chat answer is built from the best 8 passages of the workspace. */
export const CHAT_CONTEXT_PASSAGES = 8;

/**
 * PARITY: CHOICE. A `chat` (no files) has no local model to answer with; the emulator says so, and
 * still counts the tokens of question and answer.
 */
export const GENERAL_CHAT_ANSWER =
  'The emulator answers only from the files of this workspace. Ask again with type chat_with_files in a workspace with intelligence on.';

export class Chats {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'access' | 'ids' | 'now' | 'audit' | 'plans' | 'ledger'>,
    private readonly indexes: WorkspaceIndexes,
    private readonly scopes: ScopeResolver,
  ) {}

  /** PARITY: the agent plan lacks `ai_agent`: creating a chat answers 402/1695 (API notes "Intelligence"). */
  private assertChatAllowed(org: Org): void {
    if (!this.d.plans.get(org.plan)?.features.includes('ai_agent')) throw Errors.upgradeRequired('AI chat (the ai_agent feature)');
  }

  private assertRagAvailable(ws: Workspace): void {
    if (!ws.intelligence) {
      throw Errors.invalidField(
        'type',
        'chat_with_files searches the workspace index: turn intelligence on for this workspace (file attachments are not emulated).',
      );
    }
  }

  private async answer(ws: Workspace, type: Chat['type'], question: string, scopes: Scopes, personality: 'concise' | 'detailed'): Promise<Answer> {
    if (type === 'chat') {
      return { text: GENERAL_CHAT_ANSWER, citations: [], promptTokens: countTokens(question), completionTokens: countTokens(GENERAL_CHAT_ANSWER) };
    }
    const index = await this.indexes.complete(ws.id);
    const { hits } = index.search(question, { limit: CHAT_CONTEXT_PASSAGES, groupBy: 'passage', ...scopes });
    return buildAnswer(question, hits as SearchHit[], { personality });
  }

  /**
   * PARITY: AI tokens cost 1 credit per 100 tokens (API notes), CHOICE: fractional, on the
   * question, the passages read and the answer. Past the budget the message answers 402/1696 and
   * nothing is stored.
   */
  private chargeTokens(org: Org, answer: Answer, ws: Workspace, chatId: string, userId: string): { tokens: number; credits: number } {
    const tokens = answer.promptTokens + answer.completionTokens;
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(org, { kind: 'ai_tokens', units: tokens, credits, workspaceId: ws.id, objectId: chatId, userId });
    return { tokens, credits };
  }

  private insertMessage(
    chat: Chat,
    user: User,
    question: string,
    personality: 'concise' | 'detailed',
    answer: Answer,
    usage: { tokens: number; credits: number },
  ): ChatMessage {
    const now = this.d.now();
    return this.d.db.chatMessages.insert({
      id: this.d.ids.opaqueId(OpaqueType.aiJob),
      chatId: chat.id,
      workspaceId: chat.workspaceId,
      userId: user.id,
      question,
      personality,
      // PARITY: CHOICE. The answer is built while the request waits, so a message is `complete`
      // as soon as it exists (the live API goes ready -> in_progress -> complete).
      state: 'complete',
      responseText: answer.text,
      citations: answer.citations.map((c) => ({ nodeId: c.nodeId, versionId: c.versionId, passageId: c.passageId, page: c.page, snippet: c.snippet })),
      tokens: usage.tokens,
      credits: usage.credits,
      created: now,
      updated: now,
    });
  }

  async createChat(user: User, scope: WorkspaceScope, input: ChatInput): Promise<{ chat: Chat; message: ChatMessage }> {
    const ws = scope.workspace;
    this.assertChatAllowed(scope.org);
    // PARITY: a `chat` with a scope is promoted to `chat_with_files` (agent guide v1.29 "Chat Types").
    const type = input.files_scope || input.folders_scope ? 'chat_with_files' : input.type;
    if (type === 'chat_with_files') this.assertRagAvailable(ws);
    const scopes = this.scopes.resolve(scope, input.files_scope, input.folders_scope);
    const personality = input.personality ?? 'detailed';
    const chatId = this.d.ids.opaqueId(OpaqueType.aiJob);
    const answer = await this.answer(ws, type, input.question, scopes, personality);
    // The answer may have waited for the index (documents read again after a restart or an
    // import): what was checked before the await is checked again before anything is charged.
    const current = this.d.access.recheck({ user }, scope);
    this.assertChatAllowed(current.org);
    if (type === 'chat_with_files') this.assertRagAvailable(current.workspace);
    const usage = this.chargeTokens(current.org, answer, current.workspace, chatId, user.id);
    const now = this.d.now();
    const chat = this.d.db.chats.insert({
      id: chatId,
      workspaceId: ws.id,
      orgId: current.org.id,
      userId: user.id,
      type,
      personality,
      // PARITY: CHOICE. Without `name` a chat is named after the start of its question.
      name: input.name ?? (input.question.length > 100 ? `${input.question.slice(0, 99)}…` : input.question),
      filesScope: input.files_scope?.trim() || null,
      foldersScope: input.folders_scope?.trim() || null,
      created: now,
      updated: now,
      deleted: null,
    });
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage);
    // The event touches `ai_chat:{id}` on the workspace (events/catalogue.ts).
    this.d.audit.record(
      AuditEvents.aiChatCreated({ orgId: scope.org.id, workspaceId: ws.id }, user.id, chat.id, {
        type,
        message_id: message.id,
        tokens: usage.tokens,
        citations: message.citations.length,
      }),
    );
    return { chat, message };
  }

  /** A live chat of this workspace. PARITY: CHOICE, another workspace's chat is as good as absent (404/1609). */
  chat(scope: WorkspaceScope, chatId: string): Chat {
    const chat = this.d.db.chats.get(chatId);
    if (!chat || chat.deleted !== null || chat.workspaceId !== scope.workspace.id) throw Errors.notFound('chat');
    return chat;
  }

  message(scope: WorkspaceScope, chatId: string, messageId: string): ChatMessage {
    const chat = this.chat(scope, chatId);
    const message = this.d.db.chatMessages.get(messageId);
    if (!message || message.chatId !== chat.id) throw Errors.notFound('message');
    return message;
  }

  async addMessage(user: User, scope: WorkspaceScope, chatId: string, input: MessageInput): Promise<ChatMessage> {
    const ws = scope.workspace;
    const chat = this.chat(scope, chatId);
    this.assertChatAllowed(scope.org);
    if (chat.type === 'chat_with_files') this.assertRagAvailable(ws);
    // A message's own scope wins; otherwise the chat's, whose files may since have gone (skipped).
    const own = input.files_scope !== undefined || input.folders_scope !== undefined;
    const scopes = own
      ? this.scopes.resolve(scope, input.files_scope, input.folders_scope)
      : this.scopes.resolve(scope, chat.filesScope ?? undefined, chat.foldersScope ?? undefined, true);
    const personality = input.personality ?? chat.personality;
    const answer = await this.answer(ws, chat.type, input.question, scopes, personality);
    // Checked again after the await (see createChat), the chat included.
    const current = this.d.access.recheck({ user }, scope);
    this.chat(current, chat.id);
    this.assertChatAllowed(current.org);
    if (chat.type === 'chat_with_files') this.assertRagAvailable(current.workspace);
    const usage = this.chargeTokens(current.org, answer, current.workspace, chat.id, user.id);
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage);
    this.d.db.chats.update(chat.id, { updated: message.created });
    this.d.audit.record(
      AuditEvents.aiChatNewMessage({ orgId: scope.org.id, workspaceId: ws.id }, user.id, chat.id, {
        message_id: message.id,
        tokens: usage.tokens,
        citations: message.citations.length,
      }),
    );
    return message;
  }

  /** PARITY: CHOICE. Every member of the workspace sees its chats (the live default privacy is public), newest first. */
  chats(scope: WorkspaceScope): Chat[] {
    return this.d.db.chats
      .find('workspace', scope.workspace.id)
      .filter((c) => c.deleted === null)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
  }

  messages(scope: WorkspaceScope, chatId: string): ChatMessage[] {
    const chat = this.chat(scope, chatId);
    return this.d.db.chatMessages.find('chat', chat.id);
  }

  messageCount(chatId: string): number {
    return this.d.db.chatMessages.count('chat', chatId);
  }

  /** PARITY: CHOICE. The chat's creator, or a workspace admin or owner, deletes it. */
  deleteChat(user: User, scope: WorkspaceScope, chatId: string): void {
    const chat = this.chat(scope, chatId);
    if (chat.userId !== user.id && scope.role !== 'owner' && scope.role !== 'admin')
      throw Errors.accessDenied("Only the chat's creator or a workspace admin deletes a chat.");
    const now = this.d.now();
    this.d.db.chats.update(chat.id, { deleted: now, updated: now });
    this.d.audit.record(AuditEvents.aiChatDeleted({ orgId: scope.org.id, workspaceId: scope.workspace.id }, user.id, chat.id));
  }
}
