/**
 * A Target is where contract suites run: a base URL, a fetch, personas, and what it can do.
 *
 * - `inprocess`: an emulator instance inside the test process, driven without sockets
 *   (light-my-request injects requests into the express app).
 * - `http`: the CLI started as a child process on port 0, over real HTTP.
 * - `live`: the real API (opt-in, credentials required; see contracts/live.ts).
 *
 * Suites import only from `contracts/` and the package's public API, never emulator internals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DEFAULT_DIALECT, DIALECTS, fromPackageRoot, type Dialect } from '../emulator/index.js';
import { ApiClient, type FetchLike, type RequestObserver } from './client.js';
import type { LiveRunInfo } from './live.js';

export type TargetKind = 'inprocess' | 'http' | 'live';

export interface Persona {
  userId: string;
  email: string;
  /** on targets without the `sign-in` capability, reading it throws */
  password: string;
  accountType: 'agent' | 'human';
  apiKey: string;
  /** the persona's bearer credential: a JWT from sign-in, or the API key where the target cannot sign in */
  token: string;
}

/**
 * What a target can do beyond the public API. A test that needs one declares it
 * (`contract.unverified(name, body, { requires: ['sign-in'] })`) and is skipped, with the reason,
 * on a target without it. The live target has none of them.
 */
export type Capability =
  /** personas have a password and a JWT from sign-in (live personas are API keys) */
  | 'sign-in'
  /** the test creates accounts or unverified personas (live accounts need a real verified email) */
  | 'sign-up'
  /** more than two personas in one test (the live target has two) */
  | 'many-personas'
  /** personas of a chosen account type (live personas are whatever accounts their keys belong to) */
  | 'account-type'
  /** a V2 org subscribed to a paid plan (the live run never pays: contracts/live-budget.ts refuses POST /org/{id}/billing/) */
  | 'paid-subscription';

export const CAPABILITY_REASONS: Record<Capability, string> = {
  'sign-in': 'needs personas with a password and a JWT; live personas are API keys',
  'sign-up': 'creates accounts; live accounts need a real, verified email',
  'many-personas': 'needs more than the two live personas',
  'account-type': 'needs a persona of an account type the live personas do not have',
  'paid-subscription': 'needs a V2 org on a paid plan; a live run spends no money, so it never subscribes an org',
};

/**
 * Thrown by a target asked for something it cannot do (a third live persona, a password). The
 * harness turns it into a skip with the reason: the test is not validated on that target, and
 * says so, rather than failing for a reason that is not the API's.
 */
export class CapabilityMissing extends Error {
  override name = 'CapabilityMissing';
  constructor(
    readonly capability: Capability,
    message: string,
  ) {
    super(message);
  }
}

export interface PersonaOptions {
  accountType?: 'agent' | 'human';
  verified?: boolean;
  email?: string;
  password?: string;
}

export interface Target {
  kind: TargetKind;
  /** the API dialect the target speaks (`FASTIO_CONTRACT_DIALECT`; the emulator's default unless set) */
  dialect: Dialect;
  baseUrl: string;
  fetch: FetchLike;
  /** `/_emulator/*` is there (never on live) */
  canControl: boolean;
  capabilities: ReadonlySet<Capability>;
  /** a test starts (the live target hands out its two personas afresh per test) */
  beginTest(name: string | null): void;
  /** A signed-in persona. On emulator targets it is made through the control plane. */
  persona(opts?: PersonaOptions): Promise<Persona>;
  /** A client for this target, optionally with a token. */
  client(token?: string): ApiClient;
  close(): Promise<void>;
}

export interface TargetHooks {
  observer?: RequestObserver;
  /** emulator flags for this file's emulator (ignored by the live target) */
  emulatorFlags?: { rateLimit?: string };
  /** the contract file (for the live run's ledger) */
  file?: string;
  /** the live run's settings, from its global setup (live target only) */
  liveRun?: LiveRunInfo;
}

export function targetKindFromEnv(env: NodeJS.ProcessEnv = process.env): TargetKind {
  const k = env.FASTIO_TARGET ?? 'inprocess';
  if (k !== 'inprocess' && k !== 'http' && k !== 'live') throw new Error(`FASTIO_TARGET must be inprocess, http or live (got "${k}")`);
  return k;
}

/**
 * The dialect contract suites run under: `FASTIO_CONTRACT_DIALECT` (each contract project sets it),
 * else the emulator's default. The emulator targets start the emulator in it (`--api-dialect`).
 */
export function dialectFromEnv(env: NodeJS.ProcessEnv = process.env): Dialect {
  const d = env.FASTIO_CONTRACT_DIALECT;
  if (d === undefined || d === '') return DEFAULT_DIALECT;
  if (!(DIALECTS as readonly string[]).includes(d)) throw new Error(`FASTIO_CONTRACT_DIALECT must be one of ${DIALECTS.join(', ')} (got "${d}")`);
  return d as Dialect;
}

/** The live API speaks V2 since 2026-06-26 (../shared/fastio-api.md "Dialects"; LiveTarget.dialect). */
export const LIVE_DIALECT: Dialect = 'v2';

/** The dialect a target of this kind speaks: the live API's, else `FASTIO_CONTRACT_DIALECT`. */
export function targetDialect(kind: TargetKind, env: NodeJS.ProcessEnv = process.env): Dialect {
  return kind === 'live' ? LIVE_DIALECT : dialectFromEnv(env);
}

abstract class EmulatorTarget implements Target {
  abstract kind: TargetKind;
  readonly dialect: Dialect = dialectFromEnv();
  readonly canControl = true;
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['sign-in', 'sign-up', 'many-personas', 'account-type']);

  constructor(
    readonly baseUrl: string,
    readonly fetch: FetchLike,
    private readonly hooks: TargetHooks,
  ) {}

  client(token?: string): ApiClient {
    return new ApiClient(this.baseUrl, this.fetch, token, this.hooks.observer);
  }

  beginTest(): void {}

  async persona(opts: PersonaOptions = {}): Promise<Persona> {
    const form: Record<string, string> = {};
    if (opts.accountType) form.account_type = opts.accountType;
    if (opts.verified !== undefined) form.verified = String(opts.verified);
    if (opts.email) form.email = opts.email;
    if (opts.password) form.password = opts.password;
    // Personas are set-up, not behaviour under test: made without the observer.
    const res = await new ApiClient(this.baseUrl, this.fetch).post('/_emulator/users/', form);
    if (res.status !== 200) throw new Error(`cannot create a persona: ${res.status} ${res.text}`);
    const b = res.body as Record<string, string>;
    return {
      userId: b.user_id!,
      email: b.email_address!,
      password: b.password!,
      accountType: b.account_type as Persona['accountType'],
      apiKey: b.api_key!,
      token: b.auth_token!,
    };
  }

  abstract close(): Promise<void>;
}

/** An emulator in this process, reached without sockets. */
class InProcessTarget extends EmulatorTarget {
  readonly kind = 'inprocess' as const;

  constructor(
    fetchFn: FetchLike,
    hooks: TargetHooks,
    private readonly shutdown: () => Promise<void>,
  ) {
    super('http://emulator.local', fetchFn, hooks);
  }

  close(): Promise<void> {
    return this.shutdown();
  }
}

/**
 * A `fetch` that hands each request to an express app in this process (light-my-request), without
 * sockets: the in-process target's transport, and the one test/support/client.ts gives unit tests.
 * The caller's address is loopback unless given (the control plane answers loopback only).
 */
export function inProcessFetch(app: unknown, opts: { remoteAddress?: string } = {}): FetchLike {
  return async (url, init) => {
    // Loaded on first use: the http and live targets never need it.
    const { inject } = await import('light-my-request');
    const u = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    let payload: string | Buffer | undefined;
    if (typeof init.body === 'string') payload = init.body;
    else if (init.body instanceof Uint8Array) payload = Buffer.from(init.body);
    else if (init.body instanceof FormData) {
      const r = new Request('http://x/', { method: 'POST', body: init.body });
      headers['content-type'] = r.headers.get('content-type')!;
      payload = Buffer.from(await r.arrayBuffer());
    }
    const res = await inject(app as never, {
      method: (init.method ?? 'GET') as 'GET',
      url: u.pathname + u.search,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      remoteAddress: opts.remoteAddress ?? '127.0.0.1',
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) v.forEach((x) => out.append(k, String(x)));
      else out.set(k, String(v));
    }
    return new Response(res.rawPayload.length > 0 ? new Uint8Array(res.rawPayload) : null, { status: res.statusCode, headers: out });
  };
}

async function createInProcessTarget(hooks: TargetHooks): Promise<Target> {
  const { buildEmulator, createApp } = await import('../emulator/index.js');
  const { parseRateLimit } = await import('../emulator/index.js');
  const { emulator, routes, persistence } = await buildEmulator({
    port: 0,
    apiDialect: dialectFromEnv(),
    ...(hooks.emulatorFlags?.rateLimit ? { rateLimit: parseRateLimit(hooks.emulatorFlags.rateLimit) } : {}),
  });
  const app = createApp({ emulator, routes });
  const fetchFn = inProcessFetch(app);
  return new InProcessTarget(fetchFn, hooks, async () => {
    await persistence?.close();
  });
}

/** The CLI as a child process on port 0, over real HTTP. */
class HttpTarget extends EmulatorTarget {
  readonly kind = 'http' as const;

  constructor(
    baseUrl: string,
    hooks: TargetHooks,
    private readonly child: ChildProcess,
  ) {
    super(baseUrl, (url, init) => fetch(url, init), hooks);
  }

  close(): Promise<void> {
    return stopChild(this.child);
  }
}

/** The compiled CLI (`npm test` builds it first). */
export function cliPath(): string {
  return fromPackageRoot('dist', 'cli.mjs');
}

/** Start the CLI and wait for the line naming its URL. */
export async function spawnEmulator(
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--log-level', 'warn', ...args], {
    env: { ...env, FASTIO_EMULATOR_PORT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 15 s: ${stderr}`)), 15_000);
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before listening: ${stderr}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout!.resume();
  return { url, child, stderr: () => stderr };
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

async function createHttpTarget(hooks: TargetHooks): Promise<Target> {
  const args = ['--api-dialect', dialectFromEnv(), ...(hooks.emulatorFlags?.rateLimit ? ['--rate-limit', hooks.emulatorFlags.rateLimit] : [])];
  const { url, child } = await spawnEmulator(args);
  return new HttpTarget(url, hooks, child);
}

export async function createTarget(kind: TargetKind = targetKindFromEnv(), hooks: TargetHooks = {}): Promise<Target> {
  switch (kind) {
    case 'inprocess':
      return createInProcessTarget(hooks);
    case 'http':
      return createHttpTarget(hooks);
    case 'live': {
      const { createLiveTarget } = await import('./live.js');
      return createLiveTarget(hooks);
    }
  }
}
