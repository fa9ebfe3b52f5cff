import { z } from 'zod';
import { displayName, formBool, lazy, text } from '../http/schema.js';

/** PARITY: sign-up fields from the official client (src/api/auth.rs `sign_up`). */
export const signUpBody = lazy(() =>
  z.object({
    email_address: z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.')),
    password: z.string().min(8, 'This value must be at least 8 characters long.').max(256, 'This value must be at most 256 characters long.'),
    tos_agree: formBool().refine((v) => v, 'You must agree to the terms of service.'),
    first_name: displayName({ max: 100 }).optional(),
    last_name: displayName({ max: 100 }).optional(),
    agent: formBool().optional(),
  }),
);

export const emailValidateBody = lazy(() =>
  z.object({
    email: z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.')),
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
  }),
);

export const apiKeyParams = lazy(() => z.object({ key_id: z.string().min(1).max(64) }));
