/**
 * Share-scoped tokens: what password and guest authentication hand a visitor. A token names one
 * share and opens only that share's share routes (as a share guest); everywhere else it is not a
 * credential at all (the pipeline's Bearer check refuses it as it refuses any unknown token,
 * 401/1650), and on another share it is 401/115069.
 *
 * The token is stateless and signed with this instance's own secret (another instance, or a
 * restarted one, does not accept it). It carries the share id, an expiry, and a fingerprint of the
 * share's password as it was when the token was made: changing or clearing the password ends every
 * token made with the old one.
 *
 * PARITY: CHOICE. The live share-auth answer and token format are not recorded; the answer mirrors
 * sign-in (`auth_token`, `expires_in`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Share } from '../store/share-model.js';

const PREFIX = 'fsh1';
/** PARITY: CHOICE, a share token lasts an hour (sign-in's April lifetime). */
export const SHARE_TOKEN_SECONDS = 3600;

export interface ShareTokenClaims {
  shareId: string;
  expires: number;
  /** `password` or `guest` */
  how: 'password' | 'guest';
}

/** PARITY: CHOICE, as sign-in limits wrong passwords per address: 10 per share in 15 minutes. */
const FAILURES_MAX = 10;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

export class ShareTokens {
  private readonly secret = randomBytes(32);
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  static looksLike(token: string): boolean {
    return token.startsWith(`${PREFIX}.`);
  }

  private fingerprint(share: Share): string {
    return share.passwordHash ? share.passwordHash.slice(-16) : '-';
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  issue(share: Share, how: ShareTokenClaims['how']): { token: string; expiresIn: number } {
    const expires = Math.floor(this.now() / 1000) + SHARE_TOKEN_SECONDS;
    const payload = `${PREFIX}.${share.id}.${expires}.${how}`;
    return { token: `${payload}.${this.sign(`${payload}.${this.fingerprint(share)}`)}`, expiresIn: SHARE_TOKEN_SECONDS };
  }

  /** The claims of a token made by this instance for `share` as it is now, or undefined. */
  verify(token: string, share: (id: string) => Share | undefined): ShareTokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== PREFIX) return undefined;
    const [, shareId, expiresText, how, mac] = parts as [string, string, string, string, string];
    if (how !== 'password' && how !== 'guest') return undefined;
    const expires = Number(expiresText);
    if (!Number.isInteger(expires) || expires * 1000 <= this.now()) return undefined;
    const target = share(shareId);
    if (!target) return undefined;
    const expected = Buffer.from(this.sign(`${PREFIX}.${shareId}.${expiresText}.${how}.${this.fingerprint(target)}`));
    const got = Buffer.from(mac);
    if (expected.length !== got.length || !timingSafeEqual(expected, got)) return undefined;
    return { shareId, expires, how };
  }

  /**
   * Count a password attempt on a share before it is checked (attempts in parallel see each
   * other); the seconds to wait when the share has had too many wrong ones, else undefined.
   */
  attempt(shareId: string): number | undefined {
    const now = this.now();
    const recent = (this.failures.get(shareId) ?? []).filter((t) => t > now - FAILURE_WINDOW_MS);
    if (recent.length >= FAILURES_MAX) return Math.ceil((recent[0]! + FAILURE_WINDOW_MS - now) / 1000);
    recent.push(now);
    this.failures.set(shareId, recent);
    return undefined;
  }

  /** A right password clears the share's count. */
  succeeded(shareId: string): void {
    this.failures.delete(shareId);
  }
}
