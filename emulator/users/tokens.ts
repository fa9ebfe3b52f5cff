import { createHash } from 'node:crypto';

/** jose is loaded on first use: start-up does not pay for it (most runs sign nothing at first). */
let josePromise: Promise<typeof import('jose')> | undefined;
function jose(): Promise<typeof import('jose')> {
  return (josePromise ??= import('jose'));
}

/**
 * JWTs for sign-in. HS256 with a secret of this emulator instance (a token minted by another
 * instance fails verification), expiry on the emulator clock, and the algorithm pinned so
 * `alg: none` or a swapped algorithm is refused. The lifetime is the dialect's (users/rules.ts).
 */
const ISSUER = 'fastio-emulator';

export interface VerifiedJwt {
  userId: string;
  sessionId: string;
  expires: number;
}

export class JwtSigner {
  private readonly key: Uint8Array;
  /** Verified tokens, so a request does not pay for HMAC verification twice. Bounded. */
  private readonly cache = new Map<string, VerifiedJwt>();
  private static readonly CACHE_MAX = 20_000;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(userId: string, sessionId: string, issuedAtMs: number, lifetimeSeconds: number): Promise<string> {
    const iat = Math.floor(issuedAtMs / 1000);
    const { SignJWT } = await jose();
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setJti(sessionId)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetimeSeconds)
      .sign(this.key);
  }

  /**
   * Verify signature and claims. Expiry is checked by the caller against the emulator clock on
   * every request (the cache must not outlive a clock jump), so here it is only decoded.
   */
  async verify(token: string): Promise<VerifiedJwt | undefined> {
    const hit = this.cache.get(token);
    if (hit) return hit;
    const { jwtVerify, errors: joseErrors } = await jose();
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        // The emulator clock decides expiry; jose must not refuse on wall-clock grounds.
        currentDate: new Date(0),
      });
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined;
      const verified = { userId: payload.sub, sessionId: payload.jti, expires: payload.exp * 1000 };
      if (this.cache.size >= JwtSigner.CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, verified);
      return verified;
    } catch (e) {
      if (e instanceof joseErrors.JOSEError || e instanceof TypeError) return undefined;
      throw e;
    }
  }
}

export function looksLikeJwt(token: string): boolean {
  let dots = 0;
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) === 46) dots++;
  return dots === 2;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
