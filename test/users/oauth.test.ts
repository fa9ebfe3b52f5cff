import { describe, expect, it } from 'vitest';
import { inProcessEmulator, type InProcessEmulator } from '../support/client.js';
import { CLIENT_ID, REDIRECT, authorizeQuery, authorizeThroughForms, exchange, hiddenField, pkcePair, signInWithOAuth, type Tokens } from './oauth-support.js';

const HOUR = 3600;
const advance = (emu: InProcessEmulator, seconds: number) => emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: String(seconds) } });
const check = (emu: InProcessEmulator, token: string) => emu.call('GET', '/current/user/auth/check/', { token });
const refresh = (emu: InProcessEmulator, token: string) =>
  emu.call('POST', '/current/oauth/token/', { form: { grant_type: 'refresh_token', refresh_token: token, client_id: CLIENT_ID } });

describe('OAuth PKCE: authorize, consent, exchange', () => {
  it('the consent forms give a one-time code; code + verifier give a 1-hour token without the envelope', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const { code, verifier, consentHtml } = await authorizeThroughForms(emu, who);
    expect(consentHtml).toContain('Signed in as');
    const r = await exchange(emu, code, verifier);
    expect(r.status).toBe(200);
    expect(r.body.result).toBeUndefined();
    const t = r.body as unknown as Tokens;
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: HOUR, scope: 'org:*:rw' });
    expect(JSON.parse(t.scopes)).toEqual(['org:*:rw']);
    expect((await check(emu, t.access_token)).body.id).toBe(who.id);
    // The code works once.
    const again = await exchange(emu, code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 1605 });
  });

  it('refuses a wrong verifier, a foreign client id, and a code made for another challenge', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const { code } = await authorizeThroughForms(emu, who);
    const wrong = await exchange(emu, code, pkcePair().verifier);
    expect([wrong.status, (wrong.body.error as { params: { name: string }[] }).params[0]!.name]).toEqual([400, 'code_verifier']);
    // A failed exchange burns the code (RFC 6749 one use).
    const { code: code2, verifier: v2 } = await authorizeThroughForms(emu, who);
    const foreign = await emu.call('POST', '/current/oauth/token/', {
      form: { grant_type: 'authorization_code', code: code2, code_verifier: v2, client_id: 'someone-else', redirect_uri: REDIRECT },
    });
    expect(foreign.status).toBe(400);
  });

  it('the consent page refuses a bad password (on the page) and an approval without the sign-in token', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const { challenge } = pkcePair();
    const page = await emu.call('GET', '/current/oauth/authorize/', {
      query: authorizeQuery(challenge, { login_hint: who.email }),
    });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const requestId = hiddenField(page.text, 'auth_request_id');
    expect(page.text).toContain(`value="${who.email}"`);
    const bad = await emu.call('POST', '/current/oauth/authorize/', {
      form: { auth_request_id: requestId, step: 'signin', email: who.email, password: 'not the password' },
    });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('role="alert"');
    const forged = await emu.call('POST', '/current/oauth/authorize/', { form: { auth_request_id: requestId, step: 'approve', consent_token: 'x' } });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain('authorization-code');
    const gone = await emu.call('GET', '/current/oauth/authorize/', { query: { auth_request_id: 'no-such-request' } });
    expect(gone.status).toBe(404);
    // S256 only.
    const plain = await emu.call('GET', '/current/oauth/authorize/', {
      query: authorizeQuery(challenge, { code_challenge_method: 'plain', response_format: 'json' }),
    });
    expect(plain.status).toBe(400);
  });

  it('deny ends the request: no code can come of it', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const { challenge } = pkcePair();
    const opened = await emu.ok('GET', '/current/oauth/authorize/', {
      query: authorizeQuery(challenge, { response_format: 'json' }),
    });
    const id = opened.auth_request_id as string;
    const signedIn = await emu.call('POST', '/current/oauth/authorize/', {
      form: { auth_request_id: id, step: 'signin', email: who.email, password: who.password },
    });
    const token = hiddenField(signedIn.text, 'consent_token');
    const denied = await emu.call('POST', '/current/oauth/authorize/', { form: { auth_request_id: id, step: 'deny', consent_token: token } });
    expect(denied.text).toContain('id="denied"');
    const late = await emu.call('POST', '/current/oauth/authorize/', { form: { auth_request_id: id, step: 'approve', consent_token: token } });
    expect(late.status).toBe(404);
  });
});

describe('OAuth tokens: the hour, the refresh chain, rotation', () => {
  it('an access token ends after an hour; refreshing rotates; the chain ends 30 days after sign-in', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const first = await signInWithOAuth(emu, who);
    await advance(emu, HOUR + 1);
    expect((await check(emu, first.access_token)).status).toBe(401);
    const r1 = await refresh(emu, first.refresh_token);
    expect(r1.status).toBe(200);
    const second = r1.body as unknown as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.session_id).toBe(first.session_id);
    expect((await check(emu, second.access_token)).status).toBe(200);
    // Refresh every 20 days: the chain still ends at day 30.
    await advance(emu, 20 * 24 * HOUR);
    const third = (await refresh(emu, second.refresh_token)).body as unknown as Tokens;
    expect(third.access_token).toBeTypeOf('string');
    await advance(emu, 10 * 24 * HOUR);
    const late = await refresh(emu, third.refresh_token);
    expect(late.status).toBe(400);
  });

  it('a rotated-away refresh token presented again revokes the session', async () => {
    const emu = await inProcessEmulator();
    const who = await emu.persona('human');
    const first = await signInWithOAuth(emu, who);
    const second = (await refresh(emu, first.refresh_token)).body as unknown as Tokens;
    const replay = await refresh(emu, first.refresh_token);
    expect(replay.status).toBe(400);
    expect((await check(emu, second.access_token)).status).toBe(401);
    expect((await refresh(emu, second.refresh_token)).status).toBe(400);
  });
});

describe('OAuth sessions', () => {
  it('list, details, rename, revoke one, revoke all but the current; another user sees none of them', async () => {
    const emu = await inProcessEmulator({ apiDialect: 'v2' });
    const who = await emu.persona('human');
    const other = await emu.persona('human');
    const a = await signInWithOAuth(emu, who);
    const b = await signInWithOAuth(emu, who);
    const c = await signInWithOAuth(emu, who);
    const list = await emu.ok('GET', '/current/oauth/sessions/', { token: a.access_token });
    expect(list.results).toBe(3);
    const sessions = list.sessions as { id: string; current: boolean; device_type: string }[];
    expect(sessions.find((s) => s.id === a.session_id)).toMatchObject({ current: true, device_type: 'cli' });
    const renamed = await emu.ok('PATCH', `/current/oauth/sessions/${b.session_id}/`, { token: a.access_token, form: { device_name: 'laptop' } });
    expect(renamed.session).toMatchObject({ id: b.session_id, device_name: 'laptop' });
    // Cross-tenant: another user's session is unknown to it, for reading, renaming and revoking.
    for (const method of ['GET', 'DELETE'] as const) {
      const r = await emu.call(method, `/current/oauth/sessions/${b.session_id}/`, { token: other.token });
      expect([r.status, (r.body.error as { code: number }).code]).toEqual([404, 1609]);
    }
    expect((await emu.ok('GET', '/current/oauth/sessions/', { token: other.token })).results).toBe(0);
    await emu.ok('DELETE', `/current/oauth/sessions/${b.session_id}/`, { token: a.access_token });
    expect((await check(emu, b.access_token)).status).toBe(401);
    expect((await refresh(emu, b.refresh_token)).status).toBe(400);
    const all = await emu.ok('DELETE', '/current/oauth/sessions/', {
      token: a.access_token,
      query: { exclude_current: 'true', current_session_id: a.session_id },
    });
    expect(all.revoked).toBe(1);
    expect((await check(emu, c.access_token)).status).toBe(401);
    expect((await check(emu, a.access_token)).status).toBe(200);
    // invalidate-all ends Basic sessions, not OAuth ones (auth.txt).
    await emu.ok('POST', '/current/user/auth/invalidate-all/', { token: who.token });
    expect((await check(emu, a.access_token)).status).toBe(200);
    const events = emu.emulator.db.events.toArray().map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['oauth_session_created', 'oauth_session_updated', 'oauth_session_revoked', 'oauth_sessions_revoked']));
  });
});

describe('scoped tokens', () => {
  it('a read-only workspace grant reads that workspace, writes nothing, and reaches no other org or workspace', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'scoped' });
    const ws2 = (
      await emu.ok('POST', `/current/org/${t.org.id}/create/workspace/`, {
        token: t.user.token,
        form: { perm_join: 'Member or above', perm_member_manage: 'Member or above', intelligence: 'false', folder_name: 'second-ws', name: 'second' },
      })
    ).workspace as { id: string };
    const tokens = await signInWithOAuth(emu, t.user, [`workspace:${t.ws.id}:r`]);
    expect(JSON.parse(tokens.scopes)).toEqual([`workspace:${t.ws.id}:r`]);
    const token = tokens.access_token;
    expect((await emu.call('GET', `/current/workspace/${t.ws.id}/details/`, { token })).status).toBe(200);
    expect((await emu.call('GET', `/current/workspace/${t.ws.id}/storage/root/list/`, { token })).status).toBe(200);
    const write = await emu.call('POST', `/current/workspace/${t.ws.id}/storage/root/createfolder/`, { token, form: { name: 'nope' } });
    expect([write.status, (write.body.error as { code: number }).code]).toEqual([403, 1680]);
    expect((await emu.call('GET', `/current/workspace/${ws2.id}/details/`, { token })).status).toBe(403);
    expect((await emu.call('GET', `/current/org/${t.org.id}/details/`, { token })).status).toBe(403);
    // A scoped token cannot mint a wider key.
    expect((await emu.call('POST', '/current/user/auth/key/', { token, form: { memo: 'wider' } })).status).toBe(403);
    const scopes = await emu.ok('GET', '/current/auth/scopes/', { token });
    expect(scopes).toMatchObject({
      token_type: 'oauth',
      full_access: false,
      scopes_detail: [{ entity_type: 'workspace', entity_id: t.ws.id, access_mode: 'r' }],
    });
    // The same user's unscoped key still reaches everything.
    expect((await emu.call('GET', `/current/org/${t.org.id}/details/`, { token: t.user.token })).status).toBe(200);
    expect(await emu.ok('GET', '/current/auth/scopes/', { token: t.user.token })).toMatchObject({ token_type: 'api_key', full_access: true });
  });

  it('an org grant reaches its workspaces; an API key with scopes is narrowed the same way', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'orgscope' });
    const other = await emu.tenant({ label: 'otherorg' });
    // The other tenant's owner grants itself its own org only: the first tenant's org stays out of reach anyway.
    const tokens = await signInWithOAuth(emu, t.user, [`org:${t.org.id}:rw`]);
    const created = await emu.call('POST', `/current/workspace/${t.ws.id}/storage/root/createfolder/`, { token: tokens.access_token, form: { name: 'ok' } });
    expect(created.status).toBe(200);
    const key = (
      await emu.ok('POST', '/current/user/auth/key/', { token: other.user.token, form: { memo: 'ro', scopes: JSON.stringify([`workspace:${other.ws.id}:r`]) } })
    ).api_key as string;
    expect((await emu.call('GET', `/current/workspace/${other.ws.id}/details/`, { token: key })).status).toBe(200);
    expect((await emu.call('POST', `/current/workspace/${other.ws.id}/storage/root/createfolder/`, { token: key, form: { name: 'no' } })).status).toBe(403);
    expect((await emu.call('GET', `/current/workspace/${t.ws.id}/details/`, { token: key })).status).toBe(401);
  });
});
