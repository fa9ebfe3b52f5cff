/**
 * Text extraction and page counting for ingestion. Page counts drive the ingestion charge
 * (10 credits a page), so they must be the same every time for the same bytes.
 *
 * Contract: `extractDocument` never throws and always settles. Parsers run with a deadline, page
 * and text caps, and without any access to the network or the filesystem.
 */
import { classifyDocument, type DocumentKind } from './document-types.js';

export { detectMimetype, type DocumentKind } from './document-types.js';

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
  /** `unsupported_type`, or `parse_error: <why>` (corrupt, encrypted, too large, timed out). */
  reason: string;
}

export type ExtractResult = ExtractSuccess | ExtractFailure;

export interface ExtractLimits {
  /** Wall-clock budget for one document's parser. */
  timeoutMs: number;
  /** Pages after this many are neither read nor charged. */
  maxPages: number;
  /** Total characters kept over all pages. */
  maxTextChars: number;
  /** A DOCX whose zip entries would inflate beyond this is refused before unzipping (zip bombs). */
  maxDocxInflatedBytes: number;
}

/**
 * PARITY: CHOICE. The live service's limits are not published. Pages past the 2,000th are neither
 * indexed nor charged, and a parser gets 10 s; the result says `truncated` when a cap bit.
 */
export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({
  timeoutMs: 10_000,
  maxPages: 2_000,
  maxTextChars: 6_000_000,
  maxDocxInflatedBytes: 256 * 1024 * 1024,
});

/**
 * PARITY: CHOICE. Fast.io charges ingestion per page and does not say how it counts pages of
 * formats that have none. The emulator cuts text formats and DOCX into pages of 3,000 characters
 * (Unicode code points), at least one page per file, so an empty text file costs one page.
 * Unverified against live billing.
 */
export const CHARACTERS_PER_PAGE = 3_000;

export const UNSUPPORTED_TYPE = 'unsupported_type';

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

class DeadlineExceeded extends Error {}

function parseErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim() || 'unknown error';
  return `parse_error: ${oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine}`;
}

/**
 * Rejects with DeadlineExceeded when `deadline` (epoch ms) passes first. This bounds parsers that
 * are slow between awaits; it cannot interrupt synchronous work that never yields (see the note on
 * extractPdf).
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

function decodeText(bytes: Uint8Array, limits: ExtractLimits): { text: string; truncated: boolean } {
  // Enough bytes for every page the caps allow (UTF-8 needs at most 4 bytes a code point); a
  // 1 GB log file is not decoded whole just to throw most of it away.
  const byteBudget = limits.maxPages * CHARACTERS_PER_PAGE * 4 + 4;
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
 * loaders above. With no `worker` given, PDF.js in Node runs its parser on this thread.
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

/**
 * PDF.js in Node runs its parser on the main thread with promise hand-offs between stages, so the
 * deadline is checked at every hand-off (document open, each page, each page's text). A single
 * pathological content stream that loops without yielding could still hold the thread; isolating
 * that would need a worker thread per document, which this engine does not do yet.
 */
async function extractPdf(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
  const deadline = Date.now() + limits.timeoutMs;
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // PDF.js transfers (detaches) the buffer it is given; the caller keeps its bytes.
  const task = pdfjs.getDocument({ ...OFFLINE_PDF_OPTIONS, data: new Uint8Array(bytes) });
  try {
    const pdf = await beforeDeadline(task.promise, deadline);
    const pageCount = Math.min(pdf.numPages, limits.maxPages);
    const pages: string[] = [];
    let characters = 0;
    for (let pageNumber = 1; pageNumber <= pageCount && characters < limits.maxTextChars; pageNumber++) {
      const page = await beforeDeadline(pdf.getPage(pageNumber), deadline);
      const content = await beforeDeadline(page.getTextContent(), deadline);
      const text = textOfPdfPage(content.items);
      pages.push(text);
      characters += text.length;
      page.cleanup();
    }
    return capPages(pages, limits, pdf.numPages > pages.length);
  } finally {
    // Not awaited: after a timeout the worker may be busy, and the caller should not wait for it.
    task.destroy().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// DOCX

const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP_CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/**
 * Sum of the uncompressed sizes a zip's central directory declares, read without inflating
 * anything. ZIP64 archives (sizes of 0xFFFFFFFF) count as infinite: no real DOCX needs them.
 */
function declaredInflatedSize(bytes: Uint8Array): number {
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
  const entries = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  let total = 0;
  for (let entry = 0; entry < entries; entry++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== ZIP_CENTRAL_DIRECTORY_ENTRY) {
      throw new ParseError('corrupt zip central directory');
    }
    const inflated = view.getUint32(offset + 24, true);
    if (inflated === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += inflated;
    offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return total;
}

async function extractDocx(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
  const deadline = Date.now() + limits.timeoutMs;
  if (declaredInflatedSize(bytes) > limits.maxDocxInflatedBytes) {
    throw new ParseError(`the document would inflate beyond ${limits.maxDocxInflatedBytes} bytes`);
  }
  const { default: mammoth } = await import('mammoth');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // extractRawText reads only the zip given: no external images or linked files.
  const result = await beforeDeadline(mammoth.extractRawText({ buffer }), deadline);
  return capPages(paginateText(result.value.trim()), limits);
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads a stored file into page texts. `name` and `mimetype` decide the format (see
 * classifyDocument); `limits` defaults to DEFAULT_EXTRACT_LIMITS.
 */
export async function extractDocument(bytes: Uint8Array, name: string, mimetype?: string, limits: Partial<ExtractLimits> = {}): Promise<ExtractResult> {
  const effectiveLimits: ExtractLimits = { ...DEFAULT_EXTRACT_LIMITS, ...limits };
  try {
    const { kind, mimetype: resolvedMimetype } = classifyDocument(name, mimetype, bytes);
    if (kind === undefined) return { ok: false, reason: UNSUPPORTED_TYPE };
    let extracted: CappedPages;
    if (kind === 'pdf') {
      extracted = await extractPdf(bytes, effectiveLimits);
    } else if (kind === 'docx') {
      extracted = await extractDocx(bytes, effectiveLimits);
    } else {
      const { text, truncated } = decodeText(bytes, effectiveLimits);
      extracted = capPages(paginateText(text), effectiveLimits, truncated);
    }
    // A PDF with zero pages is not a document anyone can search; treat it like a corrupt file.
    if (extracted.pages.length === 0) return { ok: false, reason: 'parse_error: the document has no pages' };
    return { ok: true, kind, mimetype: resolvedMimetype, pages: extracted.pages, truncated: extracted.truncated };
  } catch (error) {
    if (error instanceof DeadlineExceeded) {
      return { ok: false, reason: `parse_error: timed out after ${effectiveLimits.timeoutMs} ms` };
    }
    if (error instanceof ParseError) return { ok: false, reason: `parse_error: ${error.message}` };
    return { ok: false, reason: describeParserError(error) };
  }
}
