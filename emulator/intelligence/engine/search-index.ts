/**
 * The search index of ONE workspace. The caller keeps one instance per workspace, so one
 * workspace's content can never appear in another's results (the live API's "vector isolation").
 *
 * Two signals are scored for every query and fused:
 *
 * - keyword: BM25 (k1 1.2, b 0.75) over exact terms, from an inverted index;
 * - semantic: a passage's soft coverage of the query, where each query term is matched by the
 *   passage's closest spelling variant (character-trigram Dice similarity over the vocabulary),
 *   so "terminaton", "terminations" and "termination" meet. PARITY: the live API embeds text
 *   with a language model and also finds synonyms; this local approximation needs no model and
 *   finds inflections, misspellings and compound fragments, not synonyms. Unverified scores.
 *
 * PARITY: CHOICE. Fusion and scores: keyword = 1 - exp(-ln5 * BM25 / sum of the query terms'
 * idf), so a passage holding every query term once at average length scores 0.8; semantic = the
 * idf-weighted share of query terms the passage covers, each by its best spelling similarity;
 * relevanceScore = their mean. Exact matches therefore rank above spelling variants. A leg
 * "found" a passage when its score passes a floor (KEYWORD_FOUND_AT, SEMANTIC_FOUND_AT), which
 * sets `matchSource`; passages neither leg found are not results. In a query with content words,
 * English function words weigh a tenth. Live relevance values are not reproduced.
 *
 * Index layout, chosen for 10,000+ passages at a few milliseconds a query (the vocabulary, its
 * postings and trigram index are in search-vocabulary.ts; scopes and the top-k in search-rank.ts):
 *
 * - Each passage lives in a numbered slot with typed-array metadata (ordinal, page, length).
 * - Each vocabulary term has a postings list of packed integers `slot << 10 | tf` (tf capped at
 *   1,023): one small integer per (term, passage), no objects.
 * - Each trigram of a term ("#te", "ter", ...) lists the terms containing it. A query term is
 *   expanded to at most 8 vocabulary terms with Dice >= 0.6 by counting shared trigrams, so the
 *   semantic leg reads only the postings of those few terms: its candidates are bounded the same
 *   way the keyword leg's are, and no passage vectors are stored.
 * - Removing a node tombstones its slots (document frequencies are corrected at once); postings
 *   are compacted when tombstones outnumber half the live passages, and only then are slots reused.
 *
 * Determinism: scores depend only on the live content (N, document frequencies, lengths), never
 * on insertion or removal history, and results are ordered by score, then node id, then passage
 * ordinal, so the same content and query give the same page of results.
 */
import { buildSnippet, type SnippetTerm } from './snippet.js';
import { inScope, topRanked } from './search-rank.js';
import type { IndexedDocument, SearchHit, SearchOptions, SearchResult } from './search-types.js';
import { compareCodeUnits, growInt32, MAX_TF, MAX_VARIANTS_PER_TERM, TF_BITS, Vocabulary } from './search-vocabulary.js';
import { allowsFuzzyMatch, ENGLISH_STOPWORDS, tokenize } from './tokenize.js';

const BM25_K1 = 1.2;
const BM25_B = 0.75;
/**
 * Function words of a query that also has content words count this much. BM25's idf alone does
 * not demote them in a workspace of a few files, where "is" or "for" may occur in only one.
 */
const STOPWORD_WEIGHT = 0.1;
/** Long chat questions are searched by their rarest known terms only. */
const MAX_QUERY_TERMS = 64;
/**
 * The keyword leg "found" a passage when its normalised BM25 reaches this (a lone stop word of a
 * long question does not); the semantic leg when the passage covers this share of the query.
 */
const KEYWORD_FOUND_AT = 0.1;
const SEMANTIC_FOUND_AT = 0.35;
/** BM25 normalised so that every query term once, in a passage of average length, scores 0.8. */
const KEYWORD_SATURATION = Math.log(5);

/** Slots must fit in 21 bits so that a packed posting stays a small integer. */
const MAX_SLOTS = 1 << 21;

interface DocumentRecord {
  nodeId: string;
  versionId: string;
  slots: number[];
}

interface QueryTerm {
  term: string;
  /** Exact term id when the term is in the live vocabulary. */
  exactId: number | undefined;
  /** Vocabulary terms that stand for it in the semantic leg, best first (the exact term first). */
  variants: Array<{ termId: number; similarity: number }>;
  keywordIdf: number;
  semanticWeight: number;
}

interface Candidate {
  slot: number;
  score: number;
  keyword: boolean;
  semantic: boolean;
}

/** For scratch arrays, which are all zeros between searches: growing them need not copy. */
function growFloat64(array: Float64Array<ArrayBuffer>, minimumLength: number): Float64Array<ArrayBuffer> {
  if (array.length >= minimumLength) return array;
  return new Float64Array(Math.max(minimumLength, array.length * 2));
}

export class WorkspaceSearchIndex {
  // Vocabulary: term <-> id, document frequency, postings, trigram -> terms.
  private vocabulary = new Vocabulary();

  // Passages by slot. A slot whose document is undefined is dead (tombstoned or free).
  private slotDocument: Array<DocumentRecord | undefined> = [];
  private slotOrdinal = new Int32Array(1024);
  private slotPage = new Int32Array(1024);
  private slotLength = new Int32Array(1024);
  private slotText: string[] = [];
  private slotTerms: Int32Array[] = [];
  private tombstonedSlots: number[] = [];
  private freeSlots: number[] = [];

  private documents = new Map<string, DocumentRecord>();
  private livePassages = 0;
  private liveTokens = 0;

  // Scratch space reused by every search (searches are synchronous, so never shared).
  private keywordScores = new Float64Array(0);
  private semanticScores = new Float64Array(0);
  private bestVariantScores = new Float64Array(0);
  private touchedMarks = new Uint8Array(0);

  /** Number of passages indexed. */
  get size(): number {
    return this.livePassages;
  }

  /** Number of nodes (files) indexed. */
  get nodeCount(): number {
    return this.documents.size;
  }

  /** Distinct terms ever indexed since the last clear (terms of removed nodes included). */
  get vocabularySize(): number {
    return this.vocabulary.terms.length;
  }

  has(nodeId: string): boolean {
    return this.documents.has(nodeId);
  }

  /** The version of a node that is indexed, if any. */
  indexedVersion(nodeId: string): string | undefined {
    return this.documents.get(nodeId)?.versionId;
  }

  /** Indexes a node's passages, replacing whatever version of that node was indexed before. */
  add(document: IndexedDocument): void {
    this.remove(document.nodeId);
    const record: DocumentRecord = { nodeId: document.nodeId, versionId: document.versionId, slots: [] };
    this.documents.set(record.nodeId, record);
    for (const passage of document.passages) {
      const slot = this.allocateSlot();
      const frequencies = new Map<string, number>();
      const tokens = tokenize(passage.text);
      for (const term of tokens) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      const termIds = new Int32Array(frequencies.size);
      let i = 0;
      for (const [term, frequency] of frequencies) {
        const termId = this.vocabulary.intern(term);
        (this.vocabulary.postings[termId] as number[]).push((slot << TF_BITS) | Math.min(frequency, MAX_TF));
        this.vocabulary.documentFrequency[termId] = (this.vocabulary.documentFrequency[termId] ?? 0) + 1;
        termIds[i++] = termId;
      }
      this.slotDocument[slot] = record;
      this.slotOrdinal[slot] = passage.ordinal;
      this.slotPage[slot] = passage.page;
      this.slotLength[slot] = tokens.length;
      this.slotText[slot] = passage.text;
      this.slotTerms[slot] = termIds;
      record.slots.push(slot);
      this.livePassages++;
      this.liveTokens += tokens.length;
    }
  }

  /** Removes a node's passages; returns whether it was indexed. */
  remove(nodeId: string): boolean {
    const record = this.documents.get(nodeId);
    if (record === undefined) return false;
    for (const slot of record.slots) {
      for (const termId of this.slotTerms[slot] ?? []) {
        this.vocabulary.documentFrequency[termId] = (this.vocabulary.documentFrequency[termId] ?? 1) - 1;
      }
      this.livePassages--;
      this.liveTokens -= this.slotLength[slot] ?? 0;
      this.slotDocument[slot] = undefined;
      this.slotText[slot] = '';
      this.slotTerms[slot] = new Int32Array(0);
      this.tombstonedSlots.push(slot);
    }
    this.documents.delete(nodeId);
    if (this.tombstonedSlots.length > 1024 && this.tombstonedSlots.length > this.livePassages / 2) this.compact();
    return true;
  }

  /** Forgets everything (intelligence switched off flushes the workspace's index). */
  clear(): void {
    // Every field back to a new index's value, so a field added later cannot be forgotten here.
    Object.assign(this, new WorkspaceSearchIndex());
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const limit = Math.max(0, Math.floor(options.limit ?? 10));
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const queryTerms = this.analyseQuery(query);
    if (queryTerms.length === 0 || this.livePassages === 0) return { total: 0, hits: [] };

    const candidates = this.scoreCandidates(queryTerms, options);
    const ranked = options.groupBy === 'passage' ? candidates : this.bestPassagePerNode(candidates);
    const page = topRanked(ranked, offset + limit, (a, b) => this.ranksBefore(a, b)).slice(offset);

    const snippetTerms = this.snippetTerms(queryTerms);
    const hits = page.map((candidate): SearchHit => {
      const record = this.slotDocument[candidate.slot] as DocumentRecord;
      const ordinal = this.slotOrdinal[candidate.slot] ?? 0;
      const text = this.slotText[candidate.slot] ?? '';
      return {
        nodeId: record.nodeId,
        versionId: record.versionId,
        passageId: `${record.nodeId}:${record.versionId}:${ordinal}`,
        page: this.slotPage[candidate.slot] ?? 1,
        relevanceScore: Math.round(Math.min(1, candidate.score) * 10_000) / 10_000,
        snippet: buildSnippet(text, snippetTerms),
        matchSource: candidate.keyword ? (candidate.semantic ? 'both' : 'keyword') : 'semantic',
        text,
      };
    });
    return { total: ranked.length, hits };
  }

  // ------------------------------------------------------------------------------------------

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.slotDocument.length;
    if (slot >= MAX_SLOTS) throw new RangeError(`a workspace index holds at most ${MAX_SLOTS} passages`);
    this.slotDocument.push(undefined);
    this.slotText.push('');
    this.slotTerms.push(new Int32Array(0));
    this.slotOrdinal = growInt32(this.slotOrdinal, slot + 1);
    this.slotPage = growInt32(this.slotPage, slot + 1);
    this.slotLength = growInt32(this.slotLength, slot + 1);
    return slot;
  }

  /** Drops tombstoned slots from every postings list, then lets those slots be reused. */
  private compact(): void {
    this.vocabulary.compactPostings((slot) => this.slotDocument[slot] !== undefined);
    for (const slot of this.tombstonedSlots) this.freeSlots.push(slot);
    this.tombstonedSlots = [];
  }

  private inverseDocumentFrequency(documentFrequency: number): number {
    const n = this.livePassages;
    return Math.log(1 + (n - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  private analyseQuery(query: string): QueryTerm[] {
    const distinct = [...new Set(tokenize(query))];
    const unseenIdf = this.inverseDocumentFrequency(0);
    const idfOf = (termId: number): number => this.inverseDocumentFrequency(this.vocabulary.documentFrequency[termId] ?? 0);
    const hasContentTerm = distinct.some((term) => !ENGLISH_STOPWORDS.has(term));
    const weighed = distinct.map((term, position) => {
      const knownId = this.vocabulary.idOf(term);
      const exactId = knownId !== undefined && (this.vocabulary.documentFrequency[knownId] ?? 0) > 0 ? knownId : undefined;
      const demotion = hasContentTerm && ENGLISH_STOPWORDS.has(term) ? STOPWORD_WEIGHT : 1;
      return { term, position, exactId, demotion, keywordIdf: demotion * (exactId === undefined ? unseenIdf : idfOf(exactId)) };
    });
    // Chosen before spelling variants are looked up, which is the costly part of a long question:
    // terms the workspace has, rarest first, then unknown terms (possible misspellings) in order.
    const kept =
      weighed.length <= MAX_QUERY_TERMS
        ? weighed
        : [...weighed]
            .sort((a, b) => Number(b.exactId !== undefined) - Number(a.exactId !== undefined) || b.keywordIdf - a.keywordIdf || a.position - b.position)
            .slice(0, MAX_QUERY_TERMS)
            .sort((a, b) => a.position - b.position);
    return kept.map(({ term, exactId, demotion, keywordIdf }): QueryTerm => {
      const exact = exactId === undefined ? [] : [{ termId: exactId, similarity: 1 }];
      // The exact term is the best variant of itself; keeping it explicitly first guarantees the
      // keyword leg even if other terms share every trigram with it ("abab", "ababab").
      const variants = allowsFuzzyMatch(term)
        ? [...exact, ...this.vocabulary.spellingVariants(term).filter((variant) => variant.termId !== exactId)].slice(0, MAX_VARIANTS_PER_TERM)
        : exact;
      // A misspelled term weighs what its nearest real spelling would.
      const semanticWeight =
        exactId !== undefined ? keywordIdf : demotion * (variants.length > 0 ? Math.max(...variants.map((variant) => idfOf(variant.termId))) : unseenIdf);
      return { term, exactId, variants, keywordIdf, semanticWeight };
    });
  }

  private ensureScratch(): void {
    const slots = this.slotDocument.length;
    this.keywordScores = growFloat64(this.keywordScores, slots);
    this.semanticScores = growFloat64(this.semanticScores, slots);
    this.bestVariantScores = growFloat64(this.bestVariantScores, slots);
    if (this.touchedMarks.length < slots) this.touchedMarks = new Uint8Array(this.keywordScores.length);
  }

  private scoreCandidates(queryTerms: readonly QueryTerm[], options: SearchOptions): Candidate[] {
    this.ensureScratch();
    const keywordScores = this.keywordScores;
    const semanticScores = this.semanticScores;
    const best = this.bestVariantScores;
    const marks = this.touchedMarks;
    const touched: number[] = [];
    const averageLength = this.liveTokens / this.livePassages || 1;
    const lengthNorm = (slot: number): number => 1 - BM25_B + (BM25_B * (this.slotLength[slot] ?? 0)) / averageLength;

    let keywordWeightTotal = 0;
    let semanticWeightTotal = 0;
    for (const queryTerm of queryTerms) {
      keywordWeightTotal += queryTerm.keywordIdf;
      semanticWeightTotal += queryTerm.semanticWeight;
      const touchedByTerm: number[] = [];
      for (const { termId, similarity } of queryTerm.variants) {
        const isExact = termId === queryTerm.exactId;
        for (const posting of this.vocabulary.postings[termId] as number[]) {
          const slot = posting >>> TF_BITS;
          if (this.slotDocument[slot] === undefined) continue;
          const frequency = posting & MAX_TF;
          const saturation = (frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * lengthNorm(slot));
          if (isExact) keywordScores[slot] = (keywordScores[slot] ?? 0) + queryTerm.keywordIdf * saturation;
          // Semantic credit: how close the spelling is, nudged by how often it occurs.
          const credit = similarity * (0.75 + (0.25 * saturation) / (BM25_K1 + 1));
          if ((best[slot] ?? 0) === 0) touchedByTerm.push(slot);
          if (credit > (best[slot] ?? 0)) best[slot] = credit;
          if (marks[slot] === 0) {
            marks[slot] = 1;
            touched.push(slot);
          }
        }
      }
      for (const slot of touchedByTerm) {
        semanticScores[slot] = (semanticScores[slot] ?? 0) + queryTerm.semanticWeight * (best[slot] ?? 0);
        best[slot] = 0;
      }
    }

    const candidates: Candidate[] = [];
    const scopeByDocument = new Map<DocumentRecord, boolean>();
    for (const slot of touched) {
      const keywordRaw = keywordScores[slot] ?? 0;
      const semanticRaw = semanticScores[slot] ?? 0;
      keywordScores[slot] = 0;
      semanticScores[slot] = 0;
      marks[slot] = 0;
      const keyword = keywordWeightTotal > 0 ? 1 - Math.exp((-KEYWORD_SATURATION * keywordRaw) / keywordWeightTotal) : 0;
      const semantic = semanticWeightTotal > 0 ? semanticRaw / semanticWeightTotal : 0;
      const keywordFound = keyword >= KEYWORD_FOUND_AT;
      const semanticFound = semantic >= SEMANTIC_FOUND_AT;
      if (!keywordFound && !semanticFound) continue;
      const record = this.slotDocument[slot] as DocumentRecord;
      let allowed = scopeByDocument.get(record);
      if (allowed === undefined) {
        allowed = inScope(record.nodeId, record.versionId, options);
        scopeByDocument.set(record, allowed);
      }
      if (!allowed) continue;
      candidates.push({ slot, score: 0.5 * keyword + 0.5 * semantic, keyword: keywordFound, semantic: semanticFound });
    }
    return candidates;
  }

  /** Total order: score, then node id, then passage ordinal. */
  private ranksBefore(a: Candidate, b: Candidate): boolean {
    if (a.score !== b.score) return a.score > b.score;
    const nodeOrder = compareCodeUnits((this.slotDocument[a.slot] as DocumentRecord).nodeId, (this.slotDocument[b.slot] as DocumentRecord).nodeId);
    if (nodeOrder !== 0) return nodeOrder < 0;
    return (this.slotOrdinal[a.slot] ?? 0) < (this.slotOrdinal[b.slot] ?? 0);
  }

  private bestPassagePerNode(candidates: readonly Candidate[]): Candidate[] {
    const bestByDocument = new Map<DocumentRecord, Candidate>();
    for (const candidate of candidates) {
      const record = this.slotDocument[candidate.slot] as DocumentRecord;
      const current = bestByDocument.get(record);
      if (current === undefined || this.ranksBefore(candidate, current)) bestByDocument.set(record, candidate);
    }
    return [...bestByDocument.values()];
  }

  /** Terms a snippet should show: each query term and its spelling variants, by weight. */
  private snippetTerms(queryTerms: readonly QueryTerm[]): Map<string, SnippetTerm> {
    const terms = new Map<string, SnippetTerm>();
    queryTerms.forEach((queryTerm, concept) => {
      for (const { termId, similarity } of queryTerm.variants) {
        const term = this.vocabulary.terms[termId] as string;
        const weight = queryTerm.semanticWeight * similarity;
        if ((terms.get(term)?.weight ?? -1) < weight) terms.set(term, { concept, weight });
      }
      if (!terms.has(queryTerm.term)) terms.set(queryTerm.term, { concept, weight: queryTerm.semanticWeight });
    });
    return terms;
  }
}
