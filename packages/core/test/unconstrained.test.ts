import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoordinateReader, CoordinateWriter, InvalidParametersError } from '../src/index.js';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`unconstrained.test.ts fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`);

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1e-300, Math.abs(b[i] as number)));
  return worst;
}

/** A random SPD matrix A·Aᵀ + εI from entries in [−1, 1]. */
function spd(entries: readonly number[], n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = i === j ? 0.1 : 0;
      for (let m = 0; m < n; m++) sum += (entries[i * n + m] as number) * (entries[j * n + m] as number);
      out[i * n + j] = sum;
    }
  }
  return out;
}

describe('CoordinateWriter / CoordinateReader round trips', () => {
  it('simplex (centred log-ratio): round trip to 1e-12 relative, exact zeros stay zero and take coordinate 0', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 }), (raw) => {
        const total = raw.reduce((s, v) => s + v, 0);
        fc.pre(total > 0);
        const p = Float64Array.from(raw, (v) => v / total);
        const u = new CoordinateWriter().simplex(p).result();
        const back = new CoordinateReader(u).simplex(p, new Float64Array(p.length));
        for (let i = 0; i < p.length; i++) {
          if (p[i] === 0) {
            expect(u[i]).toBe(0);
            expect(back[i]).toBe(0);
          } else expect(Math.abs((back[i] as number) - (p[i] as number)) / (p[i] as number)).toBeLessThan(1e-12);
        }
        // Any point maps into the simplex with the template's zeros.
        const moved = u.map((x, i) => x + 5 * Math.sin(i + 1));
        const q = new CoordinateReader(moved).simplex(p, new Float64Array(p.length));
        expect(Math.abs(q.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        for (let i = 0; i < p.length; i++) expect((q[i] as number) === 0).toBe(p[i] === 0);
      }),
      { seed: SEED },
    );
  });

  it('logit, log and raw blocks: round trip to 1e-12; 0 and 1 in a logit template stay put', () => {
    const probabilities = Float64Array.of(1e-9, 0.3, 0.5, 0.999999, 0, 1);
    const positives = Float64Array.of(1e-200, 3, 7e150);
    const raw = Float64Array.of(-4, 0, 1e10);
    const u = new CoordinateWriter().logit(probabilities).log(positives).raw(raw).result();
    expect(u.length).toBe(12);
    const reader = new CoordinateReader(u);
    const p = reader.logistic(probabilities, new Float64Array(6));
    const x = reader.exp(new Float64Array(3));
    const r = reader.raw(new Float64Array(3));
    reader.finish();
    expect(maxRelativeError(p.subarray(0, 4), probabilities.subarray(0, 4))).toBeLessThan(1e-9); // logit near 1 loses digits of 1 − p
    expect(maxRelativeError(p.subarray(0, 3), probabilities.subarray(0, 3))).toBeLessThan(1e-12);
    expect(p[4]).toBe(0);
    expect(p[5]).toBe(1);
    expect(maxRelativeError(x, positives)).toBeLessThan(1e-12);
    expect(Array.from(r)).toEqual(Array.from(raw));
  });

  it('log-Cholesky: SPD matrices round trip to 1e-12; any point maps to a symmetric matrix with positive diagonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 36, maxLength: 36 }), (n, entries) => {
        const matrix = spd(entries, n);
        const u = new CoordinateWriter().logCholesky(matrix, n).result();
        expect(u.length).toBe((n * (n + 1)) / 2);
        const back = new CoordinateReader(u).logCholesky(n, new Float64Array(n * n));
        let scale = 0;
        for (const v of matrix) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < n * n; i++) expect(Math.abs((back[i] as number) - (matrix[i] as number)) / scale).toBeLessThan(1e-12);
        const other = new CoordinateReader(u.map((v, i) => v + Math.cos(i))).logCholesky(n, new Float64Array(n * n));
        for (let i = 0; i < n; i++) {
          expect(other[i * n + i] as number).toBeGreaterThan(0);
          for (let j = 0; j < n; j++) expect(other[i * n + j]).toBe(other[j * n + i]);
        }
      }),
      { seed: SEED },
    );
  });

  it('a point beyond double range is an InvalidParametersError, not an Infinity', () => {
    expect(() => new CoordinateReader(Float64Array.of(1e6)).exp(new Float64Array(1))).toThrow(InvalidParametersError);
    expect(() => new CoordinateReader(Float64Array.of(800)).logCholesky(1, new Float64Array(1))).toThrow(InvalidParametersError);
    expect(() => new CoordinateReader(Float64Array.of(1, 2)).finish()).toThrow(/coordinates/);
  });
});
