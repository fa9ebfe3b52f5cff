/**
 * `auth`: the actions that put a token into the MCP session (signin, signup then signin,
 * set-api-key, 2fa-verify, pkce-complete) and the REST-backed ones. PARITY: agent guide v2.6
 * section 3; official client tools.rs `auth` (actions, `signout` is local-only).
 */
import { createHash, randomBytes } from 'node:crypto';
import { answer, call, invalid, ok, rest, str, type ActionSpec, type Args, type ToolCtx, type ToolSpec } from '../kit.js';

async function whoAmI(ctx: ToolCtx, token: string): Promise<string | undefined> {
  const res = await ctx.api.call({ method: 'GET', path: '/user/auth/check/' }, token, `${ctx.tool}.${ctx.action}`);
  return res.status === 200 ? (res.body?.id as string | undefined) : undefined;
}

/** signin and signup take the same two parameters (`email_address` is the REST name of `email`). */
const CREDENTIALS = { params: ['email', 'password'], required: ['email', 'password'], auth: false } as const;

function credentials(a: Args): { email: string; password: string } | undefined {
  const email = str(a, 'email', 'email_address');
  const password = str(a, 'password');
  return email && password ? { email, password } : undefined;
}

const MISSING_CREDENTIALS = 'Missing required parameter: email and password';

const signin: ActionSpec = {
  summary: 'Sign in with email and password; the JWT is kept in this MCP session (GET /current/user/auth/ with Basic)',
  ...CREDENTIALS,
  params: [...CREDENTIALS.params],
  required: [...CREDENTIALS.required],
  async run(ctx, a) {
    const c = credentials(a);
    if (!c) return invalid(ctx, MISSING_CREDENTIALS);
    const { email, password } = c;
    const basic = Buffer.from(`${email}:${password}`).toString('base64');
    const res = await ctx.api.call(
      { method: 'GET', path: '/user/auth/', headers: { authorization: `Basic ${basic}` } },
      undefined,
      `${ctx.tool}.${ctx.action}`,
    );
    if (res.status !== 200 || !res.body?.auth_token) return answer(ctx, res);
    const token = res.body.auth_token as string;
    ctx.session.signIn(token, 'jwt', await whoAmI(ctx, token));
    ctx.session.email = email;
    // CHOICE: the token itself is not echoed back (it lives in the session); its lifetime is.
    return ok(
      ctx,
      { signed_in: true, user_id: ctx.session.userId, expires_in: res.body.expires_in, two_factor_required: res.body['2factor'] === true },
      { next: ['auth action=email-verify (send a code, then verify with email_token) if the email is not verified yet', 'org action=list'] },
    );
  },
};

const signup: ActionSpec = {
  summary: 'Create an agent account (agent=true always); does not sign in (POST /current/user/)',
  ...CREDENTIALS,
  params: [...CREDENTIALS.params, 'first_name', 'last_name'],
  required: [...CREDENTIALS.required],
  async run(ctx, a) {
    const c = credentials(a);
    if (!c) return invalid(ctx, MISSING_CREDENTIALS);
    const form = {
      email_address: c.email,
      password: c.password,
      first_name: str(a, 'first_name'),
      last_name: str(a, 'last_name'),
      tos_agree: 'true',
      agent: 'true',
    };
    const res = await call(ctx, { method: 'POST', path: '/user/', form });
    return answer(ctx, res, { next: ['auth action=signin with the same email and password', 'auth action=email-verify'] });
  },
};

const setApiKey: ActionSpec = {
  summary: 'Use an API key for this session; validated first (GET /current/user/auth/check/)',
  params: ['api_key'],
  required: ['api_key'],
  auth: false,
  async run(ctx, a) {
    const key = str(a, 'api_key');
    if (!key) return invalid(ctx, 'Missing required parameter: api_key');
    const res = await ctx.api.call({ method: 'GET', path: '/user/auth/check/' }, key, `${ctx.tool}.${ctx.action}`);
    if (res.status !== 200) return answer(ctx, res);
    ctx.session.signIn(key, 'api-key', res.body?.id as string);
    return ok(ctx, { signed_in: true, user_id: ctx.session.userId, token_kind: 'api-key' });
  },
};

const emailVerify: ActionSpec = {
  summary: 'Send an email verification code, or verify with email_token (POST /current/user/email/validate/)',
  params: ['email', 'email_token'],
  async run(ctx, a) {
    let email = str(a, 'email', 'email_address') ?? ctx.session.email;
    if (!email) {
      const me = await call(ctx, { method: 'GET', path: '/user/details/' });
      email = ((me.body?.user ?? {}) as { email_address?: string }).email_address;
    }
    const res = await call(ctx, { method: 'POST', path: '/user/email/validate/', form: { email, email_token: str(a, 'email_token') } });
    return answer(ctx, res);
  },
};

const twoFactorVerify: ActionSpec = {
  summary: 'Upgrade a limited 2FA token with the code (POST /current/user/auth/2factor/auth/{code}/)',
  params: ['code'],
  required: ['code'],
  async run(ctx, a) {
    const code = str(a, 'code', 'token');
    if (!code) return invalid(ctx, 'Missing required parameter: code');
    const res = await call(ctx, { method: 'POST', path: `/user/auth/2factor/auth/${encodeURIComponent(code)}/` });
    const token = res.body?.auth_token;
    if (res.status === 200 && typeof token === 'string') ctx.session.signIn(token, 'jwt', ctx.session.userId);
    return answer(ctx, res);
  },
};

/** PKCE: the verifier (and the redirect it was opened with) stays in the session; the user approves in a browser at the returned URL. */
const pkceVerifiers = new WeakMap<object, { verifier: string; redirectUri: string }>();

const pkceLogin: ActionSpec = {
  summary: 'Start a browser PKCE sign-in: returns the consent URL (GET /current/oauth/authorize/)',
  params: ['email', 'scope_type', 'agent_name'],
  auth: false,
  async run(ctx, a) {
    const verifier = randomBytes(32).toString('base64url');
    const base = ctx.apiUrl ?? '';
    // PARITY: CHOICE. The authorize route requires a redirect_uri. The guide's MCP flow has the
    // browser show the code for the user to copy back (REFERENCE.md "Option 4", step 3), which is
    // what the emulator's consent page does whatever the redirect; the MCP client names the API's
    // own loopback origin, and sends it again at the exchange.
    const redirectUri = `${base}/`;
    pkceVerifiers.set(ctx.session, { verifier, redirectUri });
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'fastio-mcp',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      redirect_uri: redirectUri,
    });
    for (const k of ['email', 'scope_type', 'agent_name']) if (str(a, k)) q.set(k, str(a, k)!);
    return ok(
      ctx,
      { authorize_url: `${base}/current/oauth/authorize/?${q}` },
      { next: ['Open authorize_url in a browser, approve, then auth action=pkce-complete code=<code>'] },
    );
  },
};

const pkceComplete: ActionSpec = {
  summary: 'Finish PKCE with the approved code; the token is kept in the session (POST /current/oauth/token/)',
  params: ['code'],
  required: ['code'],
  auth: false,
  async run(ctx, a) {
    const started = pkceVerifiers.get(ctx.session);
    const code = str(a, 'code');
    if (!started) return invalid(ctx, 'Start with auth action=pkce-login first.');
    if (!code) return invalid(ctx, 'Missing required parameter: code');
    const res = await call(ctx, {
      method: 'POST',
      path: '/oauth/token/',
      form: { grant_type: 'authorization_code', code, code_verifier: started.verifier, client_id: 'fastio-mcp', redirect_uri: started.redirectUri },
    });
    const token = res.body?.access_token;
    if (res.status === 200 && typeof token === 'string') {
      ctx.session.signIn(token, 'jwt', await whoAmI(ctx, token));
      pkceVerifiers.delete(ctx.session);
      return ok(ctx, { signed_in: true, user_id: ctx.session.userId, expires_in: res.body?.expires_in });
    }
    return answer(ctx, res);
  },
};

export const authTool: ToolSpec = {
  name: 'auth',
  description:
    'Authentication: sign in or sign up (agent accounts), API keys, 2FA, PKCE and OAuth sessions. The token is kept in this MCP session. signout is local-only.',
  actions: {
    signin,
    signup,
    'set-api-key': setApiKey,
    signout: {
      summary: "Forget this session's token (local only: the server session or API key is not revoked)",
      auth: false,
      async run(ctx) {
        ctx.session.signOut();
        return ok(ctx, { signed_in: false });
      },
    },
    status: {
      summary: 'The session state, without an API call',
      auth: false,
      async run(ctx) {
        const s = ctx.session;
        return ok(ctx, {
          authenticated: s.token !== undefined,
          token_kind: s.tokenKind ?? null,
          user_id: s.userId ?? null,
          mode: s.mode,
          blobs_staged: s.blobCount,
        });
      },
    },
    check: rest('Validate the token against the API', 'GET', '/user/auth/check/'),
    session: rest('The signed-in user (validates the token)', 'GET', '/user/me/details/'),
    'email-verify': emailVerify,
    'email-check': rest('Deprecated: always "available" for a well-formed email', 'POST', '/user/email/', { auth: false }),
    'password-reset-request': rest('Email a password reset code', 'POST', '/user/email/reset/', { auth: false }),
    'password-reset': rest('Set a new password with the reset code', 'POST', '/user/password/{code}/', { auth: false }),
    'password-reset-check': rest('Check a reset code', 'GET', '/user/password/{code}/details/', { auth: false }),
    'api-key-create': rest('Create an API key', 'POST', '/user/auth/key/', { fields: { memo: ['name', 'memo'] } }),
    'api-key-list': rest('List API keys', 'GET', '/user/auth/keys/'),
    'api-key-get': rest('One API key', 'GET', '/user/auth/key/{key_id}/'),
    'api-key-update': rest('Update an API key', 'POST', '/user/auth/key/{key_id}/', { fields: { memo: ['name', 'memo'] } }),
    'api-key-delete': rest('Delete an API key', 'DELETE', '/user/auth/key/{key_id}/', { destructive: true }),
    scopes: rest('The OAuth scopes', 'GET', '/auth/scopes/'),
    '2fa-status': rest('2FA status', 'GET', '/user/auth/2factor/'),
    '2fa-send': rest('Send a 2FA code', 'GET', '/user/auth/2factor/send/{channel}/'),
    '2fa-verify-setup': rest('Confirm 2FA set-up', 'POST', '/user/auth/2factor/verify/{token}/'),
    '2fa-verify': twoFactorVerify,
    'pkce-login': pkceLogin,
    'pkce-complete': pkceComplete,
    'oauth-list': rest('OAuth sessions', 'GET', '/oauth/sessions/'),
    'oauth-details': rest('One OAuth session', 'GET', '/oauth/sessions/{session_id}/'),
    'oauth-rename': rest('Rename an OAuth session', 'PATCH', '/oauth/sessions/{session_id}/'),
    'oauth-revoke': rest('Revoke an OAuth session', 'DELETE', '/oauth/sessions/{session_id}/', { destructive: true }),
    'oauth-revoke-all': rest('Revoke every other OAuth session', 'DELETE', '/oauth/sessions/', { destructive: true }),
  },
};
