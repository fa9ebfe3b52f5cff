/**
 * Browser sign-in through MCP (issue 22 item 1): `auth action=pkce-login` gives the consent page's
 * URL, the user signs in and approves there (driven here through the page's own form posts, as the
 * browser test of the consent page does), and `auth action=pkce-complete` exchanges the shown code
 * with the verifier the session kept. The session then acts as that user; a code is used once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, errorCode, mcpEmulator, must } from './support.js';

function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden ${name} in:\n${html.slice(0, 1500)}`);
  return m[1]!;
}

async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, text: await res.text() };
}

describe('MCP PKCE sign-in', () => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  beforeAll(async () => {
    emu = await mcpEmulator('v2');
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('signs the session in as the user who approved on the consent page; the code works once', async () => {
    const c = await emu.connect('pkce-agent');
    const who = (await control(c.apiUrl, 'POST', '/_emulator/users/', { account_type: 'human' })) as {
      user_id: string;
      email_address: string;
      password: string;
    };

    // Before any sign-in the session has no user, and pkce-complete needs a started login.
    const early = await c.tool('auth', { action: 'pkce-complete', code: 'nope' });
    expect(early.isError).toBe(true);
    expect(early.text).toContain('pkce-login');

    const started = await must(c.tool('auth', { action: 'pkce-login', email: who.email_address }));
    const url = new URL(started.authorize_url as string);
    expect(url.origin).toBe(new URL(c.apiUrl).origin);
    expect(url.pathname).toBe('/current/oauth/authorize/');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    // The browser's side: open the page, sign in, approve.
    const page = `${url.origin}${url.pathname}`;
    url.searchParams.set('response_format', 'json');
    const openedRes = await fetch(url);
    const opened = (await openedRes.json()) as { auth_request_id: string };
    const signedIn = await postForm(page, { auth_request_id: opened.auth_request_id, step: 'signin', email: who.email_address, password: who.password });
    expect(signedIn.status).toBe(200);
    const approved = await postForm(page, { auth_request_id: opened.auth_request_id, step: 'approve', consent_token: hidden(signedIn.text, 'consent_token') });
    expect(approved.status).toBe(200);
    const code = /id="authorization-code"[^>]*>([^<]+)</.exec(approved.text)?.[1];
    expect(code).toBeTruthy();

    const done = await must(c.tool('auth', { action: 'pkce-complete', code: code! }));
    expect(done).toMatchObject({ signed_in: true, user_id: who.user_id });
    const me = await must(c.tool('user', { action: 'info' }));
    expect(JSON.stringify(me)).toContain(who.user_id);

    // The verifier is spent with the code: the same code again is refused.
    const again = await c.tool('auth', { action: 'pkce-complete', code: code! });
    expect(again.isError).toBe(true);

    // Nor does the spent code sign in another session that started a login of its own.
    const other = await emu.connect('other-agent');
    await must(other.tool('auth', { action: 'pkce-login' }));
    const stolen = await other.tool('auth', { action: 'pkce-complete', code: code! });
    expect(stolen.isError).toBe(true);
    expect(errorCode(stolen)).toBeDefined();
  });
});
