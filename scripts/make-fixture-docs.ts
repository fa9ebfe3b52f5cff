/**
 * Makes the documents the intelligence tests ingest, and writes the committed copies under
 * fixtures/documents/. All text is invented for this project (a fictional company and contract).
 *
 * Tests import makePdf / makeDocx to build documents on the fly; run the compiled script
 * (`node dist/scripts/make-fixture-docs.js`) to rewrite the committed files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const PAGE_WIDTH = 612; // US Letter, points
const PAGE_HEIGHT = 792;
const MARGIN = 72;
const FONT_SIZE = 11;
const LINE_HEIGHT = 15;
/** Fixed so that regenerating a PDF gives the same bytes. */
const FIXED_DATE = new Date('2026-04-01T00:00:00Z');

/**
 * A PDF with one page per entry, set in Helvetica and wrapped to the page width ("\n" starts a
 * new line). Text must be WinAnsi (Helvetica has no other glyphs). Text that does not fit one
 * page is cut, so page N of the PDF always holds entry N.
 */
export async function makePdf(pages: readonly string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Fixture document');
  pdf.setProducer('fastio-emulator fixtures');
  pdf.setCreator('fastio-emulator fixtures');
  pdf.setCreationDate(FIXED_DATE);
  pdf.setModificationDate(FIXED_DATE);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN;
  for (const pageText of pages) {
    const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    const lines: string[] = [];
    for (const paragraph of pageText.split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
        const candidate = line === '' ? word : `${line} ${word}`;
        if (line !== '' && font.widthOfTextAtSize(candidate, FONT_SIZE) > maxWidth) {
          lines.push(line);
          line = word;
        } else {
          line = candidate;
        }
      }
      lines.push(line);
    }
    let y = PAGE_HEIGHT - MARGIN;
    for (const line of lines) {
      if (y < MARGIN) break;
      if (line !== '') page.drawText(line, { x: MARGIN, y, size: FONT_SIZE, font });
      y -= LINE_HEIGHT;
    }
  }
  return pdf.save();
}

/** A DOCX with one paragraph per entry. */
export async function makeDocx(paragraphs: readonly string[]): Promise<Uint8Array> {
  const document = new Document({
    creator: 'fastio-emulator fixtures',
    title: 'Fixture document',
    sections: [{ children: paragraphs.map((text) => new Paragraph({ children: [new TextRun(text)] })) }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** The three pages of fixtures/documents/three-page.pdf; tests check each page's text. */
export const THREE_PAGE_PDF_PAGES: readonly string[] = [
  'Northwind Robotics Annual Overview. Northwind Robotics builds warehouse automation for ' +
    'regional distributors. This overview summarises the year for the board of directors.\n' +
    'Revenue grew in every quarter, led by the Harbor sorter line.',
  'Maintenance Agreement Summary. The maintenance agreement with Bluefield Logistics renews ' +
    'every twelve months. Either party may end the agreement with a termination notice of ' +
    'ninety days. Service visits happen on the first Monday of each month.',
  'Safety and Compliance. All robots passed the spring safety inspection. Operators complete ' +
    'a refresher course every six months, and incident reports are filed within two days.',
];

/** The paragraphs of fixtures/documents/contract.docx. */
export const CONTRACT_DOCX_PARAGRAPHS: readonly string[] = [
  'Services Contract between Quillon Analytics Ltd and Marrow Bay Shipping Co.',
  'Scope. Quillon Analytics will deliver a monthly freight forecast and a quarterly route review.',
  'Fees. Marrow Bay Shipping will pay a fixed fee of EUR 4,200 per month, invoiced on the ' + 'fifth business day.',
  "Confidentiality. Each party keeps the other party's data confidential for five years after " + 'the contract ends.',
  'Termination. Either party may terminate this contract with sixty days written notice.',
];

export const NOTES_MD = `# Onboarding notes

Welcome to the **Lumen Orchard** workspace. These notes explain where things live.

## Storage

- Invoices go in the \`finance\` folder.
- Signed contracts go in \`legal/contracts\`.

## Search tips

Intelligence indexes every document in this workspace. Ask about the *pruning schedule* or the
*irrigation budget* and the assistant cites the files it used.
`;

export const DATA_CSV = `region,orchard,trees,harvest_tonnes
North,Lumen Ridge,1200,340
South,Cedar Hollow,860,215
East,Amber Flats,1530,402
West,Willow Bend,990,260
`;

/** A valid PDF cut short: the cross-reference data and most objects are missing. */
export function truncatePdf(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length * 0.6));
}

/** Every committed fixture, by file name. */
export async function makeFixtureDocuments(): Promise<Map<string, Uint8Array>> {
  const threePage = await makePdf(THREE_PAGE_PDF_PAGES);
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  return new Map([
    ['three-page.pdf', threePage],
    ['contract.docx', await makeDocx(CONTRACT_DOCX_PARAGRAPHS)],
    ['notes.md', encode(NOTES_MD)],
    ['data.csv', encode(DATA_CSV)],
    ['broken.pdf', truncatePdf(threePage)],
  ]);
}

/** The project root: the nearest folder above this file with a package.json (works from dist/ too). */
function projectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('package.json not found above the script');
    folder = parent;
  }
  return folder;
}

export async function main(outputFolder: string = join(projectRoot(), 'fixtures', 'documents')): Promise<void> {
  await mkdir(outputFolder, { recursive: true });
  for (const [name, bytes] of await makeFixtureDocuments()) {
    await writeFile(join(outputFolder, name), bytes);
    console.log(`wrote ${join(outputFolder, name)} (${bytes.length} bytes)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv[2]).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
