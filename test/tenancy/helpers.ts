import { inject } from 'light-my-request';
import { buildEmulator, createApp } from '../../emulator/index.js';

export interface Reply {
  status: number;
  body: { result?: unknown; error?: { code: number; text: string; resource?: string }; [k: string]: unknown };
  text: string;
}

/** An emulator in process with a small request helper (form bodies, Bearer tokens). */
export async function inProcess(options: Parameters<typeof buildEmulator>[0] = {}) {
  const built = await buildEmulator({ port: 0, ...options });
  const app = createApp({ emulator: built.emulator, routes: built.routes });
  async function call(method: string, path: string, token?: string, form?: Record<string, string>): Promise<Reply> {
    const res = await inject(app as never, {
      method: method as 'GET',
      url: path,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        // The emulator's own clients name themselves on the control plane (emulator/http/control-guard.ts).
        ...(path.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      remoteAddress: '127.0.0.1',
    });
    let body: Reply['body'];
    try {
      body = JSON.parse(res.payload) as Reply['body'];
    } catch {
      body = {};
    }
    return { status: res.statusCode, body, text: res.payload };
  }
  async function persona(accountType: 'agent' | 'human' = 'agent'): Promise<{ id: string; token: string; email: string }> {
    const r = await call('POST', '/_emulator/users/', undefined, { account_type: accountType });
    return { id: r.body.user_id as string, token: r.body.api_key as string, email: r.body.email_address as string };
  }
  async function ok(method: string, path: string, token: string, form?: Record<string, string>): Promise<Reply['body']> {
    const r = await call(method, path, token, form);
    if (r.status !== 200) throw new Error(`${method} ${path} -> ${r.status} ${r.text}`);
    return r.body;
  }
  return { ...built, app, call, persona, ok };
}

export const WS_FORM = { perm_join: 'Member or above', perm_member_manage: 'Member or above' };
