import { Secret, TOTP, URI } from 'otpauth';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { TwoFactorSettings, User } from '../store/model.js';
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Mailer } from './mailer.js';

/**
 * Two-factor authentication: TOTP (otpauth, RFC 6238: SHA-1, 6 digits, 30 s) or a code sent on a
 * phone channel, which the emulator delivers to the account's mailbox (it keeps no phone numbers).
 * PARITY: client 96b1551 src/api/auth.rs two_factor_* and types.rs TwoFactor*; agent guide v2.6
 * SKILL.md ("if signin returns two_factor_required the token is limited-scope ... api-key-create /
 * api-key-delete need a 2FA `token` param when 2FA is enabled; API-key sessions bypass inline 2FA").
 */
export const TWO_FACTOR_CHANNELS = ['totp', 'sms', 'whatsapp'] as const;
/** CHOICE: `call` (client doc of two_factor_send) is a phone channel like sms: its code goes to the mailbox too. */
export const SEND_CHANNELS = ['sms', 'whatsapp', 'call'] as const;

const ISSUER = 'Fast.io';
/** PARITY: CHOICE. A sent code: 6 digits, valid 10 minutes; the last one sent is the one that counts. */
const SENT_CODE_DIGITS = 6;
const SENT_CODE_LIFETIME_MS = 10 * 60 * 1000;
/**
 * PARITY: CHOICE. Wrong codes per account: 5 in 15 minutes, then every code (right or wrong) is
 * refused 429 until the window passes. A resend does not reset the count (issue 19 item 6).
 */
const FAILURES_MAX = 5;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** PARITY: CHOICE. TOTP codes of the step before and after now are accepted (clock drift). */
const TOTP_WINDOW = 1;
/** PARITY: CHOICE. The limited token of a sign-in that waits for its second factor lasts 10 minutes. */
export const LIMITED_TOKEN_SECONDS = 600;

/**
 * The routes a limited token (a sign-in waiting for its second factor) may call: the code check,
 * sending a code, the status and signing out. Everything else answers 401/1650.
 */
export const LIMITED_TOKEN_PATHS: ReadonlySet<string> = new Set([
  '/current/user/auth/2factor/',
  '/current/user/auth/2factor/auth/:code/',
  '/current/user/auth/2factor/send/:channel/',
  '/current/user/auth/sign-out/',
]);

const sentCodeRow = (userId: string) => `2fa:${userId}`;

export interface TwoFactorDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  mailer: Mailer;
  audit: AuditLog;
}

export type TwoFactorChannel = TwoFactorSettings['channel'];

export class TwoFactorService {
  /** wrong codes per user id: timestamps in the window. Ephemeral by design, as sign-in failures. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly d: TwoFactorDeps) {}

  isEnabled(user: User): boolean {
    return user.twoFactor?.state === 'enabled';
  }

  status(user: User): { state: 'disabled' | 'pending' | 'enabled'; totp: boolean; channel: TwoFactorChannel | null } {
    const tf = user.twoFactor;
    if (!tf) return { state: 'disabled', totp: false, channel: null };
    return { state: tf.state, totp: tf.channel === 'totp', channel: tf.channel };
  }

  /**
   * Start setting up a channel. TOTP answers the binding URI (otpauth://) for the authenticator
   * app; a phone channel gets a code in the mailbox. Either way the state is `pending` until
   * `confirmSetup` sees a good code. CHOICE: an enabled 2FA must be disabled before another
   * channel is set up (409/1660); a pending setup is replaced.
   */
  beginSetup(user: User, channel: TwoFactorChannel): { binding_uri?: string; state: 'pending'; channel: TwoFactorChannel } {
    if (this.isEnabled(user)) throw Errors.conflict('Two-factor authentication is already enabled. Disable it before setting up another channel.');
    const secret = channel === 'totp' ? new Secret({ buffer: toArrayBuffer(this.d.ids.secretBytes(20)) }).base32 : null;
    this.d.db.users.update(user.id, { twoFactor: { channel, state: 'pending', secret, lastStep: -1 }, updated: this.d.now() });
    this.d.audit.record(AuditEvents.twoFactorSetupStarted(user.id, channel));
    if (secret === null) {
      this.sendCode(this.d.db.users.get(user.id)!, channel);
      return { state: 'pending', channel };
    }
    return { binding_uri: URI.stringify(this.totp(user, secret)), state: 'pending', channel };
  }

  /** Confirm a pending setup with a code of its channel: 2FA is on from now. */
  confirmSetup(user: User, code: string): { state: 'enabled'; channel: TwoFactorChannel } {
    const tf = user.twoFactor;
    if (!tf) throw Errors.badRequest('Two-factor authentication has not been set up. Set up a channel first.');
    if (tf.state === 'enabled') throw Errors.conflict('Two-factor authentication is already enabled.');
    this.check(user, code, 'token');
    this.d.db.users.update(user.id, { twoFactor: { ...this.d.db.users.get(user.id)!.twoFactor!, state: 'enabled' }, updated: this.d.now() });
    this.d.audit.record(AuditEvents.twoFactorEnabled(user.id, tf.channel));
    return { state: 'enabled', channel: tf.channel };
  }

  /** Send a code on a phone channel (to the mailbox). TOTP accounts read theirs from the app. */
  send(user: User, channel: (typeof SEND_CHANNELS)[number]): { sent: true; channel: string } {
    const tf = user.twoFactor;
    if (!tf) throw Errors.badRequest('Two-factor authentication has not been set up.');
    if (tf.channel === 'totp') throw Errors.invalidField('channel', 'This account uses an authenticator app (TOTP): read the code from the app.');
    this.sendCode(user, channel);
    return { sent: true, channel };
  }

  /** Turn 2FA off; the `token` is a current code. */
  disable(user: User, code: string): void {
    if (!user.twoFactor) throw Errors.badRequest('Two-factor authentication is not enabled.');
    this.check(user, code, 'token');
    this.d.db.users.update(user.id, (row) => {
      const { twoFactor: _off, ...rest } = row;
      return { ...rest, updated: this.d.now() };
    });
    this.d.db.emailCodes.delete(sentCodeRow(user.id));
    this.d.audit.record(AuditEvents.twoFactorDisabled(user.id));
  }

  /**
   * The inline 2FA of key creation and deletion: with 2FA on, a JWT caller must send a good code
   * as `token` (missing 400/1605 `missing`, wrong 400/1605 `invalid`). API-key callers bypass it
   * (agent guide v2.6 SKILL.md).
   */
  requireInline(caller: Caller, token: string | undefined): void {
    if (!this.isEnabled(caller.user) || caller.credential.kind === 'api_key') return;
    if (token === undefined || token === '') throw Errors.missingField('token', 'string');
    this.check(caller.user, token, 'token');
  }

  /**
   * Check a code against the account's channel: a TOTP code of the step window (each step good
   * once), or the last code sent (good once, until it runs out). Wrong codes count per account.
   */
  check(user: User, code: string, field: string): void {
    const now = this.d.now();
    const failures = (this.failures.get(user.id) ?? []).filter((t) => t > now - FAILURE_WINDOW_MS);
    if (failures.length >= FAILURES_MAX) throw Errors.rateLimited(Math.ceil((failures[0]! + FAILURE_WINDOW_MS - now) / 1000));
    const tf = user.twoFactor;
    if (tf && this.matches(user, tf, code.trim(), now)) {
      this.failures.delete(user.id);
      return;
    }
    failures.push(now);
    this.failures.set(user.id, failures);
    throw Errors.invalidField(field, 'The two-factor code is not correct or has expired.');
  }

  private matches(user: User, tf: TwoFactorSettings, code: string, now: number): boolean {
    if (!/^\d{6}$/.test(code)) return false;
    if (tf.channel === 'totp') {
      const delta = this.totp(user, tf.secret!).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
      if (delta === null) return false;
      const step = TOTP.counter({ period: 30, timestamp: now }) + delta;
      if (step <= tf.lastStep) return false;
      this.d.db.users.update(user.id, { twoFactor: { ...tf, lastStep: step } });
      return true;
    }
    const row = this.d.db.emailCodes.get(sentCodeRow(user.id));
    if (!row || row.expires <= now || row.code !== code) return false;
    this.d.db.emailCodes.delete(row.id);
    return true;
  }

  private sendCode(user: User, channel: string): void {
    const code = this.d.ids.numericCode(SENT_CODE_DIGITS);
    const row = { id: sentCodeRow(user.id), userId: user.id, code, expires: this.d.now() + SENT_CODE_LIFETIME_MS, attempts: 0 };
    if (this.d.db.emailCodes.has(row.id)) this.d.db.emailCodes.update(row.id, row);
    else this.d.db.emailCodes.insert(row);
    // CHOICE: the emulator has no phone: the text message lands in the account's mailbox, kind `two_factor`.
    this.d.mailer.send({
      to: user.email,
      subject: `Your Fast.io security code (${channel})`,
      kind: 'two_factor',
      code,
      body: `Your Fast.io security code is ${code}. It expires in 10 minutes.`,
    });
  }

  private totp(user: User, secret: string): TOTP {
    return new TOTP({ issuer: ISSUER, label: user.email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** CHOICE: a limited token on another route answers 401/1650 saying what is missing. */
export function twoFactorRequired() {
  return Errors.unauthenticated('Two-factor verification is required: send the code to /current/user/auth/2factor/auth/{code}/ first.');
}
