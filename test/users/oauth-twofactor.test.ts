/**
 * The OAuth consent page with 2FA (browser-free: the test posts the forms a browser would): an
 * account with 2FA on is asked for its code after the password and before the grants; approve
 * and deny answer 401 until the code is given; TOTP codes are computed against the emulator clock;
 * wrong codes count toward the account's 2FA limit; a phone channel's code arrives in the mailbox.
 */
import { describe, expect, it } from 'vitest';
import { TOTP, URI } from 'otpauth';
import { inProcessEmulator, type InProcessEmulator, type Persona } from '../support/client.js';
import { authorizeQuery, exchange, hiddenField, pkcePair, shownCode } from './oauth-support.js';

const now = async (emu: InProcessEmulator) => Date.parse((await emu.ok('GET', '/_emulator/clock')).now as string);
const advance = (emu: InProcessEmulator, seconds: number) => emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: String(seconds) } });
const signIn = (emu: InProcessEmulator, email: string, password: string) => emu.ok('GET', '/current/user/auth/', { basic: { email, password } });
const post = (emu: InProcessEmulator, form: Record<string, string>) => emu.call('POST', '/current/oauth/authorize/', { form });

async function totpCode(emu: InProcessEmulator, uri: string): Promise<string> {
  return (URI.parse(uri) as TOTP).generate({ timestamp: await now(emu) });
}

async function withTotp(emu: InProcessEmulator): Promise<{ p: Persona; uri: string }> {
  const p = await emu.persona();
  const jwt = (await signIn(emu, p.email, p.password)).auth_token as string;
  const uri = (await emu.ok('POST', '/current/user/auth/2factor/totp/', { token: jwt })).binding_uri as string;
  await emu.ok('POST', `/current/user/auth/2factor/verify/${await totpCode(emu, uri)}/`, { token: jwt });
  await advance(emu, 30); // the next code is of a fresh step
  return { p, uri };
}

async function openAndSignIn(emu: InProcessEmulator, p: Persona) {
  const { verifier, challenge } = pkcePair();
  const opened = await emu.ok('GET', '/current/oauth/authorize/', { query: authorizeQuery(challenge, { response_format: 'json' }) });
  const requestId = opened.auth_request_id as string;
  const signedIn = await post(emu, { auth_request_id: requestId, step: 'signin', email: p.email, password: p.password });
  expect(signedIn.status, signedIn.text.slice(0, 300)).toBe(200);
  return { requestId, verifier, html: signedIn.text, consentToken: hiddenField(signedIn.text, 'consent_token') };
}

for (const apiDialect of ['v2', '2026-04'] as const) {
  describe(`OAuth consent with 2FA (${apiDialect})`, () => {
    it('TOTP: the code page comes before the grants; approve is refused until the code; then the code exchanges for tokens', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p, uri } = await withTotp(emu);
      const { requestId, verifier, html, consentToken } = await openAndSignIn(emu, p);
      expect(html).toContain('name="step" value="twofactor"');
      expect(html).toContain('authenticator app');
      expect(html).not.toContain('name="grant"');

      // Approving (or denying) with the consent token but no code: 401, and no code shown.
      const early = await post(emu, { auth_request_id: requestId, step: 'approve', consent_token: consentToken });
      expect(early.status).toBe(401);
      expect(early.text).not.toContain('authorization-code');
      expect((await post(emu, { auth_request_id: requestId, step: 'deny', consent_token: consentToken })).status).toBe(401);
      // Reloading the page still asks for the code.
      const reload = await emu.call('GET', '/current/oauth/authorize/', { query: { auth_request_id: requestId } });
      expect(reload.text).toContain('value="twofactor"');

      const wrong = await post(emu, { auth_request_id: requestId, step: 'twofactor', consent_token: consentToken, code: '000000' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('role="alert"');
      expect(wrong.text).toContain('value="twofactor"');
      // A code with a wrong consent token is refused before it is checked.
      expect((await post(emu, { auth_request_id: requestId, step: 'twofactor', consent_token: 'x'.repeat(43), code: await totpCode(emu, uri) })).status).toBe(
        401,
      );

      const verified = await post(emu, { auth_request_id: requestId, step: 'twofactor', consent_token: consentToken, code: await totpCode(emu, uri) });
      expect(verified.status, verified.text.slice(0, 300)).toBe(200);
      expect(verified.text).toContain('name="grant"');
      const approved = await post(emu, { auth_request_id: requestId, step: 'approve', consent_token: consentToken });
      expect(approved.status).toBe(200);
      const tokens = await exchange(emu, shownCode(approved.text), verifier);
      expect(tokens.status, tokens.text).toBe(200);
      const me = await emu.ok('GET', '/current/user/me/details/', { token: tokens.body.access_token as string });
      expect((me.user as { id: string }).id).toBe(p.id);
    });

    it('the same TOTP code is not good twice, and wrong codes run into the per-account 2FA limit', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { p, uri } = await withTotp(emu);
      const first = await openAndSignIn(emu, p);
      const code = await totpCode(emu, uri);
      expect((await post(emu, { auth_request_id: first.requestId, step: 'twofactor', consent_token: first.consentToken, code })).status).toBe(200);
      const second = await openAndSignIn(emu, p);
      expect((await post(emu, { auth_request_id: second.requestId, step: 'twofactor', consent_token: second.consentToken, code })).status).toBe(400);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push((await post(emu, { auth_request_id: second.requestId, step: 'twofactor', consent_token: second.consentToken, code: '123456' })).status);
      }
      expect(statuses).toContain(429);
      // Once limited, even the right code is refused for now.
      const right = await post(emu, {
        auth_request_id: second.requestId,
        step: 'twofactor',
        consent_token: second.consentToken,
        code: await totpCode(emu, uri),
      });
      expect(right.status).toBe(429);
    });

    it('sms: signing in on the consent page sends the code to the mailbox; that code lets the grants through', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const p = await emu.persona();
      await emu.ok('POST', '/current/user/auth/2factor/sms/', { token: p.token });
      const setupMails = (await emu.ok('GET', '/_emulator/mailbox/', { query: { to: p.email } })).messages as { code: string }[];
      expect(setupMails).toHaveLength(1);
      const setupCode = setupMails[0]!.code;
      await emu.ok('POST', `/current/user/auth/2factor/verify/${setupCode}/`, { token: p.token });
      const { requestId, html, consentToken } = await openAndSignIn(emu, p);
      expect(html).toContain('the code sent to you (sms)');
      const mails = (await emu.ok('GET', '/_emulator/mailbox/', { query: { to: p.email } })).messages as { kind: string; code: string }[];
      // The sign-in sent a second code (the setup's was used up).
      const sent = mails.filter((m) => m.kind === 'two_factor' && m.code !== setupCode);
      expect(sent).toHaveLength(1);
      const verified = await post(emu, { auth_request_id: requestId, step: 'twofactor', consent_token: consentToken, code: sent[0]!.code });
      expect(verified.status, verified.text.slice(0, 300)).toBe(200);
      expect((await post(emu, { auth_request_id: requestId, step: 'approve', consent_token: consentToken })).status).toBe(200);
    });

    it('an account without 2FA goes straight to the grants', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const p = await emu.persona();
      const { html } = await openAndSignIn(emu, p);
      expect(html).toContain('name="grant"');
      expect(html).not.toContain('value="twofactor"');
    });
  });
}
