import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { emailChangeBody, emailCheckBody, userUpdateBody } from './schema.js';
import { userJson } from './format.js';

/**
 * The V2 account routes: email-check that reveals nothing, sign-out everywhere, and the profile
 * update with its confirmed email change. Only the V2 client documents them as served here; under
 * 2026-04 the catalogue's `POST /current/user/email/` and `/user/update/` stay 501.
 */
const V2 = ['v2'] as const;
const CLIENT_V2 = 'MediaFire/fastio_cli@96b1551';

export const accountRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/user/email/',
    area: 'auth',
    summary: 'Email check (deprecated in V2): answers available for any well-formed email',
    auth: 'none',
    dialects: V2,
    body: emailCheckBody,
    parity: {
      status: 'implemented',
      source: `${CLIENT_V2} src/api/auth.rs email_check; agent guide v2.6 SKILL.md section 7 ("always returns available:true for a well-formed email")`,
      choices: ['the answer is exactly {available: true}', 'a malformed email answers 400/1605 naming `email`', '2026-04: not served (501), as before'],
    },
    handler: () => ({ available: true }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/invalidate-all/',
    area: 'auth',
    summary: "Sign out everywhere: every JWT of the caller's issued before now stops working",
    auth: 'bearer-unverified',
    dialects: V2,
    parity: {
      status: 'implemented',
      source: `${CLIENT_V2} src/api/auth.rs invalidate_all (per auth.txt: not API keys, not OAuth access tokens)`,
      choices: [
        'API keys keep working (the client: invalidate-all does not affect API keys)',
        'allowed with an API key too; it ends every JWT of the key’s user',
        'an unverified account may call it',
        'the answer carries no fields',
      ],
    },
    handler: (ctx, _i, emu) => {
      emu.users.invalidateAllSessions(callerOf(ctx));
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/update/',
    area: 'auth',
    summary: "Update the caller's profile; a new email_address waits for the token mailed to it",
    auth: 'bearer-unverified',
    dialects: V2,
    body: userUpdateBody,
    parity: {
      status: 'implemented',
      source: `${CLIENT_V2} src/api/user.rs update_user, UserUpdate (per auth.txt)`,
      choices: [
        'email_address or password without current_password answers 400/1605 (missing); a wrong one 400/1605 (invalid)',
        'the new address gets a 40-character token (mailbox kind `email_verification`), valid 24 hours; the address changes only on confirm',
        'an address that has an account gets a notice and no token; the answer is the same (nothing reveals it is taken)',
        'phone_country / phone_number answer 400/1605: the emulator keeps no phone numbers',
        'answer: {user, email_change_requested}; the user still shows the old address until the change is confirmed',
        'a password change ends no session',
        'an unverified account may call it (to fix a mistyped address)',
        '2026-04: not served (501), as before',
      ],
    },
    handler: async (ctx, { body }, emu) => {
      const { user, emailChangeRequested } = await emu.users.profile.update(callerOf(ctx).user, body);
      return { user: userJson(user), email_change_requested: emailChangeRequested };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/email/change/',
    area: 'auth',
    summary: 'Confirm a pending email change with the token mailed to the new address',
    auth: 'bearer-unverified',
    dialects: V2,
    body: emailChangeBody,
    parity: {
      status: 'implemented',
      source: `${CLIENT_V2} src/api/auth.rs email_change_confirm`,
      choices: [
        "the token confirms only the caller's own pending change; another user's token answers 400/1605 (`token`)",
        '5 wrong tokens end the pending change',
        'the new address counts as verified; the old address gets a notice',
        'an address taken since the request answers 409/1660',
        'answer: {user} with the new address',
      ],
    },
    handler: (ctx, { body }, emu) => ({ user: userJson(emu.users.profile.confirmEmailChange(callerOf(ctx).user, body.token)) }),
  }),
];
