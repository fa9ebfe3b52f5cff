/**
 * The entry to the document parsers: picks the parser for a document's kind (parse-pdf.ts,
 * parse-docx.ts, or the text decoding here) and turns every failure into a reason. The limits that
 * bound what one document may expand to are in parse-limits.ts. This module is what a parser worker
 * runs (parse-worker.ts); the emulator's event loop never calls it for an ingested file (see
 * parser-pool.ts). It is importable in any thread so the parsers can be unit-tested directly.
 *
 * Contract: `parseInThisThread` never throws and always settles.
 */
import type { DocumentKind } from './document-types.js';
import { extractDocx } from './parse-docx.js';
import {
  CHARACTERS_PER_PAGE,
  capPages,
  DeadlineExceeded,
  paginateText,
  ParseError,
  timedOutReason,
  type CappedPages,
  type ExtractLimits,
  type ParseOutcome,
} from './parse-limits.js';
import { describeParserError, extractPdf } from './parse-pdf.js';

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
