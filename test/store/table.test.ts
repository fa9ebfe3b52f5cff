import { describe, expect, it } from 'vitest';
import { Table } from '../../emulator/store/table.js';

interface Row {
  id: string;
  org: string;
  tags: string[];
  slug: string | null;
}

function make() {
  let changes = 0;
  const t = new Table<Row>('t', { indexes: { org: (r) => r.org, tag: (r) => r.tags }, unique: { slug: (r) => r.slug } }, () => changes++);
  return { t, changes: () => changes };
}

describe('Table', () => {
  it('indexes rows, keeps insertion order, and follows updates', () => {
    const { t, changes } = make();
    t.insert({ id: '1', org: 'a', tags: ['x'], slug: 's1' });
    t.insert({ id: '2', org: 'a', tags: ['x', 'y'], slug: null });
    t.insert({ id: '3', org: 'b', tags: [], slug: 's3' });
    expect(t.find('org', 'a').map((r) => r.id)).toEqual(['1', '2']);
    expect(t.find('tag', 'x').map((r) => r.id)).toEqual(['1', '2']);
    const before = t.get('1')!;
    t.update('1', { tags: ['x', 'z'] });
    // Unchanged keys keep their position; rows are replaced, not mutated.
    expect(t.find('tag', 'x').map((r) => r.id)).toEqual(['1', '2']);
    expect(t.find('tag', 'z').map((r) => r.id)).toEqual(['1']);
    expect(before.tags).toEqual(['x']);
    t.update('1', { org: 'b' });
    expect(t.find('org', 'a').map((r) => r.id)).toEqual(['2']);
    expect(t.find('org', 'b').map((r) => r.id)).toEqual(['3', '1']);
    expect(changes()).toBe(5);
  });

  it('enforces unique keys on insert and update, and frees them on delete', () => {
    const { t } = make();
    t.insert({ id: '1', org: 'a', tags: [], slug: 's' });
    expect(() => t.insert({ id: '2', org: 'a', tags: [], slug: 's' })).toThrow(/duplicate slug/);
    t.insert({ id: '2', org: 'a', tags: [], slug: 't' });
    expect(() => t.update('2', { slug: 's' })).toThrow(/duplicate slug/);
    expect(t.findOne('slug', 't')?.id).toBe('2');
    t.delete('1');
    expect(t.findOne('slug', 's')).toBeUndefined();
    t.update('2', { slug: 's' });
    expect(t.findOne('slug', 's')?.id).toBe('2');
    expect(t.findOne('slug', 't')).toBeUndefined();
    expect(() => t.insert({ id: '2', org: 'x', tags: [], slug: null })).toThrow(/duplicate id/);
  });

  it('loads and clears', () => {
    const { t } = make();
    t.load([
      { id: '1', org: 'a', tags: [], slug: 'a' },
      { id: '2', org: 'a', tags: [], slug: 'b' },
    ]);
    expect(t.size).toBe(2);
    expect(t.count('org', 'a')).toBe(2);
    t.clear();
    expect(t.size).toBe(0);
    expect(t.find('org', 'a')).toEqual([]);
  });
});
