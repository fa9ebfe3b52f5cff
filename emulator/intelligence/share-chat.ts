/**
 * AI chat in a share (issue 17 item 4): the same local answers as workspace chat (chat.ts), read
 * from the workspace's index restricted to the files the share holds (share-scope.ts), so an
 * answer never cites a file outside the share. One implementation serves both dialects' share
 * routes (V2 `/share/{id}/ai/agent/`, April `/share/{id}/ai/chat/`), share-chat-routes.ts.
 *
 * PARITY: client 96b1551 src/api/ai.rs: share chats are always private and reject `privacy` and
 * `kind` (ChatCreateOptions); a share thread too large answers 409 with the share codes 148135
 * (continue) and 144657 (new thread) (CONVERSATION_TOO_LARGE_CODES). CHOICE: AI tokens are charged
 * to the share's org as for workspace chat (1 credit per 100 tokens, the one ledger, with the
 * share's id); a chat is its creator's alone, in both dialects (share members are each other's
 * outsiders), so another member's chat answers 404/1609 like an unknown one.
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { ApiError, Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { Chat, ChatMessage, LedgerEntry, Org, User } from '../store/model.js';
import type { ShareScope } from '../shares/access.js';
import { AuditEvents } from '../events/catalogue.js';
import { attachmentsText, parseAttachmentsText, type Attached, type AttachmentRef, type Attachments } from './attachments.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import type { SearchHit } from './engine/search-types.js';
import type { WorkspaceIndexes } from './indexes.js';
import type { ScopeResolver } from './scopes.js';
import type { IntelligenceDeps } from './service.js';
import { CHAT_CONTEXT_PASSAGES, THREAD_TOKEN_LIMIT, type Personality } from './chat.js';
import { TRANSACTIONS_SHOWN } from './chat-lifecycle.js';
import { assertHeld, shareContents, shareFolderScope, shareWorkspaceScope } from './share-scope.js';

export const SHARE_TOO_LARGE_CONTINUE = 148_135;
export const SHARE_TOO_LARGE_NEW_THREAD = 144_657;

/** PARITY: CHOICE. What a share chat answers when there is nothing to read it from. */
export const SHARE_GENERAL_ANSWER = "The emulator answers only from the files of this share. Ask again once the share's workspace has intelligence on.";

/** A share chat request in either dialect. */
export interface ShareChatRequest {
  question: string;
  type?: Chat['type'] | undefined;
  personality?: Personality | undefined;
  name?: string | undefined;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
  attach?: readonly AttachmentRef[] | undefined;
}

/** Who asks, in which share, and how to ask the share's access again after an await. */
export interface ShareAsker {
  user: User;
  scope: ShareScope;
  recheck: () => ShareScope;
}

export class ShareChats {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'ids' | 'now' | 'audit' | 'plans' | 'ledger'>,
    private readonly indexes: WorkspaceIndexes,
    private readonly scopes: ScopeResolver,
    private readonly attachments: Attachments,
  ) {}

  private assertChatAllowed(org: Org): void {
    if (!this.d.plans.get(org.plan)?.features.includes('ai_agent')) throw Errors.upgradeRequired('AI chat (the ai_agent feature)');
  }

  /**
   * The files this request may read: the share's, or the part of them its references name.
   * `lenient` (a chat's stored references) drops what the share no longer holds.
   */
  readable(sc: ShareScope, files: string | undefined, folders: string | undefined, lenient = false): ReadonlySet<string> {
    const held = shareContents(this.d.db, sc.share);
    if (!files?.trim() && !folders?.trim()) return held.files;
    const foldersRaw = shareFolderScope(folders, held);
    const scopes = this.scopes.resolve(shareWorkspaceScope(sc), files, foldersRaw, lenient);
    if (!lenient) {
      assertHeld(files, held.files);
      assertHeld(foldersRaw, held.folders);
    }
    const out = new Set<string>();
    for (const id of scopes.fileScope?.keys() ?? []) if (held.files.has(id)) out.add(id);
    for (const id of scopes.folderScope ?? []) if (held.files.has(id)) out.add(id);
    return out;
  }

  private attached(sc: ShareScope, refs: readonly AttachmentRef[], lenient: boolean): Attached[] {
    const held = shareContents(this.d.db, sc.share);
    const list = this.attachments.resolve(shareWorkspaceScope(sc), refs, lenient);
    if (!lenient && list.some((a) => !held.files.has(a.node.id))) throw Errors.notShared();
    return list.filter((a) => held.files.has(a.node.id));
  }

  private async answer(sc: ShareScope, type: Chat['type'], question: string, readable: ReadonlySet<string>, personality: Personality, attached: Attached[]) {
    if (attached.length > 0) return this.attachments.answer(question, attached);
    if (type === 'chat' || !sc.workspace.intelligence) {
      return { text: SHARE_GENERAL_ANSWER, citations: [], promptTokens: countTokens(question), completionTokens: countTokens(SHARE_GENERAL_ANSWER) };
    }
    const index = await this.indexes.complete(sc.workspace.id);
    // The share's files and nothing else: an empty set reads nothing.
    const { hits } = index.search(question, { limit: CHAT_CONTEXT_PASSAGES, groupBy: 'passage', folderScope: readable });
    return buildAnswer(question, hits as SearchHit[], { personality });
  }

  private assertFits(used: number, answer: Answer, code: number): void {
    if (used + answer.promptTokens + answer.completionTokens > THREAD_TOKEN_LIMIT) {
      throw new ApiError(409, code, `This conversation is too large to continue (over ${THREAD_TOKEN_LIMIT} tokens). Start a new chat.`);
    }
  }

  private charge(sc: ShareScope, answer: Answer, chatId: string, userId: string): { tokens: number; credits: number } {
    const tokens = answer.promptTokens + answer.completionTokens;
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(sc.org, { kind: 'ai_tokens', units: tokens, credits, workspaceId: sc.workspace.id, shareId: sc.share.id, objectId: chatId, userId });
    return { tokens, credits };
  }

  private insertMessage(
    chat: Chat,
    user: User,
    question: string,
    personality: Personality,
    answer: Answer,
    usage: { tokens: number; credits: number },
    attached: Attached[],
  ) {
    const now = this.d.now();
    return this.d.db.chatMessages.insert({
      id: this.d.ids.opaqueId(OpaqueType.aiJob),
      chatId: chat.id,
      workspaceId: chat.workspaceId,
      userId: user.id,
      question,
      personality,
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

  private assertOneMode(input: Pick<ShareChatRequest, 'attach' | 'files_scope' | 'folders_scope'>): void {
    if (input.attach?.length && (input.files_scope || input.folders_scope)) {
      throw Errors.invalidField('subjects', 'Attachments (subjects) and a scope (references) cannot be sent together.');
    }
  }

  async createChat(asker: ShareAsker, input: ShareChatRequest): Promise<{ chat: Chat; message: ChatMessage }> {
    const { user, scope: sc } = asker;
    this.assertChatAllowed(sc.org);
    this.assertOneMode(input);
    const attached = this.attached(sc, input.attach ?? [], false);
    const scoped = Boolean(input.files_scope || input.folders_scope);
    const type: Chat['type'] = scoped ? 'chat_with_files' : attached.length > 0 ? 'chat' : (input.type ?? 'chat_with_files');
    if (scoped && !sc.workspace.intelligence) {
      throw Errors.invalidField(
        input.type === undefined ? 'references' : 'type',
        "A scoped chat searches the index: turn intelligence on for the share's workspace.",
      );
    }
    const readable = this.readable(sc, input.files_scope, input.folders_scope, false);
    const personality = input.personality ?? 'detailed';
    const chatId = this.d.ids.opaqueId(OpaqueType.aiJob);
    const answer = await this.answer(sc, type, input.question, readable, personality, attached);
    this.assertFits(0, answer, SHARE_TOO_LARGE_NEW_THREAD);
    // The answer may have waited for the index: the share is asked again before anything is charged.
    const current = asker.recheck();
    this.assertChatAllowed(current.org);
    const usage = this.charge(current, answer, chatId, user.id);
    const now = this.d.now();
    const chat = this.d.db.chats.insert({
      id: chatId,
      workspaceId: sc.workspace.id,
      orgId: current.org.id,
      userId: user.id,
      shareId: sc.share.id,
      type,
      personality,
      name: input.name ?? (input.question.length > 100 ? `${input.question.slice(0, 99)}…` : input.question),
      filesScope: input.files_scope?.trim() || null,
      foldersScope: input.folders_scope?.trim() || null,
      privacy: 'private',
      ...(attached.length > 0 ? { attachments: attachmentsText(attached) } : {}),
      created: now,
      updated: now,
      deleted: null,
    });
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage, attached);
    this.d.audit.record(
      AuditEvents.shareAiChatCreated(sc.share, user.id, chat.id, { type, message_id: message.id, tokens: usage.tokens, citations: message.citations.length }),
    );
    return { chat, message };
  }

  /** A live chat of this share, the caller's own (else 404/1609); `deleted` finds soft-deleted ones too. */
  chat(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string, opts: { deleted?: boolean } = {}): Chat {
    const chat = this.d.db.chats.get(chatId);
    if (!chat || chat.shareId !== asker.scope.share.id || chat.userId !== asker.user.id || (chat.deleted !== null && !opts.deleted))
      throw Errors.notFound('chat');
    return chat;
  }

  async addMessage(asker: ShareAsker, chatId: string, input: Omit<ShareChatRequest, 'name' | 'type'>): Promise<ChatMessage> {
    const { user, scope: sc } = asker;
    const chat = this.chat(asker, chatId);
    this.assertChatAllowed(sc.org);
    this.assertOneMode(input);
    const own = input.files_scope !== undefined || input.folders_scope !== undefined || input.attach !== undefined;
    const attached = own ? this.attached(sc, input.attach ?? [], false) : this.attached(sc, parseAttachmentsText(chat.attachments), true);
    const ownScope = input.files_scope !== undefined || input.folders_scope !== undefined;
    const type: Chat['type'] = ownScope ? 'chat_with_files' : chat.type;
    const readable = own
      ? this.readable(sc, input.files_scope, input.folders_scope, false)
      : this.readable(sc, chat.filesScope ?? undefined, chat.foldersScope ?? undefined, true);
    const personality = input.personality ?? chat.personality;
    const answer = await this.answer(sc, type, input.question, readable, personality, attached);
    const used = this.d.db.chatMessages.find('chat', chat.id).reduce((sum, m) => sum + m.tokens, 0);
    this.assertFits(used, answer, SHARE_TOO_LARGE_CONTINUE);
    const current = asker.recheck();
    this.chat({ user, scope: current }, chat.id);
    this.assertChatAllowed(current.org);
    const usage = this.charge(current, answer, chat.id, user.id);
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage, attached);
    this.d.db.chats.update(chat.id, { updated: message.created });
    this.d.audit.record(
      AuditEvents.shareAiChatNewMessage(sc.share, user.id, chat.id, { message_id: message.id, tokens: usage.tokens, citations: message.citations.length }),
    );
    return message;
  }

  /** The caller's chats in this share, newest first (or its soft-deleted ones). */
  chats(asker: Pick<ShareAsker, 'user' | 'scope'>, opts: { deleted?: boolean } = {}): Chat[] {
    return this.d.db.chats
      .find('workspace', asker.scope.workspace.id)
      .filter((c) => c.shareId === asker.scope.share.id && c.userId === asker.user.id && (opts.deleted ? c.deleted !== null : c.deleted === null))
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
  }

  messages(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string): ChatMessage[] {
    return this.d.db.chatMessages.find('chat', this.chat(asker, chatId).id);
  }

  message(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string, messageId: string): { message: ChatMessage; seq: number } {
    const all = this.messages(asker, chatId);
    const seq = all.findIndex((m) => m.id === messageId) + 1;
    if (seq === 0) throw Errors.notFound('message');
    return { message: all[seq - 1]!, seq };
  }

  rename(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string, name: string): Chat {
    const chat = this.chat(asker, chatId);
    const updated = this.d.db.chats.update(chat.id, { name, updated: this.d.now() });
    this.d.audit.record(AuditEvents.shareAiChatUpdated(asker.scope.share, asker.user.id, chat.id, { name }));
    return updated;
  }

  /** A chat of a share that is not soft-deleted, for cancel: `deleted` says which refusal to give. */
  cancel(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string): { chat: Chat; deleted: boolean } {
    const chat = this.chat(asker, chatId, { deleted: true });
    return { chat, deleted: chat.deleted !== null };
  }

  deleteChat(asker: Pick<ShareAsker, 'user' | 'scope'>, chatId: string): void {
    const chat = this.chat(asker, chatId);
    const now = this.d.now();
    this.d.db.chats.update(chat.id, { deleted: now, updated: now });
    this.d.audit.record(AuditEvents.shareAiChatDeleted(asker.scope.share, asker.user.id, chat.id));
  }

  /** The share's AI token charges, newest first, at most 40 (the ledger's entries with the share's id). */
  transactions(sc: ShareScope): LedgerEntry[] {
    return this.d.ledger
      .entries(sc.org.id)
      .filter((e) => e.kind === 'ai_tokens' && e.shareId === sc.share.id)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
      .slice(0, TRANSACTIONS_SHOWN);
  }
}
