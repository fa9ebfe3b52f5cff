import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { MailboxMessage } from '../store/model.js';
import { newestFirst } from '../store/order.js';

/**
 * The emulator's outbox. Mail never leaves the process: verification codes and invitations land
 * in the mailbox that `GET /_emulator/mailbox/` shows.
 */
export class Mailer {
  constructor(
    private readonly db: Db,
    private readonly ids: IdGenerator,
    private readonly now: () => number,
  ) {}

  send(msg: { to: string; subject: string; kind: MailboxMessage['kind']; code?: string | null; body: string }): MailboxMessage {
    return this.db.mailbox.insert({
      id: this.ids.opaqueId('a'),
      to: msg.to,
      toKey: msg.to.toLowerCase(),
      subject: msg.subject,
      kind: msg.kind,
      code: msg.code ?? null,
      body: msg.body,
      created: this.now(),
    });
  }

  /** Messages to one address (newest first), or every message. */
  list(to?: string): MailboxMessage[] {
    const rows = to ? this.db.mailbox.find('to', to.toLowerCase()) : this.db.mailbox.toArray();
    return newestFirst(rows);
  }
}
