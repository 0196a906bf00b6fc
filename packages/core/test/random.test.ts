import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, Random } from '../src/index.js';

const N = 100_000;

function moments(values: ArrayLike<number>): { mean: number; variance: number; skewness: number; kurtosis: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i] as number;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

function draws(n: number, draw: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = moments(a);
  const mb = moments(b);
  let c = 0;
  for (let i = 0; i < a.length; i++) c += ((a[i] as number) - ma.mean) * ((b[i] as number) - mb.mean);
  return c / a.length / Math.sqrt(ma.variance * mb.variance);
}

// Tolerances below are about 5 standard errors of each estimate at N draws, so a correct
// generator fails with probability well under 1e-5 per check (and seeds are fixed anyway).
describe('Random: reproducibility', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = new Random(seed);
        const b = new Random(seed);
        const c = new Random(seed + 1);
        const sa = draws(64, () => a.next());
        expect(Array.from(draws(64, () => b.next()))).toEqual(Array.from(sa));
        expect(Array.from(draws(64, () => c.next()))).not.toEqual(Array.from(sa));
      }),
    );
  });

  it('regression guard: the first values for seeds 0 and 42 (portable 32-bit arithmetic)', () => {
    // Recorded from this implementation; the distribution tests below check the stream is sound.
    const r = new Random(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([2837322924, 544945897, 479756282]);
    expect(r.next()).toBe(0.814939410083783);
    const zero = new Random(0);
    expect(zero.nextUint32()).toBe(3809008728);
    expect(zero.next()).toBe(0.26395898321624833);
  });

  it('accepts negative and large integer seeds and distinguishes sign and high bits', () => {
    const first = (seed: number) => new Random(seed).nextUint32();
    expect(first(-1)).not.toBe(first(1));
    expect(first(2 ** 40)).not.toBe(first(0));
    expect(first(2 ** 32 + 5)).not.toBe(first(5));
  });

  it('refuses a seed that is not an integer (NaN, ±Infinity, 1.5, a string) with InvalidOptionsError naming the option', () => {
    // Before: NaN threw a plain RangeError and 1.5 silently gave the stream of 1.
    for (const seed of [Number.NaN, Infinity, -Infinity, 1.5, -0.25, '3' as unknown as number]) {
      expect(() => new Random(seed), String(seed)).toThrow(InvalidOptionsError);
      expect(() => new Random(seed), String(seed)).toThrow(/seed must be an integer/);
    }
  });

  it('restores a snapshot exactly, including a pending normal draw', () => {
    const r = new Random(9);
    r.normal(); // leaves the pair's second value pending
    const state = r.getState();
    const expected = draws(20, () => r.normal());
    const restored = Random.fromState(state);
    expect(Array.from(draws(20, () => restored.normal()))).toEqual(Array.from(expected));
    const fresh = new Random(3);
    const s0 = fresh.getState();
    expect(s0.spareNormal).toBeUndefined();
    expect(Random.fromState(s0).next()).toBe(fresh.next());
  });
});

describe('Random: distributions', () => {
  it('next() is uniform on [0, 1): mean 1/2, variance 1/12, flat histogram', () => {
    const r = new Random(1);
    const u = draws(N, () => r.next());
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const m = moments(u);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / N));
    const bins = new Float64Array(10);
    for (const v of u) bins[Math.floor(v * 10)] = (bins[Math.floor(v * 10)] as number) + 1;
    // χ² with 9 degrees of freedom: P(χ² > 33.7) ≈ 1e-4.
    const chi2 = Array.from(bins).reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(33.7);
  });

  it('nextOpen() never returns 0', () => {
    const r = new Random(2);
    expect(draws(10_000, () => r.nextOpen()).every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('normal() has mean 0, variance 1, skewness 0, kurtosis 3', () => {
    const r = new Random(3);
    const m = moments(draws(N, () => r.normal()));
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m.skewness)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / N));
  });

  it.each([0.3, 1, 4.5, 50])('gamma(%s) has mean and variance equal to the shape', (shape) => {
    const r = new Random(Math.round(shape * 10));
    const g = draws(N, () => r.gamma(shape));
    expect(g.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    const m = moments(g);
    expect(Math.abs(m.mean - shape)).toBeLessThan(5 * Math.sqrt(shape / N));
    // Var of the sample variance of a Gamma(k): (μ4 − σ⁴)/n with μ4 = 3k² + 6k.
    expect(Math.abs(m.variance - shape)).toBeLessThan(5 * Math.sqrt((3 * shape * shape + 6 * shape - shape * shape) / N));
  });

  it('gamma() rejects a non-positive shape', () => {
    expect(() => new Random(0).gamma(0)).toThrow(RangeError);
    expect(() => new Random(0).gamma(Number.NaN)).toThrow(RangeError);
  });

  it('dirichlet(α) draws lie on the simplex with mean α / Σα', () => {
    const alpha = [0.5, 2, 7.5];
    const total = 10;
    const r = new Random(4);
    const n = 40_000;
    const sums = [0, 0, 0];
    const out = new Float64Array(3);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      r.dirichlet(alpha, out);
      worst = Math.max(worst, Math.abs(out[0]! + out[1]! + out[2]! - 1));
      for (let j = 0; j < 3; j++) sums[j]! += out[j]!;
    }
    expect(worst).toBeLessThan(1e-12);
    alpha.forEach((a, j) => {
      const p = a / total;
      const sd = Math.sqrt((p * (1 - p)) / (total + 1) / n);
      expect(Math.abs(sums[j]! / n - p)).toBeLessThan(5 * sd);
    });
  });

  it('categorical(w) draws index j with probability w_j / Σw, never a zero-weight index', () => {
    const weights = [0.5, 0, 1.5, 2];
    const r = new Random(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[r.categorical(weights)]!++;
    expect(counts[1]).toBe(0);
    [0.125, 0, 0.375, 0.5].forEach((p, j) => expect(Math.abs(counts[j]! / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N) + 1e-12));
    // Sub-range: index relative to start.
    const sub = new Random(6);
    for (let i = 0; i < 100; i++) expect([0, 1]).toContain(sub.categorical([9, 0, 1, 3, 9], 2, 4));
  });

  it('integer(n) covers [0, n) uniformly and rejects bad n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer(), (n, seed) => {
        const r = new Random(seed);
        for (let i = 0; i < 50; i++) {
          const v = r.integer(n);
          expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
        }
      }),
    );
    const r = new Random(7);
    const counts = new Float64Array(7);
    for (let i = 0; i < 70_000; i++) counts[r.integer(7)]!++;
    const chi2 = Array.from(counts).reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(27.9); // χ²₆: P(> 27.9) ≈ 1e-4
    expect(() => r.integer(0)).toThrow(RangeError);
    expect(() => r.integer(2.5)).toThrow(RangeError);
  });

  it('shuffle() returns a permutation of its input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.integer(), (values, seed) => {
        const shuffled = new Random(seed).shuffle([...values]);
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});

describe('Random: fork', () => {
  it('is deterministic, and forked streams are uncorrelated with the parent and with each other', () => {
    const parent = new Random(11);
    const twin = new Random(11);
    const a = parent.fork();
    const b = parent.fork();
    const twinA = twin.fork();
    expect(a.next()).toBe(twinA.next());
    const n = 20_000;
    const sa = draws(n, () => a.next());
    const sb = draws(n, () => b.next());
    const sp = draws(n, () => parent.next());
    expect(Array.from(sa.subarray(0, 10))).not.toEqual(Array.from(sb.subarray(0, 10)));
    // |r| of independent streams is about 1/√n; 5/√n is a 5σ bound.
    expect(Math.abs(correlation(sa, sb))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(correlation(sa, sp))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(moments(sa).mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });

  it('many forks of one generator all start differently', () => {
    const root = new Random(0);
    const firsts = new Set(Array.from({ length: 2000 }, () => root.fork().nextUint32()));
    expect(firsts.size).toBeGreaterThan(1995);
  });
});
