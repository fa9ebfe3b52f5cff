/**
 * What happens to a chat after its messages: renaming, publishing, cancelling, soft deletion, and
 * the AI token transactions. Written once for a workspace's chats and a share's (chat-scope.ts
 * says who manages a chat and which events are recorded); the same service behind both dialects.
 */
import { Errors } from '../http/errors.js';
import type { Chat, LedgerEntry, User } from '../store/model.js';
import type { IntelligenceDeps } from './service.js';
import type { Chats } from './chat.js';
import type { ChatScope } from './chat-scope.js';
import { newestFirst } from '../store/order.js';

/** PARITY: client 96b1551 src/api/ai.rs:491-497 `transactions`: "up to 40 most-recent transactions". */
export const TRANSACTIONS_SHOWN = 40;

/** PARITY: client 96b1551 commands/ai.rs HINT_PUBLISH_DISABLED (403): publishing is off platform-wide. */
export const PUBLISH_DISABLED =
  'Publishing chats publicly is currently disabled. Chats published before this change remain public; new chats cannot be made public.';

export type CancelOutcome = { kind: 'nothing-pending'; chat: Chat } | { kind: 'deleted'; chat: Chat };

export class ChatLifecycle {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'now' | 'ledger'>,
    private readonly chats: Chats,
  ) {}

  /** PARITY: client ai.rs:545-551: `name` only; `kind` is immutable (ignored). Records ai_chat_updated. */
  rename(cs: ChatScope, user: User, chatId: string, name: string): Chat {
    const chat = this.chats.chat(cs, chatId);
    cs.assertManages(user, chat, 'renames');
    const updated = this.d.db.chats.update(chat.id, { name, updated: this.d.now() });
    cs.recordUpdated(user, chat.id, { name });
    return updated;
  }

  /**
   * PARITY: publishing a private chat answers 403, disabled platform-wide (client commands/ai.rs
   * map_publish_error). CHOICE: a chat that is already public answers it unchanged; 403/1680.
   * (A share chat is always private.)
   */
  publish(cs: ChatScope, user: User, chatId: string): Chat {
    const chat = this.chats.chat(cs, chatId);
    cs.assertManages(user, chat, 'publishes');
    if ((chat.privacy ?? 'public') !== 'public') throw Errors.accessDenied(PUBLISH_DISABLED);
    return chat;
  }

  /**
   * PARITY: client ai.rs:300-336: cancel is idempotent: with no message in progress it answers
   * `no_pending_message: true`. Messages here are complete when their request returns, so there
   * is never one to cancel. CHOICE: a soft-deleted chat is the refusal (the flat 406).
   */
  cancel(cs: ChatScope, chatId: string): CancelOutcome {
    const chat = this.chats.chat(cs, chatId, { deleted: true });
    return chat.deleted !== null ? { kind: 'deleted', chat } : { kind: 'nothing-pending', chat };
  }

  /** Soft deletion (listed by list/deleted); records ai_chat_deleted. */
  deleteChat(cs: ChatScope, user: User, chatId: string): void {
    const chat = this.chats.chat(cs, chatId);
    cs.assertManages(user, chat, 'deletes');
    const now = this.d.now();
    this.d.db.chats.update(chat.id, { deleted: now, updated: now });
    cs.recordDeleted(user, chat.id);
  }

  /** The place's AI token charges, newest first, at most 40 (the ledger's own entries). */
  transactions(cs: Pick<ChatScope, 'org' | 'ownsCharge'>): LedgerEntry[] {
    return newestFirst(this.d.ledger.entries(cs.org.id).filter((e) => e.kind === 'ai_tokens' && cs.ownsCharge(e))).slice(0, TRANSACTIONS_SHOWN);
  }
}
