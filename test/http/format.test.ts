import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from '../../emulator/http/format.js';

describe('formatTime', () => {
  it('renders the API form, drops milliseconds, and stays right when cached seconds collide', () => {
    const t = Date.parse('2026-04-01T09:08:07.654Z');
    expect(formatTime(t)).toBe('2026-04-01 09:08:07 UTC');
    expect(formatTime(t + 345)).toBe('2026-04-01 09:08:07 UTC');
    // 4096 seconds later lands in the same memo slot.
    expect(formatTime(t + 4096 * 1000)).toBe('2026-04-01 10:16:23 UTC');
    expect(formatTime(t)).toBe('2026-04-01 09:08:07 UTC');
    expect(formatTime(0)).toBe('1970-01-01 00:00:00 UTC');
    expect(formatTime(-1)).toBe('1969-12-31 23:59:59 UTC');
    expect(formatTime(null)).toBeNull();
  });

  it('parses what it renders, ISO 8601, dates and epoch seconds', () => {
    const t = Date.parse('2026-04-01T09:08:07Z');
    expect(parseTime(formatTime(t))).toBe(t);
    expect(parseTime('2026-04-01T09:08:07Z')).toBe(t);
    expect(parseTime('2026-04-01')).toBe(Date.parse('2026-04-01T00:00:00Z'));
    expect(parseTime(String(t / 1000))).toBe(t);
    expect(parseTime('next tuesday')).toBeUndefined();
  });
});
