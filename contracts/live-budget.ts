/**
 * What a live contract run may spend, and what it left behind.
 *
 * Fast.io charges credits for storage, bandwidth, AI tokens and ingestion, not for plain API calls
 * (see shared/fastio-api.md "Credits and plans"). The live target cannot read the exact cost of a
 * request before sending it, so it keeps a conservative estimate per route pattern and refuses a
 * request once the estimate would take the run past `FASTIO_LIVE_MAX_CREDITS`. A route that could
 * spend real money (changing the plan) is refused outright.
 *
 * The ledger is one JSON file per run, shared by the run's test files (they run one at a time), so
 * the budget and the list of orgs to close hold across files and survive a crashed worker.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CreditRule {
  method: string;
  pattern: RegExp;
  /** credits one request may cost at most (Infinity: never sent to the live API) */
  credits: number | ((body: URLSearchParams) => number);
  why: string;
}

/** Estimates by route, most specific first. Anything not listed costs nothing. */
export const CREDIT_RULES: readonly CreditRule[] = [
  {
    method: 'POST',
    pattern: /^\/current\/org\/[^/]+\/billing\/?$/,
    credits: Infinity,
    why: 'changing the billing plan may charge real money',
  },
  {
    method: 'POST',
    pattern: /^\/current\/workspace\/[^/]+\/ai\/(chat|agent)\/?$/,
    credits: 25,
    why: 'AI chat: 1 credit per 100 tokens; a RAG answer is assumed to use up to 2,500 tokens',
  },
  {
    method: 'POST',
    pattern: /^\/current\/workspace\/[^/]+\/ai\/(chat|agent)\/[^/]+\/message\/?$/,
    credits: 25,
    why: 'AI chat message: 1 credit per 100 tokens, up to 2,500 tokens assumed',
  },
  {
    method: 'POST',
    pattern: /^\/current\/upload\/?$/,
    credits: 20,
    why: 'upload of up to 4 MB: storage (100 per GiB held) plus ingestion in an intelligent workspace (10 per page, 2 pages assumed)',
  },
  {
    method: 'POST',
    pattern: /^\/current\/upload\/[^/]+\/complete\/?$/,
    credits: 20,
    why: 'a completed chunked upload is stored and ingested: 10 per page, 2 pages assumed',
  },
  {
    method: 'POST',
    pattern: /^\/current\/upload\/[^/]+\/chunk\/?$/,
    credits: 1,
    why: 'a chunk is storage held (100 per GiB)',
  },
  {
    method: 'POST',
    pattern: /^\/current\/workspace\/[^/]+\/storage\/[^/]+\/createnote\/?$/,
    credits: 10,
    why: 'a note in an intelligent workspace is ingested: 10 per page',
  },
  {
    method: 'POST',
    pattern: /^\/current\/(org\/[^/]+\/create\/workspace|workspace\/[^/]+\/update)\/?$/,
    credits: (body) => (/^(true|1)$/i.test(body.get('intelligence') ?? '') ? 20 : 0),
    why: 'turning intelligence on (re-)ingests every file of the workspace at 10 per page',
  },
  {
    method: 'GET',
    pattern: /^\/current\/workspace\/[^/]+\/storage\/[^/]+\/read\/?$/,
    credits: 2,
    why: 'download: 212 credits per GB of bandwidth, files under 10 MB assumed',
  },
  {
    method: 'GET',
    pattern: /^\/current\/workspace\/[^/]+\/storage\/search\/?$/,
    credits: 1,
    why: 'semantic search may spend AI tokens on the query',
  },
];

export function estimateCredits(method: string, path: string, body: URLSearchParams = new URLSearchParams()): { credits: number; why: string } {
  const m = method.toUpperCase();
  for (const rule of CREDIT_RULES) {
    if (rule.method !== m || !rule.pattern.test(path)) continue;
    const credits = typeof rule.credits === 'function' ? rule.credits(body) : rule.credits;
    if (credits > 0) return { credits, why: rule.why };
  }
  return { credits: 0, why: 'plain API calls cost no credits' };
}

export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
}

export interface TrackedResource {
  kind: 'org' | 'api-key';
  id: string;
  /** an org's domain (the `confirm` of its close) */
  domain?: string;
  /** which persona created it (0 or 1); null when created with another credential */
  persona: 0 | 1 | null;
  /** the contract file that created it */
  file: string;
  test: string | null;
  state: 'open' | 'closed' | 'close-failed';
  error?: string;
}

export interface LedgerData {
  runId: string;
  /** every org domain of the run starts with this */
  prefix: string;
  startedAt: string;
  baseUrl: string;
  maxCredits: number;
  /** credits the run's requests may have cost (estimate) */
  spent: number;
  requests: number;
  charged: { method: string; path: string; credits: number; file: string }[];
  /** why the run stopped sending requests, once the budget was reached */
  stopped: string | null;
  resources: TrackedResource[];
}

/** The run's ledger file. Every change is written at once (temporary file, then rename). */
export class RunLedger {
  private constructor(
    readonly file: string,
    private data: LedgerData,
  ) {}

  static create(file: string, init: Omit<LedgerData, 'spent' | 'requests' | 'charged' | 'stopped' | 'resources'>): RunLedger {
    const ledger = new RunLedger(file, { ...init, spent: 0, requests: 0, charged: [], stopped: null, resources: [] });
    ledger.save();
    return ledger;
  }

  static open(file: string): RunLedger {
    return new RunLedger(file, JSON.parse(readFileSync(file, 'utf8')) as LedgerData);
  }

  get snapshot(): Readonly<LedgerData> {
    return this.data;
  }

  /** Re-read the file (another test file of the run may have changed it). */
  reload(): void {
    this.data = JSON.parse(readFileSync(this.file, 'utf8')) as LedgerData;
  }

  /**
   * Account for a request before it is sent; throws when it would take the run past the budget.
   * Once a request has been refused, the run is stopped: later requests that cost credits are
   * refused too, and so is everything else except clean-up (`allowWhenStopped`).
   */
  charge(method: string, path: string, body: URLSearchParams, file: string, allowWhenStopped = false): void {
    this.reload();
    if (this.data.stopped && !allowWhenStopped) {
      throw new BudgetExceededError(`the live run stopped: ${this.data.stopped} (refusing ${method} ${path})`);
    }
    const { credits, why } = estimateCredits(method, path, body);
    if (credits === Infinity) throw new BudgetExceededError(`${method} ${path} is never sent to the live API: ${why}`);
    if (credits > 0 && this.data.spent + credits > this.data.maxCredits) {
      const reason = `${method} ${path} may cost ${credits} credits (${why}); ${this.data.spent} of FASTIO_LIVE_MAX_CREDITS=${this.data.maxCredits} already estimated spent`;
      this.data.stopped = reason;
      this.save();
      throw new BudgetExceededError(`credit budget reached: ${reason}`);
    }
    this.data.requests++;
    if (credits > 0) {
      this.data.spent += credits;
      this.data.charged.push({ method, path, credits, file });
    }
    this.save();
  }

  track(resource: Omit<TrackedResource, 'state'>): void {
    this.reload();
    this.data.resources.push({ ...resource, state: 'open' });
    this.save();
  }

  settle(kind: TrackedResource['kind'], id: string, state: 'closed' | 'close-failed', error?: string): void {
    this.reload();
    for (const r of this.data.resources) {
      if (r.kind !== kind || r.id !== id) continue;
      r.state = state;
      if (error) r.error = error;
      else delete r.error;
    }
    this.save();
  }

  open(file?: string): TrackedResource[] {
    this.reload();
    return this.data.resources.filter((r) => r.state !== 'closed' && (file === undefined || r.file === file));
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 1));
    renameSync(tmp, this.file);
  }
}
