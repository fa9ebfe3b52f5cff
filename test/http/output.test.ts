import { describe, expect, it } from 'vitest';
import { errorMarkdown, parseOutput, renderWithOutput, shapeAnswer, successMarkdown } from '../../emulator/http/output.js';
import { JsonFields } from '../../emulator/http/route.js';

const node = {
  id: '2abc',
  name: 'report.pdf',
  type: 'file',
  parent: null,
  description: '',
  size: 12,
  ai: { state: 'ready', attach: true, reason: null, pages: 3 },
  origin: { type: 'upload', creator: '1234' },
  permissions: 'admin',
  summary: 'x'.repeat(300),
  created: '2026-04-01 10:00:00 UTC',
};

describe('output option', () => {
  it('reads levels and the markdown modifier, ignores unknown tokens, and flags two levels', () => {
    expect(parseOutput(undefined)).toBeUndefined();
    expect(parseOutput('compact')).toBeUndefined();
    expect(parseOutput('Terse')).toEqual({ level: 'terse', markdown: false, conflict: undefined });
    expect(parseOutput('standard,markdown')).toEqual({ level: 'standard', markdown: true, conflict: undefined });
    expect(parseOutput('markdown')).toEqual({ level: 'full', markdown: true, conflict: undefined });
    expect(parseOutput('terse,terse,sparkles')?.conflict).toBeUndefined();
    expect(parseOutput('terse,full')?.conflict).toEqual(['terse', 'full']);
    expect(parseOutput(['standard', 'terse'])?.conflict).toEqual(['standard', 'terse']);
  });
});

describe('detail levels', () => {
  it('keeps full as it is and is cumulative: terse within standard within full', () => {
    const answer = { files: [node], node, pagination: { total: 1, limit: 100, offset: 0, has_more: false }, id: '2abc' };
    expect(shapeAnswer(answer, 'full')).toBe(answer);
    const standard = shapeAnswer(answer, 'standard');
    const terse = shapeAnswer(answer, 'terse');
    const s = standard.node as Record<string, unknown>;
    const t = terse.node as Record<string, unknown>;
    expect(s.ai).toEqual({ state: 'ready' });
    expect(s.origin).toEqual(node.origin);
    expect(s).not.toHaveProperty('permissions');
    expect(t).toEqual({ id: '2abc', name: 'report.pdf', type: 'file', size: 12, created: node.created });
    for (const k of Object.keys(t)) expect(s).toHaveProperty(k);
    for (const k of Object.keys(s)) expect(node).toHaveProperty(k);
    expect((terse.files as unknown[])[0]).toEqual(t);
    expect(terse.pagination).toEqual(answer.pagination);
    expect(terse.id).toBe('2abc');
  });

  it('answers today’s bytes when nothing changes, and reshapes pre-serialised fields', () => {
    expect(renderWithOutput({ level: 'full', markdown: false, conflict: undefined }, { a: 1 })).toBeUndefined();
    const r = renderWithOutput({ level: 'terse', markdown: false, conflict: undefined }, new JsonFields(JSON.stringify({ node })));
    expect(JSON.parse(r!.body)).toEqual({ result: true, node: { id: '2abc', name: 'report.pdf', type: 'file', size: 12, created: node.created } });
  });
});

describe('markdown', () => {
  it('renders maps as bullet lists and record lists as GFM tables, escaping pipes', () => {
    const md = successMarkdown({
      id: '7',
      user: { id: '1', first_name: 'Al|ce', last: null },
      events: [
        { id: 'a', event: 'org_created' },
        { id: 'b', event: 'org_updated', note: 'two\nlines' },
      ],
      tags: [],
    });
    expect(md).toBe(
      [
        '**Result:** success',
        '',
        '- **id:** 7',
        '',
        '# user',
        '- **id:** 1',
        '- **first_name:** Al|ce',
        '- **last:** —',
        '',
        '# events',
        '',
        '| id | event | note |',
        '|----|-------|------|',
        '| a | org_created | — |',
        '| b | org_updated | two<br>lines |',
        '',
        '# tags',
        '_none_',
        '',
      ].join('\n'),
    );
    expect(successMarkdown({ rows: [{ v: 'a|b' }] })).toContain('| a\\|b |');
  });

  it('renders an error as a `# Error` section with its params table', () => {
    const md = errorMarkdown({
      code: 1605,
      text: 'bad',
      resource: 'GET /current/x/',
      params: [
        { name: 'output', kind: 'invalid', message: 'Pick one.', code: 1605, expected_type: 'enum' },
        { name: 'limit', kind: 'missing', message: 'm', code: 1605 },
      ],
    });
    expect(md.split('\n')).toEqual([
      '**Result:** failure',
      '',
      '# Error',
      '- **code:** 1605',
      '- **text:** bad',
      '- **resource:** GET /current/x/',
      '',
      '## params',
      '',
      '| name | kind | message | code | expected_type |',
      '|------|------|---------|------|---------------|',
      '| output | invalid | Pick one. | 1605 | enum |',
      '| limit | missing | m | 1605 | — |',
      '',
    ]);
  });
});
