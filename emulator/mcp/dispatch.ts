/**
 * One way in for every MCP tool action: a request handed to the same express app the HTTP port
 * serves, in process (no socket), carrying the MCP session's token. The pipeline of app.ts runs
 * unchanged (route match and 501s, rate limits, auth, schemas, tenancy, faults, the journal), so
 * MCP is never a second implementation of a route. `x-fastio-mcp-tool` names the tool and action
 * for the journal and for faults (emulator/http/request-context.ts reads it).
 */
import type { Express } from 'express';
import { MCP_TOOL_HEADER, MCP_TOOL_KEY } from '../http/request-context.js';
import { inject, type Injected } from './inject.js';

export type Scalar = string | number | boolean;
export type FormFields = Record<string, Scalar | undefined>;

export interface FilePart {
  field: string;
  name: string;
  data: Buffer;
  type?: string;
}

export interface ApiCall {
  method: string;
  /** `/current/...` (a path without it is taken under `/current`) */
  path: string;
  query?: FormFields | undefined;
  /** form-encoded body (POST/PUT/PATCH), or multipart with `file` */
  form?: FormFields | undefined;
  /** a JSON body instead of a form */
  json?: unknown;
  file?: FilePart | undefined;
  /** extra headers (a caller's own Authorization overrides the session's) */
  headers?: Record<string, string> | undefined;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  /** the parsed JSON body, or undefined when the body is not JSON */
  body: Record<string, unknown> | undefined;
  raw: Buffer;
  contentType: string;
}

function encode(fields: FormFields): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.append(k, String(v));
  return p.toString();
}

function multipart(fields: FormFields, file: FilePart): { type: string; payload: Buffer } {
  const boundary = `----fastio-mcp-${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`));
  }
  const name = file.name.replace(/["\r\n]/g, '_');
  parts.push(
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${name}"\r\ncontent-type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
  );
  parts.push(file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(parts) };
}

/** Normalise a tool's path: `/current/` prefix, a trailing slash, no query string (kept apart). */
export function apiPath(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  // CHOICE: tools reach the API only (`/current/...`); the control plane stays an HTTP client's.
  if (!p.startsWith('/current/')) p = `/current${p}`;
  const q = p.indexOf('?');
  const base = q >= 0 ? p.slice(0, q) : p;
  return (base.endsWith('/') ? base : `${base}/`) + (q >= 0 ? p.slice(q) : '');
}

/** How a request reaches the app: `inject` (inject.ts) unless a caller brings its own (tests over light-my-request). */
export type Send = (app: Express, method: string, url: string, headers: Record<string, string>, payload: Buffer | undefined) => Promise<Injected>;

export class InProcessApi {
  constructor(
    private readonly app: Express,
    private readonly send: Send = inject,
  ) {}

  async call(call: ApiCall, token: string | undefined, tool: string): Promise<ApiAnswer> {
    const method = call.method.toUpperCase();
    const headers: Record<string, string> = { [MCP_TOOL_HEADER]: `${MCP_TOOL_KEY}${tool}`, 'user-agent': 'fastio-emulator-mcp' };
    if (token) headers.authorization = `Bearer ${token}`;
    Object.assign(headers, call.headers);
    let url = apiPath(call.path);
    if (call.query) {
      const q = encode(call.query);
      if (q) url += (url.includes('?') ? '&' : '?') + q;
    }
    let payload: string | Buffer | undefined;
    if (call.file) {
      const m = multipart(call.form ?? {}, call.file);
      headers['content-type'] = m.type;
      payload = m.payload;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(call.json);
    } else if (call.form && method !== 'GET' && method !== 'DELETE') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = encode(call.form);
    } else if (call.form) {
      const q = encode(call.form);
      if (q) url += (url.includes('?') ? '&' : '?') + q;
    }
    const res = await this.send(this.app, method, url, headers, typeof payload === 'string' ? Buffer.from(payload) : payload);
    const out = res.headers;
    const contentType = out['content-type'] ?? '';
    let body: Record<string, unknown> | undefined;
    if (contentType.includes('json') && res.raw.length > 0) {
      try {
        body = JSON.parse(res.raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
    }
    return { status: res.status, headers: out, body, raw: res.raw, contentType };
  }
}
