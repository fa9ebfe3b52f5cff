import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { User } from '../store/model.js';
import { Errors } from '../http/errors.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Mailer } from './mailer.js';
import { sha256Hex } from './tokens.js';

/**
 * Password reset by a mailed code, and closing an account.
 * PARITY: client 96b1551 / 41dde01 src/api/auth.rs password_reset_request (`POST /user/email/reset/`,
 * field `email`, no auth), password_reset_check (`GET /user/password/{code}/details/`: "returns the
 * email associated with the reset code, or an error if the code is invalid, expired"),
 * password_reset_complete (`POST /user/password/{code}/`, `password1`, `password2`, no auth);
 * src/api/user.rs close_account (`POST /user/close/`, `confirmation`).
 */
/** PARITY: CHOICE. A reset code: 40 characters [0-9A-Za-z], valid 1 hour, good once; a new request replaces it. */
const RESET_CODE_LENGTH = 40;
const RESET_LIFETIME_MS = 3600 * 1000;
/**
 * The row of a pending reset is keyed by the code's hash, so the code routes find it without
 * naming the account (a guess never learns which account it hit). A 40-character random code
 * cannot be guessed, so a guess costs no account anything: no per-account count is kept.
 */
const rowId = (code: string) => `password-reset:${sha256Hex(code)}`;

export interface AccountDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  mailer: Mailer;
  audit: AuditLog;
  hashPassword: (password: string) => Promise<string>;
}

export class AccountService {
  constructor(private readonly d: AccountDeps) {}

  /** Mail a reset code if the address has an open account; the caller learns nothing either way. */
  requestReset(email: string): void {
    const user = this.d.db.users.findOne('email', email.toLowerCase());
    if (!user || user.closed) return;
    this.dropResets(user.id);
    const code = this.d.ids.secret(RESET_CODE_LENGTH);
    this.d.db.emailCodes.insert({ id: rowId(code), userId: user.id, code: '', expires: this.d.now() + RESET_LIFETIME_MS, attempts: 0 });
    this.d.mailer.send({
      to: user.email,
      subject: 'Reset your Fast.io password',
      kind: 'password_reset',
      code,
      body: `Use the code ${code} to choose a new password. It expires in one hour. If you did not ask for this, ignore this message.`,
    });
    this.d.audit.record(AuditEvents.userPasswordResetRequested(user.id));
  }

  /** The account a live code belongs to, or 400/1605 naming `code`. */
  userOfCode(code: string): User {
    const row = this.d.db.emailCodes.get(rowId(code));
    const user = row && row.expires > this.d.now() ? this.d.db.users.get(row.userId) : undefined;
    if (!user || user.closed) throw Errors.invalidField('code', 'The reset code is invalid or has expired. Request a new one.', 'string');
    return user;
  }

  /**
   * Set the new password with a live code. CHOICE: every sign-in session of the account ends
   * (API keys keep working, as with invalidate-all), and the code is spent.
   */
  async completeReset(code: string, password1: string, password2: string): Promise<void> {
    const user = this.userOfCode(code);
    if (password1 !== password2) throw Errors.invalidField('password2', 'The two passwords do not match.', 'string');
    const passwordHash = await this.d.hashPassword(password1);
    // Checked again after the await: the code may have been spent meanwhile.
    if (!this.d.db.emailCodes.has(rowId(code))) throw Errors.invalidField('code', 'The reset code is invalid or has expired. Request a new one.', 'string');
    this.d.db.emailCodes.delete(rowId(code));
    this.d.db.users.update(user.id, { passwordHash, updated: this.d.now() });
    for (const s of this.d.db.sessions.find('user', user.id)) if (!s.revoked && !s.oauth) this.d.db.sessions.update(s.id, { revoked: true });
    this.d.audit.record(AuditEvents.userPasswordReset(user.id));
  }

  /**
   * Close the caller's account. CHOICE: `confirmation` is the account's email address (any case);
   * an owner of an org that is not closed answers 409/1660 (transfer or close it first). A closed
   * account cannot sign in, its tokens and keys stop working, and its address stays taken.
   */
  close(user: User, confirmation: string): void {
    if (confirmation.trim().toLowerCase() !== user.emailKey) {
      throw Errors.invalidField('confirmation', "Type the account's email address to confirm closing it.", 'string');
    }
    const ownsOpenOrg = this.d.db.orgMembers
      .find('user', user.id)
      .some((m) => m.role === 'owner' && m.status === 'active' && this.d.db.orgs.get(m.orgId)?.closed === null);
    if (ownsOpenOrg) throw Errors.conflict('This account owns an organization. Transfer its ownership or close it first.');
    this.d.db.users.update(user.id, { closed: true, updated: this.d.now() });
    for (const s of this.d.db.sessions.find('user', user.id)) if (!s.revoked) this.d.db.sessions.update(s.id, { revoked: true });
    this.d.audit.record(AuditEvents.userClosed(user.id));
  }

  private dropResets(userId: string): void {
    const stale = [...this.d.db.emailCodes.values()].filter((r) => r.userId === userId && r.id.startsWith('password-reset:'));
    for (const r of stale) this.d.db.emailCodes.delete(r.id);
  }
}
