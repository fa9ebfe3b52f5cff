/**
 * The emulator's control plane as contract tests use it (emulator targets only; the live target
 * has none, and tests that need it are marked emulator-only).
 */
import type { ApiClient } from './client.js';

export interface MailboxMessage {
  id: string;
  to: string;
  subject: string;
  kind: string;
  code: string | null;
}

export class Control {
  constructor(private readonly api: ApiClient) {}

  async advanceClock(seconds: number): Promise<string> {
    const r = await this.api.post('/_emulator/clock/advance', { seconds }, { token: null });
    if (r.status !== 200) throw new Error(`clock advance failed: ${r.text}`);
    return (r.body as { now: string }).now;
  }

  async mailbox(to: string): Promise<MailboxMessage[]> {
    const r = await this.api.get('/_emulator/mailbox/', { query: { to }, token: null });
    return (r.body as { messages: MailboxMessage[] }).messages;
  }

  async reset(): Promise<void> {
    const r = await this.api.post('/_emulator/reset', {}, { token: null });
    if (r.status !== 200) throw new Error(`reset failed: ${r.text}`);
  }
}
