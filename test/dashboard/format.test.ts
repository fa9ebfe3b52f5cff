/** The dashboard's credit percentage never rounds a gap away (issue 21: 9,962/10,000 showed 100%). */
import { describe, expect, it } from 'vitest';
import { percentUsed } from '../../emulator/ui/format.js';

describe('percentUsed', () => {
  it('shows 100% only when nothing is left', () => {
    expect(percentUsed(9962, 10_000)).toBe('99%');
    expect(percentUsed(9999.99, 10_000)).toBe('99%');
    expect(percentUsed(10_000, 10_000)).toBe('100%');
    expect(percentUsed(12_000, 10_000)).toBe('120%');
  });

  it('shows a little use as <1%, none as 0%, and floors in between', () => {
    expect(percentUsed(0, 10_000)).toBe('0%');
    expect(percentUsed(1, 10_000)).toBe('<1%');
    expect(percentUsed(150, 10_000)).toBe('1%');
    expect(percentUsed(4_999, 10_000)).toBe('49%');
  });

  it('counts a zero limit as exhausted', () => {
    expect(percentUsed(0, 0)).toBe('100%');
  });
});
