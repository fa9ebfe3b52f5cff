/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256 only), as the official client's
 * `fastio auth login` drives it: an authorization request (`auth_request_id`), a consent page on
 * which the user signs in and approves scopes, a one-time code shown to paste back, the exchange of
 * code + verifier for a 1-hour access token and a refresh token, and refreshes along a 30-day chain.
 *
 * PARITY: client 96b1551 src/auth/pkce.rs (client id `fastio-cli`, S256, redirect
 * `http://localhost:19836/callback`, `response_format=json` -> `auth_request_id`), src/api/auth.rs
 * (token form fields, sessions routes), commands/auth.rs (the code is pasted back); agent guide
 * v1.29 REFERENCE.md "Option 4: PKCE Browser Login" (1-hour access, 30-day refresh).
 *
 * Pending requests and codes live in this instance only (they last minutes); sessions are rows
 * of the sessions table, which dies with the instance's JWT secret like every session.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { Session, User } from '../store/model.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { UserService } from './service.js';
import { sha256Hex } from './tokens.js';
import { grantText, parseScopes } from './oauth-scopes.js';
import { newestFirst } from '../store/order.js';

/** PARITY: agent guide "Authentication & Token Lifecycle": access tokens last 1 hour, refresh tokens 30 days. */
export const OAUTH_ACCESS_SECONDS = 3600;
export const OAUTH_REFRESH_CHAIN_MS = 30 * 24 * 3600 * 1000;
/** CHOICE: an authorization request is open 10 minutes, its code 10 minutes, once. */
const REQUEST_LIFETIME_MS = 10 * 60 * 1000;
const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** CHOICE: at most this many open requests per instance (the oldest are forgotten). */
const MAX_PENDING = 5_000;

export interface AuthorizeInput {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string | undefined;
  scope: string | undefined;
  loginHint: string | undefined;
  agentName: string | undefined;
}

export interface PendingRequest extends AuthorizeInput {
  id: string;
  expires: number;
  /** set once the user signed in on the consent page */
  userId?: string;
  /** a secret the consent form carries after sign-in, so only that browser can approve */
  consentToken?: string;
  /** the account has 2FA on and its code has not been given yet: no approving until it is */
  twoFactorPending?: boolean;
  /** the code, once approved */
  code?: { value: string; expires: number; scopes: string[] };
}

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
  /** PARITY: the guide: "the token endpoint returns `scopes` as a JSON-encoded string" */
  scopes: string;
  session_id: string;
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class OAuthService {
  private readonly pending = new Map<string, PendingRequest>();
  /** code -> request id */
  private readonly codes = new Map<string, string>();

  constructor(private readonly d: { db: Db; ids: IdGenerator; now: () => number; audit: AuditLog; users: UserService }) {}

  /** Open an authorization request (the client's `response_format=json` call). */
  authorize(input: AuthorizeInput): PendingRequest {
    if (!acceptableRedirect(input.redirectUri)) {
      throw Errors.invalidField('redirect_uri', 'The redirect_uri must be an absolute https URL, or http on a loopback host, without a fragment.');
    }
    if (input.scope !== undefined && input.scope.trim() !== '') parseScopes(input.scope, true);
    const now = this.d.now();
    this.sweep(now);
    const request: PendingRequest = { ...input, id: this.d.ids.secret(32), expires: now + REQUEST_LIFETIME_MS };
    this.pending.set(request.id, request);
    return request;
  }

  /** An open request, or a 404 (expired, used, or never made). */
  request(id: string): PendingRequest {
    const r = this.pending.get(id);
    if (!r || r.expires <= this.d.now()) throw Errors.notFound('authorization request');
    return r;
  }

  /** The consent page's sign-in: the user's password, through the sign-in limiter. */
  async signIn(requestId: string, email: string, password: string): Promise<{ request: PendingRequest; user: User }> {
    const request = this.request(requestId);
    const { user } = await this.d.users.signIn(email, password);
    if (!user.emailVerified) throw Errors.emailNotVerified();
    request.userId = user.id;
    request.consentToken = this.d.ids.secret(32);
    // CHOICE: with 2FA on, the consent page asks for the code before it shows the grants (as the
    // API's sign-in answers a limited token until the code is given); a phone channel's code is
    // sent now (to the mailbox), a TOTP one is read from the app.
    if (this.d.users.twoFactor.isEnabled(user)) {
      request.twoFactorPending = true;
      const channel = user.twoFactor!.channel;
      if (channel !== 'totp') this.d.users.twoFactor.send(user, channel);
    }
    return { request, user };
  }

  /**
   * The consent page's second factor: the code of the account that signed in (TOTP against the
   * emulator clock, or the code sent), through the per-account 2FA failure limit.
   */
  secondFactor(requestId: string, consentToken: string, code: string): PendingRequest {
    const request = this.request(requestId);
    if (!request.userId || !request.consentToken || !sameText(request.consentToken, consentToken)) {
      throw Errors.unauthenticated('Sign in on this page before giving the two-factor code.');
    }
    const user = this.d.db.users.get(request.userId);
    if (!user) throw Errors.notFound('authorization request');
    if (request.twoFactorPending) this.d.users.twoFactor.check(user, code, 'code');
    delete request.twoFactorPending;
    return request;
  }

  /** The user approved: a one-time code for the granted scopes. */
  approve(requestId: string, consentToken: string, scope: string | undefined): PendingRequest {
    const request = this.signedInRequest(requestId, consentToken);
    // CHOICE: no scope chosen = the requested scope, else full access (all_orgs), as the guide says.
    const grants = parseScopes(scope ?? request.scope, true) ?? parseScopes('all_orgs')!;
    const code = this.d.ids.secret(40);
    request.code = { value: code, expires: this.d.now() + CODE_LIFETIME_MS, scopes: grants.map(grantText) };
    request.expires = request.code.expires;
    this.codes.set(code, request.id);
    return request;
  }

  deny(requestId: string, consentToken: string): void {
    const request = this.signedInRequest(requestId, consentToken);
    this.pending.delete(request.id);
  }

  private signedInRequest(requestId: string, consentToken: string): PendingRequest & { userId: string } {
    const request = this.request(requestId);
    if (!request.userId || !request.consentToken || !sameText(request.consentToken, consentToken)) {
      throw Errors.unauthenticated('Sign in on this page before approving the request.');
    }
    if (request.twoFactorPending) throw Errors.unauthenticated('Give the two-factor code on this page before approving the request.');
    return request as PendingRequest & { userId: string };
  }

  /** `grant_type=authorization_code`: code + verifier -> tokens, a new OAuth session. */
  async exchange(input: {
    code: string;
    verifier: string;
    clientId: string;
    redirectUri: string | undefined;
    deviceName?: string | undefined;
    deviceType?: string | undefined;
  }): Promise<TokenAnswer> {
    const now = this.d.now();
    const requestId = this.codes.get(input.code);
    const request = requestId ? this.pending.get(requestId) : undefined;
    // PARITY: RFC 6749 4.1.2: a code is used once; a second use fails (and so does an expired one).
    if (!request?.code || request.code.value !== input.code || request.code.expires <= now || !request.userId) {
      throw Errors.invalidField('code', 'The authorization code is invalid, expired or already used.');
    }
    this.codes.delete(input.code);
    this.pending.delete(request.id);
    if (input.clientId !== request.clientId) throw Errors.invalidField('client_id', 'The client_id does not match the authorization request.');
    if (input.redirectUri !== undefined && input.redirectUri !== request.redirectUri) {
      throw Errors.invalidField('redirect_uri', 'The redirect_uri does not match the authorization request.');
    }
    if (!VERIFIER.test(input.verifier) || !sameText(s256(input.verifier), request.codeChallenge)) {
      throw Errors.invalidField('code_verifier', 'The code_verifier does not match the code_challenge.');
    }
    const user = this.d.db.users.get(request.userId);
    if (!user) throw Errors.invalidField('code', 'The authorization code is invalid, expired or already used.');
    const refresh = this.d.ids.secret(48);
    const session = this.d.db.sessions.insert({
      id: this.d.ids.opaqueId('a'),
      userId: user.id,
      created: now,
      expires: now + OAUTH_REFRESH_CHAIN_MS,
      revoked: false,
      oauth: {
        clientId: request.clientId,
        deviceName: input.deviceName ?? '',
        deviceType: input.deviceType ?? '',
        agentName: request.agentName ?? '',
        scopes: request.code.scopes,
        refreshHash: sha256Hex(refresh),
        updated: now,
      },
    });
    this.d.audit.record(AuditEvents.oauthSessionCreated(user.id, session.id, request.clientId));
    return this.answer(session, refresh);
  }

  /**
   * `grant_type=refresh_token`: the refresh token is rotated (the old one stops working) and the
   * chain keeps its end: 30 days after the sign-in, not after the last refresh.
   * CHOICE: presenting a rotated-away refresh token revokes the session (RFC 6819 5.2.2.3 reuse detection).
   */
  async refresh(refreshToken: string, clientId: string): Promise<TokenAnswer> {
    const now = this.d.now();
    const hash = sha256Hex(refreshToken);
    const session = this.d.db.sessions.toArray().find((s) => s.oauth && (s.oauth.refreshHash === hash || s.oauth.previousRefreshHashes?.includes(hash)));
    if (!session?.oauth || session.revoked || session.expires <= now)
      throw Errors.invalidField('refresh_token', 'The refresh token is invalid, expired or revoked.');
    if (session.oauth.refreshHash !== hash) {
      this.d.db.sessions.update(session.id, { revoked: true });
      throw Errors.invalidField('refresh_token', 'The refresh token was already used; the session is revoked.');
    }
    if (clientId !== session.oauth.clientId) throw Errors.invalidField('client_id', 'The client_id does not match the session.');
    const next = this.d.ids.secret(48);
    const previous = [...(session.oauth.previousRefreshHashes ?? []), hash].slice(-20);
    const updated = this.d.db.sessions.update(session.id, {
      oauth: { ...session.oauth, refreshHash: sha256Hex(next), previousRefreshHashes: previous, updated: now },
    });
    return this.answer(updated, next);
  }

  private async answer(session: Session, refresh: string): Promise<TokenAnswer> {
    const scopes = session.oauth!.scopes;
    return {
      access_token: await this.d.users.signSessionToken(session.userId, session.id, OAUTH_ACCESS_SECONDS),
      token_type: 'Bearer',
      expires_in: OAUTH_ACCESS_SECONDS,
      refresh_token: refresh,
      scope: scopes.join(' '),
      scopes: JSON.stringify(scopes),
      session_id: session.id,
    };
  }

  /** The caller's OAuth sessions that still work (newest first). */
  sessions(user: User): Session[] {
    const now = this.d.now();
    return newestFirst(this.d.db.sessions.find('user', user.id).filter((s) => s.oauth && !s.revoked && s.expires > now));
  }

  /** One of the caller's sessions; another user's id answers as an unknown one (404). */
  session(user: User, id: string): Session {
    const s = this.d.db.sessions.get(id);
    if (!s?.oauth || s.userId !== user.id || s.revoked || s.expires <= this.d.now()) throw Errors.notFound('OAuth session');
    return s;
  }

  rename(user: User, id: string, patch: { deviceName?: string | undefined; agentName?: string | undefined }): Session {
    const s = this.session(user, id);
    const oauth = { ...s.oauth! };
    if (patch.deviceName !== undefined) oauth.deviceName = patch.deviceName;
    if (patch.agentName !== undefined) oauth.agentName = patch.agentName;
    const updated = this.d.db.sessions.update(s.id, { oauth });
    this.d.audit.record(AuditEvents.oauthSessionUpdated(user.id, s.id));
    return updated;
  }

  revoke(user: User, id: string): void {
    const s = this.session(user, id);
    this.d.db.sessions.update(s.id, { revoked: true });
    this.d.audit.record(AuditEvents.oauthSessionRevoked(user.id, s.id));
  }

  /** Revoke every OAuth session of the caller, but `keep` (the CLI's `--exclude-current`). */
  revokeAll(caller: Caller, keep: string | undefined): number {
    const gone = this.sessions(caller.user).filter((s) => s.id !== keep);
    for (const s of gone) this.d.db.sessions.update(s.id, { revoked: true });
    this.d.audit.record(AuditEvents.oauthSessionsRevoked(caller.user.id, gone.length));
    return gone.length;
  }

  private sweep(now: number): void {
    for (const [id, r] of this.pending) {
      if (r.expires > now && this.pending.size < MAX_PENDING) break;
      this.pending.delete(id);
      if (r.code) this.codes.delete(r.code.value);
    }
  }
}

/**
 * CHOICE (the sources are silent on which redirect URIs the live service accepts for a public
 * client): RFC 6749 3.1.2 and RFC 8252 7.3 -- an absolute URL without a fragment, https, or http
 * only on a loopback host (the client's `http://localhost:19836/callback`).
 */
export function acceptableRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '' || uri.includes('#')) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
