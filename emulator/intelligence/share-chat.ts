/**
 * AI chat in a share (issue 17 item 4): the same chats as a workspace's (chat.ts,
 * chat-lifecycle.ts), over a share's chat scope (chat-scope.ts): answers read the workspace's index
 * restricted to the files the share holds (share-scope.ts), so an answer never cites a file outside
 * the share. This file holds what only a share has: the asker a share route builds, and the
 * share's AI token transactions as share-ai-routes.ts lists them.
 *
 * PARITY: client 96b1551 src/api/ai.rs: share chats are always private and reject `privacy` and
 * `kind` (ChatCreateOptions); a share thread too large answers 409 with the share codes 148135
 * (continue) and 144657 (new thread) (CONVERSATION_TOO_LARGE_CODES). CHOICE: AI tokens are charged
 * to the share's org as for workspace chat (1 credit per 100 tokens, the one ledger, with the
 * share's id).
 */
import { callerOf, type RequestContext } from '../http/context.js';
import type { Emulator } from '../emulator.js';
import type { LedgerEntry } from '../store/model.js';
import type { ShareAction, ShareScope } from '../shares/access.js';
import type { ChatLifecycle } from './chat-lifecycle.js';
import { shareLedger, type ShareAsker } from './chat-scope.js';

export { SHARE_GENERAL_ANSWER, SHARE_TOO_LARGE_CONTINUE, SHARE_TOO_LARGE_NEW_THREAD, type ShareAsker } from './chat-scope.js';

/** The caller in the share, for an action; `recheck` asks the share again after an await. */
export function shareAsker(ctx: RequestContext, emu: Emulator, shareId: string, action: ShareAction = 'share.storage.read'): ShareAsker {
  const caller = callerOf(ctx);
  return { user: caller.user, scope: emu.shares.access.scope(caller, shareId, action), recheck: () => emu.shares.access.scope(caller, shareId, action) };
}

export class ShareChats {
  constructor(private readonly lifecycle: ChatLifecycle) {}

  /** The share's AI token charges, newest first, at most 40 (the ledger's entries with the share's id). */
  transactions(sc: ShareScope): LedgerEntry[] {
    return this.lifecycle.transactions(shareLedger(sc));
  }
}
