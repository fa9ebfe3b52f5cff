/**
 * Cuts extracted pages into passages, the unit the search index scores and the chat cites.
 */
import { splitSentences } from './sentences.js';

export interface Passage {
  /** Position of the passage in its document, from 0; stable for the same pages. */
  ordinal: number;
  /** 1-based page the passage comes from. Passages never span pages. */
  page: number;
  /** Offsets into that page's text (UTF-16 code units): `text === pages[page - 1].slice(start, end)`. */
  start: number;
  end: number;
  text: string;
}

export interface ChunkOptions {
  /** A passage closes at the first paragraph break after it reaches this length. */
  minChars: number;
  /** No passage is longer than this. */
  maxChars: number;
}

/**
 * Passages of 500 to 1,000 characters hold a few sentences: long enough for a snippet with
 * context, short enough that one passage is about one thing.
 */
export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({ minChars: 500, maxChars: 1_000 });

const PARAGRAPH_BREAK = /\n[ \t\r]*\n/;

/**
 * Packs whole sentences into passages, page by page. A passage grows sentence by sentence until
 * the next sentence would pass maxChars, or until it has minChars and a paragraph ends; sentences
 * longer than maxChars are cut first (see splitSentences). Whitespace-only pages give no passage.
 */
export function chunkPages(pages: readonly string[], options: Partial<ChunkOptions> = {}): Passage[] {
  const { minChars, maxChars } = { ...DEFAULT_CHUNK_OPTIONS, ...options };
  const passages: Passage[] = [];
  pages.forEach((pageText, pageIndex) => {
    let current: { start: number; end: number } | undefined;
    const close = (): void => {
      if (current === undefined) return;
      passages.push({
        ordinal: passages.length,
        page: pageIndex + 1,
        start: current.start,
        end: current.end,
        text: pageText.slice(current.start, current.end),
      });
      current = undefined;
    };
    for (const sentence of splitSentences(pageText, maxChars)) {
      if (current === undefined) {
        current = { ...sentence };
        continue;
      }
      const grownLength = sentence.end - current.start;
      const endsParagraph = PARAGRAPH_BREAK.test(pageText.slice(current.end, sentence.start));
      if (grownLength > maxChars || (current.end - current.start >= minChars && endsParagraph)) {
        close();
        current = { ...sentence };
      } else {
        current.end = sentence.end;
      }
    }
    close();
  });
  return passages;
}
