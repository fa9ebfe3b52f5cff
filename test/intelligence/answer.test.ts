import { describe, expect, it } from 'vitest';
import { buildAnswer, countTokens, NO_RELEVANT_CONTENT_ANSWER, type AnswerSource } from '../../emulator/intelligence/engine/answer.js';
import { chunkPages } from '../../emulator/intelligence/engine/chunk.js';
import { WorkspaceSearchIndex } from '../../emulator/intelligence/engine/search-index.js';

const MAINTENANCE: AnswerSource = {
  nodeId: 'node-c',
  versionId: 'ver-c1',
  passageId: 'node-c:ver-c1:0',
  page: 2,
  text:
    'Maintenance Agreement Summary. The maintenance agreement with Bluefield Logistics renews every ' +
    'twelve months. Either party may end the agreement with a termination notice of ninety days. ' +
    'Service visits happen on the first Monday of each month.',
};

const CONTRACT: AnswerSource = {
  nodeId: 'node-k',
  versionId: 'ver-k1',
  passageId: 'node-k:ver-k1:3',
  page: 1,
  text: 'Termination. Either party may terminate this contract with sixty days written notice. Fees are invoiced monthly.',
};

const QUESTION = 'How much notice is needed for termination?';

describe('buildAnswer', () => {
  it('quotes the best-matching sentences with numbered citations (concise)', () => {
    expect(buildAnswer(QUESTION, [MAINTENANCE, CONTRACT], { personality: 'concise' })).toEqual({
      text:
        'Either party may end the agreement with a termination notice of ninety days. [1] ' +
        'Either party may terminate this contract with sixty days written notice. [2]',
      citations: [
        {
          nodeId: 'node-c',
          versionId: 'ver-c1',
          passageId: 'node-c:ver-c1:0',
          page: 2,
          snippet: 'Either party may end the agreement with a termination notice of ninety days.',
        },
        {
          nodeId: 'node-k',
          versionId: 'ver-k1',
          passageId: 'node-k:ver-k1:3',
          page: 1,
          snippet: 'Either party may terminate this contract with sixty days written notice.',
        },
      ],
      // ceil(42/4) + ceil(243/4) + ceil(112/4): the question and every passage given as context.
      promptTokens: 100,
      completionTokens: 40,
    });
  });

  it('quotes more sentences when detailed, still only matching ones', () => {
    const answer = buildAnswer(QUESTION, [MAINTENANCE, CONTRACT], { personality: 'detailed' });
    expect(answer.text).toBe(
      'Based on 2 passages from 2 files in this workspace:\n\n' +
        '- Either party may end the agreement with a termination notice of ninety days. [1]\n' +
        '- Either party may terminate this contract with sixty days written notice. [2]\n' +
        '- Termination. [2]',
    );
    expect(answer.citations.map((citation) => citation.snippet)).toEqual([
      'Either party may end the agreement with a termination notice of ninety days.',
      'Either party may terminate this contract with sixty days written notice. Termination.',
    ]);
    expect([answer.promptTokens, answer.completionTokens]).toEqual([100, 59]);
  });

  it('cites only passages it was given, each citation marked in the text', () => {
    const index = new WorkspaceSearchIndex();
    const pages = [
      'The pruning schedule starts in February. Young trees are pruned lightly.',
      'Irrigation budget: 12,000 for the season. Drip lines are checked weekly.',
    ];
    index.add({ nodeId: 'orchard-notes', versionId: 'v7', passages: chunkPages(pages) });
    index.add({ nodeId: 'other', versionId: 'v1', passages: chunkPages(['The office moves in March.']) });
    const hits = index.search('when does pruning start', { groupBy: 'passage', limit: 5 }).hits;
    const answer = buildAnswer('when does pruning start', hits, { personality: 'detailed' });
    const given = new Set(hits.map((hit) => hit.passageId));
    expect(answer.citations.length).toBeGreaterThan(0);
    answer.citations.forEach((citation, i) => {
      expect(given.has(citation.passageId)).toBe(true);
      expect(answer.text).toContain(`[${i + 1}]`);
    });
    expect(answer.text).not.toContain(`[${answer.citations.length + 1}]`);
    expect(answer.citations[0]).toMatchObject({ nodeId: 'orchard-notes', versionId: 'v7', page: 1 });
    expect(answer.text).toContain('The pruning schedule starts in February. [1]');
  });

  it('is deterministic', () => {
    const first = buildAnswer(QUESTION, [MAINTENANCE, CONTRACT], { personality: 'detailed' });
    const second = buildAnswer(QUESTION, [MAINTENANCE, CONTRACT], { personality: 'detailed' });
    expect(second).toEqual(first);
  });

  it('answers with the fixed no-content text when there are no passages', () => {
    expect(buildAnswer(QUESTION, [])).toEqual({
      text: NO_RELEVANT_CONTENT_ANSWER,
      citations: [],
      promptTokens: 11,
      completionTokens: 18,
    });
  });

  it('answers with the no-content text when no sentence shares a term with the question', () => {
    const answer = buildAnswer('Who audits the warehouse?', [CONTRACT]);
    expect(answer.text).toBe(NO_RELEVANT_CONTENT_ANSWER);
    expect(answer.citations).toEqual([]);
    // The passages were still read, so they still count as prompt.
    expect(answer.promptTokens).toBe(countTokens('Who audits the warehouse?') + countTokens(CONTRACT.text));
  });

  it('does not quote the same sentence twice', () => {
    const copy = { ...MAINTENANCE, nodeId: 'node-copy', passageId: 'node-copy:v:0' };
    const answer = buildAnswer('termination notice', [MAINTENANCE, copy], { personality: 'detailed' });
    expect(answer.text.match(/termination notice of ninety days/g)).toHaveLength(1);
    expect(answer.citations.map((citation) => citation.nodeId)).toEqual(['node-c']);
  });
});

describe('countTokens', () => {
  it('counts one token per 4 characters, rounded up', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('abcd')).toBe(1);
    expect(countTokens('abcde')).toBe(2);
    expect(countTokens('a'.repeat(400))).toBe(100);
    // Code points, not UTF-16 units: four emoji are four characters.
    expect(countTokens('😀😀😀😀')).toBe(1);
  });
});

describe('long questions', () => {
  it('answers a 12,000-character question from the passage it is about', () => {
    const question = Array.from({ length: 1_500 }, (_, i) => `term${i % 97}x${i} notice`)
      .join(' ')
      .slice(0, 12_000);
    const sources = Array.from({ length: 10 }, (_, i) => ({ ...MAINTENANCE, passageId: `p${i}` }));
    const answer = buildAnswer(`${question} termination`, sources, { personality: 'detailed' });
    expect(answer.citations.map((citation) => citation.passageId)).toEqual(['p0']);
  });
});
