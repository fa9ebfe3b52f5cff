/**
 * The DOCX parser: mammoth, after the zip's central directory and every XML part (inflated while
 * counting) are checked against the limits, so a zip bomb or a million-paragraph document is refused
 * before mammoth builds its tree. Called by parseInThisThread (parse-document.ts), that is inside a
 * parser worker.
 */
import { createInflateRaw } from 'node:zlib';
import {
  beforeDeadline,
  capPages,
  INFLATE_OPTIONS,
  inflateBounded,
  LimitExceeded,
  paginateText,
  ParseError,
  type CappedPages,
  type ExtractLimits,
} from './parse-limits.js';

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

export async function extractDocx(bytes: Uint8Array, limits: ExtractLimits): Promise<CappedPages> {
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
