/**
 * Hostile documents, made here from scratch (issue 14 item 1): each is a few kilobytes to a few
 * megabytes on the wire and expands, once parsed, into something no parser should be allowed to
 * build. Zips are written by hand (the DOCX classes need central directories that lie and parts
 * no Word writer emits); PDFs with pdf-lib, with streams compressed by node:zlib.
 */
import { crc32, createDeflate, deflateRawSync } from 'node:zlib';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';

interface ZipPart {
  name: string;
  data: Buffer;
  /** what the central directory claims the part inflates to (default: the truth) */
  declaredSize?: number;
}

/** A deflated zip of `parts`, sizes as declared. */
export function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const compressed = deflateRawSync(part.data, { level: 9 });
    const crc = crc32(part.data);
    const size = part.declaredSize ?? part.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(compressed.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const WORD_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const PACKAGE_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

/** A minimal DOCX whose body is `body` repeated `times` (prefix `w`, or `prefix` bound to the same namespace). */
export function docxOf(body: string, times: number, o: { prefix?: string; declaredSize?: number } = {}): Buffer {
  const prefix = o.prefix ?? 'w';
  const document = Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${prefix}:document xmlns:${prefix}="${WORD_NS}"><${prefix}:body>`),
    Buffer.from(body.repeat(times)),
    Buffer.from(`</${prefix}:body></${prefix}:document>`),
  ]);
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(PACKAGE_RELS) },
    { name: 'word/document.xml', data: document, ...(o.declaredSize !== undefined ? { declaredSize: o.declaredSize } : {}) },
  ]);
}

/** zlib-deflated `totalBytes` of `fill`, streamed: the inflated form is never held in memory. */
export async function deflatedRepeat(fill: number, totalBytes: number): Promise<Buffer> {
  const piece = Buffer.alloc(Math.min(totalBytes, 16 * 1024 * 1024), fill);
  const deflater = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    deflater.once('end', resolve);
    deflater.once('error', reject);
  });
  for (let written = 0; written < totalBytes; written += piece.length) {
    const slice = piece.subarray(0, Math.min(piece.length, totalBytes - written));
    if (!deflater.write(slice)) await new Promise<void>((resolve) => deflater.once('drain', resolve));
  }
  deflater.end();
  await ended;
  return Buffer.concat(out);
}

/**
 * A one-page PDF whose content stream is `compressed` under `filters` (the first filter is
 * undone first), written as is.
 */
export async function pdfWithContentStream(compressed: Uint8Array, filters: readonly string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([200, 200]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  page.setFont(font);
  const stream = pdf.context.stream(compressed, { Filter: filters.length === 1 ? filters[0]! : filters.map((f) => PDFName.of(f)) });
  page.node.set(PDFName.of('Contents'), pdf.context.register(stream));
  return pdf.save({ useObjectStreams: false });
}

/**
 * A PDF of `pages` blank pages, written directly (pdf-lib takes most of a minute for 20,000): a
 * catalog, one page tree listing every page, and a classic cross-reference table.
 */
export function pdfOfPages(pages: number): Uint8Array {
  const parts: string[] = ['%PDF-1.4\n'];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  const add = (text: string) => {
    offsets.push(length);
    parts.push(text);
    length += text.length;
  };
  add('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ');
  add(`2 0 obj\n<< /Type /Pages /Kids [${kids}] /Count ${pages} >>\nendobj\n`);
  for (let i = 0; i < pages; i++) add(`${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>\nendobj\n`);
  const xref = length;
  const rows = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(`xref\n0 ${pages + 3}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${pages + 3} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

/** Bytes as uppercase hex (ASCIIHexDecode), `>` terminated. */
export function asciiHex(bytes: Uint8Array): Uint8Array {
  return Buffer.from(Buffer.from(bytes).toString('hex').toUpperCase() + '>');
}
