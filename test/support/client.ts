/**
 * The one in-process client of the emulator's own tests: an emulator built in this process, the
 * contracts' `ApiClient` over the in-process target's `fetch` (contracts/target.ts
 * `inProcessFetch`, no sockets), and the few set-up steps tests repeat (personas, a tenant,
 * uploads, background jobs). Every answer is the contracts' `ApiResponse`, so a unit test reads a
 * response the way a contract suite does.
 *
 * One escape hatch, `inject`, hands a request to the app as written (URL, headers and body
 * untouched): hostile-input tests send paths and headers that `fetch`'s URL and Headers classes
 * would normalise or refuse before the emulator saw them.
 */
import { inject as lightInject } from 'light-my-request';
import { ApiClient, CONTROL_CLIENT_HEADER, type ApiResponse, type FetchLike, type Form, type RequestOptions } from '../../contracts/client.js';
import { inProcessFetch } from '../../contracts/target.js';
import { NO_PLAN, V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';
import { buildEmulator, createApp } from '../../emulator/index.js';

export type { ApiResponse, Form, RequestOptions } from '../../contracts/client.js';
/** What every request of this client answers. */
export type Answer = ApiResponse;

export type EmulatorOptions = NonNullable<Parameters<typeof buildEmulator>[0]>;

/** The workspace permissions every test workspace is made with. */
/** The workspace-create fields every dialect takes (V2 requires `intelligence` too). */
export const WS_FORM = { perm_join: 'Member or above', perm_member_manage: 'Member or above', intelligence: 'false' };

/**
 * Background jobs (ingestion) wait an hour, so nothing runs on its own: a test orders events
 * (upload, delete) and `settle()` runs every scheduled step at once, never a sleep.
 */
export const HOLD_JOBS = { ingestDelayMs: 3_600_000 } as const satisfies EmulatorOptions;

/** A request that got no answer in time (a hang, which reliability tests report as such). */
export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
}

/** Every request fails with RequestTimeout after this long, so a hang fails one request, not the file. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface FilePart {
  name: string;
  data: Uint8Array | string;
  type?: string;
  /** the form field (`chunk` unless named) */
  field?: string;
}

/** A request as written, for `inject`. */
export interface RawRequest {
  method: string;
  url: string;
  headers?: Record<string, string | string[]>;
  payload?: string | Buffer;
  remoteAddress?: string;
  /** default 10 s */
  timeoutMs?: number;
}

export interface Persona {
  id: string;
  /** the persona's API key */
  token: string;
  email: string;
  password: string;
}

export interface TenantOptions {
  /** names the org (`<label> org`), its domain (`<label>-<random>`) and its workspace */
  label?: string;
  accountType?: 'agent' | 'human';
  /**
   * The org's plan. Under 2026-04 it is sent with org create (default: the account type's plan);
   * under v2 the new org is subscribed to it (default V2_SET_UP_PLAN), or left upgrade-only with 'none'.
   */
  plan?: string;
  /** the workspace's intelligence; the emulator's default (off) unless given */
  intelligence?: boolean;
  domain?: string;
}

export interface Tenant {
  user: Persona;
  org: { id: string; domain: string };
  ws: { id: string };
}

function randomTag(length = 8): string {
  return Math.random()
    .toString(36)
    .slice(2, 2 + length);
}

/** Race a promise against a timer that aborts the request and rejects with RequestTimeout. */
async function withTimeout<T>(what: string, timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new RequestTimeout(`${what.slice(0, 200)}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function parseBody(text: string): ApiResponse['body'] {
  try {
    const parsed = text ? (JSON.parse(text) as unknown) : {};
    return (parsed && typeof parsed === 'object' ? parsed : {}) as ApiResponse['body'];
  } catch {
    return {} as ApiResponse['body'];
  }
}

/** A multipart body: text fields, and optionally one file part. */
export function multipartForm(fields: Record<string, string>, file?: FilePart): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file)
    form.append(
      file.field ?? 'chunk',
      new Blob([typeof file.data === 'string' ? file.data : Buffer.from(file.data)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  return form;
}

/** A multipart body as bytes with its content type (for `inject`, which takes a body as written). */
export async function multipartBody(fields: Record<string, string>, file?: FilePart): Promise<{ contentType: string; payload: Buffer }> {
  const req = new Request('http://x/', { method: 'POST', body: multipartForm(fields, file) });
  return { contentType: req.headers.get('content-type')!, payload: Buffer.from(await req.arrayBuffer()) };
}

/**
 * The dialect of `inProcessEmulator()` unless `apiDialect` says otherwise: the April profile, not
 * the emulator's default (v2). CHOICE: the unit tests were written against the April behaviour, so
 * they keep it explicitly; a test of V2 behaviour passes `{ apiDialect: 'v2' }`.
 */
export const UNIT_TEST_DIALECT = '2026-04' as const;

/** An emulator in this process with its client (dialect `UNIT_TEST_DIALECT` unless `apiDialect` is given). */
export async function inProcessEmulator(options: EmulatorOptions = {}) {
  const built = await buildEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT, ...options });
  const app = createApp({ emulator: built.emulator, routes: built.routes });
  const transport = inProcessFetch(app);
  const fetch: FetchLike = (url, init) =>
    withTimeout(`${init.method ?? 'GET'} ${url}`, DEFAULT_TIMEOUT_MS, (signal) => transport(url, { ...init, signal: init.signal ?? signal }));
  /** without a token; `client(token)` or `{ token }` per call adds one */
  const api = new ApiClient('http://emulator.local', fetch);

  const client = (token?: string): ApiClient => api.as(token);

  /** Any request: `{ token, form, json, query, headers, raw }` as the contracts' client takes them. */
  const call = (method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> => api.request(method, path, opts);

  /** A request that must answer 200: its body, or an error naming the answer. */
  async function ok(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse['body']> {
    const r = await call(method, path, opts);
    if (r.status !== 200) throw new Error(`${method} ${path} -> ${r.status} ${r.text.slice(0, 500)}`);
    return r.body;
  }

  /** A request as written (hostile input), answered in the same shape as every other. */
  async function inject(o: RawRequest): Promise<ApiResponse> {
    const res = await withTimeout(`${o.method} ${o.url}`, o.timeoutMs ?? DEFAULT_TIMEOUT_MS, (signal) =>
      lightInject(app as never, {
        method: o.method as 'GET',
        url: o.url,
        // The emulator's own clients name themselves on the control plane (emulator/http/control-guard.ts);
        // a hostile case that must not can pass the header as '' to drop it.
        headers: o.url.startsWith('/_emulator/') ? { [CONTROL_CLIENT_HEADER]: '1', ...o.headers } : (o.headers ?? {}),
        ...(o.payload !== undefined ? { payload: o.payload } : {}),
        remoteAddress: o.remoteAddress ?? '127.0.0.1',
        signal,
      }),
    );
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, String(x)));
      else headers.set(k, String(v));
    }
    return {
      status: res.statusCode,
      headers,
      body: parseBody(res.payload),
      text: res.payload,
      bytes: res.rawPayload,
      request: { method: o.method, path: o.url },
    };
  }

  /** A verified persona (API key), made through the control plane. */
  async function persona(accountType: 'agent' | 'human' = 'agent', extra: Record<string, string> = {}): Promise<Persona> {
    const b = await ok('POST', '/_emulator/users/', { form: { account_type: accountType, ...extra } });
    return { id: b.user_id as string, token: b.api_key as string, email: b.email_address as string, password: b.password as string };
  }

  /** A persona (human unless told) with an org of its own and one workspace in it. */
  async function tenant(opts: TenantOptions = {}): Promise<Tenant> {
    const label = opts.label ?? 't';
    const user = await persona(opts.accountType ?? 'human');
    const orgForm: Form = { domain: opts.domain ?? `${label}-${randomTag()}`, name: `${label} org` };
    // Under v2 a new org is upgrade-only (402/1688 on resource calls) until it has a plan.
    const v2 = built.emulator.config.apiDialect === 'v2';
    if (opts.plan && opts.plan !== NO_PLAN && !v2) orgForm.billing_plan = opts.plan;
    const org = (await ok('POST', '/current/org/create/', { token: user.token, form: orgForm })).org as { id: string; domain: string };
    if (v2 && opts.plan !== NO_PLAN) {
      await ok('POST', `/current/org/${org.id}/billing/`, { token: user.token, form: { billing_plan: opts.plan ?? V2_SET_UP_PLAN } });
    }
    // An upgrade-only org cannot make a workspace: the tenant has none (ws.id '').
    if (v2 && opts.plan === NO_PLAN) return { user, org, ws: { id: '' } };
    const wsForm: Form = { ...WS_FORM, folder_name: `${label}-ws${randomTag()}`, name: `${label} workspace` };
    if (opts.intelligence !== undefined) wsForm.intelligence = String(opts.intelligence);
    const ws = (await ok('POST', `/current/org/${org.id}/create/workspace/`, { token: user.token, form: wsForm })).workspace as { id: string };
    return { user, org, ws };
  }

  /** A multipart request: text fields, and optionally one file part (`chunk` unless named). */
  const multipart = (path: string, token: string | undefined, fields: Record<string, string>, file?: FilePart): Promise<ApiResponse> =>
    call('POST', path, { token: token ?? null, raw: { body: multipartForm(fields, file) } });

  /** A request with a raw body and content type. */
  const rawRequest = (method: string, path: string, token: string | undefined, payload: string | Buffer, contentType: string): Promise<ApiResponse> =>
    call(method, path, { token: token ?? null, raw: { body: payload, contentType } });

  /** A request whose body is not JSON (downloads): read `bytes`. */
  const download = (path: string, token?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<ApiResponse> => call(method, path, { token: token ?? null });

  /** `POST /current/upload/` in a single call, as the official client sends it. */
  const uploadFile = (token: string, workspaceId: string, name: string, data: Uint8Array | string, extra: Record<string, string> = {}) =>
    multipart(
      '/current/upload/',
      token,
      { name, action: 'create', instance_id: workspaceId, folder_id: 'root', profile_type: 'workspace', ...extra },
      { name, data },
    );

  /** Upload one file; its node id, or an error unless it answers 200. */
  async function upload(token: string, workspaceId: string, name: string, data: Uint8Array | string, extra: Record<string, string> = {}): Promise<string> {
    const r = await uploadFile(token, workspaceId, name, data, extra);
    if (r.status !== 200) throw new Error(`upload ${name} -> ${r.status} ${r.text}`);
    return r.body.new_file_id as string;
  }

  async function node(
    token: string,
    workspaceId: string,
    nodeId: string,
  ): Promise<Record<string, unknown> & { ai: { state: string; reason: string | null; pages: number | null } }> {
    return (await ok('GET', `/current/workspace/${workspaceId}/storage/${nodeId}/details/`, { token })).node as never;
  }

  /** Ledger rows of an org, by kind. */
  function ledger(orgId: string, kind?: string) {
    return built.emulator.db.ledger.find('org', orgId).filter((e) => kind === undefined || e.kind === kind);
  }

  function credits(orgId: string, kind?: string): number {
    return ledger(orgId, kind).reduce((sum, e) => sum + e.credits, 0);
  }

  return {
    ...built,
    app,
    fetch,
    api,
    client,
    call,
    ok,
    inject,
    persona,
    tenant,
    multipart,
    rawRequest,
    download,
    uploadFile,
    upload,
    node,
    ledger,
    credits,
    /** run every scheduled background step now */
    settle: () => built.emulator.jobs.drain(),
  };
}

export type InProcessEmulator = Awaited<ReturnType<typeof inProcessEmulator>>;
