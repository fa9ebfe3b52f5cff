/**
 * AI chat, answered locally from the passages of the chat's place (a workspace, or a share of one:
 * chat-scope.ts) or from the files attached to the chat: a chat and its first message, follow-up
 * messages, and the lookups. One implementation serves the four route sets (workspace and share,
 * April `/ai/chat/` and V2 `/ai/agent/`); the routes translate their fields into a ChatRequest.
 * Each message is answered while the request waits, charged in AI tokens, and stored only when the
 * charge succeeds; what was checked before the answer awaited the index or the attachments is
 * checked again before anything is charged. Renaming, publishing, cancelling and deleting are
 * chat-lifecycle.ts.
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { ApiError, Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { Chat, ChatMessage, Org, User } from '../store/model.js';
import { attachmentsText, parseAttachmentsText, type Attached, type AttachmentRef, type Attachments } from './attachments.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import type { SearchHit } from './engine/search-types.js';
import type { WorkspaceIndexes } from './indexes.js';
import type { Scopes } from './scopes.js';
import type { IntelligenceDeps } from './service.js';
import type { ChatScope } from './chat-scope.js';
import { newestFirst } from '../store/order.js';

export { GENERAL_CHAT_ANSWER, TOO_LARGE_CONTINUE, TOO_LARGE_NEW_THREAD, visibleTo } from './chat-scope.js';

/** PARITY: CHOICE. A chat answer is built from the best 8 passages of the workspace (or share). */
export const CHAT_CONTEXT_PASSAGES = 8;

/** CHOICE: a thread holds at most 128,000 AI tokens (question, what was read, and answer, summed over its messages), everywhere. */
export const THREAD_TOKEN_LIMIT = 128_000;

export type Personality = 'concise' | 'detailed';

/** What a create asks, in either dialect. */
export interface ChatRequest {
  question: string;
  /** absent: `chat_with_files` when the request has a scope or the workspace has intelligence on, else `chat` */
  type?: Chat['type'] | undefined;
  personality?: Personality | undefined;
  name?: string | undefined;
  privacy?: 'private' | 'public' | undefined;
  kind?: 'user' | 'agent' | undefined;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
  attach?: readonly AttachmentRef[] | undefined;
}

export type MessageRequest = Pick<ChatRequest, 'question' | 'personality' | 'files_scope' | 'folders_scope' | 'attach'>;

/** Who looks: with a viewer, another member's private chat is as good as absent. */
export interface ChatViewer {
  viewer?: User;
}

export class Chats {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'ids' | 'now' | 'plans' | 'ledger'>,
    private readonly indexes: WorkspaceIndexes,
    private readonly attachments: Attachments,
  ) {}

  /** PARITY: the agent plan lacks `ai_agent`: creating a chat answers 402/1695 (API notes "Intelligence"). */
  private assertChatAllowed(org: Org): void {
    if (!this.d.plans.get(org.plan)?.features.includes('ai_agent')) throw Errors.upgradeRequired('AI chat (the ai_agent feature)');
  }

  private async answer(cs: ChatScope, type: Chat['type'], question: string, scopes: Scopes, personality: Personality, attached: Attached[]): Promise<Answer> {
    if (attached.length > 0) return this.attachments.answer(question, attached);
    // A workspace chat_with_files without intelligence was refused before (ChatScope.assertIndex).
    if (type === 'chat' || !cs.workspace.intelligence) {
      return { text: cs.generalAnswer, citations: [], promptTokens: countTokens(question), completionTokens: countTokens(cs.generalAnswer) };
    }
    const index = await this.indexes.complete(cs.workspace.id);
    const { hits } = index.search(question, { limit: CHAT_CONTEXT_PASSAGES, groupBy: 'passage', ...scopes });
    return buildAnswer(question, hits as SearchHit[], { personality });
  }

  /**
   * PARITY: AI tokens cost 1 credit per 100 tokens (API notes), CHOICE: fractional, on the
   * question, the passages read and the answer. Past the budget the message answers 402/1696 and
   * nothing is stored.
   */
  private chargeTokens(cs: ChatScope, answer: Answer, chatId: string, userId: string): { tokens: number; credits: number } {
    const tokens = answer.promptTokens + answer.completionTokens;
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(cs.org, { kind: 'ai_tokens', units: tokens, credits, ...cs.chargedTo(), objectId: chatId, userId });
    return { tokens, credits };
  }

  private assertFits(used: number, answer: Answer, code: number): void {
    if (used + answer.promptTokens + answer.completionTokens > THREAD_TOKEN_LIMIT) {
      throw new ApiError(409, code, `This conversation is too large to continue (over ${THREAD_TOKEN_LIMIT} tokens). Start a new chat.`);
    }
  }

  private insertMessage(
    chat: Chat,
    user: User,
    input: MessageRequest,
    personality: Personality,
    answer: Answer,
    usage: { tokens: number; credits: number },
    attached: Attached[],
  ): ChatMessage {
    const now = this.d.now();
    return this.d.db.chatMessages.insert({
      id: this.d.ids.opaqueId(OpaqueType.aiJob),
      chatId: chat.id,
      workspaceId: chat.workspaceId,
      userId: user.id,
      question: input.question,
      personality,
      // PARITY: CHOICE. The answer is built while the request waits, so a message is `complete`
      // as soon as it exists (the live API goes ready -> in_progress -> complete).
      state: 'complete',
      responseText: answer.text,
      citations: answer.citations.map((c) => ({ nodeId: c.nodeId, versionId: c.versionId, passageId: c.passageId, page: c.page, snippet: c.snippet })),
      tokens: usage.tokens,
      credits: usage.credits,
      ...(attached.length > 0 ? { attachments: attachmentsText(attached) } : {}),
      created: now,
      updated: now,
    });
  }

  /** PARITY: agent guide v2.6: "Sending both scope and attach errors". */
  private assertOneMode(input: MessageRequest): void {
    if (input.attach?.length && (input.files_scope || input.folders_scope)) {
      throw Errors.invalidField('subjects', 'Attachments (subjects) and a scope (references) cannot be sent together.');
    }
  }

  async createChat(cs: ChatScope, user: User, input: ChatRequest): Promise<{ chat: Chat; message: ChatMessage }> {
    this.assertChatAllowed(cs.org);
    this.assertOneMode(input);
    const attached = cs.attached(input.attach ?? [], false);
    const scoped = Boolean(input.files_scope || input.folders_scope);
    // PARITY: a `chat` with a scope is promoted to `chat_with_files` (agent guide v1.29 "Chat
    // Types"); without a type, the place's default (ChatScope.defaultType).
    const type: Chat['type'] = scoped ? 'chat_with_files' : attached.length > 0 ? 'chat' : (input.type ?? cs.defaultType());
    const ragField = input.type === undefined ? 'references' : 'type';
    const facts = { step: 'create', type, scoped, attached: attached.length } as const;
    cs.assertIndex(facts, ragField);
    const scopes = cs.readScope(input.files_scope, input.folders_scope, false);
    const personality = input.personality ?? 'detailed';
    const chatId = this.d.ids.opaqueId(OpaqueType.aiJob);
    const answer = await this.answer(cs, type, input.question, scopes, personality, attached);
    this.assertFits(0, answer, cs.tooLarge.newThread);
    // The answer may have waited for the index (documents read again after a restart or an
    // import): what was checked before the await is checked again before anything is charged.
    const current = cs.recheck(user);
    this.assertChatAllowed(current.org);
    current.assertIndex(facts, ragField);
    current.attached(input.attach ?? [], false);
    const usage = this.chargeTokens(current, answer, chatId, user.id);
    const now = this.d.now();
    const chat = this.d.db.chats.insert({
      id: chatId,
      workspaceId: cs.workspace.id,
      orgId: current.org.id,
      userId: user.id,
      ...cs.owner(),
      type,
      personality,
      // PARITY: CHOICE. Without `name` a chat is named after the start of its question.
      name: input.name ?? (input.question.length > 100 ? `${input.question.slice(0, 99)}…` : input.question),
      filesScope: input.files_scope?.trim() || null,
      foldersScope: input.folders_scope?.trim() || null,
      ...cs.privacy(input),
      ...(attached.length > 0 ? { attachments: attachmentsText(attached) } : {}),
      created: now,
      updated: now,
      deleted: null,
    });
    const message = this.insertMessage(chat, user, input, personality, answer, usage, attached);
    const data = { type, message_id: message.id, tokens: usage.tokens, citations: message.citations.length };
    cs.recordCreated(user, chat.id, data, attached.length);
    return { chat, message };
  }

  /**
   * A live chat of this place. PARITY: CHOICE, another place's chat, or one the caller may not
   * see (ChatScope.holds), is as good as absent (404/1609); `deleted` finds soft-deleted ones too.
   */
  chat(cs: ChatScope, chatId: string, opts: { deleted?: boolean } = {}): Chat {
    const chat = this.d.db.chats.get(chatId);
    if (!chat || !cs.holds(chat) || (chat.deleted !== null && !opts.deleted)) throw Errors.notFound('chat');
    return chat;
  }

  /** One message of a chat, with its 1-based place in the thread. */
  message(cs: ChatScope, chatId: string, messageId: string): { message: ChatMessage; seq: number } {
    const all = this.messages(cs, chatId);
    const seq = all.findIndex((m) => m.id === messageId) + 1;
    if (seq === 0) throw Errors.notFound('message');
    return { message: all[seq - 1]!, seq };
  }

  async addMessage(cs: ChatScope, user: User, chatId: string, input: MessageRequest): Promise<ChatMessage> {
    const chat = this.chat(cs, chatId);
    this.assertChatAllowed(cs.org);
    this.assertOneMode(input);
    // A message's own scope or attachments win; otherwise the chat's, whose files may since have gone (skipped).
    const own = input.files_scope !== undefined || input.folders_scope !== undefined || input.attach !== undefined;
    const attached = own ? cs.attached(input.attach ?? [], false) : cs.attached(parseAttachmentsText(chat.attachments), true);
    const ownScope = input.files_scope !== undefined || input.folders_scope !== undefined;
    const type: Chat['type'] = ownScope ? 'chat_with_files' : chat.type;
    const facts = { step: 'message', type, scoped: ownScope, attached: attached.length } as const;
    const ragField = ownScope ? 'references' : 'type';
    cs.assertIndex(facts, ragField);
    const scopes = own
      ? cs.readScope(input.files_scope, input.folders_scope, false)
      : cs.readScope(chat.filesScope ?? undefined, chat.foldersScope ?? undefined, true);
    const personality = input.personality ?? chat.personality;
    const answer = await this.answer(cs, type, input.question, scopes, personality, attached);
    const used = this.d.db.chatMessages.find('chat', chat.id).reduce((sum, m) => sum + m.tokens, 0);
    this.assertFits(used, answer, cs.tooLarge.continued);
    // Checked again after the await (see createChat), the chat included.
    const current = cs.recheck(user);
    this.chat(current, chat.id);
    this.assertChatAllowed(current.org);
    current.assertIndex(facts, ragField);
    const usage = this.chargeTokens(current, answer, chat.id, user.id);
    const message = this.insertMessage(chat, user, input, personality, answer, usage, attached);
    this.d.db.chats.update(chat.id, { updated: message.created });
    cs.recordMessage(user, chat.id, { message_id: message.id, tokens: usage.tokens, citations: message.citations.length }, attached.length);
    return message;
  }

  /**
   * The place's chats the caller may see (ChatScope.holds), newest first. PARITY: CHOICE. `kind`
   * filters (absent on a chat = `user`); `deleted` lists the soft-deleted ones instead.
   */
  chats(cs: ChatScope, opts: { kind?: 'user' | 'agent' | 'all'; deleted?: boolean } = {}): Chat[] {
    const kind = opts.kind ?? 'all';
    return newestFirst(
      this.d.db.chats
        .find('workspace', cs.workspace.id)
        .filter((c) => cs.holds(c) && (opts.deleted ? c.deleted !== null : c.deleted === null) && (kind === 'all' || (c.kind ?? 'user') === kind)),
    );
  }

  messages(cs: ChatScope, chatId: string): ChatMessage[] {
    return this.d.db.chatMessages.find('chat', this.chat(cs, chatId).id);
  }

  messageCount(chatId: string): number {
    return this.d.db.chatMessages.count('chat', chatId);
  }
}
