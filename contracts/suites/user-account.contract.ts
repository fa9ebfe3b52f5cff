import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import { createOrg } from '../tenants.js';

/**
 * The rest of the user (client src/api/auth.rs password_reset_*, src/api/user.rs close_account,
 * get_user_by_id, search_users, user_allowed, user_org_limits, get_profiles, get_pin,
 * validate_phone, autosync; 96b1551 and 41dde01 document them alike).
 */
const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });

describe('password reset by a mailed code', () => {
  contract.unverified('the request answers alike for an address with and without an account', async () => {
    const p = await c.persona();
    const known = await c.api().post('/current/user/email/reset/', { email: p.email }, { token: null });
    const unknown = await c.api().post('/current/user/email/reset/', { email: `${c.unique('nobody')}@example.test` }, { token: null });
    expect(known.status).toBe(200);
    expect(unknown.body).toEqual(known.body);
    expectApiError(await c.api().post('/current/user/email/reset/', { email: 'not-an-email' }, { token: null }), 400, 1605);
  });

  contract.unverified('an unknown code answers 400/1605 on details and on set', async () => {
    expectApiError(await c.api().get('/current/user/password/not-a-code/details/', { token: null }), 400, 1605);
    expectApiError(
      await c.api().post('/current/user/password/not-a-code/', { password1: 'a new password 1', password2: 'a new password 1' }, { token: null }),
      400,
      1605,
    );
  });

  contract.emulatorOnly(
    "the mailed code names its own account, sets the password once and ends the account's sessions; another account is untouched",
    async () => {
      const a = await c.persona();
      const b = await c.persona();
      await c.api().post('/current/user/email/reset/', { email: a.email }, { token: null });
      const [mail] = await new Control(c.api()).mailbox(a.email);
      expect(mail).toMatchObject({ kind: 'password_reset', code: expect.stringMatching(/^[0-9A-Za-z]{40}$/) });
      expect((await c.api().get(`/current/user/password/${mail!.code!}/details/`, { token: null })).body).toMatchObject({ email_address: a.email });
      expectApiError(
        await c.api().post(`/current/user/password/${mail!.code!}/`, { password1: 'a new password 1', password2: 'other' }, { token: null }),
        400,
        1605,
      );
      expect(
        (await c.api().post(`/current/user/password/${mail!.code!}/`, { password1: 'a new password 1', password2: 'a new password 1' }, { token: null }))
          .status,
      ).toBe(200);
      expectApiError(await c.api().get('/current/user/auth/check/', { token: a.token }), 401, 1650);
      expect((await c.api().get('/current/user/auth/check/', { token: b.token })).status).toBe(200);
      expect((await c.api().get('/current/user/auth/', { basic: { email: a.email, password: 'a new password 1' } })).status).toBe(200);
      expect((await c.api().get('/current/user/auth/', { basic: { email: b.email, password: b.password } })).status).toBe(200);
      expectApiError(await c.api().get(`/current/user/password/${mail!.code!}/details/`, { token: null }), 400, 1605);
    },
    { requires: ['sign-in'] },
  );
});

describe('close account', () => {
  contract.unverified('the confirmation must be the email address; then sign-in and keys stop working', async () => {
    const p = await c.persona();
    const api = c.target.client(p.apiKey);
    expectApiError(await api.post('/current/user/close/', { confirmation: 'yes' }), 400, 1605);
    expect((await api.post('/current/user/close/', { confirmation: p.email.toUpperCase() })).body).toMatchObject({ closed: true });
    expectApiError(await api.get('/current/user/auth/check/'), 401, 1650);
    expectApiError(await c.api().get('/current/user/auth/', { basic: { email: p.email, password: p.password } }), 401, 1650);
  });

  contract.unverified('an org owner cannot close the account (409); another user cannot close it for them', async () => {
    const owner = await c.persona();
    await createOrg(c.target.client(owner.apiKey));
    const other = await c.persona();
    expectApiError(await c.target.client(owner.apiKey).post('/current/user/close/', { confirmation: owner.email }), 409, 1660);
    expectApiError(await c.target.client(other.apiKey).post('/current/user/close/', { confirmation: owner.email }), 400, 1605);
    expect((await c.target.client(owner.apiKey).get('/current/user/auth/check/')).status).toBe(200);
  });
});

describe('user look-up: details by id and search', () => {
  contract.unverified('a stranger is not found by id or search; a co-member is, with the public fields only', async () => {
    const a = await c.persona();
    const b = await c.persona();
    const api = c.target.client(a.apiKey);
    expectApiError(await api.get(`/current/user/${b.userId}/details/`), 404, 1609);
    expect((await api.get('/current/users/search/', { query: { search: b.email } })).body).toMatchObject({ results: 0, users: [] });
    const org = await createOrg(c.target.client(a.apiKey));
    const added = await api.post(`/current/org/${org.id}/members/${encodeURIComponent(b.email)}/`, { permissions: 'member' });
    expect(added.status).toBeLessThan(300);
    const details = await api.get(`/current/user/${b.userId}/details/`);
    if (details.status === 200) {
      expect(Object.keys(details.body.user as object).sort()).toEqual(['account_type', 'email_address', 'first_name', 'id', 'last_name']);
    } else {
      // The member is pending until b accepts (invitations): still a stranger.
      expectApiError(details, 404, 1609);
    }
    expect((await api.get(`/current/user/${a.userId}/details/`)).body.user).toMatchObject({ id: a.userId, email_address: a.email });
  });

  contract.unverified('search needs at least 2 characters', async () => {
    const { api } = await c.signedIn();
    expectApiError(await api.get('/current/users/search/', { query: { search: 'a' } }), 400, 1605);
  });
});

describe('me: allowed, org limits, profiles, pin, phone, autosync', () => {
  contract.unverified('each answers for the caller alone', async () => {
    const a = await c.persona();
    const b = await c.persona();
    const api = c.target.client(a.apiKey);
    expect((await api.get('/current/user/me/allowed/')).body).toMatchObject({ allowed: true });
    expect((await api.get('/current/user/me/limits/orgs/')).body).toMatchObject({ limits: { orgs_owned: 0, can_create: true } });
    await createOrg(c.target.client(a.apiKey));
    expect((await api.get('/current/user/me/limits/orgs/')).body).toMatchObject({ limits: { orgs_owned: 1 } });
    expect((await c.target.client(b.apiKey).get('/current/user/me/limits/orgs/')).body).toMatchObject({ limits: { orgs_owned: 0 } });
    expect((await api.get('/current/user/available_profiles/')).body).toMatchObject({ profiles: { user: true, org: true } });
    expect((await c.target.client(b.apiKey).get('/current/user/available_profiles/')).body).toMatchObject({ profiles: { user: true, org: false } });
    const pinA = (await api.get('/current/user/pin/')).body;
    expect(pinA.pin).toMatch(/^\d{6}$/);
    expect((await api.get('/current/user/pin/')).body).toEqual(pinA);
    expect((await c.target.client(b.apiKey).get('/current/user/pin/')).body.hash).not.toBe(pinA.hash);
    expect((await api.get('/current/user/phone/1-5555555555/')).body).toMatchObject({ valid: true, e164: '+15555555555' });
    expectApiError(await api.get('/current/user/phone/one-two/'), 400, 1605);
    expect((await api.get('/current/user/me/autosync/enable/')).body).toMatchObject({ autosync: true });
    expectApiError(await api.get('/current/user/me/autosync/maybe/'), 400, 1605);
  });
});
