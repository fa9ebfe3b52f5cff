import { describe, expect } from 'vitest';
import { TOTP, URI } from 'otpauth';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { Control } from '../control.js';
import type { ApiClient } from '../client.js';

/**
 * Two-factor authentication (client 96b1551 / 41dde01 src/api/auth.rs two_factor_*; agent guide
 * v2.6 SKILL.md). Both dialects document the same routes. TOTP codes are computed with otpauth
 * against the emulator clock (so these are emulator-only: the live target has no clock to read).
 */
const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });

async function emulatorNow(api: ApiClient): Promise<number> {
  return Date.parse((await api.get('/_emulator/clock', { token: null })).body.now as string);
}

async function code(uri: string): Promise<string> {
  return (URI.parse(uri) as TOTP).generate({ timestamp: await emulatorNow(c.api()) });
}

/** A persona with TOTP enabled (set up and confirmed with its API key); the clock is then one step on. */
async function totpPersona() {
  const p = await c.persona();
  const api = c.target.client(p.apiKey);
  const setup = await api.post('/current/user/auth/2factor/totp/');
  expect(setup.status).toBe(200);
  const uri = setup.body.binding_uri as string;
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const done = await api.post(`/current/user/auth/2factor/verify/${await code(uri)}/`);
  expect(done.body).toMatchObject({ state: 'enabled', channel: 'totp' });
  await new Control(c.api()).advanceClock(30);
  return { p, api, uri };
}

describe('2FA status and setup', () => {
  contract.unverified('a new account answers state disabled, totp false', async () => {
    const { api } = await c.signedIn();
    const res = await api.get('/current/user/auth/2factor/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'disabled', totp: false });
  });

  contract.unverified('an unknown channel answers 400/1605 naming channel', async () => {
    const { api } = await c.signedIn();
    const res = await api.post('/current/user/auth/2factor/carrier-pigeon/');
    expectApiError(res, 400, 1605);
  });

  contract.emulatorOnly('totp setup -> verify enables 2FA; a wrong code is refused and leaves it pending', async () => {
    const p = await c.persona();
    const api = c.target.client(p.apiKey);
    const setup = await api.post('/current/user/auth/2factor/totp/');
    expectApiError(await api.post('/current/user/auth/2factor/verify/000000/'), 400, 1605);
    expect((await api.get('/current/user/auth/2factor/')).body).toMatchObject({ state: 'pending', totp: true });
    await api.post(`/current/user/auth/2factor/verify/${await code(setup.body.binding_uri as string)}/`);
    expect((await api.get('/current/user/auth/2factor/')).body).toMatchObject({ state: 'enabled', totp: true });
  });

  contract.emulatorOnly('sms setup sends its code to the mailbox; send/{channel} sends a fresh one', async () => {
    const p = await c.persona();
    const api = c.target.client(p.apiKey);
    const control = new Control(c.api());
    expect((await api.post('/current/user/auth/2factor/sms/')).body).toMatchObject({ state: 'pending', channel: 'sms' });
    const [first] = await control.mailbox(p.email);
    expect(first).toMatchObject({ kind: 'two_factor', code: expect.stringMatching(/^\d{6}$/) });
    expect((await api.get('/current/user/auth/2factor/send/whatsapp/')).body).toMatchObject({ sent: true, channel: 'whatsapp' });
    const [second] = await control.mailbox(p.email);
    expect((await api.post(`/current/user/auth/2factor/verify/${second!.code!}/`)).body).toMatchObject({ state: 'enabled' });
  });
});

describe('2FA sign-in, inline token, disable', () => {
  contract.emulatorOnly(
    'sign-in answers 2factor true and a limited token; the code exchanges it for a full one',
    async () => {
      const { p, uri } = await totpPersona();
      const basic = { email: p.email, password: p.password };
      const signIn = await c.api().get('/current/user/auth/', { basic });
      expect(signIn.body).toMatchObject({ '2factor': true });
      const limited = signIn.body.auth_token as string;
      expectApiError(await c.api().get('/current/user/me/details/', { token: limited }), 401, 1650);
      const full = await c.api().post(`/current/user/auth/2factor/auth/${await code(uri)}/`, {}, { token: limited });
      expect(full.status).toBe(200);
      expect(typeof full.body.expires_in).toBe('number');
      expect((await c.api().get('/current/user/me/details/', { token: full.body.auth_token as string })).status).toBe(200);
      expectApiError(await c.api().get('/current/user/auth/2factor/', { token: limited }), 401, 1650);
    },
    { requires: ['sign-in'] },
  );

  contract.emulatorOnly(
    'with 2FA on, key creation by JWT needs token; by API key it does not',
    async () => {
      const { p, api, uri } = await totpPersona();
      const limited = (await c.api().get('/current/user/auth/', { basic: { email: p.email, password: p.password } })).body.auth_token as string;
      const jwt = (await c.api().post(`/current/user/auth/2factor/auth/${await code(uri)}/`, {}, { token: limited })).body.auth_token as string;
      expectApiError(await c.api().post('/current/user/auth/key/', { memo: 'no code' }, { token: jwt }), 400, 1605);
      await new Control(c.api()).advanceClock(30);
      const made = await c.api().post('/current/user/auth/key/', { memo: 'with code', token: await code(uri) }, { token: jwt });
      expect(made.status).toBe(200);
      expect((await api.delete(`/current/user/auth/key/${made.body.id as string}/`)).status).toBe(200);
    },
    { requires: ['sign-in'] },
  );

  contract.emulatorOnly("disable needs the account's own code: another user's code is refused (two personas)", async () => {
    const a = await totpPersona();
    const b = await totpPersona();
    expectApiError(await b.api.delete(`/current/user/auth/2factor/${await code(a.uri)}/`), 400, 1605);
    expect((await b.api.get('/current/user/auth/2factor/')).body).toMatchObject({ state: 'enabled' });
    expect((await a.api.delete(`/current/user/auth/2factor/${await code(a.uri)}/`)).status).toBe(200);
    expect((await a.api.get('/current/user/auth/2factor/')).body).toMatchObject({ state: 'disabled' });
    expect((await b.api.get('/current/user/auth/2factor/')).body).toMatchObject({ state: 'enabled' });
  });
});
