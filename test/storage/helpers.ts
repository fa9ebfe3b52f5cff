import { inject } from 'light-my-request';
import { inProcess, WS_FORM, type Reply } from '../tenancy/helpers.js';

export interface FilePart {
  name: string;
  data: Uint8Array | string;
  type?: string;
  field?: string;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

/**
 * An in-process emulator for storage and intelligence tests: multipart uploads, raw downloads, a
 * tenant in one call, and `settle()` for background jobs. Their delay is an hour, so nothing runs
 * on its own: a test orders events (upload, delete, then settle) and `settle()` runs every
 * scheduled step at once, never a sleep.
 */
export async function storageEmulator(options: Parameters<typeof inProcess>[0] = {}) {
  const emu = await inProcess({ ingestDelayMs: 3_600_000, ...options });

  async function parse(res: { statusCode: number; payload: string }): Promise<Reply> {
    let body: Reply['body'];
    try {
      body = JSON.parse(res.payload) as Reply['body'];
    } catch {
      body = {};
    }
    return { status: res.statusCode, body, text: res.payload };
  }

  /** A multipart request: text fields, and optionally one file part (`chunk` unless named). */
  async function multipart(path: string, token: string | undefined, fields: Record<string, string>, file?: FilePart): Promise<Reply> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file)
      form.append(
        file.field ?? 'chunk',
        new Blob([typeof file.data === 'string' ? file.data : Buffer.from(file.data)], { type: file.type ?? 'application/octet-stream' }),
        file.name,
      );
    const req = new Request('http://x/', { method: 'POST', body: form });
    const res = await inject(emu.app as never, {
      method: 'POST',
      url: path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
      remoteAddress: '127.0.0.1',
    });
    return parse(res);
  }

  /** A request with a raw body and content type (hostile input). */
  async function rawRequest(method: string, path: string, token: string | undefined, payload: string | Buffer, contentType: string): Promise<Reply> {
    const res = await inject(emu.app as never, {
      method: method as 'POST',
      url: path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': contentType },
      payload,
      remoteAddress: '127.0.0.1',
    });
    return parse(res);
  }

  /** A GET whose body is not JSON (downloads). */
  async function download(path: string, token?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<RawReply> {
    const res = await inject(emu.app as never, {
      method,
      url: path,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      remoteAddress: '127.0.0.1',
    });
    return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
  }

  /** A persona with an org and a workspace (intelligence on by default for humans). */
  async function tenant(opts: { accountType?: 'agent' | 'human'; plan?: string; intelligence?: boolean; domain?: string } = {}) {
    const accountType = opts.accountType ?? 'human';
    const user = await emu.persona(accountType);
    const orgForm: Record<string, string> = { domain: opts.domain ?? `t${Math.random().toString(36).slice(2, 10)}`, name: 'Storage tenant' };
    if (opts.plan) orgForm.billing_plan = opts.plan;
    const org = (await emu.ok('POST', '/current/org/create/', user.token, orgForm)).org as { id: string; domain: string };
    const intelligence = opts.intelligence ?? accountType === 'human';
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, user.token, {
        ...WS_FORM,
        folder_name: `ws${Math.random().toString(36).slice(2, 10)}`,
        name: 'Storage workspace',
        intelligence: String(intelligence),
      })
    ).workspace as { id: string };
    return { user, org, ws };
  }

  /** Upload one file in a single call; throws unless it answers 200. */
  async function upload(token: string, workspaceId: string, name: string, data: Uint8Array | string, extra: Record<string, string> = {}): Promise<string> {
    const r = await multipart(
      '/current/upload/',
      token,
      { name, action: 'create', instance_id: workspaceId, folder_id: 'root', profile_type: 'workspace', ...extra },
      { name, data },
    );
    if (r.status !== 200) throw new Error(`upload ${name} -> ${r.status} ${r.text}`);
    return r.body.new_file_id as string;
  }

  async function node(
    token: string,
    workspaceId: string,
    nodeId: string,
  ): Promise<Record<string, unknown> & { ai: { state: string; reason: string | null; pages: number | null } }> {
    return (await emu.ok('GET', `/current/workspace/${workspaceId}/storage/${nodeId}/details/`, token)).node as never;
  }

  /** Ledger rows of an org, by kind. */
  function ledger(orgId: string, kind?: string) {
    return emu.emulator.db.ledger.find('org', orgId).filter((e) => kind === undefined || e.kind === kind);
  }

  function credits(orgId: string, kind?: string): number {
    return ledger(orgId, kind).reduce((sum, e) => sum + e.credits, 0);
  }

  return {
    ...emu,
    multipart,
    rawRequest,
    download,
    tenant,
    upload,
    node,
    ledger,
    credits,
    settle: () => emu.emulator.jobs.drain(),
  };
}

export type StorageEmulator = Awaited<ReturnType<typeof storageEmulator>>;
