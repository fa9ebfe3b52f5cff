/**
 * Stage 4 (the per-credential budget) and 6b (a route's own per-user budget). The limiters are in
 * rate-limit.ts; this file decides which budget a request counts against.
 */
import type { Request } from 'express';
import type { EmulatorConfig } from '../config.js';
import type { Clock } from '../store/clock.js';
import { Errors } from './errors.js';
import { FixedWindowLimiter, MultiWindowLimiter } from './rate-limit.js';
import type { Context } from './request-context.js';
import type { AnyRoute } from './route.js';

export class RateLimits {
  private readonly limiter: FixedWindowLimiter;
  private readonly routeLimiters = new Map<string, MultiWindowLimiter>();
  // `--rate-limit off` turns off the documented per-route budgets too (benchmarks, soak runs).
  private readonly routeLimitsOff: boolean;

  constructor(
    config: Readonly<Pick<EmulatorConfig, 'rateLimit'>>,
    private readonly clock: Clock,
  ) {
    this.limiter = new FixedWindowLimiter(config.rateLimit.max, config.rateLimit.windowSeconds * 1000);
    this.routeLimitsOff = config.rateLimit.max >= Number.MAX_SAFE_INTEGER;
  }

  /** 4. The per-credential budget (by the credential the Authorization header carries, else by address). */
  perCredential(req: Request, ctx: Context, route: AnyRoute | undefined): void {
    const key = credentialKey(req.headers.authorization) ?? `ip:${req.socket.remoteAddress ?? ''}`;
    const now = this.clock.now();
    // The control plane is never limited (a test harness must always be able to reset), but it
    // shows the same headers.
    const control = route?.area === 'control';
    const state = control ? this.limiter.peek(key, now) : this.limiter.hit(key, now);
    ctx.limit = state;
    if (state.limited && !control) throw Errors.rateLimited(Math.max(1, state.expires - Math.floor(now / 1000)));
  }

  /** 6b. A route's own budget, per signed-in user (PARITY: the events search's documented limit). */
  perRoute(ctx: Context, route: AnyRoute): void {
    const spec = route.rateLimit;
    if (!spec || !ctx.caller || this.routeLimitsOff) return;
    let limiter = this.routeLimiters.get(spec.channel);
    if (!limiter) this.routeLimiters.set(spec.channel, (limiter = new MultiWindowLimiter(spec.windows)));
    const now = this.clock.now();
    const state = limiter.hit(ctx.caller.user.id, now);
    ctx.limit = state;
    if (state.limited) throw Errors.rateLimited(Math.max(1, state.expires - Math.floor(now / 1000)));
  }
}

/**
 * The credential an Authorization header carries, whatever its spelling: the scheme in any case,
 * any spacing, a Bearer token as itself, Basic credentials as their lower-cased account address
 * (every password guessed at one account counts against one budget). Undefined without one.
 */
export function credentialKey(header: string | undefined): string | undefined {
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(header ?? '');
  if (!m) return header === undefined || header.trim() === '' ? undefined : `raw:${header.trim()}`;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'basic') return `${scheme}:${m[2]!}`;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return `basic:${(colon < 0 ? decoded : decoded.slice(0, colon)).trim().toLowerCase()}`;
}
