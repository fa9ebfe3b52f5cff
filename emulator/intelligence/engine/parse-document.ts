/**
 * The document parsers themselves (PDF.js, mammoth, text decoding), with the limits that bound what
 * one document may expand to, checked while it is read. This module is what a parser worker runs
 * (parse-worker.ts); the emulator's event loop never calls it for an ingested file (see
 * parser-pool.ts). It is importable in any thread so the parsers can be unit-tested directly.
 *
 * Contract: `parseInThisThread` never throws and always settles.
 */
import { createInflate, createInflateRaw, type Inflate, type InflateRaw } from 'node:zlib';
import type { DocumentKind } from './document-types.js';

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

class ParseError extends Error {}

/**
 * A document over one of the limits. The reason names the limit and its value
 * (`parse_error: limit pages>10000`), so a user can tell a refusal from a broken file.
 */
class LimitExceeded extends ParseError {
  constructor(limit: string, value: number) {
    super(`limit ${limit}>${value}`);
  }
}

class DeadlineExceeded extends Error {}

export function timedOutReason(timeoutMs: number): string {
  return `parse_error: timed out after ${timeoutMs} ms`;
}

function parseErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return `parse_error: ${oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine}`;
}

/**
 * Rejects with DeadlineExceeded when `deadline` (epoch ms) passes first. Inside a parser worker the
 * pool's timer is what really bounds a parser (it terminates the worker, however busy); this check
 * makes a slow-between-awaits parser answer with the same reason without losing its worker.
 */
async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
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

interface CappedPages {
  pages: string[];
  truncated: boolean;
}

function capPages(pages: string[], limits: ExtractLimits, alreadyTruncated = false): CappedPages {
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

// ---------------------------------------------------------------------------------------------
// Plain text formats

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

function hasPrefix(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** Index at or before `limit` that does not fall inside a UTF-8 multi-byte sequence. */
function utf8Boundary(bytes: Uint8Array, limit: number): number {
  let end = Math.min(limit, bytes.length);
  while (end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}

/**
 * Bytes a text file may have decoded: enough for every page the caps allow (UTF-8 needs at most
 * 4 bytes a code point). A 1 GB log file is not decoded whole just to throw most of it away.
 */
export function textByteBudget(limits: ExtractLimits): number {
  return Math.min(limits.maxPages * CHARACTERS_PER_PAGE, limits.maxTextChars) * 4 + 4;
}

function decodeText(bytes: Uint8Array, limits: ExtractLimits): { text: string; truncated: boolean } {
  const byteBudget = textByteBudget(limits);
  if (hasPrefix(bytes, UTF16LE_BOM) || hasPrefix(bytes, UTF16BE_BOM)) {
    const encoding = hasPrefix(bytes, UTF16LE_BOM) ? 'utf-16le' : 'utf-16be';
    const end = Math.min(bytes.length, byteBudget) & ~1;
    return { text: new TextDecoder(encoding).decode(bytes.subarray(0, end)), truncated: end < bytes.length };
  }
  const body = hasPrefix(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (body.subarray(0, 8192).includes(0)) throw new ParseError('binary content in a text file');
  const end = utf8Boundary(body, byteBudget);
  // Invalid sequences become U+FFFD rather than failing: a stray Latin-1 byte should not make a
  // whole notes file unsearchable.
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body.subarray(0, end)), truncated: end < body.length };
}

// ---------------------------------------------------------------------------------------------
// Streaming inflation with a byte cap (DOCX parts, PDF streams)

/**
 * Inflates `compressed` in 64 KiB pieces, handing each to `onChunk`, and stops as soon as
 * `onChunk` returns false (a limit was reached): a zip bomb costs at most one piece of memory
 * beyond the cap, never its inflated size. Resolves with whether it ran to the end; a corrupt
 * stream resolves false (the real parser reports it).
 */
function inflateBounded(inflater: Inflate | InflateRaw, compressed: Uint8Array, onChunk: (chunk: Buffer) => boolean): Promise<boolean> {
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

const INFLATE_OPTIONS = { chunkSize: 64 * 1024 } as const;

// ---------------------------------------------------------------------------------------------
// PDF

interface PdfTextRun {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

function isTextRun(item: unknown): item is PdfTextRun {
  return typeof item === 'object' && item !== null && typeof (item as { str?: unknown }).str === 'string';
}

/**
 * Rebuilds reading text from PDF.js text runs: a run that starts on another baseline begins a new
 * line, and a horizontal gap between runs on one line becomes a space (PDF generators often draw
 * words separately and put no space character between them).
 */
function textOfPdfPage(items: readonly unknown[]): string {
  let text = '';
  let previous: { y: number; endX: number; height: number } | undefined;
  for (const item of items) {
    if (!isTextRun(item)) continue;
    if (item.str === '') {
      // Empty runs only mark line ends; their position is not meaningful.
      if (item.hasEOL && text !== '' && !text.endsWith('\n')) text += '\n';
      continue;
    }
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    if (previous !== undefined && text !== '' && !text.endsWith('\n')) {
      const lineTolerance = Math.max(1, previous.height * 0.5);
      if (Math.abs(y - previous.y) > lineTolerance) {
        text += '\n';
      } else if (x - previous.endX > Math.max(1, previous.height * 0.15) && !/\s$/.test(text) && !/^\s/.test(item.str)) {
        text += ' ';
      }
    }
    text += item.str;
    if (item.hasEOL) text += '\n';
    previous = { y, endX: x + item.width, height: item.height || previous?.height || 0 };
  }
  return text.replace(/[ \t]+\n/g, '\n').trim();
}

/**
 * Stands in for PDF.js's font and CMap loaders. The defaults read files from disk (Node) or fetch
 * URLs; a document must not make the emulator touch either, so every request is refused and
 * PDF.js falls back to its built-in metrics, which is all text extraction needs.
 */
class RefusingResourceFactory {
  async fetch(): Promise<never> {
    throw new Error('external PDF resources are disabled in the emulator');
  }
}

/**
 * PDF.js options for untrusted bytes in Node: no eval of embedded font programs, no system fonts,
 * no range or stream fetching, no XFA forms, errors tolerated page by page, and the resource
 * loaders above. With no `worker` given, PDF.js in Node runs its parser on the calling thread
 * (inside a parser worker, that is the worker's thread).
 */
const OFFLINE_PDF_OPTIONS = {
  isEvalSupported: false,
  disableFontFace: true,
  useSystemFonts: false,
  useWorkerFetch: false,
  disableRange: true,
  disableStream: true,
  disableAutoFetch: true,
  enableXfa: false,
  isOffscreenCanvasSupported: false,
  isImageDecoderSupported: false,
  stopAtErrors: false,
  verbosity: 0,
  CMapReaderFactory: RefusingResourceFactory,
  StandardFontDataFactory: RefusingResourceFactory,
} as const;

function describeParserError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'parse_error: the PDF is password protected';
  if (name === 'InvalidPDFException') return 'parse_error: invalid PDF structure';
  return parseErrorReason(error);
}

const STREAM_KEYWORD = Buffer.from('stream');
const END_STREAM_KEYWORD = Buffer.from('endstream');

/** A zlib (RFC 1950) header: deflate, a window of at most 32 KiB, and the check bits. */
function looksLikeZlib(bytes: Uint8Array, at: number): boolean {
  const cmf = bytes[at];
  const flg = bytes[at + 1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * The largest `/Count` of a page tree node in `text` (what PDF.js reports as the page count, read
 * from the root of the tree), carried across pieces by `PageCountScanner`.
 */
const PAGE_COUNT = /\/Count\s+(\d{1,12})/g;

class PageCountScanner {
  largest = 0;
  private carry = '';

  feed(chunk: Uint8Array): void {
    const text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    for (const match of text.matchAll(PAGE_COUNT)) this.largest = Math.max(this.largest, Number(match[1]));
    // A `/Count 20000` cut by the piece's end is read whole with the next piece.
    this.carry = text.slice(-24);
  }
}

/**
 * Before PDF.js opens the file, which already walks the page tree (20,000 pages take it longer
 * than the deadline): inflates every Flate stream of the file (found by its `stream` keyword and
 * zlib header, without parsing the PDF), refusing the document once they add up past
 * `maxPdfInflatedBytes`, and reads the page tree's `/Count` in the file and in those streams
 * (object streams hide it), refusing a document that declares more than `maxDocumentPages`.
 * PDF.js keeps a decoded stream whole, in memory outside the JS heap (where the worker's heap limit
 * does not reach), so a few megabytes that inflate to gigabytes must be stopped before it sees
 * them. Streams under another filter (LZW, a filter chain, encryption) are left to the worker's
 * memory limits and its timer.
 */
async function checkPdfExpansion(bytes: Uint8Array, limits: ExtractLimits): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pageCounts = new PageCountScanner();
  const refuseOverPages = () => {
    if (pageCounts.largest > limits.maxDocumentPages) throw new LimitExceeded('pages', limits.maxDocumentPages);
  };
  pageCounts.feed(buffer);
  refuseOverPages();
  let inflated = 0;
  let from = 0;
  for (;;) {
    const keyword = buffer.indexOf(STREAM_KEYWORD, from);
    if (keyword < 0) return;
    from = keyword + STREAM_KEYWORD.length;
    // `endstream` contains `stream`: only a keyword not preceded by "end" opens a stream.
    if (keyword >= 3 && buffer.toString('latin1', keyword - 3, keyword) === 'end') continue;
    let start = from;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] !== 0x0a) continue;
    start++;
    if (!looksLikeZlib(buffer, start)) continue;
    const end = buffer.indexOf(END_STREAM_KEYWORD, start);
    const data = buffer.subarray(start, end < 0 ? buffer.length : end);
    const streamCounts = new PageCountScanner();
    await inflateBounded(createInflate(INFLATE_OPTIONS), data, (chunk) => {
      inflated += chunk.length;
      streamCounts.feed(chunk);
      return inflated <= limits.maxPdfInflatedBytes && streamCounts.largest <= limits.maxDocumentPages;
    });
    if (inflated > limits.maxPdfInflatedBytes) throw new LimitExceeded('inflated_bytes', limits.maxPdfInflatedBytes);
    pageCounts.largest = Math.max(pageCounts.largest, streamCounts.largest);
    refuseOverPages();
    from = end < 0 ? buffer.length : end + END_STREAM_KEYWORD.length;
  }
}

interface PdfTextStreamPage {
  streamTextContent(): ReadableStream<{ items: readonly unknown[] }>;
  cleanup(): void;
}

/**
 * One page's text runs, read as PDF.js produces them and no further than `budget` characters: a
 * page whose content stream draws millions of glyphs stops at the text cap instead of building
 * every run first. Returns the runs and whether the page was cut.
 */
async function pageRuns(page: PdfTextStreamPage, budget: number, deadline: number): Promise<{ items: unknown[]; cut: boolean }> {
  const reader = page.streamTextContent().getReader();
  const items: unknown[] = [];
  let characters = 0;
  try {
    for (;;) {
      const { done, value } = await beforeDeadline(reader.read(), deadline);
      if (done) return { items, cut: false };
      for (const item of value.items) {
        items.push(item);
        if (isTextRun(item)) characters += item.str.length;
      }
      if (characters > budget) return { items, cut: true };
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

async function extractPdf(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
  const deadline = Date.now() + limits.timeoutMs;
  await beforeDeadline(checkPdfExpansion(bytes, limits), deadline);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // PDF.js transfers (detaches) the buffer it is given; the caller keeps its bytes.
  const task = pdfjs.getDocument({ ...OFFLINE_PDF_OPTIONS, data: new Uint8Array(bytes) });
  try {
    const pdf = await beforeDeadline(task.promise, deadline);
    // Again from PDF.js, which also knows trees whose count the scan above could not see.
    if (pdf.numPages > limits.maxDocumentPages) throw new LimitExceeded('pages', limits.maxDocumentPages);
    const pageCount = Math.min(pdf.numPages, limits.maxPages);
    const pages: string[] = [];
    let characters = 0;
    let cut = false;
    for (let pageNumber = 1; pageNumber <= pageCount && characters < limits.maxTextChars; pageNumber++) {
      const page = await beforeDeadline(pdf.getPage(pageNumber), deadline);
      const runs = await pageRuns(page, limits.maxTextChars - characters, deadline);
      const text = textOfPdfPage(runs.items);
      pages.push(text);
      characters += text.length;
      cut ||= runs.cut;
      page.cleanup();
    }
    return capPages(pages, limits, cut || pdf.numPages > pages.length);
  } finally {
    // Not awaited: after a timeout the parser may be busy, and the caller should not wait for it.
    task.destroy().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// DOCX

const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP_CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const ZIP_LOCAL_FILE_HEADER = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  inflatedSize: number;
  localHeaderOffset: number;
}

/** The zip's central directory, read without inflating anything. */
function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.length - 22; i >= earliest; i--) {
    if (view.getUint32(i, true) === ZIP_END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ParseError('not a DOCX (zip) archive');
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const entries: ZipEntry[] = [];
  for (let entry = 0; entry < count; entry++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== ZIP_CENTRAL_DIRECTORY_ENTRY) {
      throw new ParseError('corrupt zip central directory');
    }
    const nameLength = view.getUint16(offset + 28, true);
    entries.push({
      name: Buffer.from(bytes.buffer, bytes.byteOffset + offset + 46, Math.min(nameLength, bytes.length - offset - 46)).toString('utf8'),
      method: view.getUint16(offset + 10, true),
      compressedSize: view.getUint32(offset + 20, true),
      inflatedSize: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    });
    offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return entries;
}

/**
 * Sum of the uncompressed sizes the central directory declares. ZIP64 archives (sizes of
 * 0xFFFFFFFF) count as infinite: no real DOCX needs them.
 */
function declaredInflatedSize(entries: readonly ZipEntry[]): number {
  let total = 0;
  for (const entry of entries) {
    if (entry.inflatedSize === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += entry.inflatedSize;
  }
  return total;
}

/** The stored (possibly compressed) bytes of one entry, found through its local header. */
function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array | undefined {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(at, true) !== ZIP_LOCAL_FILE_HEADER) return undefined;
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  return bytes.subarray(start, Math.min(bytes.length, start + entry.compressedSize));
}

const LESS_THAN = 0x3c;

/**
 * Counts elements and `w:p` paragraphs in XML handed over in pieces, without building anything:
 * the tag name after each `<` is collected (across piece boundaries) and judged when it ends.
 * Closing tags, comments and processing instructions are not elements.
 */
class XmlCounter {
  elements = 0;
  paragraphs = 0;
  bytes = 0;
  private name: number[] | undefined;

  feed(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.name === undefined) {
        if (byte === LESS_THAN) this.name = [];
        continue;
      }
      // Whitespace, `>` and `/` end a tag name; 32 bytes are plenty to tell `w:p` apart.
      if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x3e || byte === 0x2f || this.name.length >= 32) {
        this.judge(this.name);
        this.name = byte === LESS_THAN ? [] : undefined;
      } else if (byte === LESS_THAN) {
        this.judge(this.name);
        this.name = [];
      } else {
        this.name.push(byte);
      }
    }
  }

  private judge(name: number[]): void {
    const first = name[0];
    // `</x`, `<?x`, `<!--`: not an element. A name starts with a letter, `_` or `:`.
    if (first === undefined || first === 0x2f || first === 0x3f || first === 0x21) return;
    this.elements++;
    if (name.length === 3 && first === 0x77 && name[1] === 0x3a && name[2] === 0x70) this.paragraphs++;
  }
}

/** The parts mammoth parses: every XML part and relationship list of the package. */
function isXmlPart(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.xml') || lower.endsWith('.rels');
}

/**
 * Inflates every XML part of the package with a streaming inflater, counting bytes, elements and
 * paragraphs as they come, and refuses the document as soon as one count passes its limit, before
 * mammoth (which builds a tree of the whole document, about 2 KB a node) sees it. The sizes the
 * zip declares are not trusted here: what counts is what actually inflates.
 */
async function checkDocxParts(bytes: Uint8Array, entries: readonly ZipEntry[], limits: ExtractLimits): Promise<void> {
  const counter = new XmlCounter();
  const over = (): LimitExceeded | undefined => {
    if (counter.bytes > limits.maxDocxXmlBytes) return new LimitExceeded('xml_bytes', limits.maxDocxXmlBytes);
    if (counter.paragraphs > limits.maxDocxParagraphs) return new LimitExceeded('paragraphs', limits.maxDocxParagraphs);
    if (counter.elements > limits.maxDocxXmlElements) return new LimitExceeded('xml_elements', limits.maxDocxXmlElements);
    return undefined;
  };
  for (const entry of entries) {
    if (!isXmlPart(entry.name)) continue;
    const data = entryData(bytes, entry);
    if (data === undefined) continue;
    if (entry.method === 0) {
      counter.feed(data);
    } else if (entry.method === 8) {
      await inflateBounded(createInflateRaw(INFLATE_OPTIONS), data, (chunk) => {
        counter.feed(chunk);
        return over() === undefined;
      });
    }
    const exceeded = over();
    if (exceeded) throw exceeded;
  }
}

async function extractDocx(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
  const deadline = Date.now() + limits.timeoutMs;
  const entries = zipEntries(bytes);
  if (declaredInflatedSize(entries) > limits.maxDocxInflatedBytes) {
    throw new ParseError(`the document would inflate beyond ${limits.maxDocxInflatedBytes} bytes`);
  }
  await beforeDeadline(checkDocxParts(bytes, entries, limits), deadline);
  const { default: mammoth } = await import('mammoth');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // extractRawText reads only the zip given: no external images or linked files.
  const result = await beforeDeadline(mammoth.extractRawText({ buffer }), deadline);
  return capPages(paginateText(result.value.trim()), limits);
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads a document of a known kind into page texts, on the calling thread. The emulator calls this
 * only inside a parser worker (parse-worker.ts), where the pool bounds its memory and its time.
 */
export async function parseInThisThread(bytes: Uint8Array, kind: DocumentKind, limits: ExtractLimits): Promise<ParseOutcome> {
  try {
    let extracted: CappedPages;
    if (kind === 'pdf') {
      extracted = await extractPdf(bytes, limits);
    } else if (kind === 'docx') {
      extracted = await extractDocx(bytes, limits);
    } else {
      const { text, truncated } = decodeText(bytes, limits);
      extracted = capPages(paginateText(text), limits, truncated);
    }
    return { ok: true, ...extracted };
  } catch (error) {
    if (error instanceof DeadlineExceeded) return { ok: false, reason: timedOutReason(limits.timeoutMs) };
    if (error instanceof ParseError) return { ok: false, reason: `parse_error: ${error.message}` };
    return { ok: false, reason: describeParserError(error) };
  }
}
