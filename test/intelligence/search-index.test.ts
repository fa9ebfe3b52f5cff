import { describe, expect, it } from 'vitest';
import { chunkPages } from '../../emulator/intelligence/engine/chunk.js';
import { WorkspaceSearchIndex } from '../../emulator/intelligence/engine/search-index.js';
import type { IndexedDocument, SearchOptions } from '../../emulator/intelligence/engine/search-types.js';

function document(nodeId: string, versionId: string, ...pages: string[]): IndexedDocument {
  return { nodeId, versionId, passages: chunkPages(pages) };
}

const INVOICE_MARCH = document('node-a', 'ver-a1', 'The invoice for March is due on the fifth business day. Late invoice payments incur a fee.');
const INVOICES_ARCHIVED = document('node-b', 'ver-b1', 'Invoices are archived monthly in the finance folder.');
const TERMINATION = document('node-c', 'ver-c1', 'Either party may end the agreement with a termination notice of ninety days.');
const ORCHARD = document('node-d', 'ver-d1', 'The orchard harvest was larger than last year, with apples leading.');
const SMALL_CORPUS = [INVOICE_MARCH, INVOICES_ARCHIVED, TERMINATION, ORCHARD];

function indexOf(documents: readonly IndexedDocument[]): WorkspaceSearchIndex {
  const index = new WorkspaceSearchIndex();
  for (const doc of documents) index.add(doc);
  return index;
}

function nodeIds(index: WorkspaceSearchIndex, query: string, options: SearchOptions = {}): string[] {
  return index.search(query, { limit: 100, ...options }).hits.map((hit) => hit.nodeId);
}

/** Seeded prose from a fixed word list, so larger tests index the same text every run. */
function seededDocuments(count: number, passagesEach: number, seed: number): IndexedDocument[] {
  const words = (
    'contract invoice renewal termination notice payment supplier delivery warehouse orchard ' +
    'harvest schedule budget forecast freight route review audit policy member storage credit ' +
    'report quarter revenue safety inspection operator course incident filing agent workspace'
  ).split(' ');
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, (_, n) => {
    const pages = Array.from({ length: passagesEach }, () => Array.from({ length: 12 }, () => words[Math.floor(next() * words.length)]).join(' ') + '.');
    return document(`node-${String(n).padStart(4, '0')}`, `ver-${n}`, ...pages);
  });
}

describe('WorkspaceSearchIndex ranking', () => {
  it('puts the exact-term passage first and finds the inflected one by the semantic leg', () => {
    const result = indexOf(SMALL_CORPUS).search('invoice', { groupBy: 'passage' });
    // Worked by hand: N=4, idf(invoice)=ln(1+3.5/1.5); node-a has tf 2 in 17 terms (average 12.25),
    // node-b has "invoices" (trigram Dice 0.8) once in 8 terms.
    expect(result).toEqual({
      total: 2,
      hits: [
        {
          nodeId: 'node-a',
          versionId: 'ver-a1',
          passageId: 'node-a:ver-a1:0',
          page: 1,
          relevanceScore: 0.8775,
          snippet: INVOICE_MARCH.passages[0]?.text,
          matchSource: 'both',
          text: INVOICE_MARCH.passages[0]?.text,
        },
        {
          nodeId: 'node-b',
          versionId: 'ver-b1',
          passageId: 'node-b:ver-b1:0',
          page: 1,
          relevanceScore: 0.353,
          snippet: 'Invoices are archived monthly in the finance folder.',
          matchSource: 'semantic',
          text: 'Invoices are archived monthly in the finance folder.',
        },
      ],
    });
  });

  it('finds a misspelled term that the keyword leg misses', () => {
    const hits = indexOf(SMALL_CORPUS).search('terminaton').hits;
    expect(hits.map((hit) => [hit.nodeId, hit.matchSource])).toEqual([['node-c', 'semantic']]);
  });

  it('matches codes and numbers only exactly', () => {
    const index = indexOf([document('sku-a', 'v', 'Part sku4421 ships in 2026.'), document('sku-b', 'v', 'Part sku4422 ships in 2025.')]);
    expect(nodeIds(index, 'sku4421')).toEqual(['sku-a']);
    expect(nodeIds(index, '2025')).toEqual(['sku-b']);
  });

  it('ranks the passage matching more of the query higher', () => {
    const index = indexOf([
      document('one', 'v', 'The harvest budget was approved.'),
      document('two', 'v', 'The orchard harvest budget was approved in spring.'),
      document('three', 'v', 'The orchard fence was repaired.'),
    ]);
    expect(nodeIds(index, 'orchard harvest budget')).toEqual(['two', 'one', 'three']);
  });

  it('does not return passages that share only a stop word with a long question', () => {
    const index = indexOf(SMALL_CORPUS);
    expect(nodeIds(index, 'what is the notice period for ending the agreement')).toEqual(['node-c']);
  });

  it('returns nothing for queries without terms or an empty index', () => {
    expect(indexOf(SMALL_CORPUS).search('?!… --')).toEqual({ total: 0, hits: [] });
    expect(new WorkspaceSearchIndex().search('invoice')).toEqual({ total: 0, hits: [] });
  });

  it('scores between 0 and 1, never increasing down the list', () => {
    const index = indexOf(seededDocuments(40, 3, 7));
    const { hits } = index.search('contract renewal notice for the warehouse', { limit: 50, groupBy: 'passage' });
    expect(hits.length).toBeGreaterThan(10);
    for (const [i, hit] of hits.entries()) {
      expect(hit.relevanceScore).toBeGreaterThan(0);
      expect(hit.relevanceScore).toBeLessThanOrEqual(1);
      if (i > 0) expect(hit.relevanceScore).toBeLessThanOrEqual(hits[i - 1]?.relevanceScore ?? 1);
    }
  });
});

describe('WorkspaceSearchIndex determinism', () => {
  const queries = ['invoice', 'terminaton notice', 'orchard apples', 'the', 'contract renewal', 'invoices archived'];

  it('gives the same results whatever the order documents were added in', () => {
    const forwards = indexOf(SMALL_CORPUS);
    const backwards = indexOf([...SMALL_CORPUS].reverse());
    for (const query of queries) expect(backwards.search(query)).toEqual(forwards.search(query));
  });

  it('gives the same results after nodes were added and removed (compaction included)', () => {
    const documents = seededDocuments(300, 5, 11);
    const churned = indexOf(documents);
    // 1,250 tombstoned passages against 250 live ones: the postings are compacted.
    for (const doc of documents.slice(50)) churned.remove(doc.nodeId);
    const fresh = indexOf(documents.slice(0, 50));
    expect(churned.size).toBe(250);
    const scopes: SearchOptions[] = [{}, { groupBy: 'passage', limit: 30 }, { offset: 5, limit: 7 }];
    for (const query of ['contract', 'renewal notice', 'warehouse safety audit', 'invoise']) {
      for (const options of scopes) expect(churned.search(query, options)).toEqual(fresh.search(query, options));
    }
    // Slots freed by compaction are reused, and results still match a fresh index.
    for (const doc of documents.slice(50, 120)) churned.add(doc);
    const refreshed = indexOf(documents.slice(0, 120));
    for (const query of ['contract', 'renewal notice', 'invoise']) {
      expect(churned.search(query, { groupBy: 'passage', limit: 50 })).toEqual(refreshed.search(query, { groupBy: 'passage', limit: 50 }));
    }
  });

  it('breaks score ties by node id, then by passage order', () => {
    const index = new WorkspaceSearchIndex();
    for (const nodeId of ['n-3', 'n-1', 'n-2']) {
      index.add({ nodeId, versionId: 'v', passages: chunkPages(['Same gadget text.', 'Same gadget text.']) });
    }
    const hits = index.search('gadget', { groupBy: 'passage' }).hits;
    expect(hits.map((hit) => hit.passageId)).toEqual(['n-1:v:0', 'n-1:v:1', 'n-2:v:0', 'n-2:v:1', 'n-3:v:0', 'n-3:v:1']);
  });
});

describe('WorkspaceSearchIndex scopes', () => {
  const index = indexOf(SMALL_CORPUS);

  it('limits results to files_scope node ids, or node ids at a given version', () => {
    expect(nodeIds(index, 'invoice', { fileScope: new Set(['node-b']) })).toEqual(['node-b']);
    expect(nodeIds(index, 'invoice', { fileScope: new Map([['node-a', 'ver-a1']]) })).toEqual(['node-a']);
    expect(index.search('invoice', { fileScope: new Map([['node-a', 'ver-a0']]) })).toEqual({ total: 0, hits: [] });
    expect(index.search('invoice', { fileScope: new Set() })).toEqual({ total: 0, hits: [] });
  });

  it('limits results to a folder scope given as a set or a test', () => {
    expect(nodeIds(index, 'invoice', { folderScope: new Set(['node-b', 'node-c']) })).toEqual(['node-b']);
    expect(nodeIds(index, 'invoice', { folderScope: (nodeId) => nodeId !== 'node-b' })).toEqual(['node-a']);
  });

  it('treats files and folders scopes together as a union', () => {
    const options = { fileScope: new Set(['node-a']), folderScope: new Set(['node-b']) };
    expect(nodeIds(index, 'invoice', options)).toEqual(['node-a', 'node-b']);
  });
});

describe('WorkspaceSearchIndex pagination and grouping', () => {
  const widgets = Array.from({ length: 25 }, (_, i) =>
    document(`w-${String(i).padStart(2, '0')}`, 'v1', `Widget report ${String(i).padStart(2, '0')}: the widget count is stable.`),
  );
  const index = indexOf(widgets);

  it('counts every match in total and pages with offset and limit', () => {
    const all = index.search('widget', { limit: 100 });
    expect(all.total).toBe(25);
    expect(all.hits.map((hit) => hit.nodeId)).toEqual(widgets.map((doc) => doc.nodeId));
    const pages = [0, 10, 20].flatMap((offset) => index.search('widget', { offset, limit: 10 }).hits);
    expect(pages).toEqual(all.hits);
    const last = index.search('widget', { offset: 20, limit: 10 });
    expect(last.total).toBe(25);
    expect(last.hits.map((hit) => hit.nodeId)).toEqual(['w-20', 'w-21', 'w-22', 'w-23', 'w-24']);
    expect(index.search('widget', { offset: 40, limit: 10 })).toEqual({ total: 25, hits: [] });
    expect(index.search('widget', { limit: 0 })).toEqual({ total: 25, hits: [] });
  });

  it('groups by node by default and can list every passage', () => {
    const grouped = indexOf([
      document('multi', 'v', 'A gadget here.', 'Another gadget, gadget again.', 'Gadget three.'),
      document('single', 'v', 'One gadget.'),
    ]);
    const byNode = grouped.search('gadget');
    expect(byNode.total).toBe(2);
    expect(byNode.hits.map((hit) => hit.passageId)).toEqual(['multi:v:1', 'single:v:0']);
    const byPassage = grouped.search('gadget', { groupBy: 'passage' });
    expect(byPassage.total).toBe(4);
    // tf 2 first; then the two-term passages (node id breaks their tie); the three-term one last.
    expect(byPassage.hits.map((hit) => hit.passageId)).toEqual(['multi:v:1', 'multi:v:2', 'single:v:0', 'multi:v:0']);
    expect(byPassage.hits.map((hit) => hit.page)).toEqual([2, 3, 1, 1]);
  });
});

describe('WorkspaceSearchIndex lifecycle', () => {
  it('never returns a removed node', () => {
    const index = indexOf(SMALL_CORPUS);
    expect(index.remove('node-a')).toBe(true);
    expect(index.remove('node-a')).toBe(false);
    expect(index.has('node-a')).toBe(false);
    expect(index.size).toBe(3);
    expect(nodeIds(index, 'invoice')).toEqual(['node-b']);
    expect(nodeIds(index, 'march fifth business day')).toEqual([]);
  });

  it('replaces the indexed version when a node is added again', () => {
    const index = indexOf(SMALL_CORPUS);
    index.add(document('node-c', 'ver-c2', 'Termination now requires sixty days notice.'));
    expect(index.nodeCount).toBe(4);
    expect(index.indexedVersion('node-c')).toBe('ver-c2');
    expect(index.search('termination').hits.map((hit) => hit.versionId)).toEqual(['ver-c2']);
    expect(index.search('ninety')).toEqual({ total: 0, hits: [] });
  });

  it('forgets everything on clear and can be filled again', () => {
    const index = indexOf(SMALL_CORPUS);
    index.clear();
    expect([index.size, index.nodeCount, index.vocabularySize]).toEqual([0, 0, 0]);
    expect(index.search('invoice')).toEqual({ total: 0, hits: [] });
    index.add(ORCHARD);
    expect(nodeIds(index, 'orchard')).toEqual(['node-d']);
  });

  it('keeps two instances apart (one per workspace)', () => {
    const first = indexOf([INVOICE_MARCH]);
    const second = indexOf([ORCHARD]);
    expect(nodeIds(first, 'orchard invoice')).toEqual(['node-a']);
    expect(nodeIds(second, 'orchard invoice')).toEqual(['node-d']);
  });
});

describe('WorkspaceSearchIndex snippets', () => {
  it('shows a window of at most 300 characters around the match', () => {
    const filler = 'The quarterly review covered routine matters of the storage team and its members. ';
    const text = `${filler.repeat(9)}The zeppelin hangar lease ends in May. ${filler.repeat(2)}`.trim();
    const index = indexOf([{ nodeId: 'long', versionId: 'v', passages: [{ ordinal: 0, page: 1, start: 0, end: text.length, text }] }]);
    const [hit] = index.search('zeppelin').hits;
    // The window opens at the start of the matching sentence and runs to the passage's end.
    expect(hit?.snippet).toBe(`…The zeppelin hangar lease ends in May. ${filler.repeat(2)}`.trim());
    const [early] = index.search('quarterly zeppelin').hits;
    expect(early?.snippet.length).toBeLessThanOrEqual(300);
  });

  it('cuts at word boundaries with an ellipsis on each cut side', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const index = indexOf([{ nodeId: 'n', versionId: 'v', passages: [{ ordinal: 0, page: 1, start: 0, end: words.length, text: words }] }]);
    const snippet = index.search('word60').hits[0]?.snippet ?? '';
    expect(snippet.length).toBeLessThanOrEqual(300);
    expect(snippet.startsWith('…word')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain(' word60 ');
    // Whole words only: every piece between the ellipses is one of the passage's words.
    for (const piece of snippet.slice(1, -1).split(' ')) expect(words.split(' ')).toContain(piece);
  });

  it('collapses whitespace and keeps short passages whole', () => {
    const index = indexOf([document('n', 'v', 'Line one\nline   two about budgets.')]);
    expect(index.search('budgets').hits[0]?.snippet).toBe('Line one line two about budgets.');
  });
});

describe('WorkspaceSearchIndex long queries', () => {
  const index = indexOf([...seededDocuments(200, 3, 5), TERMINATION]);

  it('finds the passage a long, wordy question is about', () => {
    const preamble = 'I would like to know, given everything that was said before and after this point, ';
    const question = `${preamble.repeat(140)}when does the agreement end and how much notice is needed?`;
    expect(question.length).toBeGreaterThan(11_000);
    expect(nodeIds(index, question).slice(0, 1)).toEqual(['node-c']);
  });

  it('answers a 12,000-character question of distinct terms, deterministically', () => {
    const question = Array.from({ length: 1_400 }, (_, i) => `contract w${i}q agreemnt`)
      .join(' ')
      .slice(0, 12_000);
    const first = index.search(question, { limit: 5 });
    expect(index.search(question, { limit: 5 })).toEqual(first);
  });
});
