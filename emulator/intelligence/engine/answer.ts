/**
 * Chat answers composed from the workspace's own passages.
 *
 * PARITY: the live API answers with a language model over the retrieved passages. The emulator
 * has no model: it quotes the sentences that best match the question, each marked with the
 * citation it comes from. Same question and passages, same answer, so contract tests can assert
 * citations and credit charges exactly. Wording of live answers is not reproduced.
 */
import { splitSentences } from './sentences.js';
import { buildSnippet, type SnippetTerm } from './snippet.js';
import { allowsFuzzyMatch, ENGLISH_STOPWORDS, termTrigrams, tokenize } from './tokenize.js';

export type Personality = 'concise' | 'detailed';

/** A retrieved passage; a SearchHit from WorkspaceSearchIndex.search qualifies. */
export interface AnswerSource {
  nodeId: string;
  versionId: string;
  passageId: string;
  page: number;
  text: string;
}

export interface Citation {
  nodeId: string;
  versionId: string;
  passageId: string;
  page: number;
  snippet: string;
}

export interface Answer {
  /** Quoted sentences, each followed by its citation number, e.g. "... 30 days. [1]". */
  text: string;
  /** Numbered from 1 in the order the answer first cites them; only passages given to buildAnswer. */
  citations: Citation[];
  promptTokens: number;
  completionTokens: number;
}

export interface AnswerOptions {
  /** Default `concise`. */
  personality?: Personality;
}

export const NO_RELEVANT_CONTENT_ANSWER = 'No relevant content was found in this workspace to answer this question.';

/** How many sentences an answer quotes. */
const SENTENCES_BY_PERSONALITY: Readonly<Record<Personality, number>> = { concise: 2, detailed: 5 };
/** Longer sentences (tables, run-on text) are quoted in pieces of at most this many characters. */
const MAX_QUOTED_SENTENCE = 400;
const MIN_SPELLING_SIMILARITY = 0.6;

/**
 * PARITY: CHOICE. Tokens are approximated as one per 4 characters (Unicode code points), rounded
 * up; empty text is 0 tokens. The live API counts its model's tokens, which this does not
 * reproduce; chat is charged 1 credit per 100 tokens on top of this count.
 */
export function countTokens(text: string): number {
  let codePoints = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // The low half of a surrogate pair is not a character of its own.
    if (unit < 0xdc00 || unit > 0xdfff) codePoints++;
  }
  return Math.ceil(codePoints / 4);
}

interface ScoredSentence {
  sourceIndex: number;
  position: number;
  text: string;
  score: number;
}

/** Question terms worth matching: without stop words, unless the question is only stop words. */
function questionTerms(question: string): string[] {
  const distinct = [...new Set(tokenize(question))];
  const meaningful = distinct.filter((term) => !ENGLISH_STOPWORDS.has(term));
  return meaningful.length > 0 ? meaningful : distinct;
}

/**
 * For each term of the sources, the question terms it answers: itself exactly, or a spelling
 * variant (trigram Dice >= 0.6). Variants are found through a trigram index of the sources'
 * terms, so a 12,000-character question costs a lookup per term, not a comparison per pair.
 */
function questionTermsAnswered(
  questionTerms: readonly string[],
  sourceTerms: ReadonlySet<string>,
): Map<string, Array<{ questionTerm: number; similarity: number }>> {
  const termsByTrigram = new Map<string, string[]>();
  const trigramCounts = new Map<string, number>();
  for (const term of sourceTerms) {
    if (!allowsFuzzyMatch(term)) continue;
    const grams = termTrigrams(term);
    trigramCounts.set(term, grams.length);
    for (const gram of grams) {
      const holders = termsByTrigram.get(gram);
      if (holders === undefined) termsByTrigram.set(gram, [term]);
      else holders.push(term);
    }
  }
  const answers = new Map<string, Array<{ questionTerm: number; similarity: number }>>();
  const record = (term: string, questionTerm: number, similarity: number): void => {
    const known = answers.get(term);
    if (known === undefined) answers.set(term, [{ questionTerm, similarity }]);
    else known.push({ questionTerm, similarity });
  };
  questionTerms.forEach((questionTerm, index) => {
    if (sourceTerms.has(questionTerm)) record(questionTerm, index, 1);
    if (!allowsFuzzyMatch(questionTerm)) return;
    const grams = termTrigrams(questionTerm);
    const shared = new Map<string, number>();
    for (const gram of grams) {
      for (const term of termsByTrigram.get(gram) ?? []) shared.set(term, (shared.get(term) ?? 0) + 1);
    }
    for (const [term, count] of shared) {
      if (term === questionTerm) continue;
      const similarity = (2 * count) / (grams.length + (trigramCounts.get(term) ?? 0));
      if (similarity >= MIN_SPELLING_SIMILARITY) record(term, index, similarity);
    }
  });
  return answers;
}

export function buildAnswer(question: string, sources: readonly AnswerSource[], options: AnswerOptions = {}): Answer {
  const personality = options.personality ?? 'concise';
  // Unknown personalities (an unvalidated caller) read as concise rather than quoting everything.
  const sentenceLimit = SENTENCES_BY_PERSONALITY[personality] ?? SENTENCES_BY_PERSONALITY.concise;
  const promptTokens = countTokens(question) + sources.reduce((sum, source) => sum + countTokens(source.text), 0);
  const terms = questionTerms(question);
  const noAnswer = (): Answer => ({
    text: NO_RELEVANT_CONTENT_ANSWER,
    citations: [],
    promptTokens,
    completionTokens: countTokens(NO_RELEVANT_CONTENT_ANSWER),
  });
  if (terms.length === 0 || sources.length === 0) return noAnswer();

  const sentences = sources.flatMap((source, sourceIndex) =>
    splitSentences(source.text, MAX_QUOTED_SENTENCE).map((span, position) => {
      const text = source.text.slice(span.start, span.end).replace(/\s+/g, ' ');
      return { sourceIndex, position, text, terms: new Set(tokenize(text)) };
    }),
  );
  const answersByTerm = questionTermsAnswered(terms, new Set(sentences.flatMap((sentence) => [...sentence.terms])));
  // For each sentence, the best match it has for each question term it answers.
  const matches = sentences.map((sentence) => {
    const best = new Map<number, number>();
    for (const term of sentence.terms) {
      for (const { questionTerm, similarity } of answersByTerm.get(term) ?? []) {
        if (similarity > (best.get(questionTerm) ?? 0)) best.set(questionTerm, similarity);
      }
    }
    return best;
  });

  // A question term found in few sentences says more about which sentence answers (idf-like).
  const containing = terms.map(() => 0);
  for (const best of matches) for (const questionTerm of best.keys()) containing[questionTerm] = (containing[questionTerm] ?? 0) + 1;
  const weights = containing.map((count) => Math.log(1 + sentences.length / (1 + count)));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const scored: ScoredSentence[] = sentences.map((sentence, i) => {
    let score = 0;
    for (const [questionTerm, similarity] of matches[i] ?? []) score += similarity * (weights[questionTerm] ?? 0);
    return { sourceIndex: sentence.sourceIndex, position: sentence.position, text: sentence.text, score: score / totalWeight };
  });

  // Best first; ties go to the better-ranked passage, then to the earlier sentence.
  scored.sort((a, b) => b.score - a.score || a.sourceIndex - b.sourceIndex || a.position - b.position);
  const chosen: ScoredSentence[] = [];
  const seen = new Set<string>();
  for (const sentence of scored) {
    if (chosen.length === sentenceLimit || sentence.score <= 0) break;
    const key = sentence.text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push(sentence);
  }
  // Sources matched only loosely (no sentence shares a term with the question) give no answer
  // rather than an irrelevant quote.
  if (chosen.length === 0) return noAnswer();

  const citationNumberBySource = new Map<number, number>();
  const quotesBySource = new Map<number, string[]>();
  const quoted = chosen.map((sentence) => {
    let number = citationNumberBySource.get(sentence.sourceIndex);
    if (number === undefined) {
      number = citationNumberBySource.size + 1;
      citationNumberBySource.set(sentence.sourceIndex, number);
    }
    quotesBySource.set(sentence.sourceIndex, [...(quotesBySource.get(sentence.sourceIndex) ?? []), sentence.text]);
    return `${sentence.text} [${number}]`;
  });

  const snippetTerms = new Map<string, SnippetTerm>(terms.map((term, concept) => [term, { concept, weight: weights[concept] ?? 1 }]));
  const citations = [...citationNumberBySource.keys()].map((sourceIndex): Citation => {
    const source = sources[sourceIndex] as AnswerSource;
    return {
      nodeId: source.nodeId,
      versionId: source.versionId,
      passageId: source.passageId,
      page: source.page,
      snippet: buildSnippet((quotesBySource.get(sourceIndex) ?? []).join(' '), snippetTerms),
    };
  });

  const fileCount = new Set(citations.map((citation) => citation.nodeId)).size;
  const text =
    personality !== 'detailed'
      ? quoted.join(' ')
      : `Based on ${citations.length} ${citations.length === 1 ? 'passage' : 'passages'} from ${fileCount} ` +
        `${fileCount === 1 ? 'file' : 'files'} in this workspace:\n\n${quoted.map((line) => `- ${line}`).join('\n')}`;
  return { text, citations, promptTokens, completionTokens: countTokens(text) };
}
