import { describe, expect, it } from 'vitest';
import { runSearchBench } from '../../scripts/bench/search.js';

describe('runSearchBench', () => {
  it('indexes and searches the same generated content on every run', () => {
    const options = { passages: 2_000, queries: 100, warmupQueries: 10 };
    const first = runSearchBench(options);
    const second = runSearchBench(options);
    expect([first.passages, first.nodes, first.queries]).toEqual([2_000, 200, 100]);
    expect(second.totalHitsChecksum).toBe(first.totalHitsChecksum);
    expect(second.vocabulary).toBe(first.vocabulary);
    expect(first.totalHitsChecksum).toBeGreaterThan(0);
  });
});
