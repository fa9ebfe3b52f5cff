import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter, MultiWindowLimiter } from '../../emulator/http/rate-limit.js';
import { Clock } from '../../emulator/store/clock.js';
import { IdGenerator, isOpaqueId, isProfileId, normalizeOpaqueId } from '../../emulator/store/ids.js';
import { cryptoRandom, seededRandom } from '../../emulator/store/random.js';

describe('Clock', () => {
  it('advances, jumps forward, refuses to go back, and tells listeners', () => {
    let real = 1_000_000;
    const clock = new Clock(() => real);
    const seen: number[] = [];
    clock.advanced.on((n) => seen.push(n));
    expect(clock.advance(10)).toBe(1_010_000);
    real += 5;
    expect(clock.now()).toBe(1_010_005);
    clock.set(2_000_000);
    expect(clock.now()).toBe(2_000_000);
    expect(() => clock.set(1_999_999)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(seen).toEqual([1_010_000, 2_000_000]);
    const offset = clock.offset;
    const restored = new Clock(() => real);
    restored.restoreOffset(offset);
    expect(restored.now()).toBe(clock.now());
    restored.restoreOffset(0);
    expect(restored.now()).toBe(clock.now());
  });
});

describe('ids', () => {
  it('issues 19-digit profile ids and 29-character typed opaque ids', () => {
    const ids = new IdGenerator(cryptoRandom());
    const profile = new Set<string>();
    for (let i = 0; i < 2000; i++) profile.add(ids.profileId());
    expect(profile.size).toBe(2000);
    for (const id of profile) expect(isProfileId(id)).toBe(true);
    const node = ids.opaqueId('2');
    expect(node).toMatch(/^2[0-9a-z]{28}$/);
    expect(isOpaqueId(node, '2')).toBe(true);
    expect(isOpaqueId(node, '5')).toBe(false);
    const hyphenated = node.toUpperCase().replace(/(.{5})/g, '$1-');
    expect(normalizeOpaqueId(hyphenated)).toBe(node);
  });

  it('never reissues a reserved profile id, even from a replayed seed', () => {
    const a = new IdGenerator(seededRandom(7));
    const first = a.profileId();
    const b = new IdGenerator(seededRandom(7));
    b.reserve(first);
    expect(b.profileId()).not.toBe(first);
  });

  it('is reproducible under a seed, except for secrets', () => {
    const a = new IdGenerator(seededRandom('s'));
    const b = new IdGenerator(seededRandom('s'));
    expect([a.profileId(), a.opaqueId('2')]).toEqual([b.profileId(), b.opaqueId('2')]);
    // Secrets come from node:crypto whatever the seed (issue 14): a printed seed must not recompute a key.
    expect(a.secret(24)).not.toBe(b.secret(24));
    const c = new IdGenerator(seededRandom('t'));
    expect(c.profileId()).not.toBe(new IdGenerator(seededRandom('s')).profileId());
  });
});

describe('rate limiters', () => {
  it('counts a fixed window per key and resets when the window ends', () => {
    const l = new FixedWindowLimiter(3, 1000);
    expect([1, 2, 3, 4].map(() => l.hit('k', 0).limited)).toEqual([false, false, false, true]);
    expect(l.hit('other', 0)).toMatchObject({ avail: 2, max: 3, limited: false });
    expect(l.peek('k', 999)).toMatchObject({ avail: 0, limited: true, expires: 1 });
    expect(l.hit('k', 1000)).toMatchObject({ avail: 2, limited: false, expires: 2 });
  });

  it('refuses when any window is spent and does not count refused requests', () => {
    const l = new MultiWindowLimiter([
      { max: 2, seconds: 3 },
      { max: 3, seconds: 30 },
    ]);
    expect([0, 1, 2].map((t) => l.hit('u', t).limited)).toEqual([false, false, true]);
    expect(l.hit('u', 3000).limited).toBe(false); // short window renewed, long window at 3/3
    const refused = l.hit('u', 4000);
    expect(refused.limited).toBe(true);
    expect(refused.max).toBe(3);
    expect(l.hit('u', 30_001).limited).toBe(false);
  });
});
