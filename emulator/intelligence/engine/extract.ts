/**
 * Text extraction and page counting for ingestion. Page counts drive the ingestion charge
 * (10 credits a page), so they must be the same every time for the same bytes.
 *
 * Contract: `extractDocument` never throws and always settles. The format is decided here (cheap:
 * the name, the mimetype, at most 8 KiB of bytes); the reading itself is done by a `DocumentParsers`.
 * The emulator passes its ParserPool (parser-pool.ts): PDF, DOCX and large text files are parsed in
 * worker threads with a memory limit, a wall-clock limit and limits on what a document may expand
 * to, so no document can stall or exhaust the process that serves every tenant.
 */
import { classifyDocument, type DocumentKind } from './document-types.js';
import { parseInThisThread } from './parse-document.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ParseOutcome } from './parse-limits.js';

export { detectMimetype, type DocumentKind } from './document-types.js';
export { CHARACTERS_PER_PAGE, DEFAULT_EXTRACT_LIMITS, paginateText, type ExtractLimits } from './parse-limits.js';

export interface ExtractSuccess {
  ok: true;
  kind: DocumentKind;
  mimetype: string;
  /**
   * Text of each ingested page; `pages.length` is the page count to charge. At least one page,
   * possibly empty (a scanned PDF page, an empty text file). PARITY: ingestion costs 10 credits
   * a page (agent guide v1.29); a PDF's pages are its own pages.
   */
  pages: string[];
  /** True when the document had more pages or text than the limits let through. */
  truncated: boolean;
}

export interface ExtractFailure {
  ok: false;
  /**
   * `unsupported_type`, or `parse_error: <why>`: corrupt, encrypted, timed out, or over a limit,
   * in which case it names the limit (`parse_error: limit pages>10000`).
   */
  reason: string;
}

export type ExtractResult = ExtractSuccess | ExtractFailure;

export const UNSUPPORTED_TYPE = 'unsupported_type';

/** Who reads a document of a known kind: the emulator's worker pool, or this thread (unit tests). */
export interface DocumentParsers {
  parse(bytes: Uint8Array, kind: DocumentKind, limits: ExtractLimits): Promise<ParseOutcome>;
}

/**
 * Parsing on the calling thread: what a parser worker does inside itself, and what the unit tests
 * of the parsers use. The emulator never hands it an uploaded file (its ingestion passes the pool).
 */
export const PARSE_IN_THIS_THREAD: DocumentParsers = Object.freeze({ parse: parseInThisThread });

/**
 * Reads a stored file into page texts. `name` and `mimetype` decide the format (see
 * classifyDocument); `limits` defaults to DEFAULT_EXTRACT_LIMITS; `parsers` to this thread.
 */
export async function extractDocument(
  bytes: Uint8Array,
  name: string,
  mimetype?: string,
  limits: Partial<ExtractLimits> = {},
  parsers: DocumentParsers = PARSE_IN_THIS_THREAD,
): Promise<ExtractResult> {
  const effectiveLimits: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  try {
    const { kind, mimetype: resolvedMimetype } = classifyDocument(name, mimetype, bytes);
    if (kind === undefined) return { ok: false, reason: UNSUPPORTED_TYPE };
    const extracted = await parsers.parse(bytes, kind, effectiveLimits);
    if (!extracted.ok) return extracted;
    // A PDF with zero pages is not a document anyone can search; treat it like a corrupt file.
    if (extracted.pages.length === 0) return { ok: false, reason: 'parse_error: the document has no pages' };
    return { ok: true, kind, mimetype: resolvedMimetype, pages: extracted.pages, truncated: extracted.truncated };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `parse_error: ${message.replace(/\s+/g, ' ').trim().slice(0, 200) || 'unknown error'}` };
  }
}
