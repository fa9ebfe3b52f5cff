import { describe, expect, it } from 'vitest';
import { TOTP, URI } from 'otpauth';
import { inProcessEmulator } from '../support/client.js';

/** The emulator's users/twofactor.ts, driven through its routes; TOTP codes are computed against the emulator clock. */
type Emu = Awaited<ReturnType<typeof inProcessEmulator>>;

const now = async (emu: Emu) => Date.parse((await emu.ok('GET', '/_emulator/clock')).now as string);
const advance = (emu: Emu, seconds: number) => emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: String(seconds) } });
const mailbox = async (emu: Emu, to: string) =>
  (await emu.ok('GET', '/_emulator/mailbox/', { query: { to } })).messages as { kind: string; code: string | null }[];
const signIn = (emu: Emu, email: string, password: string) => emu.ok('GET', '/current/user/auth/', { basic: { email, password } });

async function totpCode(emu: Emu, uri: string, offsetSteps = 0): Promise<string> {
  const otp = URI.parse(uri) as TOTP;
  return otp.generate({ timestamp: (await now(emu)) + offsetSteps * 30_000 });
}

/** A persona whose JWT has TOTP 2FA enabled; the binding URI to compute codes with. */
async function withTotp(emu: Emu) {
  const p = await emu.persona();
  const jwt = (await signIn(emu, p.email, p.password)).auth_token as string;
  const setup = await emu.ok('POST', '/current/user/auth/2factor/totp/', { token: jwt });
  const uri = setup.binding_uri as string;
  expect(await emu.ok('GET', '/current/user/auth/2factor/', { token: jwt })).toMatchObject({ state: 'pending', totp: true });
  expect(await emu.ok('POST', `/current/user/auth/2factor/verify/${await totpCode(emu, uri)}/`, { token: jwt })).toMatchObject({ state: 'enabled' });
  await advance(emu, 30); // the next code is of a fresh step
  return { p, jwt, uri };
}

for (const apiDialect of ['v2', '2026-04'] as const) {
  describe(`2FA (${apiDialect})`, () => {
    it('TOTP setup answers an otpauth binding URI; status moves disabled -> pending -> enabled', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const p = await emu.persona();
      expect(await emu.ok('GET', '/current/user/auth/2factor/', { token: p.token })).toMatchObject({ state: 'disabled', totp: false });
      const { uri } = await withTotp(emu);
      const otp = URI.parse(uri) as TOTP;
      expect(otp).toMatchObject({ issuer: 'Fast.io', digits: 6, period: 30 });
      expect(otp.secret.base32).toMatch(/^[A-Z2-7]{32}$/);
    });

    it('a sign-in with 2FA answers a limited token that reaches only the 2FA routes until the code is given', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p, uri } = await withTotp(emu);
      const first = await signIn(emu, p.email, p.password);
      expect(first).toMatchObject({ '2factor': true, expires_in: 600 });
      const limited = first.auth_token as string;
      expect((await emu.call('GET', '/current/user/me/details/', { token: limited })).status).toBe(401);
      expect((await emu.call('POST', '/current/user/auth/key/', { token: limited, form: { memo: 'x' } })).status).toBe(401);
      expect((await emu.call('GET', '/current/user/auth/2factor/', { token: limited })).status).toBe(200);
      const wrong = await emu.call('POST', '/current/user/auth/2factor/auth/000000/', { token: limited });
      expect([wrong.status, (wrong.body.error as { code: number }).code]).toEqual([400, 1605]);
      const full = await emu.ok('POST', `/current/user/auth/2factor/auth/${await totpCode(emu, uri)}/`, { token: limited });
      expect(full.expires_in).toBeGreaterThan(600);
      expect((await emu.call('GET', '/current/user/me/details/', { token: full.auth_token as string })).status).toBe(200);
      expect((await emu.call('GET', '/current/user/auth/2factor/', { token: limited })).status).toBe(401);
    });

    it('a TOTP code is good once, and a code two steps old is refused', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p, uri } = await withTotp(emu);
      const code = await totpCode(emu, uri);
      const limited = (await signIn(emu, p.email, p.password)).auth_token as string;
      await emu.ok('POST', `/current/user/auth/2factor/auth/${code}/`, { token: limited });
      const again = (await signIn(emu, p.email, p.password)).auth_token as string;
      expect((await emu.call('POST', `/current/user/auth/2factor/auth/${code}/`, { token: again })).status).toBe(400);
      const old = await totpCode(emu, uri, -2);
      await advance(emu, 30);
      expect((await emu.call('POST', `/current/user/auth/2factor/auth/${old}/`, { token: again })).status).toBe(400);
    });

    it('key creation and deletion need an inline code with a JWT; an API key caller needs none', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p, uri } = await withTotp(emu);
      const full = (
        await emu.ok('POST', `/current/user/auth/2factor/auth/${await totpCode(emu, uri)}/`, {
          token: (await signIn(emu, p.email, p.password)).auth_token as string,
        })
      ).auth_token as string;
      const missing = await emu.call('POST', '/current/user/auth/key/', { token: full, form: { memo: 'k' } });
      expect(missing.status).toBe(400);
      expect((missing.body.error as { params: { name: string; kind: string }[] }).params).toMatchObject([{ name: 'token', kind: 'missing' }]);
      await advance(emu, 30);
      const made = await emu.ok('POST', '/current/user/auth/key/', { token: full, form: { memo: 'k', token: await totpCode(emu, uri) } });
      expect((await emu.call('DELETE', `/current/user/auth/key/${made.id as string}/`, { token: full })).status).toBe(400);
      await advance(emu, 30);
      expect(
        (await emu.call('DELETE', `/current/user/auth/key/${made.id as string}/`, { token: full, query: { token: await totpCode(emu, uri) } })).status,
      ).toBe(200);
      // The persona's own API key bypasses inline 2FA.
      const byKey = await emu.ok('POST', '/current/user/auth/key/', { token: p.token, form: { memo: 'k2' } });
      expect((await emu.call('DELETE', `/current/user/auth/key/${byKey.id as string}/`, { token: p.token })).status).toBe(200);
    });

    it('sms: codes land in the mailbox; a resend does not reset the count of wrong codes', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const p = await emu.persona();
      const setup = await emu.ok('POST', '/current/user/auth/2factor/sms/', { token: p.token });
      expect(setup).toMatchObject({ state: 'pending', channel: 'sms' });
      expect(setup.binding_uri).toBeUndefined();
      const [mail] = await mailbox(emu, p.email);
      expect(mail).toMatchObject({ kind: 'two_factor', code: expect.stringMatching(/^\d{6}$/) });
      await emu.ok('POST', `/current/user/auth/2factor/verify/${mail!.code!}/`, { token: p.token });
      const limited = (await signIn(emu, p.email, p.password)).auth_token as string;
      for (let i = 0; i < 5; i++) {
        await emu.ok('GET', '/current/user/auth/2factor/send/sms/', { token: limited });
        expect((await emu.call('POST', '/current/user/auth/2factor/auth/111111/', { token: limited })).status).toBe(400);
      }
      await emu.ok('GET', '/current/user/auth/2factor/send/sms/', { token: limited });
      const [fresh] = await mailbox(emu, p.email);
      // The right code is refused too now: guessing is bounded whatever is resent.
      expect((await emu.call('POST', `/current/user/auth/2factor/auth/${fresh!.code!}/`, { token: limited })).status).toBe(429);
      await advance(emu, 15 * 60 + 1);
      const limited2 = (await signIn(emu, p.email, p.password)).auth_token as string;
      await emu.ok('GET', '/current/user/auth/2factor/send/sms/', { token: limited2 });
      const [last] = await mailbox(emu, p.email);
      expect((await emu.call('POST', `/current/user/auth/2factor/auth/${last!.code!}/`, { token: limited2 })).status).toBe(200);
    });

    it('disable needs a current code; afterwards sign-in is full again; one user cannot disable another', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const a = await withTotp(emu);
      const b = await withTotp(emu);
      // a's code is not b's: b's 2FA stays on.
      expect((await emu.call('DELETE', `/current/user/auth/2factor/${await totpCode(emu, a.uri)}/`, { token: b.p.token })).status).toBe(400);
      expect(await emu.ok('GET', '/current/user/auth/2factor/', { token: b.p.token })).toMatchObject({ state: 'enabled' });
      expect((await emu.call('DELETE', `/current/user/auth/2factor/${await totpCode(emu, a.uri)}/`, { token: a.p.token })).status).toBe(200);
      expect(await emu.ok('GET', '/current/user/auth/2factor/', { token: a.p.token })).toMatchObject({ state: 'disabled' });
      expect(await signIn(emu, a.p.email, a.p.password)).toMatchObject({ '2factor': false });
      expect(await signIn(emu, b.p.email, b.p.password)).toMatchObject({ '2factor': true });
    });

    it('an unknown channel answers 400 naming it; setting up again while enabled answers 409', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p } = await withTotp(emu);
      const bad = await emu.call('POST', '/current/user/auth/2factor/pigeon/', { token: p.token });
      expect(bad.status).toBe(400);
      expect((await emu.call('POST', '/current/user/auth/2factor/sms/', { token: p.token })).status).toBe(409);
      expect((await emu.call('GET', '/current/user/auth/2factor/send/sms/', { token: p.token })).status).toBe(400);
    });
  });
}
