/**
 * Abuse limits (issue 19, item 6): wrong guesses at a mailed code are counted per account across
 * resends, so guessing is bounded however many fresh codes are asked for; sign-in failures are
 * counted per account whatever the address's case; the per-credential rate limit counts one
 * credential once, however its Authorization header is spelled.
 */
import { describe, expect, it } from 'vitest';
import { CODE_MAX_FAILURES } from '../../emulator/users/code-attempts.js';
import { inProcessEmulator } from '../support/client.js';

type Emu = Awaited<ReturnType<typeof inProcessEmulator>>;

const PASSWORD = 'correct horse battery';
const mailbox = async (emu: Emu, to: string) =>
  (await emu.ok('GET', '/_emulator/mailbox/', { query: { to } })).messages as { kind: string; code: string | null }[];
const advance = (emu: Emu, seconds: number) => emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: String(seconds) } });

/** A signed-up, unverified account and its token. */
async function unverified(emu: Emu, email: string): Promise<string> {
  const res = await emu.call('POST', '/current/user/', {
    form: { email_address: email, password: PASSWORD, tos_agree: 'true', agent: 'true', first_name: 'A', last_name: 'B' },
  });
  expect(res.status, res.text).toBe(200);
  return ((await emu.ok('GET', '/current/user/auth/', { basic: { email, password: PASSWORD } })) as { auth_token: string }).auth_token;
}

const lastCode = async (emu: Emu, email: string) => (await mailbox(emu, email)).find((m) => m.kind === 'email_verification')!.code!;

describe('verification codes', () => {
  it('a fresh code does not reset the wrong guesses: after the limit even the right code is refused (400/1605, as an expired one), until the window passes', async () => {
    const emu = await inProcessEmulator();
    const email = 'guesser@limits.example';
    const token = await unverified(emu, email);
    const validate = (form: Record<string, string>) => emu.call('POST', '/current/user/email/validate/', { token, form: { email, ...form } });
    for (let i = 0; i < CODE_MAX_FAILURES * 3; i++) {
      expect((await validate({})).status).toBe(200); // a fresh code each time
      const code = await lastCode(emu, email);
      const wrong = code === '000000' ? '000001' : '000000';
      const res = await validate({ email_token: wrong });
      expect(res.status, `guess ${i + 1}`).toBe(400);
    }
    expect((await validate({})).status).toBe(200);
    const right = await validate({ email_token: await lastCode(emu, email) });
    expect([right.status, right.body.error?.code]).toEqual([400, 1605]);
    expect(emu.emulator.db.users.findOne('email', email)!.emailVerified).toBe(false);

    await advance(emu, 24 * 3600 + 1);
    const fresh = await emu.ok('GET', '/current/user/auth/', { basic: { email, password: PASSWORD } });
    const again = (form: Record<string, string>) =>
      emu.call('POST', '/current/user/email/validate/', { token: fresh.auth_token as string, form: { email, ...form } });
    expect((await again({})).status).toBe(200);
    expect((await again({ email_token: await lastCode(emu, email) })).status).toBe(200);
    expect(emu.emulator.db.users.findOne('email', email)!.emailVerified).toBe(true);
  });

  it('an email change token: re-requesting the change does not reset the wrong guesses', async () => {
    const emu = await inProcessEmulator({ apiDialect: 'v2' });
    const email = 'mover@limits.example';
    const token = await unverified(emu, email);
    await emu.ok('POST', '/current/user/email/validate/', { token, form: { email } });
    await emu.ok('POST', '/current/user/email/validate/', { token, form: { email, email_token: await lastCode(emu, email) } });
    const statuses: number[] = [];
    for (let i = 0; i < CODE_MAX_FAILURES + 2; i++) {
      await emu.ok('POST', '/current/user/update/', { token, form: { email_address: 'moved@limits.example', current_password: PASSWORD } });
      statuses.push((await emu.call('POST', '/current/user/email/change/', { token, form: { token: 'not-the-token' } })).status);
    }
    expect(statuses).toEqual(Array(CODE_MAX_FAILURES + 2).fill(400));
    await emu.ok('POST', '/current/user/update/', { token, form: { email_address: 'moved@limits.example', current_password: PASSWORD } });
    const right = (await mailbox(emu, 'moved@limits.example'))[0]!.code!;
    expect((await emu.call('POST', '/current/user/email/change/', { token, form: { token: right } })).status).toBe(400);
    expect(emu.emulator.db.users.findOne('email', email)).toBeDefined();
  });
});

describe('sign-in failures', () => {
  it('are counted per account whatever the case of the address, and a right password is refused once the limit is reached', async () => {
    const emu = await inProcessEmulator();
    const email = 'signin@limits.example';
    await unverified(emu, email);
    const spellings = [email, email.toUpperCase(), 'SignIn@Limits.Example'];
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      const res = await emu.call('GET', '/current/user/auth/', { basic: { email: spellings[i % 3]!, password: 'wrong password' } });
      if (res.status === 429) refused++;
      else expect(res.status).toBe(401);
    }
    expect(refused).toBe(2);
    expect((await emu.call('GET', '/current/user/auth/', { basic: { email, password: PASSWORD } })).status).toBe(429);
  });
});

describe('the per-credential rate limit', () => {
  it('counts one API key once, however the Authorization header spells it', async () => {
    const emu = await inProcessEmulator({ rateLimit: { max: 5, windowSeconds: 60 } });
    const p = (await emu.ok('POST', '/_emulator/users/', { form: {} })) as { api_key: string };
    const spellings = [`Bearer ${p.api_key}`, `bearer ${p.api_key}`, `BEARER   ${p.api_key}`, `Bearer\t${p.api_key} `, `bEaReR ${p.api_key}`];
    for (const authorization of spellings) {
      expect((await emu.call('GET', '/current/user/me/details/', { headers: { authorization } })).status, authorization).toBe(200);
    }
    const sixth = await emu.call('GET', '/current/user/me/details/', { headers: { authorization: `Bearer  ${p.api_key}` } });
    expect([sixth.status, sixth.body.error?.code]).toEqual([429, 1671]);
    // Another credential has its own budget.
    const q = (await emu.ok('POST', '/_emulator/users/', { form: {} })) as { api_key: string };
    expect((await emu.call('GET', '/current/user/me/details/', { headers: { authorization: `bearer ${q.api_key}` } })).status).toBe(200);
  });
});
