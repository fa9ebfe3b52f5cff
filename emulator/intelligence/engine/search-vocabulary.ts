/**
 * The vocabulary of one workspace search index (search-index.ts): term ids, document frequencies,
 * postings lists of packed `slot << TF_BITS | tf` integers, and the trigram index that finds a
 * query term's spelling variants by counting shared trigrams (Dice), so the semantic leg reads only
 * the postings of a few terms.
 */
import { termTrigrams } from './tokenize.js';

/** Spelling variants of a query term worth reading postings for. */
export const MAX_VARIANTS_PER_TERM = 8;
/** "termination"/"terminaton" 0.76, "renew"/"renewal" 0.67, "payment"/"pavement" 0.5. */
const MIN_VARIANT_SIMILARITY = 0.6;

export const TF_BITS = 10;
export const MAX_TF = (1 << TF_BITS) - 1;

export interface SpellingVariant {
  termId: number;
  similarity: number;
}

export function growInt32(array: Int32Array<ArrayBuffer>, minimumLength: number): Int32Array<ArrayBuffer> {
  if (array.length >= minimumLength) return array;
  const grown = new Int32Array(Math.max(minimumLength, array.length * 2));
  grown.set(array);
  return grown;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Vocabulary {
  private readonly termIds = new Map<string, number>();
  readonly terms: string[] = [];
  /** Passages holding each term; kept by the index as it adds and removes passages. */
  documentFrequency = new Int32Array(1024);
  readonly postings: number[][] = [];
  private readonly termTrigramCounts: number[] = [];
  private readonly termsByTrigram = new Map<string, number[]>();
  /** Scratch space for spellingVariants (searches are synchronous, so never shared). */
  private sharedTrigramCounts = new Int32Array(0);

  /** The id of a term ever indexed since the last clear. */
  idOf(term: string): number | undefined {
    return this.termIds.get(term);
  }

  intern(term: string): number {
    const known = this.termIds.get(term);
    if (known !== undefined) return known;
    const termId = this.terms.length;
    this.termIds.set(term, termId);
    this.terms.push(term);
    this.postings.push([]);
    this.documentFrequency = growInt32(this.documentFrequency, termId + 1);
    const grams = termTrigrams(term);
    this.termTrigramCounts.push(grams.length);
    for (const gram of grams) {
      const holders = this.termsByTrigram.get(gram);
      if (holders === undefined) this.termsByTrigram.set(gram, [termId]);
      else holders.push(termId);
    }
    return termId;
  }

  /** Drops the postings of dead slots from every list. */
  compactPostings(isLive: (slot: number) => boolean): void {
    for (let termId = 0; termId < this.postings.length; termId++) {
      const list = this.postings[termId] as number[];
      let kept = 0;
      for (const posting of list) {
        if (isLive(posting >>> TF_BITS)) list[kept++] = posting;
      }
      list.length = kept;
    }
  }

  /** Vocabulary terms spelled like `term`, by shared padded trigrams (Dice), best first. */
  spellingVariants(term: string): SpellingVariant[] {
    const grams = termTrigrams(term);
    if (this.sharedTrigramCounts.length < this.terms.length) {
      this.sharedTrigramCounts = new Int32Array(Math.max(this.terms.length, this.sharedTrigramCounts.length * 2));
    }
    const counts = this.sharedTrigramCounts;
    const touched: number[] = [];
    for (const gram of grams) {
      for (const termId of this.termsByTrigram.get(gram) ?? []) {
        if (counts[termId] === 0) touched.push(termId);
        counts[termId] = (counts[termId] ?? 0) + 1;
      }
    }
    const variants: SpellingVariant[] = [];
    for (const termId of touched) {
      const shared = counts[termId] ?? 0;
      counts[termId] = 0;
      // Terms whose passages were all removed must not change results (history independence).
      if ((this.documentFrequency[termId] ?? 0) === 0) continue;
      const similarity = (2 * shared) / (grams.length + (this.termTrigramCounts[termId] ?? 0));
      if (similarity >= MIN_VARIANT_SIMILARITY) variants.push({ termId, similarity });
    }
    variants.sort((a, b) => b.similarity - a.similarity || compareCodeUnits(this.terms[a.termId] ?? '', this.terms[b.termId] ?? ''));
    return variants.slice(0, MAX_VARIANTS_PER_TERM);
  }
}
