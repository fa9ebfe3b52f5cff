import { z } from 'zod';
import { displayName, formBool, lazy, text } from '../http/schema.js';

const email = () => z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.'));
const password = () => z.string().min(8, 'This value must be at least 8 characters long.').max(256, 'This value must be at most 256 characters long.');

/** PARITY: sign-up fields from the official client (src/api/auth.rs `sign_up`). */
export const signUpBody = lazy(() =>
  z.object({
    email_address: email(),
    password: password(),
    tos_agree: formBool().refine((v) => v, 'You must agree to the terms of service.'),
    first_name: displayName({ max: 100 }).optional(),
    last_name: displayName({ max: 100 }).optional(),
    agent: formBool().optional(),
  }),
);

export const emailValidateBody = lazy(() =>
  z.object({
    email: email(),
    email_token: text({ min: 1, max: 64 }).optional(),
  }),
);

export const apiKeyCreateBody = lazy(() =>
  z.object({
    memo: text({ max: 255 }).optional(),
    scopes: text({ max: 4000 }).optional(),
    agent_name: displayName({ max: 255 }).optional(),
    /** ISO 8601 time or epoch seconds; empty clears (on update). */
    expires: z.string().trim().max(64).optional(),
    /** the inline 2FA code (users/twofactor.ts `requireInline`) */
    token: z.string().trim().max(64).optional(),
  }),
);

/** The inline 2FA code a key deletion takes when 2FA is on (agent guide v2.6 SKILL.md). */
export const inlineTwoFactor = lazy(() => z.object({ token: z.string().trim().max(64).optional() }));

export const apiKeyParams = lazy(() => z.object({ key_id: z.string().min(1).max(64) }));

/** PARITY: client 96b1551 src/api/auth.rs `email_check` (`POST /user/email/`, field `email`, no auth). */
export const emailCheckBody = lazy(() => z.object({ email: email() }));

/**
 * PARITY: client 96b1551 src/api/user.rs `UserUpdate`: every field optional; `email_address` and
 * `password` need `current_password`; `phone_country` and `phone_number` travel together.
 */
export const userUpdateBody = lazy(() =>
  z.object({
    first_name: displayName({ max: 100 }).optional(),
    last_name: displayName({ max: 100 }).optional(),
    email_address: email().optional(),
    password: password().optional(),
    current_password: z.string().min(1).max(256).optional(),
    phone_country: z
      .string()
      .trim()
      .regex(/^\d{1,4}$/, 'Expected a numeric country code.')
      .optional(),
    phone_number: z
      .string()
      .trim()
      .regex(/^\d{4,15}$/, 'Expected a numeric phone number.')
      .optional(),
  }),
);
export type UserUpdateInput = z.output<ReturnType<typeof userUpdateBody>>;

/** PARITY: client 96b1551 src/api/auth.rs `email_change_confirm`: the one-time `token` mailed to the new address. */
export const emailChangeBody = lazy(() => z.object({ token: text({ min: 1, max: 128 }) }));
