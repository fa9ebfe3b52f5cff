/**
 * What happens to a chat after its messages: renaming, publishing, cancelling, soft deletion, and
 * the workspace's AI token transactions. Same service behind both dialects' routes.
 */
import { Errors } from '../http/errors.js';
import type { Chat, LedgerEntry, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Chats, ChatViewer } from './chat.js';
import type { IntelligenceDeps } from './service.js';

/** PARITY: client 96b1551 src/api/ai.rs:491-497 `transactions`: "up to 40 most-recent transactions". */
export const TRANSACTIONS_SHOWN = 40;

/** PARITY: client 96b1551 commands/ai.rs HINT_PUBLISH_DISABLED (403): publishing is off platform-wide. */
export const PUBLISH_DISABLED =
  'Publishing chats publicly is currently disabled. Chats published before this change remain public; new chats cannot be made public.';

export type CancelOutcome = { kind: 'nothing-pending'; chat: Chat } | { kind: 'deleted'; chat: Chat };

export class ChatLifecycle {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'now' | 'audit' | 'ledger'>,
    private readonly chats: Chats,
  ) {}

  /** PARITY: CHOICE. The chat's creator, or a workspace admin or owner, changes or deletes it. */
  private assertManages(user: User, scope: WorkspaceScope, chat: Chat, what: string): void {
    if (chat.userId !== user.id && scope.role !== 'owner' && scope.role !== 'admin')
      throw Errors.accessDenied(`Only the chat's creator or a workspace admin ${what} a chat.`);
  }

  /** PARITY: client ai.rs:545-551: `name` only; `kind` is immutable (ignored). */
  rename(user: User, scope: WorkspaceScope, chatId: string, name: string, opts: ChatViewer = {}): Chat {
    const chat = this.chats.chat(scope, chatId, opts);
    this.assertManages(user, scope, chat, 'renames');
    const updated = this.d.db.chats.update(chat.id, { name, updated: this.d.now() });
    this.d.audit.record(AuditEvents.aiChatUpdated({ orgId: scope.org.id, workspaceId: scope.workspace.id }, user.id, chat.id, { name }));
    return updated;
  }

  /**
   * PARITY: publishing a private chat answers 403, disabled platform-wide (client commands/ai.rs
   * map_publish_error). CHOICE: a chat that is already public answers it unchanged; 403/1680.
   */
  publish(user: User, scope: WorkspaceScope, chatId: string, opts: ChatViewer = {}): Chat {
    const chat = this.chats.chat(scope, chatId, opts);
    this.assertManages(user, scope, chat, 'publishes');
    if ((chat.privacy ?? 'public') !== 'public') throw Errors.accessDenied(PUBLISH_DISABLED);
    return chat;
  }

  /**
   * PARITY: client ai.rs:300-336: cancel is idempotent: with no message in progress it answers
   * `no_pending_message: true`. Messages here are complete when their request returns, so there
   * is never one to cancel. CHOICE: a soft-deleted chat is the refusal (the flat 406).
   */
  cancel(scope: WorkspaceScope, chatId: string, opts: ChatViewer = {}): CancelOutcome {
    const chat = this.chats.chat(scope, chatId, { ...opts, deleted: true });
    return chat.deleted !== null ? { kind: 'deleted', chat } : { kind: 'nothing-pending', chat };
  }

  deleteChat(user: User, scope: WorkspaceScope, chatId: string, opts: ChatViewer = {}): void {
    const chat = this.chats.chat(scope, chatId, opts);
    this.assertManages(user, scope, chat, 'deletes');
    const now = this.d.now();
    this.d.db.chats.update(chat.id, { deleted: now, updated: now });
    this.d.audit.record(AuditEvents.aiChatDeleted({ orgId: scope.org.id, workspaceId: scope.workspace.id }, user.id, chat.id));
  }

  /** The workspace's AI token charges, newest first, at most 40 (the ledger's own entries). */
  transactions(scope: WorkspaceScope): LedgerEntry[] {
    return this.d.ledger
      .entries(scope.org.id)
      .filter((e) => e.kind === 'ai_tokens' && e.workspaceId === scope.workspace.id)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1))
      .slice(0, TRANSACTIONS_SHOWN);
  }
}
