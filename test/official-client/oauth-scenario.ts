/**
 * The official client's PKCE browser login and its `auth oauth` / `auth scopes` commands against
 * the emulator. `fastio auth login` without --email opens an authorization request, prints the
 * (live) consent URL with its auth_request_id and waits for the code on stdin; here the test plays
 * the browser on the emulator's own consent page (sign in, approve), pastes the code, and the
 * client stores the OAuth token, which the later commands use without --token. Another persona's
 * client reaches none of the sessions, and the owner's list is unchanged by its attempts.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface OAuthScenarioDeps {
  cli: OfficialCli;
  url: string;
  tmp: string;
  persona: () => Promise<{ user_id: string; email_address: string; password: string; api_key: string }>;
}

/**
 * `fastio auth login` in PKCE mode, with the consent done by `browse(auth_request_id)`, which
 * answers the code to paste. The client's `open::that` finds only a stub opener on PATH.
 */
function pkceLogin(
  cli: OfficialCli,
  home: string,
  tmp: string,
  browse: (requestId: string) => Promise<string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = mkdtempSync(join(tmp, 'no-browser-'));
  for (const opener of ['xdg-open', 'gio', 'gnome-open', 'kde-open', 'wslview']) {
    writeFileSync(join(bin, opener), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, opener), 0o755);
  }
  const env: NodeJS.ProcessEnv = { PATH: bin, HOME: home, NO_COLOR: '1' };
  return new Promise((done, fail) => {
    const child = spawn(cli.bin, ['--api-base', cli.apiBase, '--format', 'json', 'auth', 'login'], { env, cwd: home, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let browsing = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /auth_request_id=([^&\s]+)/.exec(stderr);
      if (m && !browsing && stderr.includes('Authorization code:')) {
        browsing = true;
        browse(decodeURIComponent(m[1]!)).then(
          (code) => child.stdin.end(`${code}\n`),
          (e: unknown) => {
            child.kill('SIGKILL');
            fail(e);
          },
        );
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

async function form(url: string, fields: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/current/oauth/authorize/`, { method: 'POST', body: new URLSearchParams(fields) });
  const html = await res.text();
  expect(res.status, html.slice(0, 500)).toBe(200);
  return html;
}

export async function oauthScenario({ cli, url, tmp, persona }: OAuthScenarioDeps): Promise<void> {
  const alice = await persona();
  const bob = await persona();
  const home = mkdtempSync(join(tmp, 'home-pkce-'));

  // The browser's part, on the emulator's consent page.
  const login = await pkceLogin(cli, home, tmp, async (requestId) => {
    const signedIn = await form(url, { auth_request_id: requestId, step: 'signin', email: alice.email_address, password: alice.password });
    const consentToken = /name="consent_token" value="([^"]*)"/.exec(signedIn)![1]!;
    const approved = await form(url, { auth_request_id: requestId, step: 'approve', consent_token: consentToken });
    return /id="authorization-code"[^>]*>([^<]+)</.exec(approved)![1]!;
  });
  expect(login.code, login.stderr).toBe(0);
  expect(JSON.parse(login.stdout)).toMatchObject({ status: 'authenticated', auth_method: 'pkce', expires_in: 3600 });
  cli.succeeded.add('auth login');

  // Later commands use the stored OAuth token.
  const mine = { home };
  expect(await cli.ok('auth check', [], mine)).toMatchObject({ valid: true, user_id: alice.user_id });
  const scopes = await cli.ok('auth scopes', [], mine);
  expect(scopes).toMatchObject({ token_type: 'oauth', full_access: false, scopes: ['org:*:rw'] });
  expect(await cli.ok('auth scopes', [], { token: alice.api_key })).toMatchObject({ token_type: 'api_key', full_access: true });

  const listed = await cli.ok('auth oauth list', [], mine);
  const sessions = listed.sessions as Json[];
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ client_id: 'fastio-cli', device_name: 'fastio-cli', device_type: 'cli', current: true });
  const id = sessions[0]!.id as string;
  expect((await cli.ok('auth oauth details', [id], mine)).session).toMatchObject({ id, current: true });
  expect((await cli.ok('auth oauth rename', [id, '--device-name', 'build box', '--agent-name', 'ci'], mine)).session).toMatchObject({
    id,
    device_name: 'build box',
    agent_name: 'ci',
  });

  // Another persona's client: none of Alice's sessions, for reading, renaming or revoking.
  const asBob = { token: bob.api_key };
  expect((await cli.ok('auth oauth list', [], asBob)).sessions).toEqual([]);
  for (const [command, args] of [
    ['auth oauth details', [id]],
    ['auth oauth rename', [id, '--device-name', 'mine now']],
    ['auth oauth revoke', [id]],
  ] as const) {
    const res = await cli.run(command, [...args], asBob);
    expect(res.code, `${command}: ${res.stdout}`).not.toBe(0);
    expect(res.stdout + res.stderr).not.toContain(alice.email_address);
  }
  expect(await cli.ok('auth oauth revoke-all', [], asBob)).toMatchObject({ status: 'all_revoked', excluded_session: null });
  expect(((await cli.ok('auth oauth list', [], mine)).sessions as Json[]).map((s) => [s.id, s.device_name])).toEqual([[id, 'build box']]);

  // Revoke all but the current session, then the current one: the stored token stops working.
  expect(await cli.ok('auth oauth revoke-all', ['--exclude-current', id], mine)).toMatchObject({ status: 'all_revoked', excluded_session: id });
  await cli.ok('auth oauth revoke', [id], mine);
  const after = await cli.run('auth check', [], mine);
  expect(after.code).not.toBe(0);
}
