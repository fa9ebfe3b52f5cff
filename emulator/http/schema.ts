/**
 * Helpers for input schemas. Form bodies carry strings only (`true`/`false`, numbers as text), JSON
 * bodies carry real types; every helper accepts both so one schema serves both encodings, validates
 * requests, produces `params[]` errors, and (through zod's JSON Schema output) the OpenAPI document.
 */
import { z } from 'zod';
import { ApiError, Errors, paramInvalid, paramMissing, type ParamError } from './errors.js';

/** Build a schema on first use and keep it (route schemas are thunks: start-up stays fast). */
export function lazy<S extends z.ZodType>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

/** A boolean sent as `true`/`false` (form) or a JSON boolean. `1`/`0` are accepted too. */
export function formBool() {
  return z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'TRUE', 'FALSE', 'True', 'False'])])
    .transform((v) => v === true || (typeof v === 'string' && (v.toLowerCase() === 'true' || v === '1')));
}

/** An integer sent as text (form, query) or a JSON number, within bounds. */
export function formInt(opts: { min?: number; max?: number } = {}) {
  let num = z.number().int();
  const str = z.string().regex(/^-?\d{1,15}$/, 'Expected an integer.');
  if (opts.min !== undefined) num = num.min(opts.min);
  if (opts.max !== undefined) num = num.max(opts.max);
  const bounds = (n: number) => (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max);
  const message = boundsMessage(opts);
  return z.union([num, str.refine((s) => bounds(Number(s)), message)]).transform((v) => Number(v));
}

/** A number (not necessarily integer) sent as text or JSON. */
export function formNumber(opts: { min?: number; max?: number } = {}) {
  let num = z.number();
  if (opts.min !== undefined) num = num.min(opts.min);
  if (opts.max !== undefined) num = num.max(opts.max);
  const bounds = (n: number) => Number.isFinite(n) && (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max);
  return z
    .union([
      num,
      z
        .string()
        .regex(/^-?\d+(\.\d+)?$/, 'Expected a number.')
        .refine((s) => bounds(Number(s)), boundsMessage(opts)),
    ])
    .transform((v) => Number(v));
}

function boundsMessage(opts: { min?: number; max?: number }): string {
  if (opts.min !== undefined && opts.max !== undefined) return `Expected a value between ${opts.min} and ${opts.max}.`;
  if (opts.min !== undefined) return `Expected a value of at least ${opts.min}.`;
  if (opts.max !== undefined) return `Expected a value of at most ${opts.max}.`;
  return 'Expected a number.';
}

/** A trimmed string with length bounds and no NUL bytes. */
export function text(opts: { min?: number; max?: number; trim?: boolean } = {}) {
  let s = z.string();
  if (opts.trim !== false) s = s.trim();
  if (opts.min !== undefined) s = s.min(opts.min, `This value must be at least ${opts.min} characters long.`);
  if (opts.max !== undefined) s = s.max(opts.max, `This value must be at most ${opts.max} characters long.`);
  return s.refine((v) => !v.includes('\u0000'), 'This value must not contain NUL bytes.');
}

/**
 * Characters a name may not hold, because they make two different names look alike or reorder
 * what a reader sees: C0 and C1 controls, zero-width characters and directional marks
 * (U+200B-U+200F, the joiners included), bidi embeddings and overrides (U+202A-U+202E), bidi
 * isolates (U+2066-U+2069) and the BOM (U+FEFF).
 * PARITY: the same set the official client strips from server strings before they reach a terminal
 * (MediaFire/fastio_cli src/api/storage.rs `sanitize_terminal_string`); refusing them in names is CHOICE.
 */
export const LOOKALIKE_CHARACTERS = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

/**
 * A name a person reads (org, workspace, folder, file, note, chat, person): trimmed, normalised to
 * NFC so a composed and a decomposed accent are one name (compared, stored and counted as one),
 * length-checked after normalising, and refused with 400/1605 `params[]` when it holds a character
 * of LOOKALIKE_CHARACTERS. Every name field uses this one helper.
 */
export function displayName(opts: { min?: number; max?: number } = {}) {
  let s = z.string().trim().normalize('NFC');
  if (opts.min !== undefined) s = s.min(opts.min, `This value must be at least ${opts.min} characters long.`);
  if (opts.max !== undefined) s = s.max(opts.max, `This value must be at most ${opts.max} characters long.`);
  return s.refine((v) => !LOOKALIKE_CHARACTERS.test(v), 'This value must not contain control, zero-width or text-direction characters.');
}

/** A 19-digit numeric profile id (user, org, workspace, share). */
export function profileId() {
  return z.string().regex(/^[1-9]\d{18}$/, 'Expected a 19-digit numeric id.');
}

/** Pagination fields shared by every list route. PARITY: agent guide "Pagination": limit 1-500 default 100. */
export const paginationQuery = {
  limit: formInt({ min: 1, max: 500 }).optional(),
  offset: formInt({ min: 0 }).optional(),
};

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

/** Slice a list for `limit`/`offset` and describe the page. */
export function paginate<T>(items: readonly T[], limit = 100, offset = 0): { page: T[]; pagination: Pagination } {
  const page = items.slice(offset, offset + limit);
  return { page, pagination: { total: items.length, limit, offset, has_more: offset + page.length < items.length } };
}

/** Turn zod issues into the live `params[]` list (one entry per field, first problem wins). */
export function issuesToParams(issues: readonly z.core.$ZodIssue[], input: unknown): ParamError[] {
  const seen = new Set<string>();
  const params: ParamError[] = [];
  for (const issue of issues) {
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
    if (seen.has(name)) continue;
    seen.add(name);
    const value = lookup(input, issue.path);
    const expected = expectedType(issue);
    if (value === undefined || (typeof value === 'string' && value.trim() === '' && issue.code !== 'custom')) {
      const missing = paramMissing(name, expected);
      // A required choice names its choices, so the first error tells the caller what to send.
      const choices = allowedValues(issue);
      if (choices) missing.message = `${missing.message} ${choices}`;
      params.push(missing);
    } else {
      params.push(paramInvalid(name, cleanMessage(issue), expected));
    }
  }
  return params;
}

function lookup(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function expectedType(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return String(issue.expected);
  if (issue.code === 'invalid_value') return 'enum';
  return undefined;
}

/** `Expected one of: Member or above, Admin or above.` for an enum issue, else undefined. */
function allowedValues(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'invalid_value' || !('values' in issue) || issue.values.length === 0) return undefined;
  return `Expected one of: ${issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}.`;
}

function cleanMessage(issue: z.core.$ZodIssue): string {
  const choices = allowedValues(issue);
  if (choices) return choices;
  if (issue.code === 'invalid_union') return 'This value is not valid.';
  return issue.message;
}

/** Parse input with a schema or throw the live 400/1605 with `params[]`. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw Errors.invalidInput(issuesToParams(result.error.issues, input));
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
