/**
 * The live target: the contract suites against the real Fast.io API (or, in the live rehearsal,
 * against an emulator reached exactly as the live API would be).
 *
 * Everything that keeps a live run safe happens in one transport that every request goes through
 * (the target's `fetch`), so no test can step around it:
 *
 * - `/_emulator/*` is never requested (it throws), and no other origin than the base URL is.
 * - The credit budget is checked before a request is sent (contracts/live-budget.ts).
 * - `x-ve-limit-*` is honoured: when a credential's `avail` reaches 0 the next request waits for
 *   `expires`; a 429 is retried with back-off.
 * - Orgs created through `POST /current/org/create/` must carry the run prefix in their domain;
 *   every org and API key the run creates is written to the run's ledger and closed (revoked) when
 *   the file ends, even when its tests failed, and again at the end of the run for anything left.
 */
import { ApiClient, type FetchLike } from './client.js';
import { BudgetExceededError, RunLedger, type TrackedResource } from './live-budget.js';
import type { Dialect } from '../emulator/index.js';
import { CapabilityMissing, type Capability, type Persona, type PersonaOptions, type Target, type TargetHooks } from './target.js';

/** What the live run's global setup hands each test file (vitest `provide`). */
export interface LiveRunInfo {
  ledgerFile: string;
  /** every org domain of the run starts with this */
  prefix: string;
  baseUrl: string;
  apiKeys: [string, string];
  personas: LivePersonaInfo[];
}

export interface LivePersonaInfo {
  userId: string;
  email: string;
  accountType: 'agent' | 'human';
}

export class LiveTargetError extends Error {
  override name = 'LiveTargetError';
}

const ORG_CREATE = /^\/current\/org\/create\/?$/;
const ORG_CLOSE = /^\/current\/org\/([^/]+)\/close\/?$/;
const KEY_CREATE = /^\/current\/user\/auth\/key\/?$/;
const KEY_DELETE = /^\/current\/user\/auth\/key\/([^/]+)\/?$/;

export interface LiveTransportOptions {
  baseUrl: string;
  ledger: RunLedger;
  /** the contract file, for the ledger */
  file: string;
  prefix: string;
  apiKeys: readonly string[];
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** the longest single wait for a rate-limit window (ms) */
  maxWaitMs?: number;
  /** how many times a 429 is retried */
  maxRetries?: number;
  log?: (message: string) => void;
}

interface LimitState {
  avail: number;
  expiresMs: number;
}

/** Request bodies as the budget and the org-prefix check see them. */
async function formOf(init: RequestInit): Promise<URLSearchParams> {
  const body = init.body;
  const type = new Headers(init.headers).get('content-type') ?? '';
  if (typeof body === 'string') {
    if (type.includes('json')) {
      try {
        const parsed = JSON.parse(body) as unknown;
        const out = new URLSearchParams();
        if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) out.append(k, typeof v === 'string' ? v : JSON.stringify(v));
        return out;
      } catch {
        return new URLSearchParams();
      }
    }
    return new URLSearchParams(body);
  }
  if (body instanceof FormData) {
    const out = new URLSearchParams();
    body.forEach((v, k) => {
      if (typeof v === 'string') out.append(k, v);
    });
    return out;
  }
  return new URLSearchParams();
}

export class LiveTransport {
  private readonly limits = new Map<string, LimitState>();
  private readonly fetchFn: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly maxWaitMs: number;
  private readonly maxRetries: number;
  private readonly log: (message: string) => void;
  private readonly origin: string;
  /** the test running now, for the ledger */
  currentTest: string | null = null;

  constructor(private readonly opts: LiveTransportOptions) {
    this.fetchFn = opts.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? Date.now;
    this.maxWaitMs = opts.maxWaitMs ?? 65_000;
    this.maxRetries = opts.maxRetries ?? 5;
    this.log = opts.log ?? ((m) => process.stderr.write(`[contracts:live] ${m}\n`));
    this.origin = new URL(opts.baseUrl).origin;
  }

  /** The target's fetch: every guard applies. */
  readonly fetch: FetchLike = (url, init) => this.send(url, init, false);

  /** Clean-up requests (closing orgs, revoking keys) still go out after the budget stopped the run. */
  readonly cleanupFetch: FetchLike = (url, init) => this.send(url, init, true);

  private personaOf(authorization: string | null): 0 | 1 | null {
    const i = this.opts.apiKeys.findIndex((k) => authorization === `Bearer ${k}`);
    return i === 0 || i === 1 ? i : null;
  }

  private async send(url: string, init: RequestInit, cleanup: boolean): Promise<Response> {
    const u = new URL(url);
    const method = (init.method ?? 'GET').toUpperCase();
    // PARITY: the live API has no control plane; a test that needs one is emulator-only.
    if (u.pathname.startsWith('/_emulator')) {
      throw new LiveTargetError(`the live target never calls the emulator's control plane (${method} ${u.pathname}); mark the test contract.emulatorOnly`);
    }
    if (u.origin !== this.origin) throw new LiveTargetError(`the live target talks only to ${this.origin}, not ${u.origin}`);
    const form = await formOf(init);
    const authorization = new Headers(init.headers).get('authorization');

    if (method === 'POST' && ORG_CREATE.test(u.pathname)) {
      const domain = form.get('domain') ?? '';
      if (!domain.startsWith(this.opts.prefix)) {
        throw new LiveTargetError(
          `orgs created on the live target must have a domain starting with the run prefix "${this.opts.prefix}" (got "${domain}"): use c.orgDomain() or c.createOrg()`,
        );
      }
    }

    this.opts.ledger.charge(method, u.pathname, form, this.opts.file, cleanup);
    const key = authorization ?? 'anonymous';
    await this.waitForWindow(key);

    let res: Response;
    for (let attempt = 0; ; attempt++) {
      res = await this.fetchFn(url, init);
      this.remember(key, res);
      if (res.status !== 429 || attempt >= this.maxRetries) break;
      const retryAfter = Number(res.headers.get('retry-after'));
      const untilReset = (this.limits.get(key)?.expiresMs ?? 0) - this.now();
      const backoff = 1000 * 2 ** attempt;
      const wait = Math.min(this.maxWaitMs, Math.max(backoff, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0, untilReset));
      this.log(`429 on ${method} ${u.pathname}; retrying in ${Math.round(wait / 100) / 10} s (attempt ${attempt + 1} of ${this.maxRetries})`);
      await this.sleep(wait);
    }

    await this.track(method, u.pathname, form, authorization, res);
    return res;
  }

  private remember(key: string, res: Response): void {
    const avail = Number(res.headers.get('x-ve-limit-avail') ?? NaN);
    const expires = Number(res.headers.get('x-ve-limit-expires') ?? NaN);
    if (Number.isFinite(avail) && Number.isFinite(expires)) this.limits.set(key, { avail, expiresMs: expires * 1000 });
  }

  private async waitForWindow(key: string): Promise<void> {
    const state = this.limits.get(key);
    if (!state || state.avail > 0) return;
    const wait = state.expiresMs - this.now();
    if (wait <= 0) return;
    const ms = Math.min(this.maxWaitMs, wait + 250);
    this.log(`rate limit: no requests left for this credential; waiting ${Math.round(ms / 100) / 10} s for the window to reset`);
    await this.sleep(ms);
    this.limits.delete(key);
  }

  /** Write what the request created (or closed) to the ledger. */
  private async track(method: string, path: string, form: URLSearchParams, authorization: string | null, res: Response): Promise<void> {
    if (res.status !== 200) return;
    const created = (kind: TrackedResource['kind'], id: string, domain?: string) =>
      this.opts.ledger.track({
        kind,
        id,
        ...(domain ? { domain } : {}),
        persona: this.personaOf(authorization),
        file: this.opts.file,
        test: this.currentTest,
      });
    if (method === 'POST' && ORG_CREATE.test(path)) {
      const body = await jsonOf(res);
      const org = (body.org ?? body.response ?? {}) as Record<string, unknown>;
      const id = String(body.id ?? body.org_id ?? org.id ?? '');
      if (!id) throw new LiveTargetError(`cannot find the new org's id in the answer to POST ${path}; it cannot be closed at the end of the run`);
      created('org', id, form.get('domain') ?? undefined);
    } else if (method === 'POST' && KEY_CREATE.test(path)) {
      const body = await jsonOf(res);
      if (body.id !== undefined) created('api-key', String(body.id));
    } else if (method === 'POST' && ORG_CLOSE.test(path)) {
      this.opts.ledger.settle('org', decodeURIComponent(ORG_CLOSE.exec(path)![1]!), 'closed');
    } else if (method === 'DELETE' && KEY_DELETE.test(path)) {
      this.opts.ledger.settle('api-key', decodeURIComponent(KEY_DELETE.exec(path)![1]!), 'closed');
    }
  }
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  try {
    return (await res.clone().json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Close (or revoke) what the run created and has not closed yet. Used when a test file ends and
 * again when the run ends. A resource already gone (404) counts as closed. Returns the failures.
 */
export async function closeResources(
  resources: TrackedResource[],
  ledger: RunLedger,
  baseUrl: string,
  apiKeys: readonly string[],
  fetchFn: FetchLike,
): Promise<string[]> {
  const failures: string[] = [];
  for (const r of resources) {
    const keys = r.persona === null ? [...apiKeys] : [apiKeys[r.persona]!];
    let error = 'no credential could close it';
    let closed = false;
    for (const key of keys) {
      const api = new ApiClient(baseUrl, fetchFn, key);
      try {
        const res =
          r.kind === 'org'
            ? await api.post(`/current/org/${encodeURIComponent(r.id)}/close/`, { confirm: r.domain ?? r.id })
            : await api.delete(`/current/user/auth/key/${encodeURIComponent(r.id)}/`);
        if (res.status === 200 || res.status === 404) {
          closed = true;
          break;
        }
        error = `${res.status} ${res.text.slice(0, 300)}`;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    ledger.settle(r.kind, r.id, closed ? 'closed' : 'close-failed', closed ? undefined : error);
    if (!closed) failures.push(`${r.kind} ${r.id}${r.domain ? ` (${r.domain})` : ''}: ${error}`);
  }
  return failures;
}

interface LivePersonaSlot {
  info: LivePersonaInfo;
  apiKey: string;
}

/** The live target: two personas given as API keys, no control plane. */
export class LiveTarget implements Target {
  readonly kind = 'live' as const;
  /** the live API speaks V2 since 2026-06-26 (see ../shared/fastio-api.md "Dialects") */
  readonly dialect: Dialect = 'v2';
  readonly canControl = false;
  /** none: API-key personas, no sign-in, no sign-up, no control plane, two personas */
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>();
  readonly fetch: FetchLike;
  private readonly handedOut = new Set<number>();

  constructor(
    readonly baseUrl: string,
    private readonly transport: LiveTransport,
    private readonly ledger: RunLedger,
    private readonly file: string,
    private readonly slots: LivePersonaSlot[],
    private readonly hooks: TargetHooks,
  ) {
    this.fetch = transport.fetch;
  }

  beginTest(name: string | null): void {
    this.handedOut.clear();
    this.transport.currentTest = name;
  }

  client(token?: string): ApiClient {
    return new ApiClient(this.baseUrl, this.fetch, token, this.hooks.observer);
  }

  /**
   * Each test may use the two personas once each: the first unused one of the asked account type.
   * What the live target cannot provide throws CapabilityMissing, which the harness turns into a
   * skip with the reason (declare `requires` to skip before the test starts).
   */
  async persona(opts: PersonaOptions = {}): Promise<Persona> {
    if (opts.verified === false) throw new CapabilityMissing('sign-up', 'the live target has no unverified personas');
    if (opts.email || opts.password) throw new CapabilityMissing('sign-up', "the live target cannot choose a persona's email or password");
    const free = this.slots.map((_, i) => i).filter((i) => !this.handedOut.has(i));
    if (free.length === 0)
      throw new CapabilityMissing('many-personas', 'the live target has two personas (FASTIO_LIVE_API_KEY, FASTIO_LIVE_API_KEY_2), both in use by this test');
    const index = free.find((i) => !opts.accountType || this.slots[i]!.info.accountType === opts.accountType);
    if (index === undefined) {
      const types = free.map((i) => `persona ${i + 1} is ${this.slots[i]!.info.accountType}`).join(', ');
      throw new CapabilityMissing(
        'account-type',
        `this test asks for a${opts.accountType === 'agent' ? 'n' : ''} ${opts.accountType} persona; on the live target ${types}`,
      );
    }
    this.handedOut.add(index);
    const { info, apiKey } = this.slots[index]!;
    return {
      userId: info.userId,
      email: info.email,
      accountType: info.accountType,
      apiKey,
      // The bearer credential of a live persona is its API key; JWT-specific tests need 'sign-in'.
      token: apiKey,
      get password(): string {
        throw new CapabilityMissing('sign-in', `live persona ${index + 1} has no password (live personas are API keys)`);
      },
    };
  }

  /** Close every org (and revoke every API key) this file created and did not close itself. */
  async close(): Promise<void> {
    this.transport.currentTest = null;
    const failures = await closeResources(
      this.ledger.open(this.file),
      this.ledger,
      this.baseUrl,
      this.slots.map((s) => s.apiKey),
      this.transport.cleanupFetch,
    );
    if (failures.length > 0) throw new LiveTargetError(`could not close what this file created on the live API:\n  ${failures.join('\n  ')}`);
  }
}

export async function createLiveTarget(hooks: TargetHooks): Promise<Target> {
  const run = hooks.liveRun;
  if (!run) throw new LiveTargetError('the live target runs only through `npm run contracts:live` (vitest.live.config.ts sets up the run)');
  const ledger = RunLedger.open(run.ledgerFile);
  const file = hooks.file ?? 'unknown';
  const transport = new LiveTransport({ baseUrl: run.baseUrl, ledger, file, prefix: run.prefix, apiKeys: run.apiKeys });
  const slots = run.personas.map((info, i) => ({ info, apiKey: run.apiKeys[i]! }));
  return new LiveTarget(run.baseUrl, transport, ledger, file, slots, hooks);
}

export { BudgetExceededError };
