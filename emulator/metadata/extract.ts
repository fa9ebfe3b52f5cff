/**
 * Deterministic, local metadata extraction: values found in a document's own text, by field type,
 * each citing the page and passage (chunk) it came from. No model: the same text and template give
 * the same values.
 *
 * PARITY: CHOICE throughout (the live service uses an LLM). The rules, in order, per field:
 * 1. a labelled line: the field's name (underscores and hyphens as spaces, any case) followed by
 *    `:`, `=` or a dash, then the value, parsed by the field's type;
 * 2. else, by type: `datetime` the first date of the text (ISO `YYYY-MM-DD`, `D/M/YYYY`,
 *    `Month D, YYYY`, `D Month YYYY`), `float` the first amount (currency sign or code, or decimals),
 *    `url` the first http(s) URL, a `fixed_list` the first listed value found as a whole word,
 *    `string` fields named like a name (name, party, vendor, client, company, author, person) the
 *    first run of two to four capitalised words, and fields named like an identifier (id, number,
 *    reference, code, invoice) the first token that mixes capitals or digits with a dash
 *    (`INV-2026-001`); `int`, `bool` and `json` need a label;
 * 3. a value outside `fixed_list`, `min` or `max` is no value (null).
 */
import type { Passage } from '../intelligence/engine/chunk.js';
import type { MetadataCitation, MetadataField } from '../store/metadata-model.js';

export interface ExtractedValue {
  key: string;
  value: unknown;
  citation: MetadataCitation | null;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_PATTERNS: { re: RegExp; parse: (m: RegExpExecArray) => [number, number, number] }[] = [
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/, parse: (m) => [+m[1]!, +m[2]!, +m[3]!] },
  { re: new RegExp(`\\b${MONTH_RE}\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})\\b`, 'i'), parse: (m) => [+m[3]!, monthOf(m[1]!), +m[2]!] },
  { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? ${MONTH_RE}\\.?,? (\\d{4})\\b`, 'i'), parse: (m) => [+m[3]!, monthOf(m[2]!), +m[1]!] },
  // CHOICE: D/M/YYYY (day first) unless the first number cannot be a day-of-month pairing that way
  { re: /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/, parse: (m) => (+m[2]! > 12 ? [+m[3]!, +m[1]!, +m[2]!] : [+m[3]!, +m[2]!, +m[1]!]) },
];
const AMOUNT_RE =
  /(?:[$€£¥]\s?|\b(?:USD|EUR|GBP|CAD|AUD|JPY|CHF)\s?)(-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?)|\b(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d{2})\b/;
const URL_RE = /\bhttps?:\/\/[^\s<>"')\]]+/i;
const NAME_RE = /\b([A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|[A-Z]\.)){1,3})\b/;
const IDENT_RE = /\b([A-Z0-9]*[A-Z][A-Z0-9]*[-_/][A-Z0-9][A-Z0-9-_/]*\d[A-Z0-9]*|[A-Z]{2,}\d{3,})\b/;
const NAME_FIELD = /(name|party|parties|vendor|client|customer|company|author|person|signatory|supplier|buyer|seller)/i;
const IDENT_FIELD = /(^id$|_id$|\bid\b|number|reference|ref\b|code|invoice|identifier|serial)/i;
const SNIPPET_CHARS = 160;

function monthOf(s: string): number {
  const k = s.toLowerCase().slice(0, 3);
  return MONTHS.findIndex((m) => m.startsWith(k)) + 1;
}

function isoDate([y, m, d]: [number, number, number]): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return dt.toISOString().slice(0, 10);
}

function findDate(text: string): { value: string; index: number } | null {
  let best: { value: string; index: number } | null = null;
  for (const p of DATE_PATTERNS) {
    const m = p.re.exec(text);
    if (!m) continue;
    const value = isoDate(p.parse(m));
    if (value && (!best || m.index < best.index)) best = { value, index: m.index };
  }
  return best;
}

function findAmount(text: string): { value: number; index: number } | null {
  const m = AMOUNT_RE.exec(text);
  if (!m) return null;
  const n = Number((m[1] ?? m[2])!.replace(/,/g, ''));
  return Number.isFinite(n) ? { value: n, index: m.index } : null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The field's name as the words a label in the text would use. */
export function labelWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

/** Parse a raw text value by the field's type; null when it does not parse. */
export function parseTyped(field: MetadataField, raw: string): unknown {
  const text = raw.trim();
  if (text.length === 0) return null;
  switch (field.type) {
    case 'datetime':
      return findDate(text)?.value ?? null;
    case 'float': {
      const a = findAmount(text);
      if (a) return a.value;
      const m = /-?\d+(?:\.\d+)?/.exec(text.replace(/,/g, ''));
      return m ? Number(m[0]) : null;
    }
    case 'int': {
      const m = /-?\d[\d,]*/.exec(text);
      return m ? Number.parseInt(m[0].replace(/,/g, ''), 10) : null;
    }
    case 'bool': {
      const w = text
        .toLowerCase()
        .split(/\s+/)[0]!
        .replace(/[^a-z]/g, '');
      if (['yes', 'true', 'y', 'signed', 'approved', 'paid'].includes(w)) return true;
      if (['no', 'false', 'n', 'unsigned', 'rejected', 'unpaid'].includes(w)) return false;
      return null;
    }
    case 'url':
      return URL_RE.exec(text)?.[0] ?? null;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return null;
      }
    case 'string':
      return text.replace(/[.;,]+$/, '').slice(0, 500);
  }
}

function withinConstraints(field: MetadataField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.fixedList && field.fixedList.length > 0) {
    const hit = field.fixedList.find((o) => o.toLowerCase() === String(value).toLowerCase());
    return hit ?? null;
  }
  if (typeof value === 'number') {
    if (field.min !== null && value < field.min) return null;
    if (field.max !== null && value > field.max) return null;
  }
  if (typeof value === 'string' && field.max !== null && field.type === 'string' && value.length > field.max) return value.slice(0, field.max);
  return value;
}

function snippetAt(text: string, index: number): string {
  const start = Math.max(0, text.lastIndexOf('\n', index) + 1, index - 40);
  return text
    .slice(start, start + SNIPPET_CHARS)
    .replace(/\s+/g, ' ')
    .trim();
}

function cite(p: Passage, index: number): MetadataCitation {
  return { page: p.page, chunk: p.ordinal, snippet: snippetAt(p.text, index) };
}

type Hit = { value: unknown; citation: MetadataCitation } | null;

function firstIn(passages: readonly Passage[], find: (text: string) => { value: unknown; index: number } | null): Hit {
  for (const p of passages) {
    const hit = find(p.text);
    if (hit && hit.value !== null) return { value: hit.value, citation: cite(p, hit.index) };
  }
  return null;
}

function byLabel(field: MetadataField, passages: readonly Passage[]): Hit {
  const words = labelWords(field.name);
  if (words.length === 0) return null;
  const label = new RegExp(`(?:^|\\n|\\b)${words.map(escapeRe).join('[\\s_\\-]+')}\\s*(?::|=|-|–|—)\\s*([^\\n]+)`, 'i');
  return firstIn(passages, (text) => {
    const m = label.exec(text);
    if (!m) return null;
    const value = withinConstraints(field, parseTyped(field, m[1]!));
    return value === null ? null : { value, index: m.index };
  });
}

function byType(field: MetadataField, passages: readonly Passage[]): Hit {
  if (field.fixedList && field.fixedList.length > 0) {
    const options = field.fixedList;
    return firstIn(passages, (text) => {
      let best: { value: string; index: number } | null = null;
      for (const o of options) {
        const m = new RegExp(`\\b${escapeRe(o)}\\b`, 'i').exec(text);
        if (m && (!best || m.index < best.index)) best = { value: o, index: m.index };
      }
      return best;
    });
  }
  const found = (re: RegExp, text: string) => {
    const m = re.exec(text);
    return m ? { value: m[1] ?? m[0], index: m.index } : null;
  };
  switch (field.type) {
    case 'datetime':
      return firstIn(passages, findDate);
    case 'float':
      return firstIn(passages, (t) => {
        const a = findAmount(t);
        return a && withinConstraints(field, a.value) !== null ? a : null;
      });
    case 'url':
      return firstIn(passages, (t) => found(URL_RE, t));
    case 'string':
      if (IDENT_FIELD.test(field.name)) return firstIn(passages, (t) => found(IDENT_RE, t));
      if (NAME_FIELD.test(field.name)) return firstIn(passages, (t) => found(NAME_RE, t));
      return null;
    default:
      return null;
  }
}

/** The values of `fields` found in `passages` (a field with nothing found is null, uncited). */
export function extractValues(fields: readonly MetadataField[], passages: readonly Passage[]): ExtractedValue[] {
  return fields.map((field) => {
    const hit = byLabel(field, passages) ?? byType(field, passages);
    return hit ? { key: field.name, value: hit.value, citation: hit.citation } : { key: field.name, value: null, citation: null };
  });
}

/** Labelled lines of a text (`Label: value`), for field suggestions: label words and raw value. */
export function labelledLines(text: string): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z][A-Za-z ]{1,40}?)\s*:\s*(\S.{0,200})$/.exec(line);
    if (m && m[1]!.trim().split(/\s+/).length <= 4) out.push({ label: m[1]!.trim(), value: m[2]!.trim() });
  }
  return out;
}

/** The type a raw value reads as (for suggestions). */
export function inferType(value: string): MetadataField['type'] {
  if (findDate(value)) return 'datetime';
  if (/^(yes|no|true|false)$/i.test(value.trim())) return 'bool';
  if (URL_RE.test(value)) return 'url';
  if (/^-?\d+$/.test(value.trim().replace(/,/g, ''))) return 'int';
  if (findAmount(value)) return 'float';
  return 'string';
}
