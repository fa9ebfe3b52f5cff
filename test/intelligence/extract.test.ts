import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHARACTERS_PER_PAGE, detectMimetype, extractDocument, paginateText, type ExtractResult } from '../../emulator/intelligence/engine/extract.js';
import { CONTRACT_DOCX_PARAGRAPHS, DATA_CSV, makeDocx, makePdf, NOTES_MD, THREE_PAGE_PDF_PAGES } from '../../scripts/make-fixture-docs.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');

async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(FIXTURES, name)));
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function pagesOf(result: ExtractResult): string[] {
  if (!result.ok) throw new Error(`extraction failed: ${result.reason}`);
  return result.pages;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Same bytes on every run: tests must be able to fail the same way twice. */
function seededBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('extractDocument: PDF', () => {
  it('reads the committed three-page PDF page by page', async () => {
    const result = await extractDocument(await fixture('three-page.pdf'), 'three-page.pdf');
    expect(result.ok && result.kind).toBe('pdf');
    expect(result.ok && result.mimetype).toBe('application/pdf');
    expect(result.ok && result.truncated).toBe(false);
    expect(pagesOf(result).map(collapse)).toEqual(THREE_PAGE_PDF_PAGES.map(collapse));
  });

  it('keeps wrapped lines as lines of one page', async () => {
    const [, second] = pagesOf(await extractDocument(await fixture('three-page.pdf'), 'three-page.pdf'));
    expect(second).toBe(
      'Maintenance Agreement Summary. The maintenance agreement with Bluefield Logistics renews\n' +
        'every twelve months. Either party may end the agreement with a termination notice of ninety\n' +
        'days. Service visits happen on the first Monday of each month.',
    );
  });

  it('counts blank pages as pages', async () => {
    const pdf = await makePdf(['Alpha page.', '', 'Gamma page.', '', '']);
    expect(pagesOf(await extractDocument(pdf, 'made.pdf'))).toEqual(['Alpha page.', '', 'Gamma page.', '', '']);
  });

  it("leaves the caller's bytes usable (PDF.js would detach them)", async () => {
    const pdf = await makePdf(['Once.']);
    const length = pdf.byteLength;
    await extractDocument(pdf, 'once.pdf');
    expect(pdf.byteLength).toBe(length);
    expect(pagesOf(await extractDocument(pdf, 'once.pdf'))).toEqual(['Once.']);
  });

  it('reads only the first maxPages pages and says so', async () => {
    const pdf = await makePdf(['one', 'two', 'three', 'four', 'five']);
    const result = await extractDocument(pdf, 'five.pdf', undefined, { maxPages: 2 });
    expect(result).toEqual({ ok: true, kind: 'pdf', mimetype: 'application/pdf', pages: ['one', 'two'], truncated: true });
  });

  it('fails a truncated PDF with a parse error', async () => {
    expect(await extractDocument(await fixture('broken.pdf'), 'broken.pdf')).toEqual({
      ok: false,
      reason: 'parse_error: invalid PDF structure',
    });
  });

  it('stops at the deadline', async () => {
    const pdf = await makePdf(['slow']);
    expect(await extractDocument(pdf, 'slow.pdf', undefined, { timeoutMs: 0 })).toEqual({
      ok: false,
      reason: 'parse_error: timed out after 0 ms',
    });
  });

  it('recognises a PDF by its bytes when the name has no extension', async () => {
    const result = await extractDocument(await makePdf(['Sniffed.']), 'scan');
    expect(result.ok && result.kind).toBe('pdf');
    expect(pagesOf(result)).toEqual(['Sniffed.']);
  });
});

describe('extractDocument: DOCX', () => {
  it('reads the committed contract as raw text', async () => {
    const result = await extractDocument(await fixture('contract.docx'), 'contract.docx');
    expect(result.ok && result.kind).toBe('docx');
    expect(pagesOf(result)).toEqual([CONTRACT_DOCX_PARAGRAPHS.join('\n\n')]);
  });

  it('cuts long documents into 3,000-character pages', async () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} ${'lorem '.repeat(120)}`.trim());
    const text = paragraphs.join('\n\n');
    const pages = pagesOf(await extractDocument(await makeDocx(paragraphs), 'long.docx'));
    expect(text.length).toBe(7_328);
    expect(pages.map((page) => page.length)).toEqual([3_000, 3_000, 1_328]);
    expect(pages.join('')).toBe(text);
  });

  it('refuses a document that would inflate beyond the limit, before unzipping it', async () => {
    const docx = await makeDocx(['Small.']);
    const result = await extractDocument(docx, 'bomb.docx', undefined, { maxDocxInflatedBytes: 1_000 });
    expect(result).toEqual({ ok: false, reason: 'parse_error: the document would inflate beyond 1000 bytes' });
  });

  it('fails a file that is not a zip with a parse error', async () => {
    expect(await extractDocument(utf8('just text'), 'fake.docx')).toEqual({
      ok: false,
      reason: 'parse_error: not a DOCX (zip) archive',
    });
  });
});

describe('extractDocument: text formats', () => {
  it('reads Markdown as written', async () => {
    expect(await extractDocument(await fixture('notes.md'), 'notes.md')).toEqual({
      ok: true,
      kind: 'markdown',
      mimetype: 'text/markdown',
      pages: [NOTES_MD],
      truncated: false,
    });
  });

  it('reads CSV as written', async () => {
    expect(await extractDocument(await fixture('data.csv'), 'data.csv')).toEqual({
      ok: true,
      kind: 'csv',
      mimetype: 'text/csv',
      pages: [DATA_CSV],
      truncated: false,
    });
  });

  it('reads JSON and source code as text', async () => {
    const json = await extractDocument(utf8('{"plan":"agent","credits":5000}'), 'plan.json');
    expect(json).toMatchObject({ ok: true, kind: 'json', mimetype: 'application/json', pages: ['{"plan":"agent","credits":5000}'] });
    const code = await extractDocument(utf8('export const answer = 42;\n'), 'answer.ts');
    expect(code).toMatchObject({ ok: true, kind: 'code', pages: ['export const answer = 42;\n'] });
  });

  it('makes 3 pages of a 7,000-character text', async () => {
    const text = 'abcdefghij'.repeat(700);
    const pages = pagesOf(await extractDocument(utf8(text), 'long.txt'));
    expect(pages.map((page) => page.length)).toEqual([3_000, 3_000, 1_000]);
    expect(pages.join('')).toBe(text);
  });

  it('makes one empty page of an empty file', async () => {
    expect(await extractDocument(new Uint8Array(0), 'empty.txt')).toEqual({
      ok: true,
      kind: 'text',
      mimetype: 'text/plain',
      pages: [''],
      truncated: false,
    });
  });

  it('drops a UTF-8 byte order mark and decodes UTF-16 with one', async () => {
    expect(pagesOf(await extractDocument(utf8('\uFEFFhello'), 'bom.txt'))).toEqual(['hello']);
    const utf16 = new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0xe9, 0x00]);
    expect(pagesOf(await extractDocument(utf16, 'utf16.txt'))).toEqual(['hé']);
  });

  it('refuses binary content behind a text name', async () => {
    expect(await extractDocument(new Uint8Array([0x68, 0x00, 0x69]), 'odd.txt')).toEqual({
      ok: false,
      reason: 'parse_error: binary content in a text file',
    });
  });

  it('accepts a declared text mimetype for a name without extension', async () => {
    const result = await extractDocument(utf8('plain words'), 'upload', 'text/plain; charset=utf-8');
    expect(result).toEqual({ ok: true, kind: 'text', mimetype: 'text/plain', pages: ['plain words'], truncated: false });
  });

  it('caps pages and marks the result truncated', async () => {
    const result = await extractDocument(utf8('x'.repeat(10_000)), 'big.log', undefined, { maxPages: 2 });
    expect(result.ok && result.truncated).toBe(true);
    expect(pagesOf(result).map((page) => page.length)).toEqual([3_000, 3_000]);
  });
});

describe('extractDocument: unsupported and hostile input', () => {
  it('does not ingest images, archives or unknown binaries', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await extractDocument(png, 'photo.png')).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(await extractDocument(png, 'photo', 'image/png')).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(await extractDocument(seededBytes(1, 64), 'archive.zip')).toEqual({ ok: false, reason: 'unsupported_type' });
    expect(await extractDocument(seededBytes(2, 64), 'blob')).toEqual({ ok: false, reason: 'unsupported_type' });
    // Text with an extension nobody registered is not guessed at.
    expect(await extractDocument(utf8('readable'), 'data.xyz')).toEqual({ ok: false, reason: 'unsupported_type' });
  });

  it('never throws on random bytes, whatever the name', async () => {
    const names = ['random.pdf', 'random.docx', 'random.txt', 'random.md', 'random', 'random.bin'];
    for (let seed = 1; seed <= 15; seed++) {
      const bytes = seededBytes(seed, 64 + seed * 97);
      for (const name of names) {
        const result = await extractDocument(bytes, name);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.reason).toMatch(/^(unsupported_type|parse_error: .+)$/);
      }
      // A PDF header followed by garbage, and a zip signature followed by garbage.
      const pdfLike = new Uint8Array([...utf8('%PDF-1.7\n'), ...bytes]);
      expect((await extractDocument(pdfLike, 'garbage.pdf')).ok).toBe(false);
      const zipLike = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...bytes]);
      expect((await extractDocument(zipLike, 'garbage.docx')).ok).toBe(false);
    }
  });
});

describe('paginateText', () => {
  it('counts characters as code points and never splits a surrogate pair', () => {
    const pages = paginateText('😀'.repeat(CHARACTERS_PER_PAGE + 1));
    expect(pages).toHaveLength(2);
    expect([...(pages[0] ?? '')]).toHaveLength(CHARACTERS_PER_PAGE);
    expect(pages[1]).toBe('😀');
  });

  it('gives exactly full pages without an empty last page', () => {
    expect(paginateText('ab'.repeat(3_000)).map((page) => page.length)).toEqual([3_000, 3_000]);
  });
});

describe('detectMimetype', () => {
  it('maps names to mimetypes', () => {
    expect(detectMimetype('Report.PDF')).toBe('application/pdf');
    expect(detectMimetype('contract.docx')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(detectMimetype('notes.md')).toBe('text/markdown');
    expect(detectMimetype('data.csv')).toBe('text/csv');
    expect(detectMimetype('photo.jpeg')).toBe('image/jpeg');
    expect(detectMimetype('backup.tar.gz')).toBe('application/gzip');
    expect(detectMimetype('src/main.rs')).toBe('text/x-rust');
    expect(detectMimetype('README')).toBe('text/plain');
    expect(detectMimetype('no-extension')).toBe('application/octet-stream');
    expect(detectMimetype('weird.xyz')).toBe('application/octet-stream');
  });
});
