/**
 * What every tool is made of: an action table (`tool action=<name>`), each action a thin mapping
 * onto one REST call of the emulator (`rest(...)`) or a small handler of its own (auth, blobs).
 * Parameter validation is the REST route's: its zod schema answers 400/1605 with `params[]`,
 * which reaches the agent as the tool error, so no field list is written twice.
 * CHOICE: MCP-level parameters are strings, numbers or booleans (the official client's MCP tool
 * schemas declare every extra parameter as a string, tools.rs `action_schema`); the REST schema
 * coerces them.
 */
import type { Dialect } from '../catalogue/index.js';
import type { Emulator } from '../emulator.js';
import type { ApiAnswer, ApiCall, FormFields, InProcessApi, Scalar } from './dispatch.js';
import type { McpSession } from './session.js';

export type Args = Record<string, unknown>;

export interface ToolResult {
  [k: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolCtx {
  session: McpSession;
  api: InProcessApi;
  emulator: Emulator;
  dialect: Dialect;
  tool: string;
  action: string;
  /** `http://host:port` of the MCP listener (for `/blob` and `/file/` URLs); undefined over stdio */
  mcpUrl: string | undefined;
  /** `http://host:port` of the REST API, when it listens */
  apiUrl: string | undefined;
}

export interface ActionSpec {
  summary: string;
  /** parameters this action reads (describe lists them) */
  params?: readonly string[];
  required?: readonly string[];
  /** false: callable before sign-in (the guide's unauthenticated list) */
  auth?: boolean;
  /** irreversible: needs `confirm=true` (agent guide v2.6 section 9) */
  destructive?: boolean;
  run(ctx: ToolCtx, args: Args): Promise<ToolResult>;
}

export interface ToolSpec {
  name: string;
  description: string;
  actions: Record<string, ActionSpec>;
}

/** Keys that steer the MCP layer and never reach a REST body. */
const META = new Set(['action', 'describe_action', 'confirm', 'profile_type', 'profile_id', 'context_type', 'context_id', 'instance_id', 'detail']);

export function str(args: Args, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = args[n];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

export function bool(args: Args, name: string): boolean | undefined {
  const v = args[name];
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** PARITY: agent guide v2.6 section 9 "Profile params + aliases". */
export function profileOf(args: Args): { type: 'workspace' | 'share'; id: string | undefined } {
  const t = str(args, 'profile_type', 'context_type');
  const id = str(args, 'profile_id', 'context_id', 'instance_id', 'workspace_id', 'share_id');
  const type = t === 'share' || (!t && args.share_id !== undefined && args.workspace_id === undefined) ? 'share' : 'workspace';
  return { type, id };
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * CHOICE: a tool answer's text is Markdown (the guide: "All tool responses are GitHub-flavored
 * Markdown"): a title line, the hints as lists, and the data as a fenced JSON block; the same
 * data is `structuredContent`, which is what programs (and this project's tests) read.
 */
function markdown(title: string, data: Record<string, unknown>): string {
  const lines = [`## ${title}`, ''];
  for (const hint of ['_warnings', '_next', '_recovery'] as const) {
    const h = data[hint];
    if (Array.isArray(h) && h.length > 0) lines.push(`**${hint}**`, ...h.map((x) => `- ${text(x)}`), '');
  }
  const rest = Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('_')));
  lines.push('```json', JSON.stringify(rest, null, 2), '```');
  return lines.join('\n');
}

export function ok(ctx: ToolCtx, data: Record<string, unknown>, hints: { next?: string[]; warnings?: string[] } = {}): ToolResult {
  const out: Record<string, unknown> = { ...data };
  if (hints.next?.length) out._next = hints.next;
  if (hints.warnings?.length) out._warnings = hints.warnings;
  return { content: [{ type: 'text', text: markdown(`${ctx.tool} ${ctx.action}`, out) }], structuredContent: out };
}

/** PARITY: agent guide v2.6 section 5 "Response hints": `_recovery` by status. */
function recovery(status: number): string[] {
  if (status === 401)
    return ['Re-authenticate: auth action=signin, or auth action=set-api-key ("Not authenticated" = no session, "Session expired" = it lapsed).'];
  if (status === 402)
    return ['Credits or plan exhausted: org action=limits; select a plan with org action=billing-create, or (agent account) org action=transfer-token-create.'];
  if (status === 403) return ['Scope or permission: check auth action=status (scopes) and your role.'];
  if (status === 429) return ['Back off 2-4 s, then retry.'];
  if (status === 501) return ['This route is not emulated by fastio-emulator; see the README "MCP server" section or the parity report.'];
  return [];
}

export function fail(ctx: ToolCtx, status: number, code: number, message: string, params?: unknown): ToolResult {
  const data: Record<string, unknown> = { status, error: { code, text: message, ...(params ? { params } : {}) } };
  const r = recovery(status);
  if (r.length) data._recovery = r;
  const head = status === 501 ? `Not emulated: ${message}` : `Error ${status} (code ${code}): ${message}`;
  return { content: [{ type: 'text', text: `${head}\n\n${markdown(`${ctx.tool} ${ctx.action} failed`, data)}` }], structuredContent: data, isError: true };
}

/** A local (MCP-layer) error: missing parameter and the like; 400 with the live input-error code. */
export function invalid(ctx: ToolCtx, message: string, code = 1605): ToolResult {
  return fail(ctx, 400, code, message);
}

/** The REST answer as the tool's answer: errors (501 included) pass through with their code. */
export function answer(ctx: ToolCtx, res: ApiAnswer, hints: { next?: string[]; warnings?: string[] } = {}): ToolResult {
  const body = res.body;
  if (res.status >= 400 || body?.result === false || body?.result === 'no') {
    const err = (body?.error ?? {}) as { code?: number; text?: string; params?: unknown };
    return fail(ctx, res.status, err.code ?? res.status, err.text ?? `HTTP ${res.status}`, err.params);
  }
  if (!body) return ok(ctx, { http_status: res.status, content_type: res.contentType, bytes: res.raw.length }, hints);
  const { result: _r, ...rest } = body;
  return ok(ctx, rest, hints);
}

export async function call(ctx: ToolCtx, c: ApiCall): Promise<ApiAnswer> {
  return ctx.api.call(c, ctx.session.token, `${ctx.tool}.${ctx.action}`);
}

export interface RestOptions {
  /** REST field <- MCP parameter (first present alias wins); default: every other parameter passes through as is */
  fields?: Record<string, string | readonly string[]>;
  /** pass the parameters not named in the path or `fields` through (default true) */
  passThrough?: boolean;
  /** default fields (a parameter of the same name overrides one) */
  fixed?: FormFields;
  /** defaults for path placeholders (`node_id: 'root'`) */
  defaults?: Record<string, string>;
  /** placeholder <- MCP parameter aliases */
  aliases?: Record<string, readonly string[]>;
  json?: boolean;
  params?: readonly string[];
  required?: readonly string[];
  auth?: boolean;
  destructive?: boolean;
  hints?: (args: Args, res: ApiAnswer) => { next?: string[]; warnings?: string[] };
}

/**
 * An action that is one REST call: `rest('Details', 'GET', '/org/{org_id}/details/')`. `{x}` in
 * the template is filled from the parameter `x` (or its aliases); `{profile_type}`/`{profile_id}`
 * from the profile aliases. GET/DELETE send the rest as the query, others as the form.
 */
export function rest(summary: string, method: string, template: string, o: RestOptions = {}): ActionSpec {
  const placeholders = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return {
    summary: `${summary} (${method} /current${template})`,
    params: [...new Set([...placeholders, ...(o.params ?? []), ...Object.values(o.fields ?? {}).flat()])],
    required: o.required ?? placeholders.filter((p) => !o.defaults?.[p] && p !== 'profile_type'),
    ...(o.auth === false ? { auth: false } : {}),
    ...(o.destructive ? { destructive: true } : {}),
    async run(ctx, args) {
      const used = new Set<string>();
      let path = template;
      for (const p of placeholders) {
        let v: string | undefined;
        if (p === 'profile_type') v = profileOf(args).type;
        else if (p === 'profile_id') v = profileOf(args).id;
        else v = str(args, p, ...(o.aliases?.[p] ?? []));
        v ??= o.defaults?.[p];
        if (v === undefined) return invalid(ctx, `Missing required parameter: ${p}`);
        used.add(p);
        for (const a of o.aliases?.[p] ?? []) used.add(a);
        path = path.replace(`{${p}}`, encodeURIComponent(v));
      }
      const fields: FormFields = { ...o.fixed };
      const mapped = new Set<string>();
      for (const [field, from] of Object.entries(o.fields ?? {})) {
        mapped.add(field);
        const names = typeof from === 'string' ? [from] : from;
        names.forEach((n) => used.add(n));
        const v = args[names.find((n) => args[n] !== undefined) ?? ''];
        if (v !== undefined) fields[field] = scalar(v);
      }
      if (o.passThrough ?? true) {
        for (const [k, v] of Object.entries(args)) if (!used.has(k) && !META.has(k) && v !== undefined && !mapped.has(k)) fields[k] = scalar(v);
      }
      const m = method.toUpperCase();
      const body = m === 'GET' || m === 'DELETE' ? { query: fields } : o.json ? { json: fields } : { form: fields };
      const res = await call(ctx, { method: m, path, ...body });
      return answer(ctx, res, o.hints?.(args, res) ?? {});
    },
  };
}

function scalar(v: unknown): Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
}

/** An action of the live tool that the emulator cannot serve: a clear error naming what is missing. */
export function notEmulated(summary: string, why: string): ActionSpec {
  return {
    summary: `${summary} [not emulated]`,
    async run(ctx) {
      return fail(ctx, 501, 1501, `${ctx.tool} action=${ctx.action} is not emulated: ${why}`);
    },
  };
}
