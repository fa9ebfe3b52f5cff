/**
 * Output modifiers, one stage for every route: `?output=terse|standard|full` picks a detail level,
 * and the `markdown` token renders the answer (or the error) as GitHub-flavoured Markdown.
 *
 * PARITY: agent guide REFERENCE.md "Compact Responses (`output=`)" (the April 2026 guide of
 * 2026-04-15 and V2 v2.6 alike: comma-separated tokens, one level at most or HTTP 400, unknown
 * tokens ignored, no `output=` means `full` byte for byte, `markdown` answers
 * `text/markdown; charset=UTF-8` with GFM tables for record lists, bullet lists for maps and a
 * `# Error` section with a `params` table); the official client sends `?output=<detail>` on every
 * envelope GET (src/client.rs `inject_output_query`, V2) and `?output=<detail>,markdown`
 * (src/client.rs `get_markdown`, both dialects). Both dialects serve it.
 *
 * CHOICE (the guide's per-resource field lists are on pages the sources do not carry), one rule for
 * every resource:
 * - a *record* is an object at the top of the answer (`user`, `workspace`) or an element of an
 *   array there (`events[]`); top-level scalars, arrays of scalars and `pagination` are never cut;
 *   a `response` wrapper is looked through;
 * - `standard` drops, at any depth of a record, the full-only blocks the guide names (branding,
 *   capabilities, permission blocks, metadata, EXIF, virus state, owner-defined data) and narrows
 *   `ai` to `{state}` (SKILL.md: "standard adds ... ai.state; full adds the full ai object");
 * - `terse` keeps, of what `standard` keeps, a record's non-empty scalar fields (ids, labels,
 *   timestamps, flags) and drops nulls, empty strings, strings over 200 characters and every nested
 *   object or array (the long nested detail);
 * - errors keep their envelope at every level; `markdown` renders them;
 * - a token is compared case-insensitively; repeated `output` parameters are read as one list;
 * - the control plane (`/_emulator/*`) and raw answers (downloads, HTML) are never reshaped.
 * CHOICE: the GFM renderer is written here (pipes escaped, line breaks as `<br>`) rather than
 * taken from `markdown-table`: the tables have no alignment, so the library would add a dependency
 * for padding only.
 */
import type { Request, Response } from 'express';
import { Errors, paramInvalid, type ApiError } from './errors.js';
import { JsonFields } from './route.js';

export const DETAIL_LEVELS = ['terse', 'standard', 'full'] as const;
export type DetailLevel = (typeof DETAIL_LEVELS)[number];
export const MARKDOWN_TYPE = 'text/markdown; charset=UTF-8';

export interface OutputOption {
  level: DetailLevel;
  markdown: boolean;
  /** two levels at once: answered 400 at the input stage (after auth, like every input error) */
  conflict: DetailLevel[] | undefined;
}

/** The blocks only `full` carries (CHOICE, from the guide's list of what `full` adds). */
const FULL_ONLY = new Set(['branding', 'capabilities', 'permissions', 'permission', 'metadata', 'exif', 'virus', 'owner_defined']);
const TERSE_MAX_TEXT = 200;

interface WithOutput {
  output?: OutputOption;
}

/** Stage 1b: read `output` from the query string; nothing is stored when it changes nothing. */
export function readOutput(req: Request, res: Response): void {
  const option = parseOutput(req.query.output);
  if (option) (res.locals as WithOutput).output = option;
}

export function parseOutput(raw: unknown): OutputOption | undefined {
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  const levels: DetailLevel[] = [];
  let markdown = false;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    for (const piece of value.split(',')) {
      const token = piece.trim().toLowerCase();
      if (token === 'markdown') markdown = true;
      else if ((DETAIL_LEVELS as readonly string[]).includes(token) && !levels.includes(token as DetailLevel)) levels.push(token as DetailLevel);
      // PARITY: unknown tokens are ignored for forward compatibility (guide).
    }
  }
  if (levels.length === 0 && !markdown) return undefined;
  return { level: levels[0] ?? 'full', markdown, conflict: levels.length > 1 ? levels : undefined };
}

export function outputOf(res: Response): OutputOption | undefined {
  return (res.locals as WithOutput).output;
}

/** Stage 7's first check: two detail levels in one request. */
export function checkOutput(res: Response): void {
  const conflict = outputOf(res)?.conflict;
  if (conflict) throw outputConflict(conflict);
}

export function outputConflict(levels: readonly DetailLevel[]): ApiError {
  return Errors.invalidInput(
    [paramInvalid('output', `Pick one detail level, not ${levels.join(' and ')}. Expected one of: ${DETAIL_LEVELS.join(', ')}.`, 'enum')],
    `output: detail levels are mutually exclusive (got ${levels.join(', ')}).`,
  );
}

/**
 * A handler's (non-raw) result under the option, as the body to send and its type; undefined when
 * the option changes nothing (`full` without markdown: today's bytes).
 */
export function renderWithOutput(option: OutputOption, result: Record<string, unknown> | JsonFields | undefined): { body: string; type: string } | undefined {
  if (option.level === 'full' && !option.markdown) return undefined;
  const fields: Record<string, unknown> =
    result === undefined ? {} : result instanceof JsonFields ? (JSON.parse(result.json) as Record<string, unknown>) : result;
  const shaped = option.level === 'full' ? fields : shapeAnswer(fields, option.level);
  if (option.markdown) return { body: successMarkdown(shaped), type: MARKDOWN_TYPE };
  return { body: JSON.stringify({ result: true, ...shaped }), type: 'application/json; charset=utf-8' };
}

// ---------------------------------------------------------------------------------------------
// Detail levels

export function shapeAnswer(fields: Record<string, unknown>, level: DetailLevel): Record<string, unknown> {
  if (level === 'full') return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'pagination' || key === 'result') out[key] = value;
    else if (key === 'response' && isPlainObject(value)) out[key] = shapeAnswer(value, level);
    else if (Array.isArray(value)) out[key] = value.map((v) => (isPlainObject(v) ? shapeRecord(v, level) : v));
    else if (isPlainObject(value)) out[key] = shapeRecord(value, level);
    else out[key] = value;
  }
  return out;
}

function shapeRecord(record: Record<string, unknown>, level: 'terse' | 'standard'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (FULL_ONLY.has(key)) continue;
    if (level === 'terse') {
      if (value === null || value === undefined || typeof value === 'object') continue;
      if (typeof value === 'string' && (value === '' || value.length > TERSE_MAX_TEXT)) continue;
      out[key] = value;
    } else if (key === 'ai' && isPlainObject(value)) out[key] = 'state' in value ? { state: value.state } : {};
    else if (Array.isArray(value)) out[key] = value.map((v) => (isPlainObject(v) ? shapeRecord(v, level) : v));
    else if (isPlainObject(value)) out[key] = shapeRecord(value, level);
    else out[key] = value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** `**Result:** success`, the top-level scalars as bullets, then one `#` section per map or list. */
export function successMarkdown(fields: Record<string, unknown>): string {
  return documentMarkdown('success', fields);
}

/** The error envelope: `# Error` with the error's fields, and a `## params` table on a 400. */
export function errorMarkdown(error: Record<string, unknown>): string {
  const { params, ...rest } = error;
  const lines = ['**Result:** failure', '', '# Error', ...bullets(rest, 0)];
  if (Array.isArray(params) && params.length > 0) {
    const rows = params.filter(isPlainObject);
    lines.push('', '## params', '', ...table(rows, ['name', 'kind', 'message', 'code', 'expected_type']));
  }
  return `${lines.join('\n')}\n`;
}

function documentMarkdown(result: string, fields: Record<string, unknown>): string {
  const lines = [`**Result:** ${result}`];
  const scalars: Record<string, unknown> = {};
  const sections: string[][] = [];
  // A `response` wrapper is looked through: its fields are the answer's.
  const wrapped = fields.response;
  const entries = isPlainObject(wrapped) ? [...Object.entries(fields).filter(([k]) => k !== 'response'), ...Object.entries(wrapped)] : Object.entries(fields);
  for (const [key, value] of entries) {
    if (key === 'result') continue;
    if (isPlainObject(value)) sections.push([`# ${key}`, ...(Object.keys(value).length === 0 ? ['_empty_'] : bullets(value, 0))]);
    else if (Array.isArray(value)) sections.push([`# ${key}`, ...listMarkdown(value)]);
    else scalars[key] = value;
  }
  if (Object.keys(scalars).length > 0) lines.push('', ...bullets(scalars, 0));
  for (const s of sections) lines.push('', ...s);
  return `${lines.join('\n')}\n`;
}

/** A homogeneous list of records is a table; anything else a bullet per element. */
function listMarkdown(list: readonly unknown[]): string[] {
  if (list.length === 0) return ['_none_'];
  if (list.every(isPlainObject)) {
    const columns: string[] = [];
    for (const row of list) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    return ['', ...table(list, columns)];
  }
  return list.map((v) => `- ${inline(v)}`);
}

function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string[] {
  const head = `| ${columns.map(cell).join(' | ')} |`;
  const rule = `|${columns.map((c) => '-'.repeat(Math.max(3, c.length + 2))).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((c) => cell(inline(r[c]))).join(' | ')} |`)];
}

function bullets(map: Record<string, unknown>, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (isPlainObject(value) && Object.keys(value).length > 0 && depth < 4) lines.push(`${pad}- **${key}:**`, ...bullets(value, depth + 1));
    else lines.push(`${pad}- **${key}:** ${inline(value)}`);
  }
  return lines;
}

/** One value on one line: null as an em dash, arrays of scalars joined, records as JSON. */
function inline(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v.replace(/\r?\n/g, '<br>');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.length === 0 ? '—' : v.map(inline).join(', ');
  return JSON.stringify(v);
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}
