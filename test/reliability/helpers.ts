/**
 * Shared plumbing of the reliability tests (issue 9): an in-process emulator driven with
 * light-my-request under a per-request timeout, the error-envelope check, the CI / long switch, and
 * the summaries each test prints and writes under test-results/reliability/ (RELIABILITY.md is
 * made from them by `npm run soak`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'light-my-request';
import { cliPath } from '../../contracts/target.js';
import { buildEmulator, createApp, fromPackageRoot } from '../../emulator/index.js';
import { mulberry32 } from '../../emulator/store/random.js';

/** `npm run soak` sets FASTIO_RELIABILITY=long: the long forms of every reliability test. */
export const LONG = process.env.FASTIO_RELIABILITY === 'long';

export function scale<T>(ci: T, long: T): T {
  return LONG ? long : ci;
}

export const RESULTS_DIR = fromPackageRoot('test-results', 'reliability');

/** Print a summary with its counts and keep it as JSON for the report. */
export function report(name: string, summary: Record<string, unknown>): void {
  const doc = { name, mode: LONG ? 'long' : 'ci', finished: new Date().toISOString(), node: process.version, ...summary };
  console.log(`[reliability] ${name}: ${JSON.stringify(summary)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.${doc.mode}.json`), JSON.stringify(doc, null, 2) + '\n');
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  raw: Buffer;
  /** the parsed body, when it is JSON */
  json: unknown;
}

export class RequestTimeout extends Error {}

export interface InjectOptions {
  method: string;
  url: string;
  headers?: Record<string, string | string[]>;
  payload?: string | Buffer;
  remoteAddress?: string;
  /** the request fails with RequestTimeout when no answer comes within this (default 10 s) */
  timeoutMs?: number;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{"result": false, "error": {"code": <number>, "text": <string>, ...}}` with a 4xx status. */
export function envelopeProblem(a: { status: number; json: unknown; headers?: Answer['headers'] }): string | undefined {
  if (a.status < 400 || a.status > 499) return `status ${a.status} is not a 4xx`;
  const body = a.json as { result?: unknown; error?: { code?: unknown; text?: unknown } } | undefined;
  if (!body || typeof body !== 'object') return 'the body is not JSON';
  if (body.result !== false) return 'result is not false';
  if (!body.error || typeof body.error.code !== 'number' || typeof body.error.text !== 'string') return 'error.code / error.text missing';
  const type = a.headers?.['content-type'];
  if (type !== undefined && !String(type).startsWith('application/json')) return `content-type ${String(type)}`;
  return undefined;
}

/** An emulator in this process, reached without sockets, every request under a timeout. */
export async function inProcessHarness(options: Parameters<typeof buildEmulator>[0] = {}) {
  const built = await buildEmulator({ port: 0, ...options });
  const app = createApp({ emulator: built.emulator, routes: built.routes });

  async function request(o: InjectOptions): Promise<Answer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RequestTimeout(`${o.method} ${o.url.slice(0, 200)}: no answer within ${o.timeoutMs ?? 10_000} ms`));
      }, o.timeoutMs ?? 10_000);
    });
    try {
      const res = await Promise.race([
        inject(app as never, {
          method: o.method as 'GET',
          url: o.url,
          // The emulator's own clients name themselves on the control plane (emulator/http/control-guard.ts).
          headers: o.url.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1', ...o.headers } : (o.headers ?? {}),
          ...(o.payload !== undefined ? { payload: o.payload } : {}),
          remoteAddress: o.remoteAddress ?? '127.0.0.1',
          signal: controller.signal,
        }),
        timeout,
      ]);
      return { status: res.statusCode, headers: res.headers, text: res.payload, raw: res.rawPayload, json: parseJson(res.payload) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** A form request with a bearer token; the parsed body. */
  async function call(method: string, url: string, token?: string, form?: Record<string, string>): Promise<Answer> {
    return request({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
  }

  async function ok(method: string, url: string, token?: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
    const a = await call(method, url, token, form);
    if (a.status !== 200) throw new Error(`${method} ${url} -> ${a.status} ${a.text.slice(0, 500)}`);
    return a.json as Record<string, unknown>;
  }

  async function persona(
    accountType: 'agent' | 'human' = 'agent',
    extra: Record<string, string> = {},
  ): Promise<{ id: string; token: string; email: string; password: string }> {
    const b = await ok('POST', '/_emulator/users/', undefined, { account_type: accountType, ...extra });
    return { id: b.user_id as string, token: b.api_key as string, email: b.email_address as string, password: b.password as string };
  }

  /** A multipart body (fields, and one file part) with its content type. */
  async function multipartBody(fields: Record<string, string>, file?: { name: string; data: string | Uint8Array; field?: string }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field ?? 'chunk', new Blob([typeof file.data === 'string' ? file.data : Buffer.from(file.data)]), file.name);
    const req = new Request('http://x/', { method: 'POST', body: form });
    return { contentType: req.headers.get('content-type')!, payload: Buffer.from(await req.arrayBuffer()) };
  }

  async function upload(token: string, workspaceId: string, name: string, data: string): Promise<Answer> {
    const { contentType, payload } = await multipartBody(
      { name, action: 'create', instance_id: workspaceId, folder_id: 'root', profile_type: 'workspace' },
      { name, data },
    );
    return request({ method: 'POST', url: '/current/upload/', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload });
  }

  return { ...built, app, request, call, ok, persona, multipartBody, upload };
}

export type InProcessHarness = Awaited<ReturnType<typeof inProcessHarness>>;

export const WS_FORM = { perm_join: 'Member or above', perm_member_manage: 'Member or above' };

/** A small deterministic random source for the tests' own choices (mulberry32). */
export const prng = mulberry32;

/**
 * The CLI in a child process, like contracts/target.ts `spawnEmulator`, keeping its log (stdout)
 * as well as stderr: the reliability tests read what the emulator says about a failing disk.
 */
export async function spawnWithLog(args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--log-format', 'json', ...args], {
    env: { ...process.env, FASTIO_EMULATOR_PORT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 15 s: ${output}`)), 15_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before listening: ${output}`));
    });
  });
  return { url, child, output: () => output };
}
