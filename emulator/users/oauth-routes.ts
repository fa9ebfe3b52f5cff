import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf, type Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { formatTime } from '../http/format.js';
import { RawResponse } from '../http/route.js';
import { isApiError, lazy, text } from '../http/schema.js';
import type { Emulator } from '../emulator.js';
import type { Session } from '../store/model.js';
import { codePage, consentPage, deniedPage, errorPage, signInPage, twoFactorPage } from './oauth-consent-page.js';
import { parseGrant } from './oauth-scopes.js';
import type { PendingRequest } from './oauth.js';

const SOURCE =
  'MediaFire/fastio_cli@96b1551 src/auth/pkce.rs, src/api/auth.rs, commands/auth.rs; agent guide v1.29 REFERENCE.md "Option 4: PKCE Browser Login"';

const authorizeFields = {
  client_id: text({ min: 1, max: 255 }),
  response_type: z.literal('code', 'Only response_type=code is supported.'),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Expected the base64url S256 challenge of the code verifier (43 characters).'),
  code_challenge_method: z.literal('S256', 'Only code_challenge_method=S256 is supported.'),
  redirect_uri: text({ min: 1, max: 2000 }),
  state: text({ max: 512 }).optional(),
  scope: text({ max: 4000 }).optional(),
  scope_type: text({ max: 4000 }).optional(),
  login_hint: text({ max: 320 }).optional(),
  agent_name: text({ max: 255 }).optional(),
  response_format: z.enum(['json', 'html']).optional(),
};

/**
 * The consent page (`auth_request_id`) or a new request, told apart by `response_type` (a
 * discriminated union, so a refusal names the field at fault rather than the whole input).
 */
const authorizeQuery = lazy(() =>
  z.discriminatedUnion('response_type', [
    z.object({ response_type: z.undefined().optional(), auth_request_id: text({ min: 1, max: 128 }) }),
    z.object(authorizeFields),
  ]),
);

/** The consent form's posts, or (April guide) an authorization request made with POST. */
const authorizePostBody = lazy(() =>
  z.discriminatedUnion('response_type', [
    z.object({
      response_type: z.undefined().optional(),
      auth_request_id: text({ min: 1, max: 128 }),
      step: z.enum(['signin', 'twofactor', 'approve', 'deny']),
      code: text({ max: 16 }).optional(),
      email: text({ max: 320 }).optional(),
      password: z.string().max(256).optional(),
      consent_token: text({ max: 128 }).optional(),
      grant: z.union([z.string().max(200), z.array(z.string().max(200)).max(200)]).optional(),
    }),
    z.object(authorizeFields),
  ]),
);

const tokenBody = lazy(() =>
  z.discriminatedUnion('grant_type', [
    z.object({
      grant_type: z.literal('authorization_code'),
      code: text({ min: 1, max: 256 }),
      code_verifier: text({ min: 1, max: 256 }),
      client_id: text({ min: 1, max: 255 }),
      redirect_uri: text({ max: 2000 }).optional(),
      device_name: text({ max: 255 }).optional(),
      device_type: text({ max: 64 }).optional(),
    }),
    z.object({ grant_type: z.literal('refresh_token'), refresh_token: text({ min: 1, max: 256 }), client_id: text({ min: 1, max: 255 }) }),
  ]),
);

const sessionParams = lazy(() => z.object({ session_id: z.string().min(1).max(64) }));
const renameBody = lazy(() => z.object({ device_name: text({ max: 255 }).optional(), agent_name: text({ max: 255 }).optional() }));
const revokeAllQuery = lazy(() => z.object({ exclude_current: z.enum(['true', 'false']).optional(), current_session_id: z.string().max(64).optional() }));

type AuthorizeFields = z.output<z.ZodObject<typeof authorizeFields>>;

function open(emu: Emulator, q: AuthorizeFields): PendingRequest {
  return emu.oauth.authorize({
    clientId: q.client_id,
    redirectUri: q.redirect_uri,
    codeChallenge: q.code_challenge,
    state: q.state,
    scope: q.scope ?? q.scope_type,
    loginHint: q.login_hint,
    agentName: q.agent_name,
  });
}

function opened(r: PendingRequest): Record<string, unknown> {
  // CHOICE: besides the client's `auth_request_id`, the path of the emulator's consent page (the
  // live service sends the browser to https://go.fast.io/connect, which the emulator cannot serve).
  return { auth_request_id: r.id, consent_path: `/current/oauth/authorize/?auth_request_id=${encodeURIComponent(r.id)}`, expires: formatTime(r.expires) };
}

const html = (body: string, status = 200) =>
  new RawResponse(body, 'text/html; charset=utf-8', status, { 'cache-control': 'no-store', 'x-frame-options': 'DENY' });

function consentFor(emu: Emulator, r: PendingRequest, error?: string): string {
  const user = emu.db.users.get(r.userId!)!;
  if (r.twoFactorPending) return twoFactorPage(r, r.consentToken!, user.twoFactor?.channel ?? 'totp', error);
  const orgs = emu.db.orgMembers
    .find('user', user.id)
    .filter((m) => m.status === 'active')
    .map((m) => emu.access.findOrg(m.orgId))
    .filter((o) => o !== undefined);
  return consentPage(r, r.consentToken!, { email: user.email, orgs, workspaces: emu.access.reachableWorkspaces(user.id) });
}

export function oauthSessionJson(s: Session, caller?: Caller): Record<string, unknown> {
  const o = s.oauth!;
  return {
    id: s.id,
    client_id: o.clientId,
    device_name: o.deviceName,
    device_type: o.deviceType,
    agent_name: o.agentName,
    scopes: o.scopes,
    created: formatTime(s.created),
    last_refreshed: formatTime(o.updated),
    expires: formatTime(s.expires),
    current: caller !== undefined && caller.credential.kind === 'jwt' && caller.credential.sessionId === s.id,
  };
}

export const oauthRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/oauth/authorize/',
    area: 'auth',
    summary: 'Open a PKCE authorization request (response_format=json -> auth_request_id), or serve the consent page',
    auth: 'none',
    query: authorizeQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'S256 only; the challenge is 43 base64url characters',
        'requests and codes last 10 minutes; a code works once',
        'with auth_request_id (or without response_format=json) the answer is the consent page (HTML): sign in, choose grants, approve or deny, then the code is shown to paste back',
        'the JSON answer adds `consent_path` (the emulator page standing in for https://go.fast.io/connect)',
      ],
    },
    handler: (_ctx, { query }, emu) => {
      if ('auth_request_id' in query) {
        let r: PendingRequest;
        try {
          r = emu.oauth.request(query.auth_request_id);
        } catch (e) {
          if (isApiError(e)) return html(errorPage('This authorization request has expired or does not exist. Start the sign-in again.'), 404);
          throw e;
        }
        if (r.code) return html(codePage(r));
        return html(r.userId && r.consentToken ? consentFor(emu, r) : signInPage(r));
      }
      const r = open(emu, query);
      return query.response_format === 'json' ? opened(r) : html(signInPage(r));
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/oauth/authorize/',
    area: 'auth',
    summary: 'The consent page form (sign in, approve, deny), or an authorization request made with POST',
    auth: 'none',
    body: authorizePostBody,
    parity: {
      status: 'implemented',
      source: `${SOURCE}; April guide: POST /current/oauth/authorize/`,
      choices: [
        'the consent form posts here (step=signin|approve|deny); sign-in failures count toward the sign-in limit of GET /user/auth/',
        'approving with no grant ticked grants the requested scope, else all_orgs (full access)',
        'an account with 2FA on gets a code page after the password (step=twofactor, `code`: TOTP against the emulator clock, or the code sent to the mailbox for a phone channel); approve and deny answer 401 until it is given; wrong codes count toward the per-account 2FA limit (429 once spent)',
      ],
    },
    handler: async (_ctx, { body }, emu) => {
      if (!('step' in body)) return opened(open(emu, body));
      try {
        if (body.step === 'signin') {
          const { request } = await emu.oauth.signIn(body.auth_request_id, body.email ?? '', body.password ?? '');
          return html(consentFor(emu, request));
        }
        const token = body.consent_token ?? '';
        if (body.step === 'twofactor') return html(consentFor(emu, emu.oauth.secondFactor(body.auth_request_id, token, body.code ?? '')));
        if (body.step === 'deny') {
          emu.oauth.deny(body.auth_request_id, token);
          return html(deniedPage());
        }
        const grants = body.grant === undefined ? undefined : Array.isArray(body.grant) ? body.grant.join(' ') : body.grant;
        return html(codePage(emu.oauth.approve(body.auth_request_id, token, grants)));
      } catch (e) {
        if (!isApiError(e)) throw e;
        if (body.step === 'signin' && e.status !== 404) {
          const r = emu.oauth.request(body.auth_request_id);
          return html(signInPage(r, e.message), e.status);
        }
        if (body.step === 'twofactor' && e.status !== 404 && e.status !== 401) {
          const r = emu.oauth.request(body.auth_request_id);
          return html(consentFor(emu, r, e.message), e.status);
        }
        return html(errorPage(e.message), e.status);
      }
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/oauth/token/',
    area: 'auth',
    summary: 'Exchange an authorization code (with the PKCE verifier) or a refresh token for tokens; answers without the envelope',
    auth: 'none',
    body: tokenBody,
    parity: {
      status: 'implemented',
      source: `${SOURCE}; the client reads this answer raw (client.rs post_no_auth_raw)`,
      choices: [
        'access tokens last 3600 s; the refresh chain ends 30 days after the sign-in, whatever the refreshes',
        'every refresh rotates the refresh token; a rotated-away one presented again revokes the session',
        '`scope` is the granted grants space-separated, `scopes` the same as a JSON-encoded array (the guide), `session_id` names the OAuth session',
        'errors keep the API envelope (400/1605 naming the field)',
      ],
    },
    handler: async (_ctx, { body }, emu) => {
      const answer =
        body.grant_type === 'authorization_code'
          ? await emu.oauth.exchange({
              code: body.code,
              verifier: body.code_verifier,
              clientId: body.client_id,
              redirectUri: body.redirect_uri,
              deviceName: body.device_name,
              deviceType: body.device_type,
            })
          : await emu.oauth.refresh(body.refresh_token, body.client_id);
      return new RawResponse(JSON.stringify(answer), 'application/json; charset=utf-8', 200, { 'cache-control': 'no-store' });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/oauth/sessions/',
    area: 'auth',
    summary: "The caller's OAuth sessions",
    parity: { status: 'implemented', source: SOURCE, choices: ['under `sessions` with `results`; revoked and expired sessions are left out'] },
    handler: (ctx, _i, emu) => {
      const caller = callerOf(ctx);
      const sessions = emu.oauth.sessions(caller.user).map((s) => oauthSessionJson(s, caller));
      return { results: sessions.length, sessions };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/oauth/sessions/:session_id/',
    area: 'auth',
    summary: 'One OAuth session',
    params: sessionParams,
    parity: { status: 'implemented', source: SOURCE, choices: ["under `session`; another user's session id answers 404/1609"] },
    handler: (ctx, { params }, emu) => ({ session: oauthSessionJson(emu.oauth.session(callerOf(ctx).user, params.session_id), callerOf(ctx)) }),
  }),

  defineRoute({
    method: 'PATCH',
    path: '/current/oauth/sessions/:session_id/',
    area: 'auth',
    summary: "Rename a session's labels (device_name, agent_name; empty clears)",
    params: sessionParams,
    body: renameBody,
    dialects: ['v2'],
    parity: { status: 'implemented', source: SOURCE, choices: ['at least one field is required (400/1605)'] },
    handler: (ctx, { params, body }, emu) => {
      if (body.device_name === undefined && body.agent_name === undefined) throw Errors.missingField('device_name');
      const s = emu.oauth.rename(callerOf(ctx).user, params.session_id, { deviceName: body.device_name, agentName: body.agent_name });
      return { session: oauthSessionJson(s, callerOf(ctx)) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/oauth/sessions/:session_id/',
    area: 'auth',
    summary: 'Revoke one OAuth session: its access and refresh tokens stop working',
    params: sessionParams,
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { params }, emu) => {
      emu.oauth.revoke(callerOf(ctx).user, params.session_id);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/oauth/sessions/',
    area: 'auth',
    summary: "Revoke all the caller's OAuth sessions (exclude_current=true keeps current_session_id)",
    query: revokeAllQuery,
    parity: { status: 'implemented', source: SOURCE, choices: ['answers `revoked` (how many); API keys and Basic sign-in JWTs are untouched'] },
    handler: (ctx, { query }, emu) => {
      const keep = query.exclude_current === 'true' ? query.current_session_id : undefined;
      return { revoked: emu.oauth.revokeAll(callerOf(ctx), keep) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/auth/scopes/',
    area: 'auth',
    summary: "The current credential's scopes, structured",
    parity: {
      status: 'implemented',
      source: 'agent guide v1.29 REFERENCE.md "OAuth Scopes" (introspection route); client src/api/auth.rs scopes',
      choices: [
        'answers `token_type` (oauth, jwt, api_key), `full_access`, `scopes` (the grant strings) and `scopes_detail` (entity_type, entity_id, access_mode per grant)',
        'an unscoped credential answers full_access=true with scopes ["all_orgs"]',
      ],
    },
    handler: (ctx) => {
      const { credential } = callerOf(ctx);
      const scopes = credential.scopes ? [...credential.scopes] : ['org:*:rw'];
      const detail = scopes.map(parseGrant).filter((g) => g !== undefined);
      return {
        token_type: credential.kind === 'api_key' ? 'api_key' : credential.oauth ? 'oauth' : 'jwt',
        full_access: credential.scopes === undefined,
        scopes: credential.scopes ? scopes : ['all_orgs'],
        scopes_detail: detail.map((g) => ({ entity_type: g.type, entity_id: g.id, access_mode: g.mode })),
      };
    },
  }),
];
