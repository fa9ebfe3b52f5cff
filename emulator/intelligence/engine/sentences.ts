/**
 * Sentence boundaries, shared by the chunker (passages end on sentences) and the answer builder
 * (answers quote sentences).
 */

export interface TextSpan {
  /** Offset of the first character (UTF-16 code units). */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/**
 * A sentence ends at terminal punctuation (with any closing quotes or brackets) followed by
 * whitespace or the end of the text, at CJK full stops, or at a blank line. A single line break is
 * not a boundary: PDF text arrives as visual lines, and a sentence wrapped over two lines is still
 * one sentence.
 */
const SENTENCE_END = /([.!?…]+)["'”’)\]]*(?=\s|$)|[。！？]+["'”’」』)\]]*|\n[ \t\r]*\n/gu;

/** Words that end in a period without ending the sentence. */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'inc',
  'ltd',
  'co',
  'corp',
  'vs',
  'etc',
  'fig',
  'approx',
  'dept',
  'est',
  'no',
  'nos',
  'art',
  'sec',
  'para',
  'cf',
]);

function isAbbreviationBefore(text: string, periodIndex: number): boolean {
  let wordStart = periodIndex;
  while (wordStart > 0 && /[\p{L}]/u.test(text[wordStart - 1] ?? '')) wordStart--;
  const word = text.slice(wordStart, periodIndex).toLowerCase();
  // Single letters are initials ("J. Smith") or the parts of "e.g." and "i.e.".
  if (word.length === 1) return true;
  if (word === 'no' || word === 'nos') {
    // "No. 5" is an abbreviation, "The answer is no. Then" is not.
    return /^\.\s*\p{N}/u.test(text.slice(periodIndex, periodIndex + 4));
  }
  return ABBREVIATIONS.has(word);
}

function isWhitespace(character: string | undefined): boolean {
  return character !== undefined && /\s/u.test(character);
}

/** Cut point at or before `limit` that does not split a surrogate pair. */
function safeCut(text: string, limit: number): number {
  const unit = text.charCodeAt(limit - 1);
  return unit >= 0xd800 && unit <= 0xdbff ? limit - 1 : limit;
}

/**
 * Pushes text[start, end) trimmed, cut into pieces of at most maxLength: first at line breaks,
 * then at the last whitespace that keeps at least half a piece, then anywhere (long URLs, CJK).
 */
function pushTrimmed(text: string, start: number, end: number, maxLength: number, out: TextSpan[]): void {
  while (start < end && isWhitespace(text[start])) start++;
  while (end > start && isWhitespace(text[end - 1])) end--;
  if (start >= end) return;
  if (end - start <= maxLength) {
    out.push({ start, end });
    return;
  }
  const lineBreak = text.indexOf('\n', start);
  if (lineBreak >= 0 && lineBreak < end) {
    pushTrimmed(text, start, lineBreak, maxLength, out);
    pushTrimmed(text, lineBreak + 1, end, maxLength, out);
    return;
  }
  let cut = start + maxLength;
  while (cut > start + maxLength / 2 && !isWhitespace(text[cut])) cut--;
  if (!isWhitespace(text[cut])) cut = safeCut(text, start + maxLength);
  if (cut <= start) cut = start + maxLength;
  out.push({ start, end: cut });
  pushTrimmed(text, cut, end, maxLength, out);
}

/**
 * Sentence spans of `text`, trimmed, in order, none longer than `maxLength` (longer sentences are
 * cut at line breaks or whitespace, as tables and code have no sentence punctuation).
 */
export function splitSentences(text: string, maxLength: number = Number.POSITIVE_INFINITY): TextSpan[] {
  const spans: TextSpan[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_END)) {
    if (match[1] === '.' && isAbbreviationBefore(text, match.index)) continue;
    const end = match.index + match[0].length;
    pushTrimmed(text, start, end, maxLength, spans);
    start = end;
  }
  pushTrimmed(text, start, text.length, maxLength, spans);
  return spans;
}
