import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy } from '../http/schema.js';
import { SEND_CHANNELS, TWO_FACTOR_CHANNELS } from './twofactor.js';

/**
 * Two-factor authentication routes, both dialects (client 96b1551 and 41dde01 src/api/auth.rs
 * document the same six). The service is users/twofactor.ts.
 */
const SOURCE = 'MediaFire/fastio_cli src/api/auth.rs two_factor_*, types.rs TwoFactor*; agent guide v2.6 SKILL.md (2FA, inline 2FA)';

/**
 * POST `/2factor/{channel}/` and DELETE `/2factor/{token}/` share one path shape, so one name
 * (`:channel`) holds either: the method decides what it means (as the client's redaction notes).
 */
const slotParams = lazy(() => z.object({ channel: z.string().trim().min(1).max(64) }));
const codeParams = lazy(() => z.object({ code: z.string().trim().min(1).max(64) }));
const tokenParams = lazy(() => z.object({ token: z.string().trim().min(1).max(64) }));
const sendParams = lazy(() => z.object({ channel: z.enum(SEND_CHANNELS, { message: `Expected one of ${SEND_CHANNELS.join(', ')}.` }) }));
const channelSchema = z.enum(TWO_FACTOR_CHANNELS, { message: `Expected one of ${TWO_FACTOR_CHANNELS.join(', ')}.` });

export const twoFactorRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/user/auth/2factor/',
    area: 'auth',
    summary: "The caller's 2FA state: disabled, pending (set up, not confirmed) or enabled",
    auth: 'bearer-unverified',
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answer: {state, totp, channel}; `channel` is null while disabled', 'a limited (2FA-pending) sign-in token may read it'],
    },
    handler: (ctx, _i, emu) => emu.users.twoFactor.status(callerOf(ctx).user),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/2factor/:channel/',
    area: 'auth',
    summary: 'Start 2FA setup on a channel (totp answers binding_uri; sms/whatsapp send a code to the mailbox)',
    params: slotParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'channels totp, sms, whatsapp (the client allow-list); another answers 400/1605 naming `channel`',
        'totp: binding_uri otpauth://totp/Fast.io:<email>?secret=<base32, 160 bits>&issuer=Fast.io, SHA1, 6 digits, 30 s',
        'sms/whatsapp: the emulator keeps no phone numbers, so the code lands in the mailbox (kind `two_factor`)',
        'the state is `pending` until POST /2factor/verify/{token}/; an enabled 2FA answers 409/1660 (disable first); a pending setup is replaced',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const channel = channelSchema.safeParse(params.channel);
      if (!channel.success) throw Errors.invalidField('channel', `Expected one of ${TWO_FACTOR_CHANNELS.join(', ')}.`, 'string');
      return emu.users.twoFactor.beginSetup(callerOf(ctx).user, channel.data);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/2factor/verify/:token/',
    area: 'auth',
    summary: 'Confirm a pending 2FA setup with a code of its channel; 2FA is enabled from then on',
    params: tokenParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['a wrong code answers 400/1605 naming `token`', 'answer: {state: enabled, channel}', 'without a setup 400/1605; when already enabled 409/1660'],
    },
    handler: (ctx, { params }, emu) => emu.users.twoFactor.confirmSetup(callerOf(ctx).user, params.token),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/auth/2factor/send/:channel/',
    area: 'auth',
    summary: 'Send a 2FA code on a phone channel (sms, call, whatsapp): delivered to the mailbox',
    auth: 'bearer-unverified',
    params: sendParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'the code (6 digits, 10 minutes, good once) goes to the mailbox, kind `two_factor`; a new one replaces the last',
        'a TOTP account answers 400/1605 naming `channel` (its codes come from the app)',
        'a resend does not reset the count of wrong codes',
        'answer: {sent: true, channel}',
      ],
    },
    handler: (ctx, { params }, emu) => emu.users.twoFactor.send(callerOf(ctx).user, params.channel),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/2factor/auth/:code/',
    area: 'auth',
    summary: 'Give the second factor of a sign-in: the limited token is exchanged for a full one',
    auth: 'bearer-unverified',
    params: codeParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answer {auth_token, expires_in} (the dialect’s JWT lifetime); the limited token stops working',
        'a limited token lasts 10 minutes and reaches only the 2FA status, send, this route and sign-out (401/1650 elsewhere)',
        'with a full token and a good code it answers a fresh full token',
        '5 wrong codes per account in 15 minutes, whatever was resent, then 429 until the window passes',
      ],
    },
    handler: async (ctx, { params }, emu) => {
      const { token, expiresIn } = await emu.users.completeTwoFactor(callerOf(ctx), params.code);
      return { auth_token: token, expires_in: expiresIn };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/user/auth/2factor/:channel/',
    area: 'auth',
    summary: 'Turn 2FA off; the path segment is a current 2FA code',
    params: slotParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'a wrong code answers 400/1605 naming `token`',
        'a pending setup is cancelled the same way (with a code of it)',
        'the answer carries no fields',
      ],
    },
    handler: (ctx, { params }, emu) => {
      emu.users.twoFactor.disable(callerOf(ctx).user, params.channel);
    },
  }),
];
