/**
 * Listings in creation order (emulator/store/order.ts): rows made in the same millisecond keep
 * the order they were made in, both ways, whatever their ids.
 */
import { describe, expect, it } from 'vitest';
import { newestFirst, oldestFirst } from '../../emulator/store/order.js';
import { Table } from '../../emulator/store/table.js';

describe('creation order', () => {
  it('breaks same-millisecond ties by the order the rows were made, not by id', () => {
    const t = new Table<{ id: string; created: number; place: string }>('t', { indexes: { place: (r) => r.place } });
    // Ids sort the other way round from the order they were made in.
    for (const [id, created] of [
      ['z', 5],
      ['y', 5],
      ['x', 5],
      ['w', 3],
      ['v', 7],
    ] as const)
      t.insert({ id, created, place: 'p' });
    t.update('z', { created: 5 });
    const rows = t.find('place', 'p');
    expect(oldestFirst(rows).map((r) => r.id)).toEqual(['w', 'z', 'y', 'x', 'v']);
    expect(newestFirst(rows).map((r) => r.id)).toEqual(['v', 'x', 'y', 'z', 'w']);
    expect(rows.map((r) => r.id)).toEqual(['z', 'y', 'x', 'w', 'v']);
  });
});
