/**
 * The PDF parser: PDF.js, offline, run on the calling thread, after a scan of the raw file that
 * refuses a document whose Flate streams inflate or whose page tree counts past the limits (PDF.js
 * would hold every decoded stream outside the JS heap). Called by parseInThisThread
 * (parse-document.ts), that is inside a parser worker.
 */
import { createInflate } from 'node:zlib';
import {
  beforeDeadline,
  capPages,
  INFLATE_OPTIONS,
  inflateBounded,
  LimitExceeded,
  parseErrorReason,
  type CappedPages,
  type ExtractLimits,
} from './parse-limits.js';

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

export function describeParserError(error: unknown): string {
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
 * An ASCIIHexDecode stream (hex digits and white space up to `>`), decoded; undefined when the
 * stream is not one. Decoding halves the bytes, so it cannot itself expand anything.
 */
function hexDecoded(data: Buffer): Buffer | undefined {
  const text = data.toString('latin1');
  const close = text.indexOf('>');
  const digits = (close < 0 ? text : text.slice(0, close)).replace(/\s+/g, '');
  if (digits.length < 4 || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  return Buffer.from(digits.length % 2 === 1 ? `${digits}0` : digits, 'hex');
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
 * them. A Flate stream behind an ASCIIHexDecode (the chain [ASCIIHexDecode FlateDecode]) is
 * decoded and counted the same way; streams under other filters (LZW, ASCII85, encryption) are
 * left to the worker's memory limits and its timer.
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
    const end = buffer.indexOf(END_STREAM_KEYWORD, start);
    let data: Buffer | undefined = buffer.subarray(start, end < 0 ? buffer.length : end);
    if (!looksLikeZlib(data, 0)) data = hexDecoded(data);
    if (!data || !looksLikeZlib(data, 0)) continue;
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

export async function extractPdf(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
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
