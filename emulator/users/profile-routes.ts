import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy, profileId, text } from '../http/schema.js';
import { publicUserJson } from './format.js';
import { sha256Hex } from './tokens.js';
import { AuditEvents } from '../events/catalogue.js';
import { availableProfiles, knownUserIds, searchKnownUsers } from './directory.js';

/**
 * The rest of the user (issue 19 item 5), both dialects: password reset by a mailed code, closing
 * the account, another user's details, user search, and the small `me/...` answers.
 */
const AUTH = 'MediaFire/fastio_cli src/api/auth.rs (96b1551, 41dde01)';
const USER = 'MediaFire/fastio_cli src/api/user.rs (96b1551, 41dde01)';

const password = () => z.string().min(8, 'This value must be at least 8 characters long.').max(256, 'This value must be at most 256 characters long.');
const codeParams = lazy(() => z.object({ code: z.string().trim().min(1).max(128) }));
const resetBody = lazy(() => z.object({ email: z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.')) }));
const newPasswordBody = lazy(() => z.object({ password1: password(), password2: z.string().min(1).max(256) }));
const closeBody = lazy(() => z.object({ confirmation: text({ min: 1, max: 320 }) }));
const userParams = lazy(() => z.object({ user_id: profileId() }));
const searchQuery = lazy(() => z.object({ search: text({ min: 2, max: 100 }) }));
const autosyncParams = lazy(() => z.object({ state: z.enum(['enable', 'disable'], { message: 'Expected enable or disable.' }) }));
const phoneParams = lazy(() =>
  z.object({
    country_code_phone_number: z
      .string()
      .trim()
      .regex(/^\+?\d{1,4}-\d{4,15}$/, 'Expected {country code}-{phone number}, digits only.'),
  }),
);

export const profileRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/user/email/reset/',
    area: 'auth',
    summary: 'Ask for a password reset: a code is mailed if the address has an account',
    auth: 'none',
    body: resetBody,
    parity: {
      status: 'implemented',
      source: `${AUTH} password_reset_request`,
      choices: [
        'the answer is the same (no fields) for an address with or without an account',
        'the code: 40 characters [0-9A-Za-z], valid 1 hour, good once, mailbox kind `password_reset`; a new request replaces the last',
      ],
    },
    handler: (_ctx, { body }, emu) => {
      emu.users.account.requestReset(body.email);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/password/:code/details/',
    area: 'auth',
    summary: 'Check a password reset code: answers the email address it was sent to',
    auth: 'none',
    params: codeParams,
    parity: {
      status: 'implemented',
      source: `${AUTH} password_reset_check`,
      choices: ['answer {email_address}; an unknown, spent or expired code answers 400/1605 naming `code`'],
    },
    handler: (_ctx, { params }, emu) => ({ email_address: emu.users.account.userOfCode(params.code).email }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/password/:code/',
    area: 'auth',
    summary: 'Set a new password with a reset code (password1, password2)',
    auth: 'none',
    params: codeParams,
    body: newPasswordBody,
    parity: {
      status: 'implemented',
      source: `${AUTH} password_reset_complete`,
      choices: [
        'password1 of 8-256 characters; password2 must match (400/1605 naming `password2`)',
        'every sign-in session of the account ends; API keys keep working',
        'the answer carries no fields',
      ],
    },
    handler: async (_ctx, { params, body }, emu) => {
      await emu.users.account.completeReset(params.code, body.password1, body.password2);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/close/',
    area: 'auth',
    summary: "Close the caller's account (confirmation: the account's email address)",
    body: closeBody,
    parity: {
      status: 'implemented',
      source: `${USER} close_account`,
      choices: [
        "`confirmation` must be the account's email address (any case), else 400/1605",
        'an owner of an open org answers 409/1660',
        'a closed account cannot sign in (401 as a wrong password) and its tokens and keys stop working',
        'answer {closed: true}',
      ],
    },
    handler: (ctx, { body }, emu) => {
      emu.users.account.close(callerOf(ctx).user, body.confirmation);
      return { closed: true };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/:user_id/details/',
    area: 'auth',
    summary: 'Another user’s public profile (users who share an org, workspace or share with the caller)',
    params: userParams,
    parity: {
      status: 'implemented',
      source: `${USER} get_user_by_id`,
      choices: [
        'answer {user: {id, email_address, account_type, first_name, last_name}}: no verification state, no times',
        'a user who shares no org, workspace or share with the caller answers 404/1609, as an unknown id does',
      ],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx).user;
      const user = emu.db.users.get(params.user_id);
      if (!user || user.closed || !knownUserIds(emu.db, caller.id).has(user.id)) throw Errors.notFound('user');
      return { user: publicUserJson(user) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/users/search/',
    area: 'auth',
    summary: 'Search the users the caller shares an org, workspace or share with (email or name)',
    query: searchQuery,
    parity: {
      status: 'implemented',
      source: `${USER} search_users (the server reads \`search\`)`,
      choices: [
        '`search` of 2-100 characters, matched case-insensitively in the email address and the full name',
        'only users who share an org, workspace or share with the caller; never the caller; at most 100, by email',
        'answer {results, users: [public profiles]}',
      ],
    },
    handler: (ctx, { query }, emu) => {
      const users = searchKnownUsers(emu.db, callerOf(ctx).user, query.search).slice(0, 100).map(publicUserJson);
      return { results: users.length, users };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/me/allowed/',
    area: 'auth',
    summary: 'Whether the caller may use the service from their country',
    parity: {
      status: 'implemented',
      source: `${USER} user_allowed`,
      choices: ['the emulator has no geolocation: every caller is allowed; answer {allowed: true, country: null}'],
    },
    handler: () => ({ allowed: true, country: null }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/me/limits/orgs/',
    area: 'auth',
    summary: 'Org creation eligibility: how many orgs the caller owns, and whether another may be made',
    parity: {
      status: 'implemented',
      source: `${USER} user_org_limits`,
      choices: ['the emulator sets no cap on orgs per user: answer {limits: {orgs_owned, orgs_max: null, can_create: true}}'],
    },
    handler: (ctx, _i, emu) => {
      const owned = emu.db.orgMembers
        .find('user', callerOf(ctx).user.id)
        .filter((m) => m.role === 'owner' && m.status === 'active' && emu.db.orgs.get(m.orgId)?.closed === null).length;
      return { limits: { orgs_owned: owned, orgs_max: null, can_create: true } };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/available_profiles/',
    area: 'auth',
    summary: 'The kinds of profile the caller has a membership of (user, org, workspace, share)',
    parity: {
      status: 'implemented',
      source: `${USER} get_profiles`,
      choices: ['answer {profiles: {user: true, org, workspace, share}}: true where the caller has an active membership of that kind'],
    },
    handler: (ctx, _i, emu) => ({ profiles: availableProfiles(emu.db, callerOf(ctx).user.id) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/pin/',
    area: 'auth',
    summary: "The caller's support PIN and identity verification hash",
    parity: {
      status: 'implemented',
      source: `${USER} get_pin`,
      choices: ['pin: 6 digits fixed per user; hash: 64 hex characters fixed per user (both derived from the user id)'],
    },
    handler: (ctx) => {
      const id = callerOf(ctx).user.id;
      const pin = (BigInt(`0x${sha256Hex(`pin:${id}`).slice(0, 12)}`) % 1_000_000n).toString().padStart(6, '0');
      return { pin, hash: sha256Hex(`identity:${id}`) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/phone/:country_code_phone_number/',
    area: 'auth',
    summary: 'Check a phone number and country code pair ({country code}-{number})',
    params: phoneParams,
    parity: {
      status: 'implemented',
      source: `${USER} validate_phone`,
      choices: [
        'the form alone is checked (1-4 digit country code, 4-15 digit number); answer {valid: true, country_code, phone_number, e164}',
        'a malformed pair 400/1605',
      ],
    },
    handler: (_ctx, { params }) => {
      const [cc, number] = params.country_code_phone_number.replace(/^\+/, '').split('-') as [string, string];
      return { valid: true, country_code: cc, phone_number: number, e164: `+${cc}${number}` };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/me/autosync/:state/',
    area: 'auth',
    summary: 'Turn photo auto-sync from SSO providers on or off',
    params: autosyncParams,
    parity: {
      status: 'partial',
      source: `${USER} autosync`,
      choices: ['the setting is kept on the user and answered {autosync: bool}; the emulator has no SSO provider, so no photo is ever synced'],
    },
    handler: (ctx, { params }, emu) => {
      const on = params.state === 'enable';
      emu.db.users.update(callerOf(ctx).user.id, { autosync: on });
      emu.audit.record(AuditEvents.userUpdated(callerOf(ctx).user.id, ['autosync']));
      return { autosync: on };
    },
  }),
];
