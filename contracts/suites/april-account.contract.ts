/**
 * April-2026 account routes: the email check that tells whether an address is free
 * (`POST /current/user/email/`, no sign-in) and the names update (`POST /current/user/update/`),
 * which changes only the caller and refuses an address change (CHOICE: no confirmed change in April).
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });

describe('April email check', () => {
  contract.unverified('an address with an account is not available (any case); a new one is; a malformed one is refused', async () => {
    const p = await c.persona();
    const taken = await c.api().post('/current/user/email/', { email: p.email.toUpperCase() });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body).toEqual({ result: true, available: false });
    const free = await c.api().post('/current/user/email/', { email: `${c.unique('free')}@example.test` });
    expect(free.body).toEqual({ result: true, available: true });
    expectApiError(await c.api().post('/current/user/email/', { email: 'not-an-email' }), 400, 1605);
    expectApiError(await c.api().post('/current/user/email/', {}), 400, 1605);
  });
});

describe('April profile update', () => {
  contract.unverified("changes the caller's names and answers the user; the details show them", async () => {
    const { api, persona } = await c.signedIn();
    const r = await api.post('/current/user/update/', { first_name: 'Ada', last_name: 'Lovelace' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.user).toMatchObject({ id: persona.userId, first_name: 'Ada', last_name: 'Lovelace' });
    const me = await api.get('/current/user/me/details/');
    expect(me.body.user).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
    // One name alone leaves the other.
    expect((await api.post('/current/user/update/', { last_name: 'Byron' })).body.user).toMatchObject({ first_name: 'Ada', last_name: 'Byron' });
  });

  contract.unverified('an address or password answers 400/1605 and changes nothing; no name at all answers 400/1605', async () => {
    const { api, persona } = await c.signedIn();
    const moved = `${c.unique('moved')}@example.test`;
    const r = await api.post('/current/user/update/', { first_name: 'Kept', email_address: moved });
    expectApiError(r, 400, 1605);
    expect(r.body.error!.params?.[0]?.name).toBe('email_address');
    expectApiError(await api.post('/current/user/update/', { password: 'a new long password' }), 400, 1605);
    expectApiError(await api.post('/current/user/update/', {}), 400, 1605);
    const me = await api.get('/current/user/me/details/');
    expect(me.body.user).toMatchObject({ email_address: persona.email });
    expect((me.body.user as { first_name: string }).first_name).not.toBe('Kept');
    expect((await c.api().post('/current/user/email/', { email: moved })).body).toMatchObject({ available: true });
  });

  contract.unverified("one user's update never touches another's profile; without a token it answers 401", async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const before = (await a.api.get('/current/user/me/details/')).body.user as Record<string, unknown>;
    expect((await b.api.post('/current/user/update/', { first_name: 'Intruder', user_id: a.persona.userId })).status).toBe(200);
    expect((await a.api.get('/current/user/me/details/')).body.user).toEqual(before);
    expect(((await b.api.get('/current/user/me/details/')).body.user as { first_name: string }).first_name).toBe('Intruder');
    const anon = await c.api().post('/current/user/update/', { first_name: 'Nobody' });
    expect(anon.status).toBe(401);
  });
});
