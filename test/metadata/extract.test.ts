/**
 * The local extraction engine (emulator/metadata/extract.ts): labelled lines first, then values by
 * type, constraints applied, each value citing its page and passage; the same text and fields give
 * the same values.
 */
import { describe, expect, it } from 'vitest';
import { chunkPages } from '../../emulator/intelligence/engine/chunk.js';
import { extractValues, inferType, labelledLines, parseTyped } from '../../emulator/metadata/extract.js';
import type { MetadataField } from '../../emulator/store/metadata-model.js';

const field = (name: string, type: MetadataField['type'], extra: Partial<MetadataField> = {}): MetadataField => ({
  name,
  type,
  description: '',
  min: null,
  max: null,
  default: null,
  fixedList: null,
  canBeNull: true,
  autoextract: true,
  ...extra,
});

const valuesOf = (fields: MetadataField[], pages: string[]) => Object.fromEntries(extractValues(fields, chunkPages(pages)).map((v) => [v.key, v.value]));

describe('metadata extraction', () => {
  it('reads labelled lines by type and cites the page they are on', () => {
    const pages = ['Cover page without values.', 'Contract Id: CT-2026-7\nSigned: yes\nEffective Date: 15 April 2026\nFee = 4,500.75 USD\nPages: 12'];
    const fields = [field('contract_id', 'string'), field('signed', 'bool'), field('effective_date', 'datetime'), field('fee', 'float'), field('pages', 'int')];
    const out = extractValues(fields, chunkPages(pages));
    expect(Object.fromEntries(out.map((v) => [v.key, v.value]))).toEqual({
      contract_id: 'CT-2026-7',
      signed: true,
      effective_date: '2026-04-15',
      fee: 4500.75,
      pages: 12,
    });
    for (const v of out) expect(v.citation).toMatchObject({ page: 2, chunk: 1 });
    expect(out[3]!.citation!.snippet).toContain('4,500.75');
  });

  it('falls back to values by type, and applies fixed lists and bounds', () => {
    const text =
      'Memo from Dana Scully on 2026-01-09 about claim XF-1013: the payout of $250.00 is approved. See https://example.test/claims/1013 for the file.';
    expect(
      valuesOf(
        [
          field('author_name', 'string'),
          field('claim_number', 'string'),
          field('memo_date', 'datetime'),
          field('payout', 'float', { max: 100 }),
          field('link', 'url'),
          field('decision', 'string', { fixedList: ['denied', 'approved'] }),
          field('count', 'int'),
          field('notes', 'string'),
        ],
        [text],
      ),
    ).toEqual({
      author_name: 'Dana Scully',
      claim_number: 'XF-1013',
      memo_date: '2026-01-09',
      payout: null,
      link: 'https://example.test/claims/1013',
      decision: 'approved',
      count: null,
      notes: null,
    });
  });

  it('parses dates in the common written forms and refuses impossible ones', () => {
    const date = field('d', 'datetime');
    expect(parseTyped(date, 'March 3, 2026')).toBe('2026-03-03');
    expect(parseTyped(date, '3 Mar 2026')).toBe('2026-03-03');
    expect(parseTyped(date, '31/12/2026')).toBe('2026-12-31');
    expect(parseTyped(date, '2026-02-30')).toBeNull();
    expect(parseTyped(field('b', 'bool'), 'maybe')).toBeNull();
  });

  it('suggests from labelled lines, typed by their values', () => {
    expect(labelledLines('Total: $12.50\nDue Date: 2026-05-01\nnot a label line\nPaid: no')).toEqual([
      { label: 'Total', value: '$12.50' },
      { label: 'Due Date', value: '2026-05-01' },
      { label: 'Paid', value: 'no' },
    ]);
    expect(['$12.50', '2026-05-01', 'no', '42', 'https://x.test', 'plain words'].map(inferType)).toEqual(['float', 'datetime', 'bool', 'int', 'url', 'string']);
  });

  it('is deterministic', () => {
    const pages = ['Vendor Name: Acme Corp\nTotal Amount: 10.00'];
    const fields = [field('vendor_name', 'string'), field('total_amount', 'float')];
    expect(extractValues(fields, chunkPages(pages))).toEqual(extractValues(fields, chunkPages(pages)));
  });
});
