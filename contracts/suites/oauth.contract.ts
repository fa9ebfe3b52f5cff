/**
 * OAuth PKCE (issue 19): the authorization request (S256 only, a checked redirect_uri), the
 * consent page's forms (sign in, approve, deny), the token exchange (code + verifier, refresh with
 * rotation), the OAuth sessions (list, details, rename, revoke one, revoke all), the credential's
 * scopes, and the scope gate (a token limited to a grant is refused elsewhere, 403/1680). Every
 * refusal is in the live envelope; another persona reaches none of a persona's sessions or codes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse, Form } from '../client.js';
import type { Persona } from '../target.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { writeBack } from '../fileshares.js';
import { uploaded } from '../files.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

const CLIENT_ID = 'fastio-cli';
const REDIRECT = 'http://localhost:19836/callback';

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
  scopes: string;
  session_id: string;
}

interface SessionJson {
  id: string;
  client_id: string;
  device_name: string;
  device_type: string;
  current: boolean;
  scopes: string[];
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeQuery(challenge: string, extra: Form = {}): Form {
  return {
    client_id: CLIENT_ID,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    redirect_uri: REDIRECT,
    state: 'st4te',
    response_format: 'json',
    ...extra,
  };
}

function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  expect(m, html.slice(0, 1000)).not.toBeNull();
  return m![1]!;
}

function shownCode(html: string): string {
  const m = /id="authorization-code"[^>]*>([^<]+)</.exec(html);
  expect(m, html.slice(0, 1000)).not.toBeNull();
  return m![1]!;
}

function paramNames(res: ApiResponse): string[] {
  return (res.body.error?.params ?? []).map((p) => p.name);
}

/** Open a request and sign in on the consent page: the request id and the consent token. */
async function signInOnPage(who: Persona, scope?: string) {
  const api = c.api();
  const { verifier, challenge } = pkce();
  const opened = await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge, scope ? { scope } : {}) });
  expect(opened.status, opened.text).toBe(200);
  const requestId = opened.body.auth_request_id as string;
  expect(requestId).toMatch(/\S{16,}/);
  const page = await api.post('/current/oauth/authorize/', { auth_request_id: requestId, step: 'signin', email: who.email, password: who.password });
  expect(page.status, page.text.slice(0, 500)).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  return { api, requestId, verifier, consentToken: hidden(page.text, 'consent_token') };
}

/** The browser side through the forms: a one-time code and its verifier. */
async function codeFor(who: Persona, grants: string[] = []) {
  const { api, requestId, verifier, consentToken } = await signInOnPage(who);
  const form = new URLSearchParams({ auth_request_id: requestId, step: 'approve', consent_token: consentToken });
  for (const g of grants) form.append('grant', g);
  const approved = await api.request('POST', '/current/oauth/authorize/', { raw: { body: form.toString(), contentType: 'application/x-www-form-urlencoded' } });
  expect(approved.status, approved.text.slice(0, 500)).toBe(200);
  return { code: shownCode(approved.text), verifier };
}

const exchange = (code: string, verifier: string, extra: Form = {}) =>
  c.api().post('/current/oauth/token/', {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    device_name: 'contract-laptop',
    device_type: 'cli',
    ...extra,
  });

const refresh = (token: string) => c.api().post('/current/oauth/token/', { grant_type: 'refresh_token', refresh_token: token, client_id: CLIENT_ID });

async function oauthSignIn(who: Persona, grants: string[] = []): Promise<Tokens> {
  const { code, verifier } = await codeFor(who, grants);
  const res = await exchange(code, verifier);
  expect(res.status, res.text).toBe(200);
  return res.body as unknown as Tokens;
}

async function sessionIds(api: ApiClient): Promise<string[]> {
  const res = await api.get('/current/oauth/sessions/');
  expect(res.status, res.text).toBe(200);
  return (res.body.sessions as SessionJson[]).map((s) => s.id).sort();
}

describe('authorization request', () => {
  contract.unverified(
    'a JSON request answers an auth_request_id; plain, a bad challenge, a bad redirect and an unknown scope are refused in the envelope',
    async () => {
      const api = c.api();
      const { challenge } = pkce();
      const ok = await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge) });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.auth_request_id).toBeTypeOf('string');

      const plain = await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge, { code_challenge_method: 'plain' }) });
      expectApiError(plain, 400, 1605);
      expect(paramNames(plain)).toContain('code_challenge_method');
      const short = await api.get('/current/oauth/authorize/', { query: authorizeQuery('too-short') });
      expectApiError(short, 400, 1605);
      expect(paramNames(short)).toContain('code_challenge');
      for (const redirect of ['not a url', 'http://evil.example/callback', 'https://app.example/cb#frag', 'javascript:alert(1)']) {
        const bad = await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge, { redirect_uri: redirect }) });
        expectApiError(bad, 400, 1605);
        expect(paramNames(bad)).toEqual(['redirect_uri']);
      }
      const scope = await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge, { scope: 'everything:please' }) });
      expectApiError(scope, 400, 1605);
      expect(paramNames(scope)).toEqual(['scope']);
    },
  );

  contract.unverified('the consent page: a wrong password stays on the page, a forged consent token gives no code, deny ends the request', async () => {
    const who = await c.persona();
    const api = c.api();
    const { challenge } = pkce();
    const id = (await api.get('/current/oauth/authorize/', { query: authorizeQuery(challenge) })).body.auth_request_id as string;
    const page = await api.get('/current/oauth/authorize/', { query: { auth_request_id: id } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(hidden(page.text, 'auth_request_id')).toBe(id);
    const bad = await api.post('/current/oauth/authorize/', { auth_request_id: id, step: 'signin', email: who.email, password: 'not the password' });
    expect(bad.status).toBe(401);
    expect(bad.text).not.toContain('authorization-code');
    const forged = await api.post('/current/oauth/authorize/', { auth_request_id: id, step: 'approve', consent_token: 'forged' });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain('authorization-code');

    const { requestId, consentToken } = await signInOnPage(who);
    const denied = await api.post('/current/oauth/authorize/', { auth_request_id: requestId, step: 'deny', consent_token: consentToken });
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('id="denied"');
    const late = await api.post('/current/oauth/authorize/', { auth_request_id: requestId, step: 'approve', consent_token: consentToken });
    expect(late.status).toBe(404);
    expect((await api.get('/current/oauth/authorize/', { query: { auth_request_id: 'no-such-request' } })).status).toBe(404);
  });
});

describe('token exchange', () => {
  contract.unverified('code + verifier answer a Bearer for an hour, without the envelope; the code works once', async () => {
    const who = await c.persona();
    const { code, verifier } = await codeFor(who);
    const res = await exchange(code, verifier);
    expect(res.status, res.text).toBe(200);
    expect(res.body.result).toBeUndefined();
    const t = res.body as unknown as Tokens;
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'org:*:rw' });
    expect(JSON.parse(t.scopes)).toEqual(['org:*:rw']);
    const check = await c.api().as(t.access_token).get('/current/user/auth/check/');
    expect(check.body.id).toBe(who.userId);
    const again = await exchange(code, verifier);
    expectApiError(again, 400, 1605);
    expect(paramNames(again)).toEqual(['code']);
  });

  contract.unverified('a wrong verifier, another redirect_uri, another client_id and a missing grant_type are refused naming the field', async () => {
    const who = await c.persona();
    const a = await codeFor(who);
    const wrong = await exchange(a.code, pkce().verifier);
    expectApiError(wrong, 400, 1605);
    expect(paramNames(wrong)).toEqual(['code_verifier']);
    const b = await codeFor(who);
    const redirect = await exchange(b.code, b.verifier, { redirect_uri: 'http://localhost:1/other' });
    expectApiError(redirect, 400, 1605);
    expect(paramNames(redirect)).toEqual(['redirect_uri']);
    const d = await codeFor(who);
    const client = await exchange(d.code, d.verifier, { client_id: 'someone-else' });
    expectApiError(client, 400, 1605);
    expect(paramNames(client)).toEqual(['client_id']);
    expectApiError(await c.api().post('/current/oauth/token/', { code: 'x', code_verifier: 'y' }), 400, 1605);
  });

  contract.unverified('a refresh rotates the refresh token in the same session; the rotated-away one presented again revokes the session', async () => {
    const who = await c.persona();
    const first = await oauthSignIn(who);
    const r = await refresh(first.refresh_token);
    expect(r.status, r.text).toBe(200);
    const second = r.body as unknown as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.session_id).toBe(first.session_id);
    expect((await c.api().as(second.access_token).get('/current/user/auth/check/')).status).toBe(200);
    const replay = await refresh(first.refresh_token);
    expectApiError(replay, 400, 1605);
    expect(paramNames(replay)).toEqual(['refresh_token']);
    expectApiError(await c.api().as(second.access_token).get('/current/user/auth/check/'), 401, 1650);
    expectApiError(await refresh(second.refresh_token), 400, 1605);
  });
});

describe('OAuth sessions', () => {
  contract.unverified('list and details show the sessions; revoke one ends its tokens; revoke all keeps the current one when asked', async () => {
    const who = await c.persona();
    const a = await oauthSignIn(who);
    const b = await oauthSignIn(who);
    const d = await oauthSignIn(who);
    const api = c.api().as(a.access_token);
    const list = await api.get('/current/oauth/sessions/');
    expect(list.status, list.text).toBe(200);
    expect(list.body.results).toBe(3);
    const mine = (list.body.sessions as SessionJson[]).find((s) => s.id === a.session_id);
    expect(mine).toMatchObject({ current: true, client_id: CLIENT_ID, device_name: 'contract-laptop', device_type: 'cli', scopes: ['org:*:rw'] });
    const details = await api.get(`/current/oauth/sessions/${b.session_id}/`);
    expect(details.body.session).toMatchObject({ id: b.session_id, current: false });
    expectApiError(await api.get('/current/oauth/sessions/0000000000/'), 404, 1609);

    const revoked = await api.delete(`/current/oauth/sessions/${b.session_id}/`);
    expect(revoked.status, revoked.text).toBe(200);
    expectApiError(await c.api().as(b.access_token).get('/current/user/auth/check/'), 401, 1650);
    expectApiError(await refresh(b.refresh_token), 400, 1605);
    const all = await api.delete('/current/oauth/sessions/', { query: { exclude_current: 'true', current_session_id: a.session_id } });
    expect(all.status, all.text).toBe(200);
    expect(all.body.revoked).toBe(1);
    expectApiError(await c.api().as(d.access_token).get('/current/user/auth/check/'), 401, 1650);
    expect(await sessionIds(api)).toEqual([a.session_id]);
  });

  contract.unverified(
    "V2 renames a session's labels; an empty rename is refused",
    async () => {
      const who = await c.persona();
      const a = await oauthSignIn(who);
      const api = c.api().as(a.access_token);
      const res = await api.request('PATCH', `/current/oauth/sessions/${a.session_id}/`, { form: { device_name: 'desk', agent_name: 'helper' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.session).toMatchObject({ id: a.session_id, device_name: 'desk' });
      expectApiError(await api.request('PATCH', `/current/oauth/sessions/${a.session_id}/`, { form: {} }), 400, 1605);
    },
    { dialects: ['v2'] },
  );

  contract.unverified("another persona cannot list, read, rename or revoke a persona's sessions, nor use its code or refresh token", async () => {
    const alice = await c.persona();
    const bob = await c.persona();
    const a = await oauthSignIn(alice);
    const aliceApi = c.api().as(a.access_token);
    const before = await sessionIds(aliceApi);
    const bobApi = c.api().as(bob.token);

    expect(await sessionIds(bobApi)).toEqual([]);
    for (const method of ['GET', 'DELETE', 'PATCH'] as const) {
      const res = await bobApi.request(method, `/current/oauth/sessions/${a.session_id}/`, method === 'PATCH' ? { form: { device_name: 'mine now' } } : {});
      // April does not serve PATCH on a session (405 in the envelope); V2 answers as for a session that is not Bob's.
      if (method === 'PATCH' && c.target.dialect !== 'v2') expect([res.status, res.body.result]).toEqual([405, false]);
      else expectApiError(res, 404, 1609);
      expect(res.text).not.toContain(alice.email);
    }
    const all = await bobApi.delete('/current/oauth/sessions/');
    expect(all.body.revoked).toBe(0);

    // Alice's code with Bob's verifier, and Bob refreshing with what he can see of Alice's session.
    const { code } = await codeFor(alice);
    const stolen = await exchange(code, pkce().verifier);
    expectApiError(stolen, 400, 1605);
    expect(paramNames(stolen)).toEqual(['code_verifier']);
    expect(stolen.text).not.toContain(alice.email);
    expectApiError(await refresh(a.session_id), 400, 1605);
    expectApiError(await refresh(a.access_token), 400, 1605);

    expect(await sessionIds(aliceApi)).toEqual(before);
    expect((await c.api().as(a.access_token).get('/current/user/auth/check/')).body.id).toBe(alice.userId);
    expect((await refresh(a.refresh_token)).status).toBe(200);
  });
});

describe('scopes and the scope gate', () => {
  contract.unverified('an unscoped credential has full access; a workspace:r token reads that workspace, writes nothing, reaches nothing else', async () => {
    const { api, persona } = await c.signedIn();
    const full = await api.get('/current/auth/scopes/');
    expect(full.status, full.text).toBe(200);
    expect(full.body).toMatchObject({ full_access: true, scopes: ['all_orgs'] });
    const org = await createOrg(api);
    const ws = await createWorkspace(api, org.id);
    const other = await createWorkspace(api, org.id);

    const t = await oauthSignIn(persona, [`workspace:${ws.id}:r`]);
    expect(JSON.parse(t.scopes)).toEqual([`workspace:${ws.id}:r`]);
    const scoped = c.api().as(t.access_token);
    const scopes = await scoped.get('/current/auth/scopes/');
    expect(scopes.body).toMatchObject({
      token_type: 'oauth',
      full_access: false,
      scopes: [`workspace:${ws.id}:r`],
      scopes_detail: [{ entity_type: 'workspace', entity_id: ws.id, access_mode: 'r' }],
    });
    expect((await scoped.get(`/current/workspace/${ws.id}/details/`)).status).toBe(200);
    expectApiError(await scoped.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'nope' }), 403, 1680);
    expectApiError(await scoped.get(`/current/workspace/${other.id}/details/`), 403, 1680);
    expectApiError(await scoped.get(`/current/org/${org.id}/details/`), 403, 1680);
    // A scoped token cannot mint a wider API key.
    expectApiError(await scoped.post('/current/user/auth/key/', { memo: 'wider' }), 403, 1680);
    // The same user's unscoped credential still reaches everything.
    expect((await api.get(`/current/org/${org.id}/details/`)).status).toBe(200);
  });

  contract.unverified(
    'the gate covers shares: a workspace grant reaches the shares under it (read only), a share grant its share, neither reaches another',
    async () => {
      const { api, persona } = await c.signedIn();
      const org = await createOrg(api);
      const ws = await createWorkspace(api, org.id);
      const other = await createWorkspace(api, org.id);
      const share = async (wsId: string) => {
        const res = await api.post(`/current/workspace/${wsId}/create/share/`, { title: 'Scoped share', intelligence: 'false' });
        expect(res.status, res.text).toBe(200);
        return (res.body.share as { id: string }).id;
      };
      const inside = await share(ws.id);
      const outside = await share(other.id);

      const wsToken = c.api().as((await oauthSignIn(persona, [`workspace:${ws.id}:r`])).access_token);
      expect((await wsToken.get(`/current/share/${inside}/details/`)).status).toBe(200);
      expectApiError(await wsToken.post(`/current/share/${inside}/update/`, { title: 'Renamed' }), 403, 1680);
      expectApiError(await wsToken.delete(`/current/share/${inside}/delete/`, { form: { confirm: inside } }), 403, 1680);
      expectApiError(await wsToken.get(`/current/share/${outside}/details/`), 403, 1680);

      const shareToken = c.api().as((await oauthSignIn(persona, [`share:${outside}:rw`])).access_token);
      const renamed = await shareToken.post(`/current/share/${outside}/update/`, { title: 'Renamed by its grant' });
      expect(renamed.status, renamed.text).toBe(200);
      expectApiError(await shareToken.get(`/current/share/${inside}/details/`), 403, 1680);
      expectApiError(await shareToken.get(`/current/workspace/${other.id}/details/`), 403, 1680);
      // Nothing was changed by the refusals.
      expect(((await api.get(`/current/share/${inside}/details/`)).body.share as { title: string }).title).toBe('Scoped share');
    },
  );

  contract.unverified(
    "the gate covers fileshares: a token reads a fileshare only through a grant on its workspace or org, whatever the user's role or fileshare grant",
    async () => {
      const { api, persona } = await c.signedIn();
      const org = await createOrg(api);
      const ws = await createWorkspace(api, org.id, { intelligence: false });
      const other = await createWorkspace(api, org.id, { intelligence: false });
      const fileshare = async (wsId: string) => {
        const node = await uploaded(api, wsId, 'scoped.txt', 'Scoped bytes.');
        const res = await api.post(`/current/workspace/${wsId}/create/fileshare/`, { node, access_option: 'named_people' });
        expect(res.status, res.text).toBe(200);
        return (res.body.fileshare as { id: string }).id;
      };
      const inside = await fileshare(ws.id);
      const outside = await fileshare(other.id);
      // A grant holder from another tenant, whose token names only its own org.
      const stranger = await c.signedIn();
      const strangerOrg = await createOrg(stranger.api);
      expect((await api.post(`/current/fileshare/${outside}/grants/`, { user: stranger.persona.userId, capability: 'download' })).status).toBe(200);

      const wsToken = c.api().as((await oauthSignIn(persona, [`workspace:${ws.id}:r`])).access_token);
      expect((await wsToken.get(`/current/fileshare/${inside}/details/`)).status).toBe(200);
      expectApiError(await wsToken.get(`/current/fileshare/${outside}/details/`), 403, 1680);
      expectApiError(await wsToken.get(`/current/fileshare/${outside}/storage/versions/`), 403, 1680);
      expectApiError(await wsToken.get(`/current/fileshare/${outside}/storage/read/`), 403, 1680);
      const orgToken = c.api().as((await oauthSignIn(persona, [`org:${org.id}:r`])).access_token);
      expect((await orgToken.get(`/current/fileshare/${outside}/details/`)).status).toBe(200);

      const strangerToken = c.api().as((await oauthSignIn(stranger.persona, [`org:${strangerOrg.id}:rw`])).access_token);
      expectApiError(await strangerToken.get(`/current/fileshare/${outside}/details/`), 403, 1680);
      // Its unscoped credential holds the grant.
      expect((await stranger.api.get(`/current/fileshare/${outside}/details/`)).status).toBe(200);
      // An edit grant writes back with the unscoped credential only.
      const editable = await fileshare(other.id);
      expect((await api.post(`/current/fileshare/${editable}/grants/`, { user: stranger.persona.userId, capability: 'edit' })).status).toBe(200);
      const bound = ((await api.get(`/current/fileshare/${editable}/details/`)).body.fileshare as { node_id: string }).node_id;
      expectApiError(await writeBack(strangerToken, editable, bound, 'Scoped write.'), 403, 1680);
      const wrote = await writeBack(stranger.api, editable, bound, 'Granted write.');
      expect(wrote.status, wrote.text).toBe(200);
    },
    { dialects: ['v2'] },
  );

  contract.unverified('the lists of orgs, workspaces and shares show a scoped token only what its grants reach', async () => {
    const { api, persona } = await c.signedIn();
    const org = await createOrg(api);
    const ws = await createWorkspace(api, org.id);
    const other = await createWorkspace(api, org.id);
    const shareIn = async (wsId: string) =>
      ((await api.post(`/current/workspace/${wsId}/create/share/`, { title: 'Listed share', intelligence: 'false' })).body.share as { id: string }).id;
    const inside = await shareIn(ws.id);
    await shareIn(other.id);
    const listed = async (client: ApiClient, path: string, key: string) => ((await client.get(path)).body[key] as { id: string }[]).map((x) => x.id).sort();

    expect(await listed(api, '/current/workspaces/all/', 'workspaces')).toEqual([ws.id, other.id].sort());
    const scoped = c.api().as((await oauthSignIn(persona, [`workspace:${ws.id}:r`])).access_token);
    expect(await listed(scoped, '/current/workspaces/all/', 'workspaces')).toEqual([ws.id]);
    expect(await listed(scoped, '/current/shares/all/', 'shares')).toEqual([inside]);
    expect(await listed(scoped, '/current/orgs/list/', 'orgs')).toEqual([]);
    const orgScoped = c.api().as((await oauthSignIn(persona, [`org:${org.id}:r`])).access_token);
    expect(await listed(orgScoped, '/current/orgs/list/', 'orgs')).toEqual([org.id]);
    expect((await listed(orgScoped, '/current/shares/all/', 'shares')).length).toBe(2);
  });
});
