/**
 * Content snippets: the window of a passage that best shows why it matched.
 */
import { tokenizeWithSpans } from './tokenize.js';

/** How a term of the text counts towards a snippet: which query term it answers, and how much. */
export interface SnippetTerm {
  /** Index of the query term this term matches (exactly or by spelling similarity). */
  concept: number;
  weight: number;
}

export const SNIPPET_MAX_LENGTH = 300;

const ELLIPSIS = '…';

interface Match {
  start: number;
  end: number;
  concept: number;
  weight: number;
}

/** Sum over distinct concepts of the best weight each has among matches[from..] within reach. */
function windowScore(matches: readonly Match[], from: number, reach: number): { score: number; lastEnd: number } {
  const anchor = matches[from];
  if (anchor === undefined) return { score: 0, lastEnd: 0 };
  const bestByConcept = new Map<number, number>();
  let lastEnd = anchor.end;
  for (let j = from; j < matches.length; j++) {
    const match = matches[j];
    if (match === undefined || match.end - anchor.start > reach) break;
    bestByConcept.set(match.concept, Math.max(bestByConcept.get(match.concept) ?? 0, match.weight));
    lastEnd = match.end;
  }
  let score = 0;
  for (const weight of bestByConcept.values()) score += weight;
  return { score, lastEnd };
}

/**
 * A window of at most `maxLength` characters (ellipses included) of `text` with whitespace
 * collapsed, chosen to cover the most query terms by weight (each query term counted once),
 * starting a little before the first match so the reader sees its context, and cut at word
 * boundaries. A passage with no matching term shows its beginning.
 */
export function buildSnippet(text: string, terms: ReadonlyMap<string, SnippetTerm>, maxLength: number = SNIPPET_MAX_LENGTH): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed.length <= maxLength) return collapsed;

  // Two characters are kept for the ellipses, so the snippet never exceeds maxLength.
  const room = maxLength - 2;
  const matches: Match[] = [];
  for (const token of tokenizeWithSpans(collapsed)) {
    const term = terms.get(token.term);
    if (term !== undefined) matches.push({ start: token.start, end: token.end, ...term });
  }

  let anchorStart = 0;
  let coveredEnd = 0;
  let bestScore = -1;
  for (let i = 0; i < matches.length; i++) {
    const { score, lastEnd } = windowScore(matches, i, room);
    if (score > bestScore) {
      bestScore = score;
      anchorStart = matches[i]?.start ?? 0;
      coveredEnd = lastEnd;
    }
  }

  // Lead context: a third of the room the matches leave, or back to the sentence start if nearer.
  const slack = Math.max(0, room - (coveredEnd - anchorStart));
  let start = Math.max(0, anchorStart - Math.floor(slack / 3));
  if (start > 0) {
    const sentenceStart = collapsed.lastIndexOf('. ', anchorStart - 1);
    if (sentenceStart >= start) {
      start = sentenceStart + 2;
    } else {
      const space = collapsed.indexOf(' ', start);
      start = space >= 0 && space < anchorStart ? space + 1 : anchorStart;
    }
  }
  let end = Math.min(collapsed.length, start + room);
  if (end < collapsed.length) {
    const space = collapsed.lastIndexOf(' ', end);
    if (space > Math.max(start, coveredEnd - 1)) end = space;
  }
  const body = collapsed.slice(start, end).trim();
  return `${start > 0 ? ELLIPSIS : ''}${body}${end < collapsed.length ? ELLIPSIS : ''}`;
}
