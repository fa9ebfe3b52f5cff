/**
 * The April-2026 account routes the V2 ones (account-routes.ts) have counterparts of: the email
 * check and the profile update. PARITY: official client 41dde01 src/api/auth.rs email_check
 * (`POST /user/email/`, unauthenticated, form `email`) and src/api/user.rs update_user
 * (`POST /user/update/`, form first_name, last_name, email_address; its commands send the names
 * only and never an address).
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { displayName, lazy } from '../http/schema.js';
import { emailCheckBody } from './schema.js';
import { userJson } from './format.js';

const APRIL = ['2026-04'] as const;
const CLIENT_APRIL = 'MediaFire/fastio_cli@41dde01';

/**
 * CHOICE: names only. The April client sends `email_address` in its API but no command uses it,
 * and the April dialect documents no way to confirm a new address (V2's `/user/email/change/`),
 * so an address (or a password) here answers 400/1605 naming the field rather than changing the
 * sign-in address unconfirmed.
 */
export const aprilUserUpdateBody = lazy(() =>
  z.object({
    first_name: displayName({ max: 100 }).optional(),
    last_name: displayName({ max: 100 }).optional(),
    email_address: z.string().max(320).optional(),
    password: z.string().max(256).optional(),
  }),
);

export const aprilAccountRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/user/email/',
    area: 'auth',
    summary: 'Email check: is the address free for a new account (April)',
    auth: 'none',
    dialects: APRIL,
    body: emailCheckBody,
    parity: {
      status: 'implemented',
      source: `${CLIENT_APRIL} src/api/auth.rs email_check; agent guide v2.6 SKILL.md section 7 (V2 deprecated it to always answer available:true, so the April route told)`,
      choices: [
        'answers {available}: false when an account has the address (compared case-insensitively), true otherwise',
        'a malformed email answers 400/1605 naming `email`; no sign-in needed',
        'V2 answers available:true for any well-formed email (account-routes.ts)',
      ],
    },
    handler: (_ctx, { body }, emu) => ({ available: !emu.db.users.findOne('email', body.email.toLowerCase()) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/update/',
    area: 'auth',
    summary: "Update the caller's first and last name (April)",
    auth: 'bearer-unverified',
    dialects: APRIL,
    body: aprilUserUpdateBody,
    parity: {
      status: 'implemented',
      source: `${CLIENT_APRIL} src/api/user.rs update_user, src/bin/fastio/commands/user.rs update, settings update`,
      choices: [
        'first_name and last_name, through the same profile service as V2 (user_updated recorded); answers {user}',
        'neither name given answers 400/1605',
        'email_address or password answer 400/1605 naming the field: the April dialect has no confirmed address change (V2: POST /user/update/ with current_password, then /user/email/change/)',
        'an unverified account may call it',
      ],
    },
    handler: async (ctx, { body }, emu) => {
      const refused = (['email_address', 'password'] as const).filter((f) => body[f] !== undefined);
      if (refused.length > 0) {
        throw Errors.invalidField(refused[0]!, 'The 2026-04 API changes only first_name and last_name here.', 'string');
      }
      if (body.first_name === undefined && body.last_name === undefined) throw Errors.missingField('first_name', 'string');
      const { user } = await emu.users.profile.update(callerOf(ctx).user, { first_name: body.first_name, last_name: body.last_name });
      return { user: userJson(user) };
    },
  }),
];
