import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { exponential } from '../src/exponential.js';

/** |a − b| / b in units of 2⁻⁵² (b > 0). */
function relativeUnits(a: number, b: number): number {
  return Math.abs(a - b) / b / 2 ** -52;
}

describe('exponential (the forward pass exp)', () => {
  it('is within 3 units of 2⁻⁵² (relative) of Math.exp over [−700, 0], seed 11', () => {
    const random = new Random(11);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      // Uniform on [−700, 0] and, for half the draws, on [−1, 0] where most shifted densities lie.
      const x = i % 2 === 0 ? -700 * random.next() : -random.next();
      worst = Math.max(worst, relativeUnits(exponential(x), Math.exp(x)));
    }
    expect(worst).toBeLessThan(3);
    expect(worst).toBeGreaterThan(0); // a different algorithm, not Math.exp itself
  });

  it('is exact where the forward pass relies on it: exp(0) = 1, exp(−∞) = 0', () => {
    expect(exponential(0)).toBe(1);
    expect(exponential(-0)).toBe(1);
    expect(exponential(-Infinity)).toBe(0);
  });

  it('hands everything outside [−700, 0] to Math.exp (subnormals, positive x, NaN)', () => {
    for (const x of [-700.5, -708.4, -745, -745.2, -746, -1e300, 1e-300, 0.5, 3, 710]) expect(exponential(x)).toBe(Math.exp(x));
    expect(exponential(Number.NaN)).toBeNaN();
  });

  it('is accurate next to the reduction steps (multiples of ln2/64) and at the ends of the range', () => {
    let worst = 0;
    for (let n = 0; n <= 64 * 1010; n += 37) {
      const step = (-n * Math.LN2) / 64;
      for (const x of [step, step + 1e-12, step - 1e-12, step + Math.LN2 / 128, step - Math.LN2 / 128]) {
        if (x < -700 || x > 0) continue;
        worst = Math.max(worst, relativeUnits(exponential(x), Math.exp(x)));
      }
    }
    worst = Math.max(worst, relativeUnits(exponential(-700), Math.exp(-700)), relativeUnits(exponential(-5e-324), 1));
    expect(worst).toBeLessThan(3);
  });
});
