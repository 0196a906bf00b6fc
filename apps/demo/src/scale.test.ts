import { describe, expect, it } from 'vitest';
import { linearScale, niceTicks, paddedExtent } from './scale.js';

describe('linearScale', () => {
  it('maps the domain ends onto the range ends, including a reversed (SVG y) range, and inverts', () => {
    const y = linearScale([40, 100], [400, 0]);
    expect(y(40)).toBe(400);
    expect(y(100)).toBe(0);
    expect(y(70)).toBe(200);
    expect(y.invert(100)).toBeCloseTo(85, 12);
    for (const v of [-3, 41.5, 99.9, 1e3]) expect(y.invert(y(v))).toBeCloseTo(v, 9);
  });

  it('sends a zero-width domain to the middle of the range instead of dividing by zero', () => {
    const s = linearScale([5, 5], [0, 10]);
    expect(s(5)).toBe(5);
    expect(s(123)).toBe(5);
  });
});

describe('paddedExtent', () => {
  it('widens by the padding fraction and ignores non-finite values', () => {
    expect(paddedExtent([0, 10, Number.NaN, Infinity], 0.1)).toEqual([-1, 11]);
    expect(paddedExtent([3, 3])).toEqual([2.5, 3.5]);
    expect(paddedExtent([])).toEqual([0, 1]);
  });
});

describe('niceTicks', () => {
  it('chooses 1-2-5 steps inside the interval', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(1.4, 5.3, 6)).toEqual([1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]);
    expect(niceTicks(-1130.5, -1120.2, 4)).toEqual([-1130, -1128, -1126, -1124, -1122]);
    for (const tick of niceTicks(0.013, 0.087, 5)) {
      expect(tick).toBeGreaterThanOrEqual(0.013);
      expect(tick).toBeLessThanOrEqual(0.087);
    }
  });

  it('returns a single tick for an empty interval', () => {
    expect(niceTicks(2, 2)).toEqual([2]);
  });
});
