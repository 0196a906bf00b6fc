import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  asymmetry,
  choleskyInPlace,
  inverseFromCholesky,
  logAddExp,
  logDeterminantFromCholesky,
  logDirichletDensity,
  logDirichletNormalizer,
  logGamma,
  logOfProbabilities,
  logSumExp,
  normalizeLogRow,
  Random,
  safeLog,
  solveLower,
  solveLowerTransposed,
  symmetricEigenvalues,
  xLogY,
} from '../src/index.js';

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** A random symmetric positive definite n×n matrix B·Bᵀ + n·I. */
function randomSpd(n: number, random: Random): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => random.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
      a[i * n + j] = s;
    }
  }
  return a;
}

describe('logSumExp', () => {
  it('equals the naive log Σ exp on a safe range', () => {
    fc.assert(
      fc.property(fc.array(finite(-30, 30), { minLength: 1, maxLength: 20 }), (values) => {
        const naive = Math.log(values.reduce((s, v) => s + Math.exp(v), 0));
        expect(relativeError(logSumExp(values), naive)).toBeLessThan(1e-12);
      }),
    );
  });

  it('is exact where the naive sum overflows or underflows: lse(x + c) = lse(x) + c', () => {
    fc.assert(
      fc.property(fc.array(finite(-30, 30), { minLength: 1, maxLength: 20 }), fc.constantFrom(-1e5, -800, 800, 1e5), (values, shift) => {
        const shifted = values.map((v) => v + shift);
        const expected = logSumExp(values) + shift;
        expect(Number.isFinite(logSumExp(shifted))).toBe(true);
        expect(Math.abs(logSumExp(shifted) - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
      }),
    );
  });

  it('handles −∞, +∞, NaN and sub-ranges', () => {
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([1, Infinity])).toBe(Infinity);
    expect(logSumExp([1, Number.NaN])).toBeNaN();
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([5, 0, 0, 7], 1, 3)).toBeCloseTo(Math.LN2, 14);
  });
});

describe('logAddExp', () => {
  it('agrees with logSumExp of the pair and is symmetric', () => {
    fc.assert(
      fc.property(finite(-1e6, 1e6), finite(-1e6, 1e6), (a, b) => {
        expect(relativeError(logAddExp(a, b), logSumExp([a, b]))).toBeLessThan(1e-14);
        expect(logAddExp(a, b)).toBe(logAddExp(b, a));
      }),
    );
  });

  it('treats −∞ as the identity and +∞ as absorbing', () => {
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(3, -Infinity)).toBe(3);
    expect(logAddExp(-Infinity, -Infinity)).toBe(-Infinity);
    expect(logAddExp(Infinity, 3)).toBe(Infinity);
    expect(logAddExp(Infinity, Infinity)).toBe(Infinity);
  });
});

describe('normalizeLogRow', () => {
  it('turns a row of log-weights into probabilities summing to 1 and returns the normaliser', () => {
    fc.assert(
      fc.property(fc.array(finite(-700, 700), { minLength: 1, maxLength: 12 }), (values) => {
        const row = Float64Array.from([123, ...values, 456]);
        const lse = normalizeLogRow(row, 1, values.length + 1);
        expect(lse).toBeCloseTo(logSumExp(values), 9);
        let sum = 0;
        for (let i = 1; i <= values.length; i++) {
          expect(row[i]).toBeGreaterThanOrEqual(0);
          sum += row[i] as number;
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        expect(row[0]).toBe(123);
        expect(row[values.length + 1]).toBe(456);
      }),
    );
  });

  it('leaves an all −∞ row as zeros', () => {
    const row = Float64Array.of(-Infinity, -Infinity);
    expect(normalizeLogRow(row, 0, 2)).toBe(-Infinity);
    expect(Array.from(row)).toEqual([0, 0]);
  });
});

describe('safeLog, xLogY, logOfProbabilities', () => {
  it('uses the conventions log 0 = −∞ and 0·log 0 = 0', () => {
    expect(safeLog(0)).toBe(-Infinity);
    expect(safeLog(Math.E)).toBeCloseTo(1, 15);
    expect(() => safeLog(-1e-300)).toThrow(RangeError);
    expect(() => safeLog(Number.NaN)).toThrow(RangeError);
    expect(xLogY(0, 0)).toBe(0);
    expect(xLogY(0, 5)).toBe(0);
    expect(xLogY(2, 0)).toBe(-Infinity);
    expect(xLogY(3, Math.E)).toBeCloseTo(3, 14);
    expect(Array.from(logOfProbabilities([0, 1, 0.5]))).toEqual([-Infinity, 0, Math.log(0.5)]);
  });
});

describe('logGamma', () => {
  it('matches known values', () => {
    // ln Γ at integers is ln((n−1)!); half-integers via Γ(1/2) = √π.
    const known: Array<[number, number]> = [
      [1, 0],
      [2, 0],
      [3, Math.log(2)],
      [10, Math.log(362880)],
      [0.5, 0.5 * Math.log(Math.PI)],
      [1.5, Math.log(Math.sqrt(Math.PI) / 2)],
      [100, 359.1342053695754],
      [0.1, 2.2527126517342055],
      [1e-5, 11.512919692895824],
      [171.5, 709.1431630309282],
      [1e6, 12815504.569147611],
    ];
    for (const [x, value] of known) expect(Math.abs(logGamma(x) - value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(value)));
  });

  it('satisfies the recurrence ln Γ(x + 1) = ln Γ(x) + ln x', () => {
    fc.assert(
      fc.property(finite(0.01, 1e4), (x) => {
        expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(1e-11 * Math.max(1, Math.abs(logGamma(x + 1))));
      }),
    );
  });
});

describe('logDirichletDensity', () => {
  it('equals the direct formula ln Γ(Σα) − Σ ln Γ(α_i) + Σ (α_i − 1) ln p_i', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite(0.05, 20), finite(0.01, 1)), { minLength: 2, maxLength: 8 }), (pairs) => {
        const alpha = pairs.map(([a]) => a);
        const raw = pairs.map(([, p]) => p);
        const total = raw.reduce((s, v) => s + v, 0);
        const p = raw.map((v) => v / total);
        let direct = logGamma(alpha.reduce((s, a) => s + a, 0));
        alpha.forEach((a, i) => {
          direct += -logGamma(a) + (a - 1) * Math.log(p[i] as number);
        });
        expect(relativeError(logDirichletDensity(p, alpha), direct)).toBeLessThan(1e-12);
        expect(relativeError(logDirichletNormalizer(alpha), direct - alpha.reduce((s, a, i) => s + (a - 1) * Math.log(p[i] as number), 0))).toBeLessThan(1e-10);
      }),
    );
  });

  it('is the uniform density (K − 1)! for α = 1, allows zeros there, and is −∞ at a zero with α > 1', () => {
    expect(logDirichletDensity([0.2, 0.3, 0.5], [1, 1, 1])).toBeCloseTo(Math.log(2), 12);
    expect(logDirichletDensity([0, 1], [1, 1])).toBeCloseTo(0, 12);
    expect(logDirichletDensity([0, 1], [2, 1])).toBe(-Infinity);
    expect(logDirichletDensity([9, 0.5, 0.5], [2, 2], 1)).toBeCloseTo(Math.log(6 * 0.25), 12);
  });
});

describe('Cholesky and triangular solves', () => {
  it('factors random SPD matrices: A ≈ L·Lᵀ, L lower triangular with positive diagonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer(), (n, seed) => {
        const a = randomSpd(n, new Random(seed));
        const l = new Float64Array(n * n).fill(Number.NaN);
        expect(choleskyInPlace(a, n, l)).toBe(-1);
        let scale = 0;
        for (const v of a) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < n; i++) {
          expect(l[i * n + i]).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += (l[i * n + k] as number) * (l[j * n + k] as number);
            expect(Math.abs(s - (a[i * n + j] as number))).toBeLessThan(1e-12 * scale);
          }
        }
      }),
    );
  });

  it('works in place and at offsets', () => {
    const n = 3;
    const a = randomSpd(n, new Random(5));
    const expected = new Float64Array(n * n);
    choleskyInPlace(a, n, expected);
    const packed = new Float64Array(2 + n * n);
    packed.set(a, 2);
    expect(choleskyInPlace(packed, n, packed, 2, 2)).toBe(-1);
    expect(Array.from(packed.subarray(2))).toEqual(Array.from(expected));
  });

  it('returns the index of the first failing pivot on a matrix that is not positive definite', () => {
    // Leading 1×1 and 2×2 minors are positive; the 3×3 determinant is negative.
    const a = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, -1);
    expect(choleskyInPlace(a, 3, new Float64Array(9))).toBe(2);
    expect(choleskyInPlace(Float64Array.of(0, 0, 0, 1), 2, new Float64Array(4))).toBe(0);
    expect(choleskyInPlace(Float64Array.of(1, 2, 2, 4), 2, new Float64Array(4))).toBe(1); // singular
    expect(choleskyInPlace(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2, new Float64Array(4))).toBe(1);
    const spd = randomSpd(4, new Random(1));
    spd[3 * 4 + 3] = -100;
    expect(choleskyInPlace(spd, 4, new Float64Array(16))).toBe(3);
  });

  it('log-determinant equals Σ log of the eigenvalues (ml-matrix)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer(), (n, seed) => {
        const a = randomSpd(n, new Random(seed));
        const l = new Float64Array(n * n);
        choleskyInPlace(a, n, l);
        const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
        const eigen = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
        const expected = eigen.reduce((s, v) => s + Math.log(v), 0);
        expect(Math.abs(logDeterminantFromCholesky(l, n) - expected)).toBeLessThan(1e-10 * Math.max(1, Math.abs(expected)));
        const ours = symmetricEigenvalues(a, n);
        expect(ours.every((v, i) => i === 0 || v >= (ours[i - 1] as number))).toBe(true);
        expect(Math.abs(ours.reduce((s, v) => s + Math.log(v), 0) - expected)).toBeLessThan(1e-10 * Math.max(1, Math.abs(expected)));
      }),
    );
  });

  it('solves L·y = b and Lᵀ·x = y, so A·x = b, also in place', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer(), (n, seed) => {
        const random = new Random(seed);
        const a = randomSpd(n, random);
        const b = Float64Array.from({ length: n }, () => random.normal());
        const l = new Float64Array(n * n);
        choleskyInPlace(a, n, l);
        const y = new Float64Array(n);
        solveLower(l, n, b, y);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k <= i; k++) s += (l[i * n + k] as number) * (y[k] as number);
          expect(Math.abs(s - (b[i] as number))).toBeLessThan(1e-10 * (1 + Math.abs(b[i] as number)));
        }
        const x = Float64Array.from(b);
        solveLower(l, n, x, x);
        solveLowerTransposed(l, n, x, x);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (x[k] as number);
          expect(Math.abs(s - (b[i] as number))).toBeLessThan(1e-9 * (1 + Math.abs(b[i] as number)));
        }
      }),
    );
  });

  it('inverts from the factor: A·A⁻¹ ≈ I, and A⁻¹ is symmetric', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer(), (n, seed) => {
        const a = randomSpd(n, new Random(seed));
        const l = new Float64Array(n * n);
        choleskyInPlace(a, n, l);
        const inverse = inverseFromCholesky(l, n);
        expect(asymmetry(inverse, n)).toBeLessThan(1e-12);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (inverse[k * n + j] as number);
            expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-10);
          }
        }
      }),
    );
  });

  it('asymmetry is relative to the largest entry', () => {
    expect(asymmetry([1, 2, 2, 1], 2)).toBe(0);
    expect(asymmetry([4, 2, 1, 1], 2)).toBeCloseTo(0.25, 15);
    expect(asymmetry([0, 0, 0, 0], 2)).toBe(0);
  });
});
