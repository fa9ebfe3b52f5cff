import { Errors } from '../http/errors.js';

/**
 * The emulator's clock: real time plus an offset that the control plane can move forward.
 * Token expiry, billing periods, transfer-token lifetimes and event times all read `now()`, so a
 * test can advance 30 days in one call. It never moves backwards: a backwards jump would let
 * expired tokens live again and reorder the audit trail.
 */
export class Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Move forward by `seconds` (non-negative) and return the new time in ms. */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw Errors.invalidField('seconds', 'The clock only moves forward: seconds must be 0 or more.', 'number');
    this.offsetMs += Math.round(seconds * 1000);
    return this.notify();
  }

  /** Jump to an absolute time, which must not be earlier than now. */
  set(targetMs: number): number {
    if (!Number.isFinite(targetMs)) throw Errors.invalidField('now', 'Expected an ISO 8601 time.', 'string');
    const current = this.now();
    if (targetMs < current) throw Errors.invalidField('now', 'The clock only moves forward: the time given is earlier than the emulator clock.', 'string');
    this.offsetMs += targetMs - current;
    return this.notify();
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Restore a saved offset (persistence). Keeps the clock monotonic: never reduces the offset. */
  restoreOffset(offsetMs: number): void {
    if (Number.isFinite(offsetMs) && offsetMs > this.offsetMs) this.offsetMs = offsetMs;
  }

  /** Called after every jump, so work scheduled on the emulator clock can run. */
  onAdvance(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): number {
    const now = this.now();
    for (const l of this.listeners) l(now);
    return now;
  }
}
