import { inject } from 'light-my-request';
import { buildEmulator, createApp } from '../../emulator/index.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: { result?: unknown; error?: { code: number; text: string; params?: { name: string; kind: string }[]; resource?: string }; [k: string]: unknown };
  text: string;
}

export const WS_FORM = { perm_join: 'Member or above', perm_member_manage: 'Member or above' };

/** An emulator in process (no sockets), with a request helper for form and JSON bodies. */
export async function inProcess(options: Parameters<typeof buildEmulator>[0] = {}) {
  const built = await buildEmulator({ port: 0, ...options });
  const app = createApp({ emulator: built.emulator, routes: built.routes });

  async function call(method: string, path: string, opts: { token?: string; form?: Record<string, string>; json?: unknown } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    // The emulator's own clients name themselves on the control plane (emulator/http/control-guard.ts).
    if (path.startsWith('/_emulator/')) headers['x-fastio-emulator-client'] = '1';
    let payload: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(opts.json);
    }
    const res = await inject(app as never, {
      method: method as 'GET',
      url: path,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      remoteAddress: '127.0.0.1',
    });
    let body: Reply['body'];
    try {
      body = JSON.parse(res.payload) as Reply['body'];
    } catch {
      body = {};
    }
    return { status: res.statusCode, headers: res.headers, body, text: res.payload };
  }

  async function ok(method: string, path: string, opts: Parameters<typeof call>[2] = {}): Promise<Reply['body']> {
    const r = await call(method, path, opts);
    if (r.status !== 200) throw new Error(`${method} ${path} -> ${r.status} ${r.text}`);
    return r.body;
  }

  /** A verified persona (API key) with an org of its own and one workspace in it. */
  async function tenant(label: string, accountType: 'agent' | 'human' = 'human') {
    const p = await ok('POST', '/_emulator/users/', { form: { account_type: accountType } });
    const token = p.api_key as string;
    const domain = `${label}-${Math.random().toString(36).slice(2, 8)}`;
    const org = (await ok('POST', '/current/org/create/', { token, form: { domain, name: `${label} org` } })).org as { id: string };
    const ws = (
      await ok('POST', `/current/org/${org.id}/create/workspace/`, { token, form: { ...WS_FORM, folder_name: `${label}-ws`, name: `${label} workspace` } })
    ).workspace as { id: string } | undefined;
    return { userId: p.user_id as string, email: p.email_address as string, token, orgId: org.id, domain, workspaceId: ws?.id };
  }

  return { ...built, app, call, ok, tenant };
}
