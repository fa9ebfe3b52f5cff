import { describe, expect, it } from 'vitest';
import { AUTH_RULES } from '../../emulator/users/rules.js';
import { inProcessEmulator } from '../support/client.js';

const DAY = 24 * 3600;
const SIGN_UP = { password: 'correct horse battery', tos_agree: 'true', agent: 'true' };

async function v2() {
  return inProcessEmulator({ apiDialect: 'v2' });
}

type Emu = Awaited<ReturnType<typeof v2>>;

const mailbox = async (emu: Emu, to: string) =>
  (await emu.ok('GET', '/_emulator/mailbox/', { query: { to } })).messages as { kind: string; code: string | null; subject: string; body: string }[];
const advance = (emu: Emu, seconds: number) => emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: String(seconds) } });
const signIn = async (emu: Emu, email: string, password: string) =>
  (await emu.ok('GET', '/current/user/auth/', { basic: { email, password } })) as { auth_token: string; expires_in: number };
const check = (emu: Emu, token: string) => emu.call('GET', '/current/user/auth/check/', { token });

describe('V2 sign-up: the existing account is mailed, the caller learns nothing', () => {
  it('mails the existing account a notice, changes nothing of it, and answers as for a new address', async () => {
    const emu = await v2();
    const email = 'owner@uniform.example';
    const first = await emu.call('POST', '/current/user/', { form: { ...SIGN_UP, email_address: email } });
    const user = emu.emulator.db.users.findOne('email', email)!;
    expect(await mailbox(emu, email)).toEqual([]);
    const events = emu.emulator.db.events.toArray().length;

    const again = await emu.call('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'Owner@Uniform.example', password: 'a different password' } });
    expect([again.status, again.text]).toEqual([first.status, first.text]);
    expect(again.body).toEqual({ result: true, signup_request_accepted: true, signed_in: false });
    const mail = await mailbox(emu, email);
    expect(mail.map((m) => [m.kind, m.code])).toEqual([['notice', null]]);
    expect(mail[0]!.body).toMatch(/already has a Fast\.io account/);
    // One account, untouched: same row (hash included), no event, the first password still signs in.
    expect(emu.emulator.db.users.toArray().filter((u) => u.emailKey === email)).toEqual([user]);
    expect(emu.emulator.db.events.toArray().length).toBe(events);
    expect((await signIn(emu, email, SIGN_UP.password)).expires_in).toBe(30 * DAY);
    expect((await emu.call('GET', '/current/user/auth/', { basic: { email, password: 'a different password' } })).status).toBe(401);
  });

  it('20 sign-ups of one address at once: one account, one answer for all, 19 notices', async () => {
    const emu = await v2();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        emu.call('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'twin@uniform.example', password: `password-${i}` } }),
      ),
    );
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).toBe(1);
    expect(emu.emulator.db.users.toArray().filter((u) => u.emailKey === 'twin@uniform.example')).toHaveLength(1);
    expect((await mailbox(emu, 'twin@uniform.example')).filter((m) => m.kind === 'notice')).toHaveLength(19);
  });

  it('hashes the password on both paths (the answer costs about as much for either)', async () => {
    const emu = await v2();
    const spy = { hashes: 0 };
    const users = emu.emulator.users as unknown as { hash: (pw: string) => Promise<string> };
    const hash = users.hash.bind(users);
    users.hash = (pw) => (spy.hashes++, hash(pw));
    await emu.ok('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'cost@uniform.example' } });
    await emu.ok('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'cost@uniform.example' } });
    expect(spy.hashes).toBe(2);
  });

  it('the April dialect keeps its sign-up: the id, and 409/1660 for an existing address', async () => {
    const emu = await inProcessEmulator({ apiDialect: '2026-04' });
    const first = await emu.ok('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'april@uniform.example' } });
    expect(first.id).toMatch(/^[1-9]\d{18}$/);
    const again = await emu.call('POST', '/current/user/', { form: { ...SIGN_UP, email_address: 'april@uniform.example' } });
    expect([again.status, (again.body.error as { code: number }).code]).toEqual([409, 1660]);
    expect(await mailbox(emu, 'april@uniform.example')).toEqual([]);
  });
});

describe('JWT lifetime per dialect, on the emulator clock', () => {
  it('v2: a Basic sign-in JWT (and a persona JWT) works for 30 days and not after', async () => {
    const emu = await v2();
    const p = await emu.persona();
    const persona = (await emu.ok('POST', '/_emulator/users/', { form: { account_type: 'agent' } })) as { auth_token: string };
    const { auth_token: token, expires_in } = await signIn(emu, p.email, p.password);
    expect(expires_in).toBe(30 * DAY);
    // A margin for the real time the test itself takes (the clock runs on; `iat` is whole seconds).
    await advance(emu, 30 * DAY - 30);
    expect((await check(emu, token)).status).toBe(200);
    expect((await check(emu, persona.auth_token)).status).toBe(200);
    await advance(emu, 60);
    const expired = await check(emu, token);
    expect([expired.status, (expired.body.error as { code: number }).code]).toEqual([401, 1650]);
    expect((await check(emu, persona.auth_token)).status).toBe(401);
    expect((await check(emu, p.token)).status).toBe(200);
  });

  it('2026-04: the JWT still lasts 3600 s', async () => {
    const emu = await inProcessEmulator({ apiDialect: '2026-04' });
    const p = await emu.persona();
    const { auth_token: token, expires_in } = await signIn(emu, p.email, p.password);
    expect(expires_in).toBe(3600);
    await advance(emu, 3600 - 30);
    expect((await check(emu, token)).status).toBe(200);
    await advance(emu, 60);
    expect((await check(emu, token)).status).toBe(401);
  });

  it('the lifetime is dialect data handed to the service, not a branch in it', () => {
    expect(AUTH_RULES['2026-04']).toEqual({ jwtLifetimeSeconds: 3600, uniformSignUp: false });
    expect(AUTH_RULES.v2).toEqual({ jwtLifetimeSeconds: 30 * DAY, uniformSignUp: true });
  });
});

describe('invalidate-all', () => {
  it("ends every JWT of the caller's issued before it, at once; API keys and later sign-ins work; others are untouched", async () => {
    const emu = await v2();
    const a = await emu.persona();
    const b = await emu.persona();
    const tokens = [(await signIn(emu, a.email, a.password)).auth_token, (await signIn(emu, a.email, a.password)).auth_token];
    const bToken = (await signIn(emu, b.email, b.password)).auth_token;
    // Checked once first, so the signer's cache holds them: revocation must win over the cache.
    for (const t of tokens) expect((await check(emu, t)).status).toBe(200);

    expect(await emu.ok('POST', '/current/user/auth/invalidate-all/', { token: tokens[0] })).toEqual({ result: true });
    for (const t of tokens) expect((await check(emu, t)).status).toBe(401);
    expect((await check(emu, a.token)).status).toBe(200);
    expect((await check(emu, bToken)).status).toBe(200);
    const later = (await signIn(emu, a.email, a.password)).auth_token;
    expect((await check(emu, later)).status).toBe(200);

    const event = emu.emulator.db.events.toArray().find((e) => e.event === 'user_sessions_invalidated')!;
    // the control-plane persona's JWT and the two sign-ins
    expect(event).toMatchObject({ category: 'user', subcategory: 'authentication', userId: a.id, callingUserId: a.id, data: { sessions: 3 } });
  });

  it('called with an API key, it ends the JWTs of the key’s user', async () => {
    const emu = await v2();
    const a = await emu.persona();
    const token = (await signIn(emu, a.email, a.password)).auth_token;
    await emu.ok('POST', '/current/user/auth/invalidate-all/', { token: a.token });
    expect((await check(emu, token)).status).toBe(401);
    expect((await check(emu, a.token)).status).toBe(200);
  });
});

describe('email change', () => {
  async function pending(emu: Emu) {
    const p = await emu.persona();
    const newEmail = `moved-${p.id}@change.example`;
    await emu.ok('POST', '/current/user/update/', { token: p.token, form: { email_address: newEmail, current_password: p.password } });
    const [mail] = await mailbox(emu, newEmail);
    return { p, newEmail, token: mail!.code! };
  }

  it('five wrong tokens end the pending change; the right one then fails too', async () => {
    const emu = await v2();
    const { p, token } = await pending(emu);
    for (let i = 0; i < 5; i++)
      expect((await emu.call('POST', '/current/user/email/change/', { token: p.token, form: { token: `wrong${i}` } })).status).toBe(400);
    expect((await emu.call('POST', '/current/user/email/change/', { token: p.token, form: { token } })).status).toBe(400);
  });

  it('the token expires after 24 hours on the emulator clock', async () => {
    const emu = await v2();
    const { p, token } = await pending(emu);
    await advance(emu, 24 * 3600);
    expect((await emu.call('POST', '/current/user/email/change/', { token: p.token, form: { token } })).status).toBe(400);
  });

  it('confirming records the events, verifies the new address and tells the old one', async () => {
    const emu = await v2();
    const { p, newEmail, token } = await pending(emu);
    await emu.ok('POST', '/current/user/email/change/', { token: p.token, form: { token } });
    const names = emu.emulator.db.events
      .toArray()
      .filter((e) => e.userId === p.id)
      .map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['user_email_change_requested', 'user_email_changed']));
    expect(emu.emulator.db.users.get(p.id)).toMatchObject({ email: newEmail, emailKey: newEmail, emailVerified: true });
    expect((await mailbox(emu, p.email)).map((m) => m.kind)).toEqual(['notice']);
  });

  it('phone numbers are refused by name; an empty update is refused', async () => {
    const emu = await v2();
    const p = await emu.persona();
    const phone = await emu.call('POST', '/current/user/update/', { token: p.token, form: { phone_country: '1', phone_number: '5551234567' } });
    expect((phone.body.error as { params: { name: string }[] }).params.map((x) => x.name)).toEqual(['phone_country', 'phone_number']);
    expect((await emu.call('POST', '/current/user/update/', { token: p.token, form: {} })).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the V2 account routes under v2 only, with the fields their schemas take', async () => {
    const paths = async (emu: Emu) => (await emu.ok('GET', '/_emulator/openapi.json')).paths as Record<string, Record<string, unknown>>;
    const v2Paths = await paths(await v2());
    for (const p of ['/current/user/email/', '/current/user/auth/invalidate-all/', '/current/user/update/', '/current/user/email/change/']) {
      expect(v2Paths[p]?.post, p).toBeDefined();
    }
    expect(JSON.stringify(v2Paths['/current/user/update/'])).toContain('current_password');
    const april = await paths(await inProcessEmulator({ apiDialect: '2026-04' }));
    expect(april['/current/user/auth/invalidate-all/']).toBeUndefined();
    expect(april['/current/user/']?.post).toBeDefined();
  });
});
