import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import { Normaliser } from '../snapshot.js';
import type { ApiResponse } from '../client.js';

const c = setupContract(import.meta.url);
const DAY = 24 * 3600;
const PASSWORD = 'correct horse battery';
const signUp = (email: string, password = PASSWORD) => c.api().post('/current/user/', { email_address: email, password, tos_agree: true, agent: true });
/** What a caller can tell two answers apart by: status, header names, and the body with ids normalised. */
const observable = (res: ApiResponse) => ({
  status: res.status,
  headers: [...res.headers.keys()].filter((h) => !h.startsWith('x-request')).sort(),
  body: JSON.stringify(new Normaliser().normalise(res.body)),
});

describe('wire format', () => {
  contract.unverified('an unknown route answers 404 with code 9992 in the error envelope', async () => {
    const res = await c.api().get('/current/no/such/route/');
    expectApiError(res, 404, 9992);
    c.snapshot.match('unknown route', res);
  });

  contract.unverified('every response carries the rate-limit headers', async () => {
    const { api } = await c.signedIn();
    for (const res of [await api.get('/current/user/auth/check/'), await api.get('/current/nope/')]) {
      const avail = Number(res.headers.get('x-ve-limit-avail'));
      const max = Number(res.headers.get('x-ve-limit-max'));
      const expires = Number(res.headers.get('x-ve-limit-expires'));
      expect(Number.isInteger(avail) && avail >= 0).toBe(true);
      expect(max).toBeGreaterThanOrEqual(avail);
      expect(expires).toBeGreaterThan(1_600_000_000);
    }
  });

  contract.unverified('a path without the trailing slash is the same route', async () => {
    const { api, persona } = await c.signedIn();
    const res = await api.get('/current/user/auth/check');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(persona.userId);
  });

  contract.unverified('a known path under the wrong method answers 405 in the envelope', async () => {
    const res = await c.api().request('PATCH', '/current/user/auth/check/');
    expect(res.status).toBe(405);
    expect(res.body.result).toBe(false);
  });

  contract.unverified('invalid sign-up fields answer 400/1605 naming each field', async () => {
    const res = await c.api().post('/current/user/', { email_address: 'not-an-email', password: 'short' });
    expectApiError(res, 400, 1605);
    c.snapshot.match('invalid sign-up', res);
    const names = (res.body.error as { params: { name: string; kind: string }[] }).params.map((p) => `${p.name}:${p.kind}`).sort();
    expect(names).toEqual(['email_address:invalid', 'password:invalid', 'tos_agree:missing']);
  });

  contract.emulatorOnly('every response names the emulator version', async () => {
    const res = await c.api().get('/current/nope/');
    expect(res.headers.get('x-fastio-emulator')).toMatch(/^\d+\.\d+\.\d+/);
  });

  contract.emulatorOnly('a guide path answers 404/9992 with a hint naming the real route', async () => {
    const { api } = await c.signedIn();
    const res = await api.post('/current/org/', { domain: 'acme', name: 'Acme' });
    expectApiError(res, 404, 9992);
    expect((res.body.error as { hint?: string }).hint).toContain('/current/org/create/');
  });
});

describe('sign-in and tokens', () => {
  contract.unverified(
    'Basic sign-in returns a JWT that works on auth/check',
    async () => {
      const p = await c.persona();
      const res = await c.api().get('/current/user/auth/', { basic: { email: p.email, password: p.password } });
      expect(res.status).toBe(200);
      // 2026-04: an hour (API notes); v2: 30 days (agent guide v2.6 section 3).
      expect(res.body.expires_in).toBe(c.target.dialect === 'v2' ? 30 * DAY : 3600);
      expect(res.body['2factor']).toBe(false);
      const token = res.body.auth_token as string;
      expect(token.split('.')).toHaveLength(3);
      const check = await c.api().get('/current/user/auth/check/', { token });
      expect(check.status).toBe(200);
      expect(check.body.id).toBe(p.userId);
      c.snapshot.match('sign-in', res);
      c.snapshot.match('auth check', check);
    },
    { requires: ['sign-in'] },
  );

  contract.unverified(
    'a wrong password answers 401 in the envelope',
    async () => {
      const p = await c.persona();
      const res = await c.api().get('/current/user/auth/', { basic: { email: p.email, password: `${p.password}x` } });
      expect(res.status).toBe(401);
      expect(res.body.result).toBe(false);
      c.snapshot.match('wrong password', res);
    },
    { requires: ['sign-in'] },
  );

  contract.unverified(
    'no token, a malformed token and a tampered JWT answer 401',
    async () => {
      const p = await c.persona();
      const [head, payload, sig] = p.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: '1234567890123456789' })).toString('base64url')}.${sig}`;
      const flipped = `${head}.${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const token of [null, 'garbage', forged, flipped]) {
        const res = await c.api().get('/current/user/auth/check/', { token });
        expect(res.status, String(token)).toBe(401);
        expect(res.body.result).toBe(false);
      }
    },
    { requires: ['sign-in'] },
  );

  contract.unverified(
    'an alg:none token is refused',
    async () => {
      const p = await c.persona();
      const payload = p.token.split('.')[1];
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const res = await c.api().get('/current/user/auth/check/', { token: none });
      expect(res.status).toBe(401);
    },
    { requires: ['sign-in'] },
  );

  contract.unverified('the user details name the caller', async () => {
    const { api, persona } = await c.signedIn({ accountType: 'agent' });
    const res = await api.get('/current/user/details/');
    expect(res.status).toBe(200);
    const user = res.body.user as Record<string, unknown>;
    expect(user.id).toBe(persona.userId);
    expect(user.email_address).toBe(persona.email);
    expect(user.account_type).toBe('agent');
    expect(user.id).toMatch(/^[1-9]\d{18}$/);
    // Names and dates belong to the account, not to the API: compared by type.
    c.snapshot.match('user details', res, { shapeOnly: ['$.user.first_name', '$.user.last_name'] });
  });

  contract.unverified("the official client's profile path answers the same profile", async () => {
    const { api } = await c.signedIn();
    const details = await api.get('/current/user/details/');
    const me = await api.get('/current/user/me/details/');
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(details.body.user);
  });

  contract.unverified(
    'sign-out ends the JWT; the next request is refused',
    async () => {
      const p = await c.persona();
      const api = c.target.client(p.token);
      expect((await api.post('/current/user/auth/sign-out/')).status).toBe(200);
      expect((await api.get('/current/user/auth/check/')).status).toBe(401);
    },
    { requires: ['sign-in'] },
  );

  contract.emulatorOnly(
    'a JWT expires after 3600 s on the emulator clock',
    async () => {
      const p = await c.persona();
      const api = c.target.client(p.token);
      const control = new Control(c.api());
      await control.advanceClock(3599);
      expect((await api.get('/current/user/auth/check/')).status).toBe(200);
      await control.advanceClock(2);
      const res = await api.get('/current/user/auth/check/');
      expectApiError(res, 401, 1650);
      // The API key is not a session: it still works.
      expect((await c.api().get('/current/user/auth/check/', { token: p.apiKey })).status).toBe(200);
    },
    { dialects: ['2026-04'] },
  );

  contract.emulatorOnly(
    'a Basic sign-in JWT lasts 30 days on the emulator clock, and no longer',
    async () => {
      const p = await c.persona();
      const signIn = await c.api().get('/current/user/auth/', { basic: { email: p.email, password: p.password } });
      expect(signIn.body.expires_in).toBe(30 * DAY);
      const api = c.target.client(signIn.body.auth_token as string);
      const control = new Control(c.api());
      // A margin for the real time the test itself takes (the clock runs on; `iat` is whole seconds).
      await control.advanceClock(30 * DAY - 30);
      expect((await api.get('/current/user/auth/check/')).status).toBe(200);
      await control.advanceClock(60);
      expectApiError(await api.get('/current/user/auth/check/'), 401, 1650);
      expect((await c.api().get('/current/user/auth/check/', { token: p.apiKey })).status).toBe(200);
    },
    { dialects: ['v2'] },
  );
});

describe('API keys', () => {
  contract.unverified('a created key authenticates, is listed, and fails on the very next request once revoked', async () => {
    const { api, persona } = await c.signedIn();
    const memo = c.unique('ci key');
    const created = await api.post('/current/user/auth/key/', { memo });
    expect(created.status).toBe(200);
    const key = created.body.api_key as string;
    expect(typeof key).toBe('string');
    const asKey = c.target.client(key);
    expect((await asKey.get('/current/user/auth/check/')).body.id).toBe(persona.userId);

    const list = await api.get('/current/user/auth/keys/');
    const keys = list.body.api_keys as { id: string; memo: string }[];
    expect(list.body.results).toBe(keys.length);
    const mine = keys.find((k) => k.memo === memo);
    expect(mine).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(key);

    expect((await api.delete(`/current/user/auth/key/${mine!.id}/`)).status).toBe(200);
    const after = await asKey.get('/current/user/auth/check/');
    expect(after.status).toBe(401);
    expect(after.body.result).toBe(false);
  });

  contract.unverified('one key can be read and its memo changed; the secret is never shown again', async () => {
    const { api } = await c.signedIn();
    const created = await api.post('/current/user/auth/key/', { memo: c.unique('before') });
    const id = created.body.id as string;
    try {
      const read = await api.get(`/current/user/auth/key/${id}/`);
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(id);
      expect(read.text).not.toContain(created.body.api_key as string);
      const memo = c.unique('after');
      const updated = await api.post(`/current/user/auth/key/${id}/`, { memo });
      expect(updated.status).toBe(200);
      expect(updated.body.memo).toBe(memo);
      expect((await api.get(`/current/user/auth/key/${id}/`)).body.memo).toBe(memo);
      // The key still authenticates after the update.
      expect((await c.target.client(created.body.api_key as string).get('/current/user/auth/check/')).status).toBe(200);
      c.snapshot.match('one key', read);
    } finally {
      await api.delete(`/current/user/auth/key/${id}/`);
    }
  });

  contract.unverified("another user's key id cannot be revoked", async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const created = await a.api.post('/current/user/auth/key/', { memo: c.unique('mine') });
    const res = await b.api.delete(`/current/user/auth/key/${created.body.id as string}/`);
    expect(res.status).toBe(404);
    expect((await b.api.get(`/current/user/auth/key/${created.body.id as string}/`)).status).toBe(404);
    expect((await b.api.post(`/current/user/auth/key/${created.body.id as string}/`, { memo: 'taken over' })).status).toBe(404);
    expect((await c.target.client(created.body.api_key as string).get('/current/user/auth/check/')).status).toBe(200);
    expect((await a.api.delete(`/current/user/auth/key/${created.body.id as string}/`)).status).toBe(200);
  });
});

describe('email verification', () => {
  contract.emulatorOnly('an unverified user gets 403/10587 until the mailbox code is validated', async () => {
    const p = await c.persona({ verified: false });
    const api = c.target.client(p.token);
    expectApiError(await api.get('/current/user/auth/check/'), 403, 10587);
    expectApiError(await api.get('/current/user/details/'), 403, 10587);

    expect((await api.post('/current/user/email/validate/', { email: p.email })).status).toBe(200);
    const [msg] = await new Control(c.api()).mailbox(p.email);
    expect(msg?.kind).toBe('email_verification');
    expect(msg?.code).toMatch(/^\d{6}$/);

    const wrong = await api.post('/current/user/email/validate/', { email: p.email, email_token: msg!.code === '000000' ? '111111' : '000000' });
    expectApiError(wrong, 400, 1605);
    expect((await api.get('/current/user/auth/check/')).status).toBe(403);

    const ok = await api.post('/current/user/email/validate/', { email: p.email, email_token: msg!.code! });
    expect(ok.status).toBe(200);
    const check = await api.get('/current/user/auth/check/');
    expect(check.status).toBe(200);
    expect(check.body.id).toBe(p.userId);
  });

  contract.emulatorOnly(
    'sign-up creates an unverified account that can sign in',
    async () => {
      const email = `${c.unique('signup')}@example.test`;
      const res = await c.api().post('/current/user/', { email_address: email, password: 'correct horse battery', tos_agree: true, agent: true });
      expect(res.status).toBe(200);
      expect(res.body.id).toMatch(/^[1-9]\d{18}$/);
      expect(res.body.account_type).toBe('agent');
      const again = await c.api().post('/current/user/', { email_address: email.toUpperCase(), password: 'correct horse battery', tos_agree: true });
      expectApiError(again, 409, 1660);
      const signIn = await c.api().get('/current/user/auth/', { basic: { email, password: 'correct horse battery' } });
      expect(signIn.status).toBe(200);
      expectApiError(await c.api().get('/current/user/auth/check/', { token: signIn.body.auth_token as string }), 403, 10587);
    },
    { dialects: ['2026-04'] },
  );

  contract.emulatorOnly(
    'the V2-only account routes stay unserved under 2026-04 (404); the email check and the names update are April routes too (april-account.contract.ts)',
    async () => {
      const { api } = await c.signedIn();
      const answers = await Promise.all([
        c.api().post('/current/user/email/', { email: 'x@example.test' }),
        api.post('/current/user/update/', { first_name: 'Renamed' }),
        api.post('/current/user/auth/invalidate-all/'),
        api.post('/current/user/email/change/', { token: 'x' }),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 404]);
    },
    { dialects: ['2026-04'] },
  );
});

describe('V2 sign-up and email-check reveal nothing', () => {
  contract.unverified(
    'sign-up answers byte-identical bodies for a new and an existing email (ids normalised) and signs nobody in',
    async () => {
      const email = `${c.unique('uniform')}@example.test`;
      const first = await signUp(email);
      const existing = await signUp(email.toUpperCase(), 'another password 2');
      const fresh = await signUp(`${c.unique('uniform-other')}@example.test`);
      expect(first.body).toEqual({ result: true, signup_request_accepted: true, signed_in: false });
      expect(first.body).not.toHaveProperty('auth_token');
      expect(observable(existing)).toEqual(observable(first));
      expect(observable(fresh)).toEqual(observable(first));
      expect([existing.text.length, fresh.text.length]).toEqual([first.text.length, first.text.length]);
      // The existing account is untouched: its password still signs in, the second one does not.
      expect((await c.api().get('/current/user/auth/', { basic: { email, password: PASSWORD } })).status).toBe(200);
      expect((await c.api().get('/current/user/auth/', { basic: { email, password: 'another password 2' } })).status).toBe(401);
    },
    { dialects: ['v2'], requires: ['sign-up', 'sign-in'] },
  );

  contract.emulatorOnly(
    'the existing account gets a mail in the mailbox; a new account gets none; the sign-up then signs in unverified',
    async () => {
      const control = new Control(c.api());
      const email = `${c.unique('mailed')}@example.test`;
      await signUp(email);
      expect(await control.mailbox(email)).toEqual([]);
      await signUp(email);
      const mail = await control.mailbox(email);
      expect(mail.map((m) => [m.kind, m.code])).toEqual([['notice', null]]);
      expect(mail[0]!.subject).toMatch(/sign up/i);
      const signIn = await c.api().get('/current/user/auth/', { basic: { email, password: PASSWORD } });
      expect(signIn.body.expires_in).toBe(30 * DAY);
      expectApiError(await c.api().get('/current/user/auth/check/', { token: signIn.body.auth_token as string }), 403, 10587);
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'email-check answers available for a new and an existing email alike; a malformed one is refused',
    async () => {
      const p = await c.persona();
      const taken = await c.api().post('/current/user/email/', { email: p.email });
      const free = await c.api().post('/current/user/email/', { email: `${c.unique('free')}@example.test` });
      expect(taken.body).toEqual({ result: true, available: true });
      expect(observable(free)).toEqual(observable(taken));
      expectApiError(await c.api().post('/current/user/email/', { email: 'not-an-email' }), 400, 1605);
    },
    { dialects: ['v2'] },
  );
});
