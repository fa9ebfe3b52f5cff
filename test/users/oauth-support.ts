import { createHash, randomBytes } from 'node:crypto';
import type { InProcessEmulator, Persona } from '../support/client.js';

export const CLIENT_ID = 'fastio-cli';
export const REDIRECT = 'http://localhost:19836/callback';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden ${name} in:\n${html.slice(0, 2000)}`);
  return m[1]!;
}

export function shownCode(html: string): string {
  const m = /id="authorization-code"[^>]*>([^<]+)</.exec(html);
  if (!m) throw new Error(`no code in:\n${html.slice(0, 2000)}`);
  return m[1]!;
}

/** The whole browser side through the forms: open, sign in, approve `grants`; the code and verifier. */
/** The authorize query the official client sends (S256, its client id and loopback redirect), with `extra` over it. */
export function authorizeQuery(challenge: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_id: CLIENT_ID, response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', redirect_uri: REDIRECT, ...extra };
}

export async function authorizeThroughForms(emu: InProcessEmulator, who: Persona, grants?: string[], scope?: string) {
  const { verifier, challenge } = pkcePair();
  const query = authorizeQuery(challenge, { state: 'st4te', response_format: 'json', ...(scope ? { scope } : {}) });
  const opened = await emu.ok('GET', '/current/oauth/authorize/', { query });
  const requestId = opened.auth_request_id as string;
  const signedIn = await emu.call('POST', '/current/oauth/authorize/', {
    form: { auth_request_id: requestId, step: 'signin', email: who.email, password: who.password },
  });
  if (signedIn.status !== 200) throw new Error(`sign-in ${signedIn.status} ${signedIn.text.slice(0, 400)}`);
  const form = new URLSearchParams({ auth_request_id: requestId, step: 'approve', consent_token: hiddenField(signedIn.text, 'consent_token') });
  for (const g of grants ?? []) form.append('grant', g);
  const approved = await emu.call('POST', '/current/oauth/authorize/', { raw: { body: form.toString(), contentType: 'application/x-www-form-urlencoded' } });
  if (approved.status !== 200) throw new Error(`approve ${approved.status} ${approved.text.slice(0, 400)}`);
  return { requestId, code: shownCode(approved.text), verifier, consentHtml: signedIn.text };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
  scopes: string;
  session_id: string;
}

export async function exchange(emu: InProcessEmulator, code: string, verifier: string) {
  return emu.call('POST', '/current/oauth/token/', {
    form: {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      device_name: 'fastio-cli',
      device_type: 'cli',
    },
  });
}

export async function signInWithOAuth(emu: InProcessEmulator, who: Persona, grants?: string[]): Promise<Tokens> {
  const { code, verifier } = await authorizeThroughForms(emu, who, grants);
  const r = await exchange(emu, code, verifier);
  if (r.status !== 200) throw new Error(`token ${r.status} ${r.text}`);
  return r.body as unknown as Tokens;
}
