/**
 * The one tokenizer of the intelligence engine. Indexing, querying, snippets and answers all go
 * through it, so a word is the same term everywhere.
 *
 * A term is a maximal run of Unicode letters and numbers, lower-cased, with diacritics folded
 * (NFKD, combining marks dropped: "Café" and "cafe" are one term). Punctuation separates terms
 * ("e-mail" is "e" + "mail", "3,000" is "3" + "000"). Han, Hiragana and Katakana are written
 * without spaces, so each of those characters is a term of its own; that keeps CJK text
 * searchable without a dictionary.
 */

export interface TokenSpan {
  term: string;
  /** Offset of the first UTF-16 code unit of the word in the text given. */
  start: number;
  /** Offset just past the word. */
  end: number;
}

/**
 * Longer runs (base64 blobs, hashes, minified code) are cut so that one freak word cannot bloat
 * the vocabulary; the cut is the same at index and query time, so they still match.
 */
export const MAX_TERM_LENGTH = 64;

const WORD_PATTERN = /[\p{L}\p{N}\p{M}]+/gu;
const NON_TERM_CHARACTERS = /[^\p{L}\p{N}]+/u;
const COMBINING_MARKS = /\p{M}+/gu;
const UNSPACED_SCRIPT_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function isAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

function clip(term: string): string {
  return term.length > MAX_TERM_LENGTH ? term.slice(0, MAX_TERM_LENGTH) : term;
}

/** Lower-case and fold diacritics; the result may contain separators (NFKD of "½" is "1⁄2"). */
function foldCase(word: string): string {
  return word.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
}

function pushFolded(word: string, start: number, end: number, out: TokenSpan[]): void {
  for (const part of foldCase(word).split(NON_TERM_CHARACTERS)) {
    if (part.length > 0) out.push({ term: clip(part), start, end });
  }
}

function pushWord(word: string, start: number, out: TokenSpan[]): void {
  if (isAscii(word)) {
    // Fast path: most text is ASCII and needs neither normalisation nor splitting.
    out.push({ term: clip(word.toLowerCase()), start, end: start + word.length });
    return;
  }
  if (!UNSPACED_SCRIPT_CHARACTER.test(word)) {
    pushFolded(word, start, start + word.length, out);
    return;
  }
  // Mixed or unspaced script: each Han/Kana character is a term with its exact span; runs of
  // other letters between them are folded as ordinary words.
  let runStart = -1;
  let offset = 0;
  for (const character of word) {
    const characterStart = start + offset;
    if (UNSPACED_SCRIPT_CHARACTER.test(character)) {
      if (runStart >= 0) {
        pushFolded(word.slice(runStart - start, offset), runStart, characterStart, out);
        runStart = -1;
      }
      out.push({ term: character, start: characterStart, end: characterStart + character.length });
    } else if (runStart < 0) {
      runStart = characterStart;
    }
    offset += character.length;
  }
  if (runStart >= 0) pushFolded(word.slice(runStart - start), runStart, start + word.length, out);
}

/** Terms of a text in reading order, each with the span of the word it came from. */
export function tokenizeWithSpans(text: string): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (const match of text.matchAll(WORD_PATTERN)) {
    pushWord(match[0], match.index, out);
  }
  return out;
}

/** Terms of a text in reading order. */
export function tokenize(text: string): string[] {
  return tokenizeWithSpans(text).map((token) => token.term);
}

/**
 * Character trigrams of a term padded with a boundary mark ("#cat#" -> "#ca", "cat", "at#"),
 * deduplicated, in first-seen order. The padding makes prefixes and suffixes count, so
 * "contract" is closer to "contracts" than to "subcontractor".
 */
export function termTrigrams(term: string): string[] {
  const padded = `#${term}#`;
  const grams: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) {
    const gram = padded.slice(i, i + 3);
    if (!grams.includes(gram)) grams.push(gram);
  }
  return grams;
}

/** Dice coefficient of two terms' trigram sets: 1 for equal terms, 0 for nothing shared. */
export function trigramSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const gramsA = termTrigrams(a);
  const gramsB = termTrigrams(b);
  let shared = 0;
  for (const gram of gramsA) {
    if (gramsB.includes(gram)) shared++;
  }
  return (2 * shared) / (gramsA.length + gramsB.length);
}

/**
 * Terms too short for spelling similarity to mean anything ("cat"/"car"), and terms with digits
 * (amounts, years, codes such as "sku4421"), where one character off is a different thing, only
 * ever match exactly.
 */
export function allowsFuzzyMatch(term: string): boolean {
  return term.length >= 4 && !/\p{N}/u.test(term);
}

/**
 * English function words. BM25 already gives them almost no weight; answers and snippets use this
 * list so a sentence is not chosen for sharing "the" and "of" with the question.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further ' +
    'had has have having he her here hers herself him himself his how i if in into is it its ' +
    'itself just me more most my myself no nor not now of off on once only or other our ours ' +
    'ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were ' +
    'what when where which while who whom why will with would you your yours yourself yourselves ' +
    's t d ll m re ve tell say says said please give show find explain describe'
  ).split(' '),
);
