import { describe, expect, it } from 'vitest';
import { exponential } from '../src/mixture/exponential.js';
import { Random } from '../src/random.js';

/** Distance in units in the last place between two non-negative doubles. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

describe('exponential (the mixture E-step exp)', () => {
  it('is within one ulp of Math.exp on [−745, 0] (seeded sample, every scale)', () => {
    const random = new Random(7);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      const scale = [1e-12, 1, 40, 745][i % 4] as number;
      const v = -random.next() * scale;
      worst = Math.max(worst, Math.abs(ulps(exponential(v), Math.exp(v))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('is exact at the edges: 1 at 0, 0 below the underflow point, Math.exp on subnormals', () => {
    expect(exponential(0)).toBe(1);
    expect(exponential(-0)).toBe(1);
    expect(exponential(-746)).toBe(0);
    expect(exponential(-Infinity)).toBe(0);
    expect(exponential(-745)).toBe(Math.exp(-745));
    expect(exponential(-720.5)).toBe(Math.exp(-720.5));
    expect(Math.abs(ulps(exponential(-707.9), Math.exp(-707.9)))).toBeLessThanOrEqual(1);
  });
});
