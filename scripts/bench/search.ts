/**
 * Search benchmark: one workspace index of generated passages, a fixed mix of queries, latency
 * percentiles. Text and queries come from a seeded generator, so two runs search the same content.
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc dist/scripts/bench/search.js [passages] [queries]
 *
 * (--expose-gc makes the heap figure exclude garbage; without it the figure is an upper bound.)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Passage } from '../../emulator/intelligence/engine/chunk.js';
import { WorkspaceSearchIndex } from '../../emulator/intelligence/engine/search-index.js';
import { percentile } from './stats.js';
import { mulberry32 } from '../../emulator/store/random.js';

export interface SearchBenchOptions {
  /** Passages indexed (default 10,000). */
  passages?: number;
  /** Distinct words the generated text draws from, Zipf-distributed (default 30,000). */
  vocabulary?: number;
  /** Passages per node (default 10). */
  passagesPerNode?: number;
  /** Measured queries (default 500), after `warmupQueries` unmeasured ones (default 50). */
  queries?: number;
  warmupQueries?: number;
  /** Default 10, like a results page. */
  limit?: number;
  groupBy?: 'node' | 'passage';
  seed?: number;
}

export interface SearchBenchResult {
  passages: number;
  nodes: number;
  vocabulary: number;
  queries: number;
  buildMs: number;
  /** Heap in use after the build, and the part of it the index added. */
  heapUsedBytes: number;
  indexHeapBytes: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Sum of `total` over the measured queries: equal across runs when search is deterministic. */
  totalHitsChecksum: number;
}

const SYLLABLES = (
  'ka lo mi ne ra to su vi de pa an el or um is bar con ter ment ion pro sta lin gra vor ' +
  'tel mar qui zen dro fal hem cor sil nav ple tru wex ost ary ble dun'
).split(' ');

const FUNCTION_WORDS = (
  'the of and to in a is that for it as with was on be by this are from at or an which have not ' +
  'has were but all their can its more will one also been other when into than these such may'
).split(' ');

interface Corpus {
  words: string[];
  /** Cumulative Zipf weights over `words`, for sampling by rank. */
  cumulative: Float64Array;
}

function makeCorpus(random: () => number, size: number): Corpus {
  const words = new Set<string>(FUNCTION_WORDS);
  while (words.size < size) {
    const syllableCount = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllableCount; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  const list = [...words];
  const cumulative = new Float64Array(list.length);
  let sum = 0;
  for (let rank = 0; rank < list.length; rank++) {
    sum += 1 / (rank + 1) ** 1.05;
    cumulative[rank] = sum;
  }
  return { words: list, cumulative };
}

function sampleWord(corpus: Corpus, random: () => number): string {
  const target = random() * (corpus.cumulative[corpus.cumulative.length - 1] ?? 1);
  let low = 0;
  let high = corpus.cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((corpus.cumulative[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  return corpus.words[low] ?? 'the';
}

function makePassageText(corpus: Corpus, random: () => number): string {
  const targetLength = 600 + Math.floor(random() * 350);
  const sentences: string[] = [];
  let length = 0;
  while (length < targetLength) {
    const wordCount = 8 + Math.floor(random() * 14);
    const words: string[] = [];
    for (let i = 0; i < wordCount; i++) words.push(sampleWord(corpus, random));
    const sentence = words.join(' ');
    sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
    length += sentence.length + 2;
  }
  // One join gives a flat string; built by += it would be a rope that the index flattens, and the
  // freed rope would make the index look smaller than it is.
  return sentences.join(' ');
}

function misspell(word: string, random: () => number): string {
  const at = 1 + Math.floor(random() * (word.length - 2));
  return random() < 0.5 ? word.slice(0, at) + word.slice(at + 1) : `${word.slice(0, at)}x${word.slice(at)}`;
}

/** The query mix: single terms, short phrases, misspellings, questions, and unknown words. */
function makeQuery(corpus: Corpus, random: () => number): string {
  const kind = random();
  const contentWord = (): string => {
    // Skip the function words at the head of the distribution: people search for content.
    const rank = FUNCTION_WORDS.length + Math.floor(random() ** 2 * (corpus.words.length - FUNCTION_WORDS.length));
    return corpus.words[rank] ?? 'ment';
  };
  if (kind < 0.3) return contentWord();
  if (kind < 0.6) return Array.from({ length: 2 + Math.floor(random() * 3) }, contentWord).join(' ');
  if (kind < 0.75) {
    let word = contentWord();
    while (word.length < 6) word = contentWord();
    return misspell(word, random);
  }
  if (kind < 0.9) return `what is the ${contentWord()} of the ${contentWord()} and how does it ${contentWord()}?`;
  return `${SYLLABLES[Math.floor(random() * SYLLABLES.length)]}qz${SYLLABLES[Math.floor(random() * SYLLABLES.length)]}`;
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

export function runSearchBench(options: SearchBenchOptions = {}): SearchBenchResult {
  const passageCount = options.passages ?? 10_000;
  const passagesPerNode = options.passagesPerNode ?? 10;
  const queryCount = options.queries ?? 500;
  const warmupCount = options.warmupQueries ?? 50;
  const random = mulberry32(options.seed ?? 20260401);
  const corpus = makeCorpus(random, options.vocabulary ?? 30_000);

  const documents: Array<{ nodeId: string; versionId: string; passages: Passage[] }> = [];
  for (let made = 0; made < passageCount; made += passagesPerNode) {
    const nodeNumber = String(documents.length).padStart(6, '0');
    const passages: Passage[] = [];
    for (let ordinal = 0; ordinal < Math.min(passagesPerNode, passageCount - made); ordinal++) {
      const text = makePassageText(corpus, random);
      passages.push({ ordinal, page: 1 + Math.floor(ordinal / 4), start: 0, end: text.length, text });
    }
    documents.push({ nodeId: `2bench${nodeNumber}`, versionId: `3bench${nodeNumber}`, passages });
  }
  const queries = Array.from({ length: warmupCount + queryCount }, () => makeQuery(corpus, random));

  const heapBefore = heapUsed();
  const index = new WorkspaceSearchIndex();
  const buildStart = performance.now();
  for (const document of documents) index.add(document);
  const buildMs = performance.now() - buildStart;
  const heapAfter = heapUsed();

  const searchOptions = { limit: options.limit ?? 10, groupBy: options.groupBy ?? 'node' } as const;
  for (const query of queries.slice(0, warmupCount)) index.search(query, searchOptions);
  const latencies: number[] = [];
  let totalHitsChecksum = 0;
  for (const query of queries.slice(warmupCount)) {
    const start = performance.now();
    const result = index.search(query, searchOptions);
    latencies.push(performance.now() - start);
    totalHitsChecksum += result.total;
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    passages: index.size,
    nodes: index.nodeCount,
    vocabulary: index.vocabularySize,
    queries: latencies.length,
    buildMs: round(buildMs),
    heapUsedBytes: heapAfter,
    indexHeapBytes: heapAfter - heapBefore,
    meanMs: round(latencies.reduce((sum, ms) => sum + ms, 0) / Math.max(1, latencies.length)),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    totalHitsChecksum,
  };
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function main(argv: readonly string[] = process.argv.slice(2)): SearchBenchResult {
  const [passages, queries] = argv.map((value) => Number.parseInt(value, 10));
  const result = runSearchBench({
    passages: Number.isFinite(passages) ? passages : undefined,
    queries: Number.isFinite(queries) ? queries : undefined,
  });
  console.log(`search bench: ${result.passages} passages in ${result.nodes} nodes, ${result.vocabulary} terms`);
  console.log(`  build       ${result.buildMs.toFixed(1)} ms`);
  console.log(`  heap        ${formatMegabytes(result.heapUsedBytes)} in use, index ${formatMegabytes(result.indexHeapBytes)}`);
  console.log(
    `  ${result.queries} queries  p50 ${result.p50Ms.toFixed(2)} ms  p95 ${result.p95Ms.toFixed(2)} ms  ` +
      `p99 ${result.p99Ms.toFixed(2)} ms  max ${result.maxMs.toFixed(2)} ms  mean ${result.meanMs.toFixed(2)} ms`,
  );
  console.log(`  checksum    ${result.totalHitsChecksum}`);
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main();
}
