/**
 * The consent page the emulator serves in place of `https://go.fast.io/connect`: sign in, choose
 * what the application may reach, approve (or deny), and read the code to paste back into the
 * application. Plain HTML forms, no script, so any browser (and a test's headless one) drives it.
 */
import type { Org, Workspace } from '../store/model.js';
import type { PendingRequest } from './oauth.js';

const FORM_ACTION = '/current/oauth/authorize/';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Fast.io emulator</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}fieldset{border:1px solid #ccd;border-radius:.4rem;margin:1rem 0}
label{display:block;margin:.35rem 0}input[type=email],input[type=password]{width:100%;padding:.4rem}
button{padding:.5rem 1.2rem;margin-right:.5rem}.code{font:1.3rem monospace;background:#f2f4f7;padding:.8rem;word-break:break-all}
.error{color:#a40000}.muted{color:#667}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;
}

function who(r: PendingRequest): string {
  const agent = r.agentName ? ` (${esc(r.agentName)})` : '';
  return `<p><strong>${esc(r.clientId)}</strong>${agent} asks to act on your Fast.io account.</p>`;
}

export function signInPage(r: PendingRequest, error?: string): string {
  return page(
    'Sign in to authorize',
    `${who(r)}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${FORM_ACTION}">
${hidden('auth_request_id', r.id)}${hidden('step', 'signin')}
<label>Email <input type="email" name="email" autocomplete="username" required value="${esc(r.loginHint ?? '')}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The second factor, after a sign-in of an account with 2FA on (TOTP from the app, or the code sent). */
export function twoFactorPage(r: PendingRequest, consentToken: string, channel: string, error?: string): string {
  const where = channel === 'totp' ? 'your authenticator app' : `the code sent to you (${esc(channel)})`;
  return page(
    'Two-factor verification',
    `${who(r)}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<p>Enter the 6-digit code from ${where}.</p>
<form method="post" action="${FORM_ACTION}">
${hidden('auth_request_id', r.id)}${hidden('consent_token', consentToken)}${hidden('step', 'twofactor')}
<label>Code <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required></label>
<button type="submit">Verify</button>
</form>`,
  );
}

export interface ConsentChoices {
  email: string;
  orgs: readonly Org[];
  workspaces: readonly Workspace[];
}

function option(value: string, label: string, checked: boolean): string {
  return `<label><input type="checkbox" name="grant" value="${esc(value)}"${checked ? ' checked' : ''}> ${esc(label)}</label>`;
}

export function consentPage(r: PendingRequest, consentToken: string, c: ConsentChoices): string {
  const requested = (r.scope ?? '').split(/[\s,]+/).filter((w) => w !== '');
  const defaults = requested.length > 0 ? requested : ['all_orgs'];
  const named = [
    ['all_orgs', 'Everything: all organizations, their workspaces and shares'],
    ['all_workspaces', 'All workspaces (not organization settings)'],
    ['all_shares', 'All shares only'],
  ] as const;
  const extra = requested.filter((w) => !named.some(([v]) => v === w));
  return page(
    'Authorize access',
    `${who(r)}
<p class="muted">Signed in as ${esc(c.email)}.</p>
<form method="post" action="${FORM_ACTION}">
${hidden('auth_request_id', r.id)}${hidden('consent_token', consentToken)}
<fieldset><legend>Allow access to</legend>
${named.map(([v, l]) => option(v, l, defaults.includes(v))).join('\n')}
${extra.map((v) => option(v, v, true)).join('\n')}
${c.orgs.map((o) => option(`org:${o.id}:rw`, `Organization ${o.name} (read and write)`, false) + option(`org:${o.id}:r`, `Organization ${o.name} (read only)`, false)).join('\n')}
${c.workspaces.map((w) => option(`workspace:${w.id}:rw`, `Workspace ${w.name} (read and write)`, false) + option(`workspace:${w.id}:r`, `Workspace ${w.name} (read only)`, false)).join('\n')}
</fieldset>
<button type="submit" name="step" value="approve">Approve</button>
<button type="submit" name="step" value="deny">Deny</button>
</form>`,
  );
}

export function codePage(r: PendingRequest): string {
  const code = r.code!;
  return page(
    'Authorization code',
    `<p>Copy this code back into ${esc(r.clientId)}. It works once, for 10 minutes.</p>
<p class="code" id="authorization-code" data-state="${esc(r.state ?? '')}">${esc(code.value)}</p>
<p class="muted">Granted: <span id="granted-scopes">${esc(code.scopes.join(' '))}</span></p>`,
  );
}

export function deniedPage(): string {
  return page('Access denied', '<p id="denied">You denied the request. You can close this page.</p>');
}

export function errorPage(text: string): string {
  return page('Authorization failed', `<p class="error" role="alert">${esc(text)}</p>`);
}
