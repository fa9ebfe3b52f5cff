/**
 * AI chat, answered locally from THIS workspace's passages or from the files attached to the chat:
 * a chat and its first message, follow-up messages, and the lookups. One implementation serves
 * both dialects' routes (April `/ai/chat/`, V2 `/ai/agent/`); the routes translate their fields
 * into a ChatRequest. Each message is answered while the request waits, charged in AI tokens, and
 * stored only when the charge succeeds; what was checked before the answer awaited the index or
 * the attachments is checked again before anything is charged. Renaming, publishing, cancelling
 * and deleting are chat-lifecycle.ts.
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { ApiError, Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { Chat, ChatMessage, Org, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { attachmentsText, parseAttachmentsText, type Attached, type AttachmentRef, type Attachments } from './attachments.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import type { SearchHit } from './engine/search-types.js';
import type { WorkspaceIndexes } from './indexes.js';
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

/**
 * PARITY: client 96b1551 src/api/ai.rs CONVERSATION_TOO_LARGE_CODES (HTTP 409): a continued
 * workspace thread, a new workspace thread. CHOICE: a thread holds at most 128,000 AI tokens
 * (question, what was read, and answer, summed over its messages), in both dialects.
 */
export const THREAD_TOKEN_LIMIT = 128_000;
export const TOO_LARGE_CONTINUE = 168_116;
export const TOO_LARGE_NEW_THREAD = 153_795;

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

export function visibleTo(chat: Chat, viewer: User | undefined): boolean {
  // April chats have no privacy: every member sees them.
  return viewer === undefined || (chat.privacy ?? 'public') === 'public' || chat.userId === viewer.id;
}

export class Chats {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'access' | 'ids' | 'now' | 'audit' | 'plans' | 'ledger'>,
    private readonly indexes: WorkspaceIndexes,
    private readonly scopes: ScopeResolver,
    private readonly attachments: Attachments,
  ) {}

  /** PARITY: the agent plan lacks `ai_agent`: creating a chat answers 402/1695 (API notes "Intelligence"). */
  private assertChatAllowed(org: Org): void {
    if (!this.d.plans.get(org.plan)?.features.includes('ai_agent')) throw Errors.upgradeRequired('AI chat (the ai_agent feature)');
  }

  private assertRagAvailable(ws: Workspace, field: string): void {
    if (!ws.intelligence) {
      throw Errors.invalidField(field, 'A scoped chat searches the workspace index: turn intelligence on for this workspace, or attach the files instead.');
    }
  }

  private async answer(ws: Workspace, type: Chat['type'], question: string, scopes: Scopes, personality: Personality, attached: Attached[]): Promise<Answer> {
    if (attached.length > 0) return this.attachments.answer(question, attached);
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

  async createChat(user: User, scope: WorkspaceScope, input: ChatRequest): Promise<{ chat: Chat; message: ChatMessage }> {
    const ws = scope.workspace;
    this.assertChatAllowed(scope.org);
    this.assertOneMode(input);
    const attached = this.attachments.resolve(scope, input.attach ?? []);
    const scoped = Boolean(input.files_scope || input.folders_scope);
    // PARITY: a `chat` with a scope is promoted to `chat_with_files` (agent guide v1.29 "Chat
    // Types"). CHOICE: without a type (V2), the whole workspace is the scope when intelligence is on.
    const type: Chat['type'] = scoped ? 'chat_with_files' : attached.length > 0 ? 'chat' : (input.type ?? (ws.intelligence ? 'chat_with_files' : 'chat'));
    const ragField = input.type === undefined ? 'references' : 'type';
    if (type === 'chat_with_files') this.assertRagAvailable(ws, ragField);
    const scopes = this.scopes.resolve(scope, input.files_scope, input.folders_scope);
    const personality = input.personality ?? 'detailed';
    const chatId = this.d.ids.opaqueId(OpaqueType.aiJob);
    const answer = await this.answer(ws, type, input.question, scopes, personality, attached);
    this.assertFits(0, answer, TOO_LARGE_NEW_THREAD);
    // The answer may have waited for the index (documents read again after a restart or an
    // import): what was checked before the await is checked again before anything is charged.
    const current = this.d.access.recheck({ user }, scope);
    this.assertChatAllowed(current.org);
    if (type === 'chat_with_files') this.assertRagAvailable(current.workspace, ragField);
    this.attachments.resolve(current, input.attach ?? []);
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
      ...(input.privacy ? { privacy: input.privacy } : {}),
      ...(input.kind ? { kind: input.kind } : {}),
      ...(attached.length > 0 ? { attachments: attachmentsText(attached) } : {}),
      created: now,
      updated: now,
      deleted: null,
    });
    const message = this.insertMessage(chat, user, input, personality, answer, usage, attached);
    // The event touches `ai_chat:{id}` on the workspace (events/catalogue.ts).
    this.d.audit.record(
      AuditEvents.aiChatCreated({ orgId: scope.org.id, workspaceId: ws.id }, user.id, chat.id, {
        type,
        message_id: message.id,
        tokens: usage.tokens,
        citations: message.citations.length,
        ...(attached.length > 0 ? { attachments: attached.length } : {}),
      }),
    );
    return { chat, message };
  }

  /**
   * A live chat of this workspace. PARITY: CHOICE, another workspace's chat, or (with a viewer)
   * another member's private chat, is as good as absent (404/1609).
   */
  chat(scope: WorkspaceScope, chatId: string, opts: ChatViewer & { deleted?: boolean } = {}): Chat {
    const chat = this.d.db.chats.get(chatId);
    // A share's chat is the share's (share-chat.ts), never one of its workspace's.
    const foreign = !chat || chat.workspaceId !== scope.workspace.id || chat.shareId !== undefined;
    if (foreign || (chat.deleted !== null && !opts.deleted) || !visibleTo(chat, opts.viewer)) throw Errors.notFound('chat');
    return chat;
  }

  message(scope: WorkspaceScope, chatId: string, messageId: string, opts: ChatViewer = {}): ChatMessage {
    const chat = this.chat(scope, chatId, opts);
    const message = this.d.db.chatMessages.get(messageId);
    if (!message || message.chatId !== chat.id) throw Errors.notFound('message');
    return message;
  }

  async addMessage(user: User, scope: WorkspaceScope, chatId: string, input: MessageRequest, opts: ChatViewer = {}): Promise<ChatMessage> {
    const ws = scope.workspace;
    const chat = this.chat(scope, chatId, opts);
    this.assertChatAllowed(scope.org);
    this.assertOneMode(input);
    // A message's own scope or attachments win; otherwise the chat's, whose files may since have gone (skipped).
    const own = input.files_scope !== undefined || input.folders_scope !== undefined || input.attach !== undefined;
    const attached = own ? this.attachments.resolve(scope, input.attach ?? []) : this.attachments.resolve(scope, parseAttachmentsText(chat.attachments), true);
    const ownScope = input.files_scope !== undefined || input.folders_scope !== undefined;
    const type: Chat['type'] = ownScope ? 'chat_with_files' : chat.type;
    if (type === 'chat_with_files' && attached.length === 0) this.assertRagAvailable(ws, ownScope ? 'references' : 'type');
    const scopes = own
      ? this.scopes.resolve(scope, input.files_scope, input.folders_scope)
      : this.scopes.resolve(scope, chat.filesScope ?? undefined, chat.foldersScope ?? undefined, true);
    const personality = input.personality ?? chat.personality;
    const answer = await this.answer(ws, type, input.question, scopes, personality, attached);
    const used = this.d.db.chatMessages.find('chat', chat.id).reduce((sum, m) => sum + m.tokens, 0);
    this.assertFits(used, answer, TOO_LARGE_CONTINUE);
    // Checked again after the await (see createChat), the chat included.
    const current = this.d.access.recheck({ user }, scope);
    this.chat(current, chat.id, opts);
    this.assertChatAllowed(current.org);
    if (type === 'chat_with_files' && attached.length === 0) this.assertRagAvailable(current.workspace, ownScope ? 'references' : 'type');
    const usage = this.chargeTokens(current.org, answer, current.workspace, chat.id, user.id);
    const message = this.insertMessage(chat, user, input, personality, answer, usage, attached);
    this.d.db.chats.update(chat.id, { updated: message.created });
    this.d.audit.record(
      AuditEvents.aiChatNewMessage({ orgId: scope.org.id, workspaceId: ws.id }, user.id, chat.id, {
        message_id: message.id,
        tokens: usage.tokens,
        citations: message.citations.length,
        ...(attached.length > 0 ? { attachments: attached.length } : {}),
      }),
    );
    return message;
  }

  /**
   * The workspace's chats, newest first. PARITY: CHOICE. Without a viewer (April) every member
   * sees every chat; with one (V2), the viewer's own and the public ones. `kind` filters (absent
   * on a chat = `user`); `deleted` lists the soft-deleted ones instead.
   */
  chats(scope: WorkspaceScope, opts: ChatViewer & { kind?: 'user' | 'agent' | 'all'; deleted?: boolean } = {}): Chat[] {
    const kind = opts.kind ?? 'all';
    return this.d.db.chats
      .find('workspace', scope.workspace.id)
      .filter(
        (c) =>
          c.shareId === undefined &&
          (opts.deleted ? c.deleted !== null : c.deleted === null) &&
          visibleTo(c, opts.viewer) &&
          (kind === 'all' || (c.kind ?? 'user') === kind),
      )
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
  }

  messages(scope: WorkspaceScope, chatId: string, opts: ChatViewer = {}): ChatMessage[] {
    const chat = this.chat(scope, chatId, opts);
    return this.d.db.chatMessages.find('chat', chat.id);
  }

  messageCount(chatId: string): number {
    return this.d.db.chatMessages.count('chat', chatId);
  }
}
