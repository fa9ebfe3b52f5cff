import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import { Normaliser } from '../snapshot.js';
import type { ApiResponse } from '../client.js';

/**
 * The V2 account routes after sign-in: sign out everywhere, the profile update and the email
 * change confirmed by a mailed token (client 96b1551 src/api/auth.rs, src/api/user.rs). Every test
 * here states the V2 dialect; under 2026-04 these routes are not served (auth.contract.ts checks).
 */
const c = setupContract(import.meta.url, { dialects: ['v2'] });
/** What a caller can tell two answers apart by: status, header names, and the body with ids normalised. */
const observable = (res: ApiResponse) => ({
  status: res.status,
  headers: [...res.headers.keys()].filter((h) => !h.startsWith('x-request')).sort(),
  body: JSON.stringify(new Normaliser().normalise(res.body)),
});

describe('V2 invalidate-all', () => {
  contract.unverified(
    "invalidate-all ends every JWT of the caller's at once; API keys and later sign-ins work",
    async () => {
      const p = await c.persona();
      const basic = { email: p.email, password: p.password };
      const second = (await c.api().get('/current/user/auth/', { basic })).body.auth_token as string;
      const res = await c.target.client(p.token).post('/current/user/auth/invalidate-all/');
      expect(res.body).toEqual({ result: true });
      for (const token of [p.token, second]) expectApiError(await c.api().get('/current/user/auth/check/', { token }), 401, 1650);
      expect((await c.api().get('/current/user/auth/check/', { token: p.apiKey })).status).toBe(200);
      const later = (await c.api().get('/current/user/auth/', { basic })).body.auth_token as string;
      expect((await c.api().get('/current/user/auth/check/', { token: later })).status).toBe(200);
    },
    { requires: ['sign-in'] },
  );

  contract.unverified(
    "one user's invalidate-all leaves another user's JWTs working",
    async () => {
      const a = await c.persona();
      const b = await c.persona();
      expect((await c.target.client(b.apiKey).post('/current/user/auth/invalidate-all/')).status).toBe(200);
      expect((await c.api().get('/current/user/auth/check/', { token: a.token })).body.id).toBe(a.userId);
      expect((await c.api().get('/current/user/auth/check/', { token: b.token })).status).toBe(401);
    },
    { requires: ['sign-in'] },
  );
});

describe('V2 profile update and email change', () => {
  contract.unverified("an update renames the caller only; another user's profile is untouched", async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const before = (await b.api.get('/current/user/me/details/')).body.user;
    const res = await a.api.post('/current/user/update/', { first_name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body.email_change_requested).toBe(false);
    expect((await a.api.get('/current/user/me/details/')).body.user).toMatchObject({ id: a.persona.userId, first_name: 'Renamed' });
    expect((await b.api.get('/current/user/me/details/')).body.user).toEqual(before);
  });

  contract.unverified(
    'changing the email or the password needs the current password',
    async () => {
      const p = await c.persona();
      const api = c.target.client(p.token);
      const email_address = `${c.unique('moved')}@example.test`;
      const missing = await api.post('/current/user/update/', { email_address });
      expectApiError(missing, 400, 1605);
      expect((missing.body.error as { params: { name: string; kind: string }[] }).params).toMatchObject([{ name: 'current_password', kind: 'missing' }]);
      expectApiError(await api.post('/current/user/update/', { password: 'a new password 1', current_password: `${p.password}x` }), 400, 1605);
      expect((await api.post('/current/user/update/', { password: 'a new password 1', current_password: p.password })).status).toBe(200);
      expect((await c.api().get('/current/user/auth/', { basic: { email: p.email, password: 'a new password 1' } })).status).toBe(200);
    },
    { requires: ['sign-in'] },
  );

  contract.emulatorOnly('an email change takes effect only when the token mailed to the new address comes back', async () => {
    const p = await c.persona();
    const api = c.target.client(p.token);
    const newEmail = `${c.unique('new-address')}@example.test`;
    const res = await api.post('/current/user/update/', { email_address: newEmail, current_password: p.password });
    expect(res.body).toMatchObject({ email_change_requested: true, user: { email_address: p.email } });
    const [mail] = await new Control(c.api()).mailbox(newEmail);
    expect(mail?.kind).toBe('email_verification');
    expect(mail?.code).toMatch(/^[0-9A-Za-z]{40}$/);
    expect((await c.api().get('/current/user/auth/', { basic: { email: newEmail, password: p.password } })).status).toBe(401);
    expectApiError(await api.post('/current/user/email/change/', { token: 'wrong' }), 400, 1605);
    const done = await api.post('/current/user/email/change/', { token: mail!.code! });
    expect(done.body.user).toMatchObject({ id: p.userId, email_address: newEmail, email_verified: true });
    expect((await c.api().get('/current/user/auth/', { basic: { email: newEmail, password: p.password } })).status).toBe(200);
    expect((await c.api().get('/current/user/auth/', { basic: { email: p.email, password: p.password } })).status).toBe(401);
    expectApiError(await api.post('/current/user/email/change/', { token: mail!.code! }), 400, 1605);
  });

  contract.emulatorOnly('another user cannot confirm a change with its token; the owner still can', async () => {
    const a = await c.persona();
    const b = await c.persona();
    const newEmail = `${c.unique('contested')}@example.test`;
    await c.target.client(a.token).post('/current/user/update/', { email_address: newEmail, current_password: a.password });
    const [mail] = await new Control(c.api()).mailbox(newEmail);
    expectApiError(await c.target.client(b.token).post('/current/user/email/change/', { token: mail!.code! }), 400, 1605);
    expect((await c.target.client(b.token).get('/current/user/me/details/')).body.user).toMatchObject({ email_address: b.email });
    expect((await c.target.client(a.token).get('/current/user/me/details/')).body.user).toMatchObject({ email_address: a.email });
    const done = await c.target.client(a.token).post('/current/user/email/change/', { token: mail!.code! });
    expect(done.body.user).toMatchObject({ id: a.userId, email_address: newEmail });
  });

  contract.emulatorOnly('a change to an address that has an account answers the same, mails that account a notice and no token', async () => {
    const a = await c.persona();
    const b = await c.persona();
    const control = new Control(c.api());
    const api = c.target.client(a.token);
    const toTaken = await api.post('/current/user/update/', { email_address: b.email, current_password: a.password });
    const toFree = await api.post('/current/user/update/', { email_address: `${c.unique('free-address')}@example.test`, current_password: a.password });
    expect(observable(toTaken)).toEqual(observable(toFree));
    expect((await control.mailbox(b.email)).map((m) => [m.kind, m.code])).toEqual([['notice', null]]);
    expect((await c.target.client(b.token).get('/current/user/me/details/')).body.user).toMatchObject({ id: b.userId, email_address: b.email });
  });
});
