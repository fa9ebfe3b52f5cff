import { describe, expect, it } from 'vitest';
import { chunkPages } from '../../emulator/intelligence/engine/chunk.js';
import { splitSentences } from '../../emulator/intelligence/engine/sentences.js';
import { MAX_TERM_LENGTH, tokenize, tokenizeWithSpans, trigramSimilarity } from '../../emulator/intelligence/engine/tokenize.js';

describe('tokenize', () => {
  it('lower-cases, folds diacritics and splits on punctuation', () => {
    expect(tokenize('Café CAFÉ naïve, 3,000 e-mail Straße')).toEqual(['cafe', 'cafe', 'naive', '3', '000', 'e', 'mail', 'straße']);
  });

  it('keeps letters and numbers of any script', () => {
    expect(tokenize('Привет мир 42 Ωmega')).toEqual(['привет', 'мир', '42', 'ωmega']);
  });

  it('makes each Han and Kana character a term', () => {
    expect(tokenizeWithSpans('Tokyo東京都 visit')).toEqual([
      { term: 'tokyo', start: 0, end: 5 },
      { term: '東', start: 5, end: 6 },
      { term: '京', start: 6, end: 7 },
      { term: '都', start: 7, end: 8 },
      { term: 'visit', start: 9, end: 14 },
    ]);
  });

  it('reports the span of the word each term came from', () => {
    expect(tokenizeWithSpans('Hello, wörld!')).toEqual([
      { term: 'hello', start: 0, end: 5 },
      { term: 'world', start: 7, end: 12 },
    ]);
  });

  it('clips very long words the same way everywhere', () => {
    const [term] = tokenize('a'.repeat(200));
    expect(term).toBe('a'.repeat(MAX_TERM_LENGTH));
  });

  it('scores spelling similarity by padded trigrams', () => {
    expect(trigramSimilarity('termination', 'termination')).toBe(1);
    expect(trigramSimilarity('termination', 'terminaton')).toBeCloseTo(16 / 21, 10);
    expect(trigramSimilarity('payment', 'payments')).toBeCloseTo(12 / 15, 10);
    expect(trigramSimilarity('cat', 'dog')).toBe(0);
  });
});

describe('splitSentences', () => {
  const sentencesOf = (text: string, maxLength?: number): string[] => splitSentences(text, maxLength).map(({ start, end }) => text.slice(start, end));

  it('ends sentences at terminal punctuation, not at abbreviations, initials or decimals', () => {
    expect(sentencesOf('Dr. Smith signed No. 5 on Monday. The fee is 3.5 percent! Really? J. Doe, e.g. the agent, agreed.')).toEqual([
      'Dr. Smith signed No. 5 on Monday.',
      'The fee is 3.5 percent!',
      'Really?',
      'J. Doe, e.g. the agent, agreed.',
    ]);
  });

  it('keeps wrapped lines in one sentence and ends one at a blank line', () => {
    expect(sentencesOf('A sentence wrapped\nover two lines. Heading without stop\n\nNext paragraph')).toEqual([
      'A sentence wrapped\nover two lines.',
      'Heading without stop',
      'Next paragraph',
    ]);
  });

  it('handles CJK full stops', () => {
    expect(sentencesOf('今日は晴れ。明日は雨！')).toEqual(['今日は晴れ。', '明日は雨！']);
  });

  it('cuts an over-long sentence at line breaks, then at whitespace, then anywhere', () => {
    expect(sentencesOf('row one,1\nrow two,2\nrow three,3', 12)).toEqual(['row one,1', 'row two,2', 'row three,3']);
    expect(sentencesOf('aaaa bbbb cccc dddd', 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(sentencesOf('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});

describe('chunkPages', () => {
  it('packs sentences into passages with exact offsets and page numbers', () => {
    const pages = ['One two three. Four five six.\n\nSeven eight nine ten eleven. Twelve.', '', '  Last page here.  '];
    expect(chunkPages(pages, { minChars: 20, maxChars: 40 })).toEqual([
      { ordinal: 0, page: 1, start: 0, end: 29, text: 'One two three. Four five six.' },
      { ordinal: 1, page: 1, start: 31, end: 67, text: 'Seven eight nine ten eleven. Twelve.' },
      { ordinal: 2, page: 3, start: 2, end: 17, text: 'Last page here.' },
    ]);
  });

  it('keeps a short paragraph with the next one until the passage is long enough', () => {
    const passages = chunkPages(['Short one.\n\nShort two.\n\nShort three.'], { minChars: 30, maxChars: 100 });
    expect(passages.map((passage) => passage.text)).toEqual(['Short one.\n\nShort two.\n\nShort three.']);
  });

  it('makes passages of 500 to 1,000 characters from prose, ending on sentences', () => {
    const sentence = (i: number): string => `Clause ${i} says the supplier delivers the goods within thirty days of the order.`;
    const page = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');
    const passages = chunkPages([page]);
    // 60 sentences of about 80 characters: 12 fit under 1,000 characters.
    expect(passages.length).toBe(5);
    for (const passage of passages) {
      expect(passage.text).toBe(page.slice(passage.start, passage.end));
      expect(passage.text.length).toBeLessThanOrEqual(1_000);
      expect(passage.text.endsWith('.')).toBe(true);
    }
    for (const passage of passages.slice(0, -1)) expect(passage.text.length).toBeGreaterThanOrEqual(500);
    expect(passages.map((passage) => passage.ordinal)).toEqual([0, 1, 2, 3, 4]);
  });

  it('cuts text without sentences (tables, blobs) at the maximum', () => {
    const csv = Array.from({ length: 100 }, (_, i) => `row-${i},value-${i}`).join('\n');
    const passages = chunkPages([csv]);
    for (const passage of passages) {
      expect(passage.text.length).toBeLessThanOrEqual(1_000);
      expect(passage.text).toBe(csv.slice(passage.start, passage.end));
    }
    expect(passages.map((passage) => passage.text).join('\n')).toBe(csv);
    expect(chunkPages(['z'.repeat(2_500)]).map((passage) => passage.text.length)).toEqual([1_000, 1_000, 500]);
  });

  it('gives no passage for pages with nothing but whitespace', () => {
    expect(chunkPages(['', '   \n\n  '])).toEqual([]);
  });
});
