/**
 * Download tokens: `requestread` hands one out, `read/?token=` takes it instead of a bearer. A token
 * is a JWT (HS256, the algorithm pinned) signed with a key of this emulator instance, so a token of
 * another instance or an earlier run does not verify, and with its own audience, so it is never
 * taken for a sign-in JWT (whose key differs too). Expiry is on the emulator clock.
 */
import { randomBytes } from 'node:crypto';
import { Errors } from '../http/errors.js';
import type { StorageNode, User } from '../store/model.js';

/** PARITY: CHOICE. How long a `requestread` token opens `read/` (the live lifetime is not published). */
export const DOWNLOAD_TOKEN_TTL_MS = 3600 * 1000;
const ISSUER = 'fastio-emulator';
const AUDIENCE = 'storage-read';

export interface DownloadGrant {
  workspaceId: string;
  userId: string;
  versionId: string | null;
}

export const invalidDownloadToken = () => Errors.unauthenticated('The download token is invalid or has expired; ask requestread for a new one.');

export class DownloadTokens {
  private readonly key = new Uint8Array(randomBytes(32));

  constructor(private readonly now: () => number) {}

  /**
   * A token for the current version of `node`. `expires` is whole seconds (a JWT's `exp`), so the
   * time the answer shows is the time the token stops working.
   */
  async issue(user: User, node: StorageNode): Promise<{ token: string; expires: number }> {
    const exp = Math.floor((this.now() + DOWNLOAD_TOKEN_TTL_MS) / 1000);
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ workspace: node.workspaceId, node: node.id, version: node.versionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expires: exp * 1000 };
  }

  /** What a download token opens, if it is genuine, unexpired and for this node; else 401/1650, one answer for every refusal. */
  async verify(token: string, nodeId: string): Promise<DownloadGrant> {
    const { jwtVerify, errors } = await import('jose');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
        // Expiry on the emulator clock: jose compares `exp` with this date.
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) throw invalidDownloadToken();
      throw err;
    }
    const { sub, workspace, node, version } = payload;
    if (typeof sub !== 'string' || typeof workspace !== 'string' || node !== nodeId) throw invalidDownloadToken();
    return { workspaceId: workspace, userId: sub, versionId: typeof version === 'string' ? version : null };
  }
}
