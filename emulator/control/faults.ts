/**
 * Fault injection: rules that make matching API requests fail with a chosen error, or wait, so a
 * client's retry, timeout and error paths can be exercised against the emulator.
 *
 * Where it runs: one pipeline stage (app.ts, 7c) after access resolution and before the handler.
 * That is the one place where the org is known for org routes AND workspace routes (the access
 * stage resolves `:workspace_id` to its workspace and so to its org; a `:org_id` path parameter
 * would miss every workspace route). It also means a fault hits only requests the emulator would
 * otherwise have carried out: a malformed or unauthenticated request still gets its own 400/401,
 * and a hit stands for "the service failed this operation", which is what client retry paths face.
 * The control plane (`/_emulator/*`) is never faulted, so a test harness can always clear a rule.
 *
 * Evaluation: rules are tried in the order they were added. A rule applies when method, path glob
 * and org match, it has hits left (`times`), and its probability draw (from the emulator's random
 * source, seeded by `--random-seed`) succeeds; only then does it count a hit. Delays of every rule
 * that applies add up; the first rule that applies with an error ends the list and answers it.
 */
import { z } from 'zod';
import { ApiError, Codes, Errors } from '../http/errors.js';
import { formInt, formNumber, lazy, profileId, text } from '../http/schema.js';
import type { RandomSource } from '../store/random.js';
import type { OverviewFault } from './overview-types.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** The error code an injected status answers with when the rule names none (the live pairs, errors.ts). */
const DEFAULT_CODES: Record<number, number> = {
  400: Codes.invalidInput,
  401: Codes.unauthenticated,
  402: Codes.creditLimit,
  403: Codes.accessDenied,
  404: Codes.notFound,
  405: Codes.methodNotAllowed,
  409: Codes.conflict,
  413: Codes.payloadTooLarge,
  429: Codes.rateLimited,
};

/** `POST /_emulator/faults` body. Cross-field rules are checked here so they answer 400/1605 with `params[]`. */
export const faultRuleBody = lazy(() =>
  z
    .object({
      // Either case; an enum of both (not a transform before the enum) so the OpenAPI document lists the values.
      method: z
        .enum([...METHODS, ...METHODS.map((m) => m.toLowerCase())] as [string, ...string[]])
        .transform((m) => m.toUpperCase() as (typeof METHODS)[number])
        .optional(),
      path: z.string().trim().min(1).max(500).optional(),
      org_id: profileId().optional(),
      // An MCP tool call (`upload` or `upload.stream-upload`): only REST calls made by that tool match.
      tool: z.string().trim().min(1).max(100).optional(),
      probability: formNumber({ min: 0, max: 1 }).optional(),
      status: formInt({ min: 400, max: 599 }).optional(),
      code: formInt({ min: 1, max: 999_999_999 }).optional(),
      text: text({ min: 1, max: 500 }).optional(),
      delay_ms: formInt({ min: 0, max: 120_000 }).optional(),
      jitter_ms: formInt({ min: 0, max: 60_000 }).optional(),
      times: formInt({ min: 1, max: 1_000_000_000 }).optional(),
    })
    .superRefine((rule, issues) => {
      if (rule.status === undefined && rule.delay_ms === undefined) {
        issues.addIssue({ code: 'custom', path: ['status'], message: 'A fault needs status (an error to answer) or delay_ms (a delay), or both.' });
      }
      if (rule.code !== undefined && rule.status === undefined) {
        issues.addIssue({ code: 'custom', path: ['code'], message: 'code is the error code answered with status: give status too.' });
      }
      if (rule.text !== undefined && rule.status === undefined) {
        issues.addIssue({ code: 'custom', path: ['text'], message: 'text is the error text answered with status: give status too.' });
      }
      if (rule.jitter_ms !== undefined && rule.delay_ms === undefined) {
        issues.addIssue({ code: 'custom', path: ['jitter_ms'], message: 'jitter_ms varies delay_ms: give delay_ms too.' });
      }
      if (rule.path !== undefined) {
        if (!rule.path.startsWith('/') && !rule.path.startsWith('*')) {
          issues.addIssue({ code: 'custom', path: ['path'], message: 'The path glob must start with / (for example /current/org/*/create/workspace/).' });
        } else if (/^\/?_emulator(\/|$)/.test(rule.path)) {
          issues.addIssue({ code: 'custom', path: ['path'], message: 'Faults never apply to the control plane (/_emulator/*).' });
        }
      }
    }),
);

export type FaultRuleInput = z.output<ReturnType<typeof faultRuleBody>>;

export interface FaultRule {
  id: string;
  /** undefined: any method */
  method: (typeof METHODS)[number] | undefined;
  /** the glob as given; undefined: any path */
  path: string | undefined;
  orgId: string | undefined;
  /** an MCP tool (`upload`) or tool.action (`upload.stream-upload`); undefined: any request */
  tool: string | undefined;
  probability: number;
  status: number | undefined;
  code: number | undefined;
  text: string | undefined;
  delayMs: number | undefined;
  jitterMs: number | undefined;
  /** undefined: until cleared */
  times: number | undefined;
  hits: number;
  /** emulator clock, ms */
  created: number;
}

interface CompiledRule {
  rule: FaultRule;
  matchPath: (path: string) => boolean;
}

/** What the fault stage does to one request. */
export interface FaultDecision {
  /** ids of the rules that applied, in order */
  ruleIds: string[];
  /** total delay, ms (0 when none) */
  delayMs: number;
  /** the error to answer after the delay, if any rule gave one */
  error: ApiError | undefined;
}

export interface FaultRequest {
  method: string;
  path: string;
  orgId: string | undefined;
  /** `tool.action` when an MCP tool made the request */
  mcp?: string | undefined;
}

/** Drop trailing slashes (routes answer with or without them), keeping `/` itself. */
function trimSlash(path: string): string {
  const t = path.replace(/\/+$/, '');
  return t === '' ? '/' : t;
}

/** A glob's `{a,b}` groups may expand to at most this many alternatives. */
const MAX_GLOB_ALTERNATIVES = 256;

/**
 * Route-table syntax (`:org_id`) and OpenAPI syntax (`{org_id}`) are accepted as one-segment
 * wildcards, so a path copied from `GET /_emulator/routes` or the OpenAPI document works as is.
 *
 * The syntax is the documented one: `*` (any characters of one segment), `?` (one character),
 * `**` (a whole segment: any number of segments) and `{a,b}` (alternatives, nested). It is
 * matched without regular expressions, segment by segment, in time proportional to glob x path:
 * a glob compiled to a backtracking regular expression (as picomatch does) lets a rule such as
 * `/a*a*a*a*a*a*a*a*b` or `@(a|a*)+` hold the event loop for minutes on one long path segment.
 */
export async function compilePathGlob(glob: string): Promise<(path: string) => boolean> {
  const normalised = trimSlash(glob.replace(/(^|\/):[A-Za-z_][A-Za-z0-9_]*(?=\/|$)/g, '$1*').replace(/(^|\/)\{[A-Za-z_][A-Za-z0-9_]*\}(?=\/|$)/g, '$1*'));
  const alternatives = expandBraces(normalised).map((g) => trimSlash(g).split('/'));
  return (path) => {
    const segments = trimSlash(path).split('/');
    return alternatives.some((g) => matchSegments(g, segments));
  };
}

/** `{a,b}` groups (nested) expanded into plain globs; a group without a comma stays as written. */
function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < glob.length && close < 0; i++) {
    const c = glob[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) close = i;
    else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [glob];
  const head = glob.slice(0, open);
  const tails = expandBraces(glob.slice(close + 1));
  if (commas.length === 0) return tails.map((t) => `${head}${glob.slice(open, close + 1)}${t}`);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (const choice of expandBraces(glob.slice(bounds[k]! + 1, bounds[k + 1]!))) {
      for (const tail of tails) {
        out.push(head + choice + tail);
        if (out.length > MAX_GLOB_ALTERNATIVES) {
          throw Errors.invalidField('path', `The glob's {a,b} groups expand to more than ${MAX_GLOB_ALTERNATIVES} alternatives.`);
        }
      }
    }
  }
  return out;
}

/** Glob segments against path segments; `**` takes any number of segments (dynamic programming). */
function matchSegments(glob: readonly string[], path: readonly string[]): boolean {
  let reach = new Array<boolean>(path.length + 1).fill(false);
  reach[0] = true;
  for (const g of glob) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (g === '**') {
      let any = false;
      for (let j = 0; j <= path.length; j++) next[j] = any ||= reach[j]!;
    } else {
      for (let j = 1; j <= path.length; j++) if (reach[j - 1] && matchSegment(g, path[j - 1]!)) next[j] = true;
    }
    reach = next;
  }
  return reach[path.length]!;
}

/** `*` and `?` within one segment: the greedy wildcard match, which returns only to the last star. */
function matchSegment(glob: string, s: string): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (i < glob.length && (glob[i] === '?' || glob[i] === s[j])) {
      i++;
      j++;
    } else if (i < glob.length && glob[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < glob.length && glob[i] === '*') i++;
  return i === glob.length;
}

/** The fault rules of one emulator instance. */
export class FaultRules {
  private readonly rules: CompiledRule[] = [];
  private counter = 0;

  constructor(
    private readonly random: RandomSource,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.rules.length;
  }

  async add(input: FaultRuleInput): Promise<FaultRule> {
    const matchPath = input.path === undefined ? () => true : await compilePathGlob(input.path);
    const rule: FaultRule = {
      id: `fault_${++this.counter}`,
      method: input.method,
      path: input.path,
      orgId: input.org_id,
      tool: input.tool,
      probability: input.probability ?? 1,
      status: input.status,
      code: input.status === undefined ? undefined : (input.code ?? DEFAULT_CODES[input.status] ?? Codes.internal),
      text: input.text,
      delayMs: input.delay_ms,
      jitterMs: input.jitter_ms,
      times: input.times,
      hits: 0,
      created: this.now(),
    };
    this.rules.push({ rule, matchPath });
    return rule;
  }

  list(): readonly FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  get(id: string): FaultRule | undefined {
    return this.rules.find((r) => r.rule.id === id)?.rule;
  }

  remove(id: string): boolean {
    const i = this.rules.findIndex((r) => r.rule.id === id);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Decide what happens to one request; counts hits. Undefined when no rule applies. */
  decide(req: FaultRequest): FaultDecision | undefined {
    if (this.rules.length === 0 || req.path.startsWith('/_emulator')) return undefined;
    let decision: FaultDecision | undefined;
    for (const { rule, matchPath } of this.rules) {
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.method !== undefined && rule.method !== req.method) continue;
      if (rule.orgId !== undefined && rule.orgId !== req.orgId) continue;
      if (rule.tool !== undefined && !(req.mcp === rule.tool || req.mcp?.startsWith(`${rule.tool}.`))) continue;
      if (!matchPath(req.path)) continue;
      // Draw only for rules that match, so a seeded run's draws depend on matching traffic alone.
      if (rule.probability < 1 && !(this.random.next() < rule.probability)) continue;
      rule.hits++;
      decision ??= { ruleIds: [], delayMs: 0, error: undefined };
      decision.ruleIds.push(rule.id);
      if (rule.delayMs !== undefined) decision.delayMs += this.delayOf(rule.delayMs, rule.jitterMs);
      if (rule.status !== undefined) {
        // The pipeline marks the response with every rule that applied (x-fastio-emulator-fault).
        // An injected 429 says when to retry, as the rate limiter's own does.
        const headers: Record<string, string> = rule.status === 429 ? { 'retry-after': '1' } : {};
        decision.error = new ApiError(rule.status, rule.code!, rule.text ?? `Injected fault ${rule.id}: the emulator answers ${rule.status} as asked.`, {
          headers,
        });
        break;
      }
    }
    return decision;
  }

  /** `delay ± jitter`, uniform, never negative. */
  private delayOf(delayMs: number, jitterMs: number | undefined): number {
    if (!jitterMs) return delayMs;
    return Math.max(0, Math.round(delayMs + (this.random.next() * 2 - 1) * jitterMs));
  }
}

/** The wire form of a rule. */
export function faultToJson(rule: FaultRule): OverviewFault {
  return {
    id: rule.id,
    method: rule.method ?? null,
    path: rule.path ?? null,
    org_id: rule.orgId ?? null,
    tool: rule.tool ?? null,
    probability: rule.probability,
    status: rule.status ?? null,
    code: rule.code ?? null,
    text: rule.text ?? null,
    delay_ms: rule.delayMs ?? null,
    jitter_ms: rule.jitterMs ?? null,
    times: rule.times ?? null,
    hits: rule.hits,
    remaining: rule.times === undefined ? null : Math.max(0, rule.times - rule.hits),
    active: rule.times === undefined || rule.hits < rule.times,
    created: new Date(rule.created).toISOString(),
  };
}

/** Wait `ms` (real time: delays test client timeouts), or stop early when the client goes away. Resolves false if aborted. */
export function faultDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
