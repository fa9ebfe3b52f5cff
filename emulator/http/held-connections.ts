import type { Caller } from './context.js';
import { Errors } from './errors.js';

export type HeldKind = 'long-poll' | 'websocket';

const WHAT: Record<HeldKind, string> = { 'long-poll': 'long-polls', websocket: 'WebSockets' };

/**
 * Connections a credential holds open: long-polls and WebSockets. Each is cheap alone, but without
 * a bound one token could hold thousands (sockets, timers, listeners) and starve everyone else.
 * Counted per credential (an API key, or a JWT's session), so one agent's keys do not share a
 * budget and another tenant never spends it.
 * PARITY: CHOICE, the live limits are not published; past the limit the live 429 envelope.
 */
export class HeldConnections {
  private readonly held = new Map<string, number>();

  constructor(private readonly limits: Readonly<Record<HeldKind, number>>) {}

  /** Take a slot or throw 429; the returned function gives it back (calling it twice is harmless). */
  acquire(kind: HeldKind, caller: Caller): () => void {
    const key = `${kind}:${caller.credential.kind === 'jwt' ? caller.credential.sessionId : caller.credential.keyId}`;
    const count = this.held.get(key) ?? 0;
    if (count >= this.limits[kind]) throw Errors.tooManyHeld(WHAT[kind], this.limits[kind]);
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left <= 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }

  /** Run `work` holding a slot (429 without running it when none is free). */
  async hold<T>(kind: HeldKind, caller: Caller, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(kind, caller);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Slots in use (all credentials): tests check that finished requests give theirs back. */
  get size(): number {
    let n = 0;
    for (const v of this.held.values()) n += v;
    return n;
  }
}
