/**
 * A small typed client for the Fast.io wire format: form-encoded bodies (like the official
 * client), Bearer or Basic auth, and a parsed envelope. Its `fetch` comes from the target, so the
 * same test runs in process, over HTTP, or against the live API.
 */

/** The emulator's control plane, and the header its own clients send there (emulator/http/control-guard.ts). */
const CONTROL_PREFIX = '/_emulator/';
export const CONTROL_CLIENT_HEADER = 'x-fastio-emulator-client';

export type FormValue = string | number | boolean | null | undefined;
export type Form = Record<string, FormValue>;

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** the parsed JSON body (or `{}` when the body is not JSON) */
  body: T & { result?: unknown; error?: ApiErrorBody };
  text: string;
  /** the body as bytes (downloads) */
  bytes: Buffer;
  /** what was asked (snapshots name the route they recorded) */
  request: { method: string; path: string };
}

export interface ApiErrorBody {
  code: number;
  text: string;
  params?: { name: string; kind: string; code: number; message: string; expected_type?: string }[];
  resource?: string;
}

export interface RequestOptions {
  query?: Form;
  form?: Form;
  json?: unknown;
  /** a raw body with its content type */
  raw?: { body: string | Uint8Array | FormData; contentType?: string };
  headers?: Record<string, string>;
  /** override the client's token for one call; `null` sends no Authorization header */
  token?: string | null;
  basic?: { email: string; password: string };
  signal?: AbortSignal;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Observers see every request (the harness records route coverage per test). */
export type RequestObserver = (method: string, path: string, status: number) => void;

function encodeForm(form: Form): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) p.append(k, v === null ? 'null' : String(v));
  return p.toString();
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: FetchLike,
    readonly token: string | undefined = undefined,
    private readonly observer: RequestObserver | undefined = undefined,
    private readonly beforeRequest: (() => Promise<void>) | undefined = undefined,
  ) {}

  /** The same client with another token. */
  as(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, this.fetchFn, token, this.observer, this.beforeRequest);
  }

  get<T = Record<string, unknown>>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('GET', path, opts);
  }

  post<T = Record<string, unknown>>(path: string, form?: Form, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, form ? { ...opts, form } : opts);
  }

  delete<T = Record<string, unknown>>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('DELETE', path, opts);
  }

  put<T = Record<string, unknown>>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('PUT', path, opts);
  }

  async request<T = Record<string, unknown>>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    await this.beforeRequest?.();
    const query = opts.query ? `?${encodeForm(opts.query)}` : '';
    const headers: Record<string, string> = { ...opts.headers };
    // The emulator refuses state-changing control requests without a signal a web page on another
    // site cannot send (issue 14); the project's own clients send this header.
    if (path.startsWith(CONTROL_PREFIX)) headers[CONTROL_CLIENT_HEADER] ??= '1';
    const token = opts.token === undefined ? this.token : opts.token;
    if (opts.basic) headers.authorization = `Basic ${Buffer.from(`${opts.basic.email}:${opts.basic.password}`).toString('base64')}`;
    else if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | FormData | undefined;
    if (opts.form) {
      body = encodeForm(opts.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.raw) {
      body = opts.raw.body;
      if (opts.raw.contentType) headers['content-type'] = opts.raw.contentType;
    }
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = body as NonNullable<RequestInit['body']>;
    if (opts.signal) init.signal = opts.signal;
    const res = await this.fetchFn(`${this.baseUrl}${path}${query}`, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    this.observer?.(method, path, res.status);
    return { status: res.status, headers: res.headers, body: parsed as ApiResponse<T>['body'], text, bytes, request: { method, path } };
  }
}
