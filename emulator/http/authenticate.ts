/**
 * Stage 6, authentication, by the route's `auth` mode (route.ts `AuthMode`): Basic for sign-in
 * (the handler reads it), Bearer (JWT or API key) elsewhere, an unverified email -> 403/10587, and
 * on downloads a `?token=` from requestread in place of the Bearer, and on the share routes that
 * take one a share-scoped token from password or guest authentication.
 */
import type { Request } from 'express';
import type { Emulator } from '../emulator.js';
import { ShareTokens } from '../shares/tokens.js';
import { invalidDownloadToken } from '../storage/download-tokens.js';
import { Errors } from './errors.js';
import { LIMITED_TOKEN_PATHS, twoFactorRequired } from '../users/twofactor.js';
import type { Context } from './request-context.js';
import type { AnyRoute } from './route.js';

export class Authenticator {
  constructor(private readonly emulator: Emulator) {}

  async authenticate(req: Request, ctx: Context, route: AnyRoute, params: Record<string, string>): Promise<void> {
    const mode = route.auth;
    if (mode === 'none' || mode === 'basic') return;
    if (mode === 'bearer-or-download-token') {
      const token = (req.query as Record<string, unknown>).token;
      if (typeof token === 'string' && token !== '') {
        await this.downloadToken(ctx, token, params);
        return;
      }
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m && mode === 'bearer-optional' && req.headers.authorization === undefined) return;
    if (!m) throw Errors.unauthenticated();
    // A share token names no user: the route's share decides on it (ShareAccess.scopeOf).
    if (mode === 'bearer-or-share-token' && ShareTokens.looksLike(m[1]!)) {
      ctx.shareToken = m[1]!;
      return;
    }
    ctx.caller = await this.emulator.users.authenticate(m[1]!);
    // A sign-in waiting for its second factor reaches only the 2FA routes (users/twofactor.ts).
    if (ctx.caller.credential.kind === 'jwt' && ctx.caller.credential.twoFactorPending && !LIMITED_TOKEN_PATHS.has(route.path)) throw twoFactorRequired();
    // PARITY: an unverified email answers 403/10587 on most routes, /user/auth/check/ included
    // (the official client's tests pair 10587 with HTTP 403).
    if (mode !== 'bearer-unverified' && !ctx.caller.user.emailVerified) throw Errors.emailNotVerified();
  }

  /**
   * A download token stands for its user on the one node it names (`node_id`), in the workspace
   * it was issued for. PARITY: CHOICE, a token whose user no longer reaches that workspace (or
   * whose workspace reference now names another one) is refused as invalid (401/1650).
   */
  private async downloadToken(ctx: Context, token: string, params: Record<string, string>): Promise<void> {
    const { storage, db, access } = this.emulator;
    const claims = await storage.verifyReadToken(token, params.node_id ?? '');
    const user = db.users.get(claims.userId);
    if (!user || access.findWorkspace(params.workspace_id ?? '', user.id)?.id !== claims.workspaceId) throw invalidDownloadToken();
    ctx.caller = { user, credential: { kind: 'api_key', keyId: 'download-token' } };
    ctx.download = { workspaceId: claims.workspaceId, versionId: claims.versionId };
  }
}
