import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { apiKeyCreateBody, apiKeyParams, emailValidateBody, inlineTwoFactor, signUpBody } from './schema.js';
import { apiKeyJson, userJson } from './format.js';
import { accountRoutes } from './account-routes.js';
import { aprilAccountRoutes } from './april-account-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { isScoped } from './oauth-scopes.js';
import { twoFactorRoutes } from './twofactor-routes.js';
import { profileRoutes } from './profile-routes.js';

const AUTH_SOURCE = 'MediaFire/fastio_cli src/api/auth.rs; agent guide v1.29 "Getting Started"';

function parseBasic(header: string | undefined): { email: string; password: string } {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) throw Errors.unauthenticated('Sign in with HTTP Basic credentials (email:password).');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) throw Errors.unauthenticated('Sign in with HTTP Basic credentials (email:password).');
  return { email: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export const userRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/user/',
    area: 'auth',
    summary: 'Sign up (agent accounts with agent=true); V2: one neutral answer for new and existing emails',
    auth: 'none',
    body: signUpBody,
    parity: {
      status: 'implemented',
      source: `${AUTH_SOURCE}; V2: agent guide v2.6 SKILL.md sections 3 and 7`,
      choices: [
        'passwords of 8-256 characters',
        '2026-04: response fields (id, email_address, account_type, email_verified); a duplicate email answers 409/1660',
        'v2: the answer is exactly {signup_request_accepted: true, signed_in: false}, for a new and an existing email alike',
        'v2: the existing account gets a notice in the mailbox (kind `notice`), no audit event; its password and state are untouched',
        'v2: the password is hashed on both paths, so the answer takes about as long for either',
      ],
    },
    handler: async (_ctx, { body }, emu) => {
      const input = {
        email: body.email_address,
        password: body.password,
        firstName: body.first_name,
        lastName: body.last_name,
        accountType: body.agent ? ('agent' as const) : ('human' as const),
      };
      // The dialect's rule, handed to the user service as data (users/rules.ts).
      if (emu.users.rules.uniformSignUp) {
        await emu.users.requestSignUp(input);
        return { signup_request_accepted: true, signed_in: false };
      }
      const user = await emu.users.signUp(input);
      return { id: user.id, email_address: user.email, account_type: user.accountType, email_verified: false };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/auth/',
    area: 'auth',
    summary: 'Sign in with HTTP Basic credentials; returns a JWT',
    auth: 'basic',
    parity: {
      status: 'implemented',
      source: `${AUTH_SOURCE}; V2 lifetime: agent guide v2.6 SKILL.md section 3`,
      choices: [
        '10 failed sign-ins per email in 5 minutes answer 429',
        'with 2FA enabled: `2factor: true` and a limited token (10 minutes) until POST /2factor/auth/{code}/',
        'JWT lifetime (`expires_in`): 2026-04 3600 s, v2 30 days (2592000 s), on the emulator clock',
      ],
    },
    // The raw Authorization header is needed here; the pipeline leaves Basic to this handler.
    handler: async (ctx, _input, emu) => {
      const { email, password } = parseBasic(ctx.authorization);
      const { token, expiresIn, twoFactor } = await emu.users.signIn(email, password);
      return { auth_token: token, expires_in: expiresIn, '2factor': twoFactor };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/auth/check/',
    area: 'auth',
    summary: 'Check the token; returns the user id',
    parity: { status: 'implemented', source: AUTH_SOURCE },
    handler: (ctx) => ({ id: callerOf(ctx).user.id }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/details/',
    area: 'auth',
    summary: "The caller's profile",
    parity: { status: 'implemented', source: 'API notes "Auth and users"', choices: ['profile under the key `user`'] },
    handler: (ctx) => ({ user: userJson(callerOf(ctx).user) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/me/details/',
    area: 'auth',
    summary: "The caller's profile (the official client's path)",
    parity: { status: 'implemented', source: 'MediaFire/fastio_cli src/api/user.rs', choices: ['profile under the key `user`'] },
    handler: (ctx) => ({ user: userJson(callerOf(ctx).user) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/email/validate/',
    area: 'auth',
    summary: 'Send an email verification code, or check one (email_token)',
    auth: 'bearer-unverified',
    body: emailValidateBody,
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 "Getting Started" step 3',
      choices: ['codes are 6 digits, valid 24 h, 5 tries', "the email must be the caller's own", 'response field `verified`'],
    },
    handler: (ctx, { body }, emu) => {
      const user = callerOf(ctx).user;
      if (body.email !== user.emailKey) throw Errors.invalidField('email', "The email address is not this account's address.");
      if (body.email_token === undefined) {
        if (user.emailVerified) return { verified: true, sent: false };
        emu.users.sendVerificationCode(user);
        return { verified: false, sent: true };
      }
      if (user.emailVerified) return { verified: true };
      emu.users.verifyEmail(user, body.email_token);
      return { verified: true };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/key/',
    area: 'auth',
    summary: 'Create an API key',
    body: apiKeyCreateBody,
    parity: {
      status: 'implemented',
      source: AUTH_SOURCE,
      choices: [
        'key format: 48 characters [0-9A-Za-z]',
        'response carries `id` besides `api_key`',
        'with 2FA on, a JWT caller sends a current code as `token` (missing or wrong: 400/1605); API-key callers need none',
      ],
    },
    handler: (ctx, { body }, emu) => {
      // CHOICE: a scoped credential cannot mint a key (which could be wider than itself): 403/1680.
      if (isScoped(callerOf(ctx))) throw Errors.accessDenied('A scoped token cannot create API keys. Use an unscoped sign-in.');
      emu.users.twoFactor.requireInline(callerOf(ctx), body.token);
      const { key, secret } = emu.users.createApiKey(callerOf(ctx).user, {
        memo: body.memo,
        scopes: body.scopes,
        agentName: body.agent_name,
        expires: body.expires,
      });
      return { api_key: secret, id: key.id };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/auth/keys/',
    area: 'auth',
    summary: "List the caller's API keys",
    parity: { status: 'implemented', source: AUTH_SOURCE, choices: ['fields of each key'] },
    handler: (ctx, _i, emu) => {
      const keys = emu.users.listApiKeys(callerOf(ctx).user).map(apiKeyJson);
      return { results: keys.length, api_keys: keys };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/user/auth/key/:key_id/',
    area: 'auth',
    summary: 'One API key',
    params: apiKeyParams,
    parity: { status: 'implemented', source: AUTH_SOURCE, choices: ['key fields at the top level'] },
    handler: (ctx, { params }, emu) => apiKeyJson(emu.users.ownKey(callerOf(ctx).user, params.key_id)),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/key/:key_id/',
    area: 'auth',
    summary: 'Update an API key (memo, scopes, agent_name, expires; empty expires clears it)',
    params: apiKeyParams,
    body: apiKeyCreateBody,
    parity: { status: 'implemented', source: AUTH_SOURCE },
    handler: (ctx, { params, body }, emu) => {
      if (isScoped(callerOf(ctx))) throw Errors.accessDenied('A scoped token cannot change API keys. Use an unscoped sign-in.');
      return apiKeyJson(
        emu.users.updateApiKey(callerOf(ctx).user, params.key_id, { memo: body.memo, scopes: body.scopes, agentName: body.agent_name, expires: body.expires }),
      );
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/user/auth/key/:key_id/',
    area: 'auth',
    summary: 'Revoke an API key (refused from the next request on)',
    params: apiKeyParams,
    query: inlineTwoFactor,
    body: inlineTwoFactor,
    parity: {
      status: 'implemented',
      source: AUTH_SOURCE,
      choices: ['with 2FA on, a JWT caller sends a current code as `token` (query or form; missing or wrong: 400/1605); API-key callers need none'],
    },
    handler: (ctx, { params, query, body }, emu) => {
      emu.users.twoFactor.requireInline(callerOf(ctx), body.token ?? query.token);
      emu.users.revokeApiKey(callerOf(ctx).user, params.key_id);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/user/auth/sign-out/',
    area: 'auth',
    summary: 'Sign out: the JWT stops working',
    auth: 'bearer-unverified',
    parity: {
      status: 'implemented',
      source: AUTH_SOURCE,
      choices: [
        'signing out with an API key is accepted and revokes nothing',
        'only the JWT that signs out ends (the V2 client says revocable browser sessions of the user end; `invalidate-all` ends them all)',
      ],
    },
    handler: (ctx, _i, emu) => {
      emu.users.signOut(callerOf(ctx));
    },
  }),

  ...accountRoutes,
  ...twoFactorRoutes,
  ...profileRoutes,
  ...oauthRoutes,
  ...aprilAccountRoutes,
];
