import type { Clock } from '../store/clock.js';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { AccountType, ApiKey, User } from '../store/model.js';
import { Errors, assert } from '../http/errors.js';
import { parseTime } from '../http/format.js';
import type { Caller } from '../http/context.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { JwtSigner, looksLikeJwt, sha256Hex } from './tokens.js';
import type { AuthRules } from './rules.js';
import { ProfileService } from './profile.js';
import type { Mailer } from './mailer.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import { Listeners, type Observable } from '../listeners.js';
import { grantText, parseScopes } from './oauth-scopes.js';
import { carriedFailures, oneMoreFailure, outOfGuesses } from './code-attempts.js';
import { LIMITED_TOKEN_SECONDS, TwoFactorService } from './twofactor.js';
import { AccountService } from './password-reset.js';

/** PARITY: CHOICE. Verification codes: 6 digits, valid 24 hours, 5 wrong tries before a new one is needed. */
const EMAIL_CODE_DIGITS = 6;
const EMAIL_CODE_LIFETIME_MS = 24 * 3600 * 1000;
/** PARITY: CHOICE. Sign-in failures allowed per email in a window before 429. */
const SIGN_IN_FAILURES_MAX = 10;
const SIGN_IN_FAILURE_WINDOW_MS = 5 * 60 * 1000;

export interface SignUpInput {
  email: string;
  password: string;
  /** a hash made earlier for this password (fixture generation reuses one hash per password) */
  passwordHash?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  accountType: AccountType;
}

/**
 * Users, credentials and sessions: sign-up, sign-in, verification codes, API keys, and the
 * resolution of a bearer token to a caller.
 */
export class UserService {
  private readonly jwt: JwtSigner;
  /** sign-in failures per email: timestamps in the window. Ephemeral by design. */
  private readonly signInFailures = new Map<string, number[]>();
  private readonly verified = new Listeners<[User]>();
  /** A user's email became verified (pending invitations for that address become active). */
  readonly emailVerified: Observable<[User]> = this.verified;
  /** API token -> key id, so a request does not pay for a SHA-256 (see `apiKeyFor`). */
  private readonly apiKeyIds = new Map<string, string>();
  private static readonly API_KEY_CACHE_MAX = 20_000;
  /** profile changes: names, password, and the email change confirmed by a mailed token */
  readonly profile: ProfileService;
  /** two-factor authentication: setup, codes, the limited sign-in (users/twofactor.ts) */
  readonly twoFactor: TwoFactorService;
  /** password reset by a mailed code, and closing an account (users/password-reset.ts) */
  readonly account: AccountService;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly mailer: Mailer,
    private readonly audit: AuditLog,
    jwtSecret: string,
    /** the running dialect's rules (users/rules.ts), handed in once; nothing here asks for the dialect */
    readonly rules: AuthRules,
  ) {
    this.jwt = new JwtSigner(jwtSecret);
    this.profile = new ProfileService({
      db,
      ids,
      now: () => clock.now(),
      mailer,
      audit,
      hashPassword: (pw) => this.hash(pw),
      verified: (user) => this.verified.emit(user),
    });
    this.twoFactor = new TwoFactorService({ db, ids, now: () => clock.now(), mailer, audit });
    this.account = new AccountService({ db, ids, now: () => clock.now(), mailer, audit, hashPassword: (pw) => this.hash(pw) });
  }

  /** Create an account; an address that has one answers 409/1660 (the April sign-up, fixtures, personas). */
  async signUp(input: SignUpInput): Promise<User> {
    const emailKey = input.email.toLowerCase();
    assert(!this.db.users.findOne('email', emailKey), () => Errors.conflict('An account with this email address already exists.'));
    const passwordHash = input.passwordHash ?? (await this.hash(input.password));
    // Checked again after the await: two sign-ups for one address may race.
    assert(!this.db.users.findOne('email', emailKey), () => Errors.conflict('An account with this email address already exists.'));
    return this.createUser(input, passwordHash);
  }

  /**
   * The uniform sign-up: a new address gets an account, an address that has one gets a mail in
   * the mailbox instead, and the caller cannot tell which happened. The password is hashed either
   * way, so the two paths cost about the same time; the existing account is left as it is.
   * PARITY: agent guide v2.6 SKILL.md section 7 (no duplicate is created; the existing account is
   * emailed a sign-in/reset link).
   */
  async requestSignUp(input: SignUpInput): Promise<void> {
    const passwordHash = await this.hash(input.password);
    // Looked up after the await only: two sign-ups for one address that race make one account.
    const existing = this.db.users.findOne('email', input.email.toLowerCase());
    if (!existing) {
      this.createUser(input, passwordHash);
      return;
    }
    // CHOICE: no audit event: nothing of the account changes, and the attempt is not the owner's act.
    this.mailer.send({
      to: existing.email,
      subject: 'Someone tried to sign up with your email address',
      kind: 'notice',
      body:
        'A sign-up was requested for this address, which already has a Fast.io account. ' +
        'Nothing was changed. Sign in with your password, or reset it if you have forgotten it. ' +
        'If it was not you, you can ignore this message.',
    });
  }

  private hash(password: string): Promise<string> {
    return hashPassword(password, Buffer.from(this.ids.secretBytes(16)));
  }

  private createUser(input: SignUpInput, passwordHash: string): User {
    const emailKey = input.email.toLowerCase();
    const now = this.clock.now();
    const user = this.db.users.insert({
      id: this.ids.profileId(),
      email: input.email,
      emailKey,
      passwordHash,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      accountType: input.accountType,
      emailVerified: false,
      created: now,
      updated: now,
    });
    this.audit.record(AuditEvents.userCreated(user));
    return user;
  }

  /** Mark a user verified without a code (control-plane personas and fixtures). */
  markVerified(userId: string): User {
    const user = this.db.users.update(userId, { emailVerified: true, updated: this.clock.now() });
    this.audit.record(AuditEvents.userEmailVerified(userId));
    this.verified.emit(user);
    return user;
  }

  /** Email + password -> a new session and its JWT. */
  async signIn(email: string, password: string): Promise<{ user: User; token: string; expiresIn: number; twoFactor: boolean }> {
    const key = email.toLowerCase();
    const now = this.clock.now();
    const failures = (this.signInFailures.get(key) ?? []).filter((t) => t > now - SIGN_IN_FAILURE_WINDOW_MS);
    if (failures.length >= SIGN_IN_FAILURES_MAX) {
      throw Errors.rateLimited(Math.ceil((failures[0]! + SIGN_IN_FAILURE_WINDOW_MS - now) / 1000));
    }
    // Counted as a failure before the password check, which awaits scrypt: attempts made in
    // parallel see each other and cannot pass the limit together. A success clears the count.
    failures.push(now);
    this.signInFailures.set(key, failures);
    const user = this.db.users.findOne('email', key);
    const ok = user ? await verifyPassword(password, user.passwordHash) : false;
    // CHOICE: a closed account answers as a wrong password does (nothing tells it existed).
    if (!user || !ok || user.closed) throw Errors.unauthenticated('The email address or password is incorrect.');
    this.signInFailures.delete(key);
    // With 2FA on, the token is limited until the second factor is given (users/twofactor.ts).
    const twoFactor = this.twoFactor.isEnabled(user);
    return { user, ...(await this.issueToken(user.id, twoFactor)), twoFactor };
  }

  async issueToken(userId: string, twoFactorPending = false): Promise<{ token: string; expiresIn: number }> {
    const now = this.clock.now();
    const lifetime = twoFactorPending ? LIMITED_TOKEN_SECONDS : this.rules.jwtLifetimeSeconds;
    const session = this.db.sessions.insert({
      id: this.ids.opaqueId('a'),
      userId,
      created: now,
      expires: now + lifetime * 1000,
      revoked: false,
      ...(twoFactorPending ? { twoFactorPending: true } : {}),
    });
    return { token: await this.jwt.sign(userId, session.id, now, lifetime), expiresIn: lifetime };
  }

  /**
   * The second factor of a limited sign-in: a good code ends the limited session and answers a
   * full token. With a full token it is a re-check that answers a fresh full token (CHOICE).
   */
  async completeTwoFactor(caller: Caller, code: string): Promise<{ token: string; expiresIn: number }> {
    this.twoFactor.check(caller.user, code, 'code');
    if (caller.credential.kind === 'jwt' && caller.credential.twoFactorPending) this.db.sessions.update(caller.credential.sessionId, { revoked: true });
    return this.issueToken(caller.user.id);
  }

  /** A JWT for an existing session (OAuth access tokens: users/oauth.ts). */
  signSessionToken(userId: string, sessionId: string, lifetimeSeconds: number): Promise<string> {
    return this.jwt.sign(userId, sessionId, this.clock.now(), lifetimeSeconds);
  }

  signOut(caller: Caller): void {
    if (caller.credential.kind === 'jwt') {
      this.db.sessions.update(caller.credential.sessionId, { revoked: true });
      this.audit.record(AuditEvents.userSignedOut(caller.user.id));
    }
  }

  /**
   * Sign out everywhere: every JWT of the user issued before this call stops working at once,
   * whichever credential asks. API keys keep working.
   * PARITY: client 96b1551 src/api/auth.rs `invalidate_all` (per auth.txt it ends every login
   * session and does NOT affect API keys or OAuth access tokens, which have their own revocation).
   */
  invalidateAllSessions(caller: Caller): number {
    // OAuth sessions have their own revocation (DELETE /oauth/sessions/), as auth.txt says.
    const live = this.db.sessions.find('user', caller.user.id).filter((s) => !s.revoked && !s.oauth);
    for (const s of live) this.db.sessions.update(s.id, { revoked: true });
    this.audit.record(AuditEvents.userSessionsInvalidated(caller.user.id, live.length));
    return live.length;
  }

  /**
   * A bearer token -> the caller, or a 401. JWTs are checked for signature, session revocation
   * and expiry on the emulator clock; API keys for revocation and their own expiry.
   */
  async authenticate(token: string): Promise<Caller> {
    if (!token) throw Errors.unauthenticated();
    const now = this.clock.now();
    if (looksLikeJwt(token)) {
      const claims = await this.jwt.verify(token);
      if (!claims) throw Errors.unauthenticated('The token is invalid.');
      if (claims.expires <= now) throw Errors.unauthenticated('The token has expired. Sign in again.');
      const session = this.db.sessions.get(claims.sessionId);
      if (!session || session.revoked || session.userId !== claims.userId) throw Errors.unauthenticated('The token has been revoked. Sign in again.');
      const user = this.db.users.get(claims.userId);
      if (!user || user.closed) throw Errors.unauthenticated('The token is invalid.');
      if (session.twoFactorPending) return { user, credential: { kind: 'jwt', sessionId: session.id, expires: claims.expires, twoFactorPending: true } };
      if (session.oauth) {
        // An access token of a refreshed-away generation is not refused: it runs out within the hour (CHOICE, RFC 6749 leaves it open).
        return { user, credential: { kind: 'jwt', sessionId: session.id, expires: claims.expires, oauth: true, scopes: session.oauth.scopes } };
      }
      return { user, credential: { kind: 'jwt', sessionId: session.id, expires: claims.expires } };
    }
    const key = this.apiKeyFor(token);
    if (!key) throw Errors.unauthenticated('The API key is invalid or has been revoked.');
    if (key.expires !== null && key.expires <= now) throw Errors.unauthenticated('The API key has expired.');
    const user = this.db.users.get(key.userId);
    if (!user || user.closed) throw Errors.unauthenticated('The API key is invalid or has been revoked.');
    // CHOICE: a key's `scopes` narrow it when they name grants (users/oauth-scopes.ts); a free label leaves it unscoped.
    const grants = parseScopes(key.scopes);
    if (grants) return { user, credential: { kind: 'api_key', keyId: key.id, scopes: grants.map(grantText) } };
    return { user, credential: { kind: 'api_key', keyId: key.id } };
  }

  /**
   * The key a token names. Hashing the token costs a SHA-256 on every request, so token -> key id
   * is remembered (bounded); the key row is still read each time, so a revoked key fails on the
   * very next request.
   */
  private apiKeyFor(token: string): ApiKey | undefined {
    const cachedId = this.apiKeyIds.get(token);
    if (cachedId !== undefined) {
      const key = this.db.apiKeys.get(cachedId);
      if (key) return key;
      this.apiKeyIds.delete(token);
    }
    const key = this.db.apiKeys.findOne('hash', sha256Hex(token));
    if (key) {
      if (this.apiKeyIds.size >= UserService.API_KEY_CACHE_MAX) this.apiKeyIds.delete(this.apiKeyIds.keys().next().value!);
      this.apiKeyIds.set(token, key.id);
    }
    return key;
  }

  /** Forget derived lookups (the state was replaced or reset). */
  stateReplaced(): void {
    this.apiKeyIds.clear();
  }

  /** Send a fresh verification code to the user's mailbox. */
  sendVerificationCode(user: User): void {
    const code = this.ids.numericCode(EMAIL_CODE_DIGITS);
    const now = this.clock.now();
    // A fresh code keeps the account's wrong guesses (code-attempts.ts): resending buys no new ones.
    const row = {
      id: user.emailKey,
      userId: user.id,
      code,
      expires: now + EMAIL_CODE_LIFETIME_MS,
      ...carriedFailures(this.db.emailCodes.get(user.emailKey), now),
    };
    if (this.db.emailCodes.has(row.id)) this.db.emailCodes.update(row.id, row);
    else this.db.emailCodes.insert(row);
    this.mailer.send({
      to: user.email,
      subject: 'Verify your email address',
      kind: 'email_verification',
      code,
      body: `Your verification code is ${code}. It expires in 24 hours.`,
    });
  }

  /** Check a verification code; on success the user is verified. */
  verifyEmail(user: User, code: string): User {
    const row = this.db.emailCodes.get(user.emailKey);
    const now = this.clock.now();
    // Out of guesses answers as an expired code does (the right code too), until the window passes.
    if (!row || row.expires <= now || outOfGuesses(row, now)) {
      throw Errors.invalidField('email_token', 'The verification code has expired or was never sent. Request a new one.');
    }
    if (row.code !== code.trim()) {
      this.db.emailCodes.update(row.id, oneMoreFailure(row, now));
      throw Errors.invalidField('email_token', 'The verification code is not correct.');
    }
    this.db.emailCodes.delete(row.id);
    return this.markVerified(user.id);
  }

  createApiKey(
    user: User,
    input: { memo?: string | undefined; scopes?: string | undefined; agentName?: string | undefined; expires?: string | undefined },
  ): { key: ApiKey; secret: string } {
    const secret = this.ids.secret(48);
    const key = this.db.apiKeys.insert({
      id: this.ids.opaqueId('d'),
      userId: user.id,
      keyHash: sha256Hex(secret),
      keyTail: secret.slice(-4),
      memo: input.memo ?? '',
      scopes: input.scopes ?? null,
      agentName: input.agentName ?? null,
      expires: this.parseExpiry(input.expires),
      created: this.clock.now(),
    });
    this.audit.record(AuditEvents.apiKeyCreated(user, key));
    return { key, secret };
  }

  updateApiKey(
    user: User,
    keyId: string,
    input: { memo?: string | undefined; scopes?: string | undefined; agentName?: string | undefined; expires?: string | undefined },
  ): ApiKey {
    const key = this.ownKey(user, keyId);
    const patch: Partial<ApiKey> = {};
    if (input.memo !== undefined) patch.memo = input.memo;
    if (input.scopes !== undefined) patch.scopes = input.scopes;
    if (input.agentName !== undefined) patch.agentName = input.agentName;
    if (input.expires !== undefined) patch.expires = input.expires === '' ? null : this.parseExpiry(input.expires);
    const updated = this.db.apiKeys.update(key.id, patch);
    this.audit.record(AuditEvents.apiKeyUpdated(user, key, Object.keys(patch)));
    return updated;
  }

  listApiKeys(user: User): ApiKey[] {
    return this.db.apiKeys.find('user', user.id);
  }

  ownKey(user: User, keyId: string): ApiKey {
    const key = this.db.apiKeys.get(keyId);
    if (!key || key.userId !== user.id) throw Errors.notFound('API key');
    return key;
  }

  revokeApiKey(user: User, keyId: string): void {
    const key = this.ownKey(user, keyId);
    this.db.apiKeys.delete(key.id);
    this.audit.record(AuditEvents.apiKeyDeleted(user, key));
  }

  private parseExpiry(expires: string | undefined): number | null {
    if (expires === undefined || expires === '') return null;
    const ms = parseTime(expires);
    if (ms === undefined) throw Errors.invalidField('expires', 'Expected an ISO 8601 time or epoch seconds.', 'string');
    if (ms <= this.clock.now()) throw Errors.invalidField('expires', 'The expiry must be in the future.', 'string');
    return ms;
  }
}
