import { Listeners, type Observable } from '../listeners.js';

/**
 * The emulator's clock: real time plus an offset that the control plane can move forward.
 * Token expiry, billing periods, transfer-token lifetimes and event times all read `now()`, so a
 * test can advance 30 days in one call. It never moves backwards: a backwards jump would let
 * expired tokens live again and reorder the audit trail.
 *
 * A backwards move is a caller's mistake, refused with a RangeError: the routes that move the
 * clock validate their input first and answer the API error naming the field.
 */
export class Clock {
  private offsetMs = 0;
  private readonly jumps = new Listeners<[now: number]>();
  /** Every jump, so work scheduled on the emulator clock can run. */
  readonly advanced: Observable<[now: number]> = this.jumps;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Move forward by `seconds` (non-negative) and return the new time in ms. */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`The clock only moves forward: cannot advance by ${seconds} s.`);
    this.offsetMs += Math.round(seconds * 1000);
    return this.notify();
  }

  /** Jump to an absolute time, which must not be earlier than now. */
  set(targetMs: number): number {
    const current = this.now();
    if (!Number.isFinite(targetMs) || targetMs < current) throw new RangeError(`The clock only moves forward: cannot set it to ${targetMs} (now ${current}).`);
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

  /**
   * Back to real time, for a reset: with the state emptied no token, period or event is left that
   * an earlier time could bring back, so a reset emulator starts as a new one does.
   */
  resetOffset(): void {
    this.offsetMs = 0;
  }

  private notify(): number {
    const now = this.now();
    this.jumps.emit(now);
    return now;
  }
}
