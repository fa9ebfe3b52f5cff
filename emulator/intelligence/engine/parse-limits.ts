/**
 * What bounds one document's parse, shared by every parser: the limits and their defaults, the
 * page cutting and capping, the deadline, the refusal errors, and a streaming inflater with a byte
 * cap. Kept apart from the parsers (parse-pdf.ts, parse-docx.ts) so the pool and the extractor can
 * read the limits without loading either parser.
 */
import type { Inflate, InflateRaw } from 'node:zlib';

export interface ExtractLimits {
  /** Wall-clock budget for one document's parser (a worker past it is terminated). */
  timeoutMs: number;
  /** Pages after this many are neither read nor charged (the result says `truncated`). */
  maxPages: number;
  /** A document declaring more pages than this is refused before any page is read. */
  maxDocumentPages: number;
  /** Total characters kept over all pages. */
  maxTextChars: number;
  /** A DOCX whose zip entries declare more than this inflated is refused before unzipping (zip bombs). */
  maxDocxInflatedBytes: number;
  /** The XML parts of a DOCX, inflated while counting, may not be longer than this in total. */
  maxDocxXmlBytes: number;
  /** Paragraphs (`<w:p>`) over all XML parts of a DOCX. */
  maxDocxParagraphs: number;
  /** Elements over all XML parts of a DOCX (what mammoth builds a tree of). */
  maxDocxXmlElements: number;
  /** Bytes the Flate streams of a PDF inflate to, in total. */
  maxPdfInflatedBytes: number;
}

/**
 * PARITY: CHOICE. The live service's limits are not published. Pages past the 2,000th are neither
 * indexed nor charged, and a parser gets 10 s; the result says `truncated` when a cap bit.
 *
 * The refusal limits are sized from what the parsers cost, measured on the 2-core CI machine:
 * mammoth holds about 2 KB of heap per XML element (100,000 one-run paragraphs, 300,000 elements:
 * 600 MB and 11 s), so 150,000 elements stay inside a parser worker's 512 MB heap and its 10 s.
 * A Word document of 1,000 ordinary pages has about that many elements; 10,000 PDF pages is five
 * times the pages that are ever read.
 */
export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  timeoutMs: 10_000,
  maxPages: 2_000,
  maxDocumentPages: 10_000,
  maxTextChars: 6_000_000,
  maxDocxInflatedBytes: 256 * 1024 * 1024,
  maxDocxXmlBytes: 64 * 1024 * 1024,
  maxDocxParagraphs: 50_000,
  maxDocxXmlElements: 150_000,
  maxPdfInflatedBytes: 256 * 1024 * 1024,
});

/**
 * PARITY: CHOICE. Fast.io charges ingestion per page and does not say how it counts pages of
 * formats that have none. The emulator cuts text formats and DOCX into pages of 3,000 characters
 * (Unicode code points), at least one page per file, so an empty text file costs one page.
 * Unverified against live billing.
 */
export const CHARACTERS_PER_PAGE = 3_000;

/** What a parser hands back: the pages (uncapped kinds already capped) or why it could not. */
export type ParseOutcome = { ok: true; pages: string[]; truncated: boolean } | { ok: false; reason: string };

/** Splits text into pages of `charactersPerPage` code points (never splitting a surrogate pair). */
export function paginateText(text: string, charactersPerPage: number = CHARACTERS_PER_PAGE): string[] {
  const pages: string[] = [];
  let pageStart = 0;
  let codePointsInPage = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by its low surrogate is one character: step over both.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    codePointsInPage++;
    if (codePointsInPage === charactersPerPage) {
      pages.push(text.slice(pageStart, i + 1));
      pageStart = i + 1;
      codePointsInPage = 0;
    }
  }
  if (pageStart < text.length || pages.length === 0) pages.push(text.slice(pageStart));
  return pages;
}

export class ParseError extends Error {}

/**
 * A document over one of the limits. The reason names the limit and its value
 * (`parse_error: limit pages>10000`), so a user can tell a refusal from a broken file.
 */
export class LimitExceeded extends ParseError {
  constructor(limit: string, value: number) {
    super(`limit ${limit}>${value}`);
  }
}

export class DeadlineExceeded extends Error {}

export function timedOutReason(timeoutMs: number): string {
  return `parse_error: timed out after ${timeoutMs} ms`;
}

export function parseErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return `parse_error: ${oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine}`;
}

/**
 * Rejects with DeadlineExceeded when `deadline` (epoch ms) passes first. Inside a parser worker the
 * pool's timer is what really bounds a parser (it terminates the worker, however busy); this check
 * makes a slow-between-awaits parser answer with the same reason without losing its worker.
 */
export async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  if (Date.now() >= deadline) {
    work.catch(() => undefined);
    throw new DeadlineExceeded('timed out');
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded('timed out')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CappedPages {
  pages: string[];
  truncated: boolean;
}

export function capPages(pages: string[], limits: ExtractLimits, alreadyTruncated = false): CappedPages {
  const truncated = alreadyTruncated || pages.length > limits.maxPages;
  const kept = pages.slice(0, limits.maxPages);
  let budget = limits.maxTextChars;
  for (let i = 0; i < kept.length; i++) {
    const page = kept[i] ?? '';
    if (page.length > budget) {
      // The page that crosses the budget is cut; the ones after it are not ingested at all.
      kept[i] = page.slice(0, budget);
      kept.length = budget > 0 || i === 0 ? i + 1 : i;
      return { pages: kept, truncated: true };
    }
    budget -= page.length;
  }
  return { pages: kept, truncated };
}

/**
 * Inflates `compressed` in 64 KiB pieces, handing each to `onChunk`, and stops as soon as
 * `onChunk` returns false (a limit was reached): a zip bomb costs at most one piece of memory
 * beyond the cap, never its inflated size. Resolves with whether it ran to the end; a corrupt
 * stream resolves false (the real parser reports it).
 */
export function inflateBounded(inflater: Inflate | InflateRaw, compressed: Uint8Array, onChunk: (chunk: Buffer) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (completed: boolean) => {
      if (settled) return;
      settled = true;
      inflater.removeAllListeners('data');
      inflater.destroy();
      resolve(completed);
    };
    inflater.on('data', (chunk: Buffer) => {
      if (!onChunk(chunk)) settle(false);
    });
    inflater.once('end', () => settle(true));
    inflater.once('error', () => settle(false));
    inflater.end(compressed);
  });
}

export const INFLATE_OPTIONS = { chunkSize: 64 * 1024 } as const;
