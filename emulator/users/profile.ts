import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { User } from '../store/model.js';
import { Errors, assert, paramInvalid } from '../http/errors.js';
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Mailer } from './mailer.js';
import { verifyPassword } from './passwords.js';
import type { UserUpdateInput } from './schema.js';
import { carriedFailures, oneMoreFailure, outOfGuesses } from './code-attempts.js';

/** PARITY: CHOICE. An email change token: 40 characters [0-9A-Za-z], valid 24 hours, 5 wrong tries. */
const EMAIL_CHANGE_TOKEN_LENGTH = 40;
const EMAIL_CHANGE_LIFETIME_MS = 24 * 3600 * 1000;

/** The pending change of a user lives in emailCodes under this id (no address has a colon before its @). */
const changeRowId = (userId: string) => `email-change:${userId}`;

export interface ProfileDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  mailer: Mailer;
  audit: AuditLog;
  hashPassword: (password: string) => Promise<string>;
  /** a user's address became verified (the confirmed new address is) */
  verified: (user: User) => void;
}

/**
 * The caller's own profile: names, password, and the email change that only takes effect once
 * the token mailed to the new address comes back.
 * PARITY: client 96b1551 src/api/user.rs `update_user` and src/api/auth.rs `email_change_confirm`
 * (per auth.txt: changing `email_address` or `password` requires `current_password`; an
 * `email_address` change takes effect once confirmed with the token from the mailed link).
 */
export class ProfileService {
  constructor(private readonly d: ProfileDeps) {}

  async update(user: User, input: UserUpdateInput): Promise<{ user: User; emailChangeRequested: boolean }> {
    // CHOICE: the emulator keeps no phone numbers (2FA by SMS is not emulated): refused by name.
    const phone = (['phone_country', 'phone_number'] as const).filter((f) => input[f] !== undefined);
    if (phone.length > 0) throw Errors.invalidInput(phone.map((f) => paramInvalid(f, 'The emulator keeps no phone numbers.', 'string')));
    const newEmail = input.email_address !== undefined && input.email_address !== user.emailKey ? input.email_address : undefined;
    const fields = (['first_name', 'last_name', 'email_address', 'password'] as const).filter((f) => input[f] !== undefined);
    if (fields.length === 0) throw Errors.badRequest('Nothing to update: give first_name, last_name, email_address or password.');
    if (newEmail !== undefined || input.password !== undefined) {
      if (input.current_password === undefined) throw Errors.missingField('current_password', 'string');
      const ok = await verifyPassword(input.current_password, user.passwordHash);
      if (!ok) throw Errors.invalidField('current_password', 'The current password is not correct.', 'string');
    }
    const patch: Partial<User> = {};
    if (input.first_name !== undefined) patch.firstName = input.first_name;
    if (input.last_name !== undefined) patch.lastName = input.last_name;
    if (input.password !== undefined) patch.passwordHash = await this.d.hashPassword(input.password);
    let current = this.d.db.users.get(user.id);
    if (!current) throw Errors.unauthenticated('The token is invalid.');
    const changed = Object.keys(patch);
    if (changed.length > 0) {
      current = this.d.db.users.update(user.id, { ...patch, updated: this.d.now() });
      this.d.audit.record(
        AuditEvents.userUpdated(
          user.id,
          fields.filter((f) => f !== 'email_address'),
        ),
      );
    }
    if (newEmail !== undefined) this.requestEmailChange(current, newEmail);
    return { user: current, emailChangeRequested: newEmail !== undefined };
  }

  /**
   * A token to the new address; the account keeps its address until the token comes back. An
   * address that already has an account gets a notice instead and no token, and the caller's answer
   * is the same either way (CHOICE: as sign-up, the change does not reveal whether an address is
   * taken). A new request replaces an earlier pending one.
   */
  private requestEmailChange(user: User, newEmail: string): void {
    const id = changeRowId(user.id);
    // A fresh request keeps the account's wrong guesses at the token (code-attempts.ts).
    const carried = carriedFailures(this.d.db.emailCodes.get(id), this.d.now());
    this.d.db.emailCodes.delete(id);
    const taken = this.d.db.users.findOne('email', newEmail.toLowerCase());
    if (taken) {
      this.d.mailer.send({
        to: taken.email,
        subject: 'An email change named your address',
        kind: 'notice',
        body: 'Another Fast.io account asked to move to this address, which already has an account. Nothing was changed.',
      });
    } else {
      const token = this.d.ids.secret(EMAIL_CHANGE_TOKEN_LENGTH);
      this.d.db.emailCodes.insert({ id, userId: user.id, code: token, newEmail, expires: this.d.now() + EMAIL_CHANGE_LIFETIME_MS, ...carried });
      this.d.mailer.send({
        to: newEmail,
        subject: 'Confirm your new email address',
        kind: 'email_verification',
        code: token,
        body: `Confirm the change of your Fast.io address to this one with the token ${token} (POST /current/user/email/change/). It expires in 24 hours.`,
      });
    }
    this.d.audit.record(AuditEvents.userEmailChangeRequested(user.id));
  }

  /** The token from the mail: the caller's address becomes the new one, verified. */
  confirmEmailChange(user: User, token: string): User {
    const row = this.d.db.emailCodes.get(changeRowId(user.id));
    const now = this.d.now();
    if (!row || row.newEmail === undefined || row.expires <= now || outOfGuesses(row, now)) {
      throw Errors.invalidField('token', 'No email change is pending, or its token has expired. Request the change again.', 'string');
    }
    if (!sameSecret(row.code, token.trim())) {
      this.d.db.emailCodes.update(row.id, oneMoreFailure(row, now));
      throw Errors.invalidField('token', 'The email change token is not correct.', 'string');
    }
    const newKey = row.newEmail.toLowerCase();
    assert(!this.d.db.users.findOne('email', newKey), () => Errors.conflict('An account with this email address already exists.'));
    this.d.db.emailCodes.delete(row.id);
    // A verification code sent to the old address confirms nothing any more.
    this.d.db.emailCodes.delete(user.emailKey);
    const updated = this.d.db.users.update(user.id, { email: row.newEmail, emailKey: newKey, emailVerified: true, updated: now });
    this.d.mailer.send({
      to: user.email,
      subject: 'Your email address was changed',
      kind: 'notice',
      body: `The Fast.io account of this address now uses ${row.newEmail}.`,
    });
    this.d.audit.record(AuditEvents.userEmailChanged(user.id));
    this.d.verified(updated);
    return updated;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
