/**
 * `fastio auth login` (the official client's PKCE browser login) against the emulator, with the
 * consent page driven in chromium: the client opens an authorization request and waits for a
 * code on stdin; the browser signs in on the emulator's consent page, narrows the grants, approves,
 * and reads the code the page shows; the code goes to the client, which exchanges it with its
 * verifier. Then the client's stored token is used: `auth status`, `auth scopes`, a read inside
 * the grant, a write outside it refused.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { haveChromium, launch, screenshot, watch, type Browser } from '../dashboard/browser.js';
import { findOfficialCli } from '../official-client/cli.js';
import { WS_FORM } from '../support/client.js';
import { CONTROL_CLIENT_HEADER } from '../../contracts/client.js';

const BIN = findOfficialCli();
const available = haveChromium() && BIN !== undefined;
if (!BIN) console.warn('oauth login: SKIPPED, no official Fast.io CLI here');

type Json = Record<string, unknown>;

let emu: RunningEmulator;
let browser: Browser;
let home: string;

async function api(method: string, path: string, token?: string, form?: Record<string, string>): Promise<Json> {
  const headers: Record<string, string> = path.startsWith('/_emulator/') ? { [CONTROL_CLIENT_HEADER]: '1' } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${emu.url}${path}`, { method, headers, ...(form ? { body: new URLSearchParams(form) } : {}) });
  const body = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The client with a pipe on stdin; resolves when it exits. `onStderr` sees its prompt text as it comes. */
function fastio(
  args: string[],
  onStderr?: (text: string, write: (s: string) => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // PATH is empty: the client's `open` of the live consent URL finds no browser to start.
  const env = { PATH: '', HOME: home, NO_COLOR: '1' };
  return new Promise((done, fail) => {
    const child = spawn(BIN!, ['--api-base', `${emu.url}/current`, '--format', 'json', ...args], { env, cwd: home, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, (s) => child.stdin.write(s));
    });
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!available)('fastio auth login through the consent page in a real browser', () => {
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, host: '127.0.0.1', apiDialect: 'v2' });
    browser = await launch({ width: 900, height: 900 });
    home = mkdtempSync(join(tmpdir(), 'fastio-login-'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('signs in, grants one workspace read-only, and the client holds a token limited to it', async () => {
    const owner = (await api('POST', '/_emulator/users/', undefined, { account_type: 'human' })) as {
      email_address: string;
      password: string;
      api_key: string;
    };
    const org = (await api('POST', '/current/org/create/', owner.api_key, { domain: `login-${Date.now()}`, name: 'Login org' })).org as { id: string };
    await api('POST', `/current/org/${org.id}/billing/`, owner.api_key, { billing_plan: 'growth_monthly' });
    const ws = (await api('POST', `/current/org/${org.id}/create/workspace/`, owner.api_key, { ...WS_FORM, folder_name: 'login-ws', name: 'Login workspace' }))
      .workspace as { id: string };

    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    const { problems, foreign } = watch(page, emu.url);
    let started = false;
    let shown = '';
    const login = fastio(['auth', 'login'], (text, write) => {
      const m = /auth_request_id=([A-Za-z0-9]+)/.exec(text);
      if (!m || started) return;
      started = true;
      void (async () => {
        try {
          await page.goto(`${emu.url}/current/oauth/authorize/?auth_request_id=${m[1]}`);
          await page.getByLabel('Email').fill(owner.email_address);
          await page.getByLabel('Password').fill(owner.password);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByText('Signed in as').waitFor();
          await page.getByRole('checkbox', { name: /Everything/ }).uncheck();
          await page.getByRole('checkbox', { name: 'Workspace Login workspace (read only)' }).check();
          await page.getByRole('button', { name: 'Approve' }).click();
          shown = (await page.locator('#authorization-code').textContent())!.trim();
          await screenshot(page, 'oauth-consent-code');
          write(`${shown}\n`);
        } catch (e) {
          await screenshot(page, 'oauth-consent-failed');
          write('\n');
          throw e;
        }
      })();
    });
    const result = await login;
    expect(result.code, result.stderr).toBe(0);
    expect(shown).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'authenticated', auth_method: 'pkce' });
    expect(await page.locator('#granted-scopes').textContent()).toBe(`workspace:${ws.id}:r`);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);

    // The stored token: valid, scoped, read inside the grant, no write, nothing outside it.
    const status = await fastio(['auth', 'status']);
    expect(JSON.parse(status.stdout)).toMatchObject({ authenticated: true, auth_method: 'pkce' });
    const scopes = await fastio(['auth', 'scopes']);
    expect(JSON.parse(scopes.stdout)).toMatchObject({ token_type: 'oauth', full_access: false, scopes: [`workspace:${ws.id}:r`] });
    const details = await fastio(['workspace', 'info', ws.id]);
    expect(details.code, details.stderr).toBe(0);
    const write = await fastio(['files', 'create-folder', '--workspace', ws.id, 'refused']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/403|1680|scope/i);
    const sessions = await fastio(['auth', 'oauth', 'list']);
    expect(JSON.parse(sessions.stdout)).toMatchObject({ results: 1, sessions: [{ client_id: 'fastio-cli', device_type: 'cli', current: true }] });
  });
});
