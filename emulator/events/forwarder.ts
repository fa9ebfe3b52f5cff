/**
 * Event forwarding (emulator-only): `start --forward-events-to URL` POSTs every audit event as JSON
 * to URL, signed, so a product can test the "react to tenant events" and "alert on high usage"
 * advice of the multi-tenant guide against a local receiver. The live API has no webhook
 * subscription route (API notes "Events and activity"); this is the emulator's own feature.
 *
 * - Body: the event as the events search renders it.
 * - `x-fastio-emulator-signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`, plus
 *   `x-fastio-emulator-event` (name), `x-fastio-emulator-delivery` (event id) and
 *   `x-fastio-emulator-attempt` (1, 2, ...).
 * - Deliveries go one at a time, in the order the events happened. A network error, a timeout, a
 *   408, 429 or 5xx answer is retried with exponential backoff (0.5 s, 1 s, 2 s, ...); another 4xx is
 *   the receiver's refusal and is not retried. After the last attempt the event is dropped (logged).
 * - Never blocks or fails the request that caused the event: `enqueue` only appends to a bounded
 *   queue (the oldest undelivered event is dropped, and logged, when it is full).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditEvent } from '../store/model.js';
import { VERSION } from '../version.js';
import { eventJson } from './format.js';

export const SIGNATURE_HEADER = 'x-fastio-emulator-signature';

export interface ForwarderOptions {
  url: string;
  secret: string;
  log: Logger;
  /** attempts per event, the first included */
  maxAttempts?: number;
  /** the first retry waits this long; each next one twice as long */
  retryBaseMs?: number;
  maxQueue?: number;
  /** per attempt */
  timeoutMs?: number;
}

export interface ForwarderStats {
  delivered: number;
  failed: number;
  dropped: number;
  pending: number;
}

interface Delivery {
  id: string;
  event: string;
  body: string;
}

/** `sha256=<hex>` of the body: what a receiver recomputes to check a delivery. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export class EventForwarder {
  private readonly queue: Delivery[] = [];
  private pumping: Promise<void> | undefined;
  private closed = false;
  private readonly inflight = new AbortController();
  private sleeper: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private readonly stats = { delivered: 0, failed: 0, dropped: 0 };
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ForwarderOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--forward-events-to must be an http(s) URL, got ${opts.url}`);
    if (!opts.secret) throw new Error('the forwarding secret must not be empty');
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.retryBaseMs = opts.retryBaseMs ?? 500;
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  get url(): string {
    return this.opts.url;
  }

  status(): ForwarderStats {
    return { ...this.stats, pending: this.queue.length };
  }

  /** Queue an event for delivery; returns at once. */
  enqueue(event: AuditEvent): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueue) {
      const gone = this.queue.shift()!;
      this.stats.dropped++;
      this.opts.log.warn({ event: gone.event, id: gone.id, url: this.opts.url }, 'event forwarding queue full: dropped the oldest event');
    }
    this.queue.push({ id: event.id, event: event.event, body: JSON.stringify(eventJson(event)) });
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /**
   * Stop: deliveries still queued get up to `drainMs` to go out (retries are not waited for),
   * then whatever is in flight is cut off.
   */
  async close(drainMs = 1000): Promise<void> {
    this.closed = true;
    this.wake();
    const pumping = this.pumping;
    if (pumping) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pumping, new Promise<void>((r) => (timer = setTimeout(r, drainMs)))]);
      clearTimeout(timer);
    }
    this.inflight.abort();
    await pumping?.catch(() => {});
    if (this.queue.length > 0) this.opts.log.warn({ pending: this.queue.length, url: this.opts.url }, 'stopped with events not forwarded');
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const d = this.queue[0]!;
      const ok = await this.deliver(d);
      if (this.queue[0] === d) this.queue.shift();
      if (ok) this.stats.delivered++;
      else this.stats.failed++;
    }
  }

  /** Every attempt for one event; true when the receiver took it. */
  private async deliver(d: Delivery): Promise<boolean> {
    const signature = signBody(this.opts.secret, d.body);
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retry = true;
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': `fastio-emulator/${VERSION}`,
            [SIGNATURE_HEADER]: signature,
            'x-fastio-emulator-event': d.event,
            'x-fastio-emulator-delivery': d.id,
            'x-fastio-emulator-attempt': String(attempt),
          },
          body: d.body,
          signal: AbortSignal.any([this.inflight.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) return true;
        problem = `HTTP ${res.status}`;
        retry = retryable(res.status);
      } catch (err) {
        problem = (err as Error).message;
      }
      // While stopping, deliveries get one attempt each: retries would outlive the emulator.
      if (!retry || attempt >= this.maxAttempts || this.closed) {
        this.opts.log.warn({ event: d.event, id: d.id, url: this.opts.url, attempts: attempt, problem }, 'event not forwarded');
        return false;
      }
      this.opts.log.debug({ event: d.event, id: d.id, attempt, problem }, 'event forwarding failed; retrying');
      await this.sleep(this.retryBaseMs * 2 ** (attempt - 1));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeper = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleeper = { timer, wake };
    });
  }

  private wake(): void {
    this.sleeper?.wake();
  }
}
