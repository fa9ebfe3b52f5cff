/**
 * Fixed-window request budgets, counted on the emulator clock.
 * PARITY: every live response carries `x-ve-limit-avail`, `x-ve-limit-max` and
 * `x-ve-limit-expires` (epoch seconds), and an exhausted budget answers 429
 * (MediaFire/fastio_cli src/client.rs `check_rate_limit`). The budget numbers are CHOICE.
 */
export interface LimitState {
  max: number;
  avail: number;
  /** epoch seconds when the window ends */
  expires: number;
  limited: boolean;
}

interface Window {
  start: number;
  count: number;
}

export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();
  private sweepAt = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Count one request for `key` at `now` and say whether it is within the budget. */
  hit(key: string, now: number): LimitState {
    const w = this.current(key, now);
    const limited = w.count >= this.max;
    if (!limited) w.count++;
    return this.describe(w, limited);
  }

  /** The state of `key`'s window without counting a request. */
  peek(key: string, now: number): LimitState {
    const w = this.current(key, now);
    return this.describe(w, w.count >= this.max);
  }

  clear(): void {
    this.windows.clear();
  }

  private current(key: string, now: number): Window {
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    this.sweep(now);
    return w;
  }

  private describe(w: Window, limited: boolean): LimitState {
    return { max: this.max, avail: Math.max(0, this.max - w.count), expires: Math.ceil((w.start + this.windowMs) / 1000), limited };
  }

  /** Drop finished windows now and then so idle keys do not pile up. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + this.windowMs;
    for (const [k, w] of this.windows) if (now >= w.start + this.windowMs) this.windows.delete(k);
  }
}

/**
 * Several windows at once for one key (for example 5 per 3 s, 15 per 30 s, 120 per 10 min).
 * A request is refused when any window is spent (and then counts in none); the headers describe
 * the window that refused it, or else the one with the least left.
 */
export class MultiWindowLimiter {
  private readonly limiters: FixedWindowLimiter[];

  constructor(windows: { max: number; seconds: number }[]) {
    this.limiters = windows.map((w) => new FixedWindowLimiter(w.max, w.seconds * 1000));
  }

  hit(key: string, now: number): LimitState {
    const refusing = this.limiters.map((l) => l.peek(key, now)).find((s) => s.limited);
    if (refusing) return refusing;
    const states = this.limiters.map((l) => l.hit(key, now));
    return states.reduce((a, b) => (b.avail < a.avail ? b : a));
  }

  clear(): void {
    for (const l of this.limiters) l.clear();
  }
}
