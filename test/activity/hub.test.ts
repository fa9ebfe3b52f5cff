import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivityHub, formatCursor, parseCursor } from '../../emulator/activity/hub.js';
import { parseTime } from '../../emulator/http/format.js';

describe('the activity hub', () => {
  it('never loses a change between two polls, and reports each key once, in order of its latest change', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('touch' as const), entity: fc.constantFrom('a', 'b'), key: fc.constantFrom('k1', 'k2', 'k3', 'k4') }),
      fc.record({ kind: fc.constant('poll' as const), entity: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('tick' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        let now = 1_000;
        const hub = new ActivityHub(() => now);
        const cursors = new Map<string, number>([
          ['a', hub.cursor],
          ['b', hub.cursor],
        ]);
        // The model: every touch since each entity's last poll, in order.
        const seen = new Map<string, string[]>([
          ['a', []],
          ['b', []],
        ]);
        for (const o of ops) {
          if (o.kind === 'tick') now += 1;
          else if (o.kind === 'touch') {
            hub.touch([o.entity], o.key);
            seen.get(o.entity)!.push(o.key);
          } else {
            const { keys, cursor } = hub.since(o.entity, cursors.get(o.entity)!);
            const touched = seen.get(o.entity)!;
            const expected = [...new Set([...touched].reverse())].reverse();
            expect(keys).toEqual(expected);
            cursors.set(o.entity, cursor);
            seen.set(o.entity, []);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives changes in one millisecond distinct, increasing stamps', () => {
    const hub = new ActivityHub(() => 5_000);
    hub.touch(['elsewhere'], 'x');
    const before = hub.cursor;
    for (let i = 0; i < 10_000; i++) hub.touch(['ws'], `k${i % 3}`);
    expect(hub.cursor - before).toBe(10_000);
    expect(hub.since('ws', before).keys).toEqual(['k1', 'k2', 'k0']);
    // The cursor of the 9,999th change still finds the last one only.
    expect(hub.since('ws', hub.cursor - 1).keys).toEqual(['k0']);
  });

  it('wakes a waiter on a change, times out empty, and leaves no waiter behind after an abort', async () => {
    const hub = new ActivityHub(() => Date.now());
    const cursor = hub.cursor;
    const waiting = hub.wait('ws', cursor, 60_000);
    expect(hub.waiting).toBe(1);
    hub.touch(['other'], 'members');
    expect(hub.waiting).toBe(1);
    hub.touch(['ws', 'org'], 'settings');
    await expect(waiting).resolves.toMatchObject({ keys: ['settings'] });
    expect(hub.waiting).toBe(0);

    const controller = new AbortController();
    const aborted = hub.wait('ws', hub.cursor, 60_000, controller.signal);
    expect(hub.waiting).toBe(1);
    controller.abort();
    await expect(aborted).resolves.toMatchObject({ keys: [] });
    expect(hub.waiting).toBe(0);

    await expect(hub.wait('ws', hub.cursor, 1)).resolves.toMatchObject({ keys: [] });
    expect(hub.waiting).toBe(0);
  });

  it('writes cursors as epoch seconds with six decimals and reads them back, or times (inclusive)', () => {
    const stamp = Date.UTC(2026, 3, 1, 10, 0, 0) * 1000 + 123_456;
    const text = formatCursor(stamp);
    expect(text).toBe(`${Date.UTC(2026, 3, 1, 10, 0, 0) / 1000}.123456`);
    expect(parseCursor(text, parseTime)).toBe(stamp);
    expect(parseCursor('1775037600', parseTime)).toBe(1775037600 * 1e6);
    // A time: changes at or after it.
    expect(parseCursor('2026-04-01 10:00:00 UTC', parseTime)).toBe(Date.UTC(2026, 3, 1, 10) * 1000 - 1);
    expect(parseCursor('2026-04-01T10:00:00Z', parseTime)).toBe(Date.UTC(2026, 3, 1, 10) * 1000 - 1);
    expect(parseCursor('soon', parseTime)).toBeUndefined();
  });
});
