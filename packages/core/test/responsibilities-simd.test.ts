import { afterEach, describe, expect, it } from 'vitest';
import { negligibleLogRatio, responsibilityTerm } from '../src/mixture/exponential.js';
import { acquireResponsibilityArena, disableSimdResponsibilities, releaseResponsibilityArena, responsibilitiesModuleBytes } from '../src/mixture/responsibilities-simd.js';
import { createMixtureModel, DenseMatrix, ImpossibleObservationError, Random } from '../src/index.js';
import { gaussianFamily, gaussianMixture, gaussianSample, poissonFamily, type MeanComponents } from './helpers/families.js';

/**
 * Whether this engine has WebAssembly SIMD: a module whose one function declares a v128 local
 * validates. (The kernel's own module is not used for this, so a broken kernel fails the tests
 * below instead of skipping them.)
 */
function simdSupported(): boolean {
  const probe = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 1, 1, 123, 11]);
  return typeof WebAssembly === 'object' && WebAssembly.validate(probe);
}

/** A row's term e^v written out plainly: Math.exp, 0 below the negligible ratio for K components. */
const term = (v: number, k: number): number => (v < negligibleLogRatio(k) ? 0 : Math.exp(v));

/** The per-row normalisation written out plainly (Math.exp, sequential sums). */
function reference(logDensities: Float64Array, rows: number, k: number, logWeights: Float64Array, weights: Float64Array) {
  const out = new Float64Array(rows * k);
  const maxes = new Float64Array(rows);
  const sums = new Float64Array(rows);
  const weightSums = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, (logDensities[i * k + j] as number) + (logWeights[j] as number));
    maxes[i] = max;
    const shift = max > -Infinity ? max : 0;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += term((logDensities[i * k + j] as number) + (logWeights[j] as number) - shift, k);
    sums[i] = sum;
    if (!(sum > 0)) continue;
    for (let j = 0; j < k; j++) {
      const r = ((weights[i] as number) * term((logDensities[i * k + j] as number) + (logWeights[j] as number) - shift, k)) / sum;
      out[i * k + j] = r;
      weightSums[j] = (weightSums[j] as number) + r;
    }
  }
  return { out, maxes, sums, weightSums };
}

/** |a − b| ≤ relative·|b| + absolute, entry by entry; returns the first failure. */
function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, absolute = 0): string | undefined {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (Object.is(a, b)) continue;
    if (!(Math.abs(a - b) <= relative * Math.abs(b) + absolute)) return `entry ${i}: ${a} vs ${b}`;
  }
  return undefined;
}

/** The rows × cols matrix `m` (row-major) transposed. */
function transpose(m: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j] as number;
  return out;
}

/** The test Gaussian family with component-major kernels (row-major ones + transposes). */
function byComponentFamily(): ReturnType<typeof gaussianFamily> {
  const family = gaussianFamily();
  return {
    ...family,
    logDensitiesByComponent(prepared, x, start, end, out) {
      const rows = end - start;
      const k = (prepared as MeanComponents).means.length;
      const rowMajor = new Float64Array(rows * k);
      family.logDensities(prepared, x, start, end, rowMajor);
      out.set(transpose(rowMajor, rows, k));
    },
    accumulateByComponent(prepared, stats, x, start, end, weights) {
      const rows = end - start;
      const k = (prepared as MeanComponents).means.length;
      family.accumulate(prepared, stats, x, start, end, transpose(weights.subarray(0, rows * k), k, rows));
    },
  };
}

afterEach(() => disableSimdResponsibilities(false));

describe.runIf(simdSupported())('WebAssembly SIMD responsibilities kernel', () => {
  it('is one module under 4 KB (Chrome has limited synchronous main-thread compilation to that)', () => {
    expect(responsibilitiesModuleBytes().byteLength).toBeLessThan(4096);
  });

  it('matches the plain computation for K = 1…33, odd and even rows, weights, −∞ entries and impossible rows', () => {
    const random = new Random(2024);
    const arena = acquireResponsibilityArena();
    expect(arena).toBeDefined();
    if (arena === undefined) return;
    try {
      for (const byComponent of [false, true])
      for (const k of [1, 2, 3, 4, 7, 10, 33]) {
        for (const rows of [1, 2, 5, 64, 513]) {
          const logWeights = Float64Array.from({ length: k }, () => Math.log(0.05 + random.next()));
          const logDensities = new Float64Array(rows * k);
          for (let i = 0; i < logDensities.length; i++) {
            const scale = [1, 30, 800, 1e4][i % 4] as number;
            logDensities[i] = random.next() < 0.05 ? -Infinity : (random.next() - 0.7) * scale;
          }
          // An impossible row (every entry −∞) when there is room for one.
          if (rows > 3) logDensities.fill(-Infinity, 3 * k, 4 * k);
          const weights = Float64Array.from({ length: rows }, (_, i) => (i % 5 === 4 ? 0 : 0.5 + random.next()));
          arena.prepare(k, rows, logWeights, byComponent);
          arena.block.set(byComponent ? transpose(logDensities, rows, k) : logDensities);
          arena.normalize(rows, weights, 0);
          const expected = reference(logDensities, rows, k, logWeights, weights);
          const label = `K=${k}, rows=${rows}, ${byComponent ? 'component' : 'row'}-major`;
          expect(firstMismatch(arena.maxes(), expected.maxes, 0), label).toBeUndefined();
          expect(firstMismatch(arena.sums(), expected.sums, 4e-16 * k), label).toBeUndefined();
          const out = arena.block.subarray(0, rows * k);
          expect(firstMismatch(byComponent ? transpose(out, k, rows) : out, expected.out, 1e-15 + 4e-16 * k, 1e-300), label).toBeUndefined();
          const weightSums = new Float64Array(k);
          arena.addWeightSums(weightSums);
          expect(firstMismatch(weightSums, expected.weightSums, 1e-13), label).toBeUndefined();
          // Σ w_i (max_i + log sum_i) over the possible rows; the impossible rows with weight counted.
          let total = 0;
          let impossible = 0;
          for (let i = 0; i < rows; i++) {
            const sum = expected.sums[i] as number;
            if (sum > 0) total += (weights[i] as number) * ((expected.maxes[i] as number) + Math.log(sum));
            else if ((weights[i] as number) > 0) impossible++;
          }
          expect(arena.addLogLikelihood(), label).toBe(impossible);
          expect(Math.abs(arena.total() - total), label).toBeLessThanOrEqual(1e-14 * Math.abs(total) + 1e-300);
          if (rows > 3) expect(Array.from(expected.out.subarray(3 * k, 4 * k))).toEqual(new Array<number>(k).fill(0));
        }
      }
    } finally {
      releaseResponsibilityArena(arena);
    }
  });

  it('its exponential is the TypeScript one (responsibilityTerm) bit for bit, the drop to 0 below the threshold included', () => {
    // K = 2 with entries (0, v) and log weights 0: the second responsibility is e^v · (1 / (1 + e^v)), and
    // with a single row the kernel's sum 1 + e^v adds in the same order as here.
    const arena = acquireResponsibilityArena();
    if (arena === undefined) throw new Error('SIMD unavailable');
    const threshold = negligibleLogRatio(2);
    try {
      const values = [-1e-300, -1e-9, -0.3, -0.34657359, -1, -20, -38.8, threshold + 1e-12, threshold, threshold - 1e-12, -40, -300, -708.5, -746, -1e5, -Infinity];
      arena.prepare(2, 1, new Float64Array(2));
      for (const v of values) {
        arena.block.set([0, v]);
        arena.normalize(1, undefined, 0);
        const e = responsibilityTerm(v, threshold);
        if (v < threshold) expect(e).toBe(0);
        else expect(e).toBeGreaterThan(0);
        expect(arena.sums()[0], `v = ${v}`).toBe(1 + e);
        // The kernel scales by weight / sum, then multiplies.
        expect(arena.block[1], `v = ${v}`).toBe(e * (1 / (1 + e)));
      }
    } finally {
      releaseResponsibilityArena(arena);
    }
  });

  it('drops exactly the terms below negligibleLogRatio(K), whose sum is below a quarter of the last place of the row sum', () => {
    for (const k of [1, 2, 10, 1000]) {
      const threshold = negligibleLogRatio(k);
      // K terms just below the threshold add up to less than 2^−55 (a quarter ulp of 1).
      expect(k * Math.exp(threshold)).toBeLessThanOrEqual(2 ** -55 * (1 + 1e-12));
      expect(1 + (k - 1) * Math.exp(threshold)).toBe(1);
    }
    // Mixed-lane pairs (one lane kept, one dropped) and all-dropped pairs, both layouts, K = 3.
    const arena = acquireResponsibilityArena();
    if (arena === undefined) throw new Error('SIMD unavailable');
    try {
      const k = 3;
      const threshold = negligibleLogRatio(k);
      const rows = 4;
      const logDensities = Float64Array.from([0, -2, threshold - 5, 0, threshold - 1, threshold - 2, 0, threshold + 0.5, -50, 0, -1, -3]);
      const logWeights = new Float64Array(k);
      const weights = new Float64Array(rows).fill(1);
      const expected = reference(logDensities, rows, k, logWeights, weights);
      for (const byComponent of [false, true]) {
        arena.prepare(k, rows, logWeights, byComponent);
        if (byComponent) for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) arena.block[j * rows + i] = logDensities[i * k + j] as number;
        else arena.block.set(logDensities);
        arena.normalize(rows, undefined, 0);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < k; j++) {
            const actual = arena.block[byComponent ? j * rows + i : i * k + j] as number;
            const wanted = expected.out[i * k + j] as number;
            if (wanted === 0) expect(actual).toBe(0);
            else expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(4e-16 * wanted);
          }
        }
      }
    } finally {
      releaseResponsibilityArena(arena);
    }
  });

  it('its logarithm agrees with Math.log to 1e-15 relative over [1, 10⁶] (the range of row sums)', () => {
    const arena = acquireResponsibilityArena();
    if (arena === undefined) throw new Error('SIMD unavailable');
    try {
      const random = new Random(5);
      let worst = 0;
      for (let trial = 0; trial < 2000; trial++) {
        // One row, K = 2, entries (0, v): the sum is 1 + e^v, any value in (1, 2].
        // Plus a row whose sum is large: K entries of 0 give sum K.
        const v = -random.next() * 40;
        arena.prepare(2, 1, new Float64Array(2));
        arena.block.set([0, v]);
        arena.normalize(1, undefined, 0);
        arena.addLogLikelihood();
        const expected = Math.log(arena.sums()[0] as number);
        worst = Math.max(worst, Math.abs(arena.total() - expected) / Math.max(Math.abs(expected), 1e-300));
      }
      for (const k of [3, 7, 64, 1000, 99_999]) {
        arena.prepare(k, 1, new Float64Array(k));
        arena.block.fill(0);
        arena.normalize(1, undefined, 0);
        arena.addLogLikelihood();
        worst = Math.max(worst, Math.abs(arena.total() - Math.log(k)) / Math.log(k));
      }
      expect(worst).toBeLessThanOrEqual(1e-15);
    } finally {
      releaseResponsibilityArena(arena);
    }
  });

  it('a NaN log-density makes its row impossible rather than NaN responsibilities', () => {
    const arena = acquireResponsibilityArena();
    if (arena === undefined) throw new Error('SIMD unavailable');
    try {
      arena.prepare(3, 2, new Float64Array(3));
      arena.block.set([-1, Number.NaN, -2, -1, -2, -3]);
      arena.normalize(2, undefined, 0);
      expect(arena.sums()[0]).toBeNaN();
      expect(Array.from(arena.block.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(arena.sums()[1]).toBeGreaterThan(1);
      const weightSums = new Float64Array(3);
      arena.addWeightSums(weightSums);
      expect(weightSums.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    } finally {
      releaseResponsibilityArena(arena);
    }
  });
});

describe('the mixture E-step with and without the SIMD kernel', () => {
  it('gives the same log-likelihood and statistics (weighted, 3 components, several blocks)', () => {
    const model = gaussianMixture(3);
    const x = gaussianSample(1500, [0.2, 0.5, 0.3], [-3, 0, 4], 11);
    const sampleWeights = Float64Array.from({ length: 1500 }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 3)));
    const params = { weights: Float64Array.of(0.3, 0.3, 0.4), components: { means: Float64Array.of(-2, 0.5, 3) } };
    const data = { observations: x, sampleWeights };
    disableSimdResponsibilities(true);
    const scalar = model.eStep(params, data);
    disableSimdResponsibilities(false);
    const simd = model.eStep(params, data);
    expect(Math.abs(simd.logLikelihood - scalar.logLikelihood)).toBeLessThanOrEqual(1e-13 * Math.abs(scalar.logLikelihood));
    expect(firstMismatch(simd.statistics.weightSums, scalar.statistics.weightSums, 1e-13)).toBeUndefined();
    const simdSums = simd.statistics.components as unknown as { readonly sum: Float64Array };
    const scalarSums = scalar.statistics.components as unknown as { readonly sum: Float64Array };
    expect(firstMismatch(simdSums.sum, scalarSums.sum, 1e-12)).toBeUndefined();
  });

  it('uses a family\'s component-major kernels when it has them, with the same results', () => {
    const x = gaussianSample(1101, [0.2, 0.5, 0.3], [-3, 0, 4], 12);
    const params = { weights: Float64Array.of(0.3, 0.3, 0.4), components: { means: Float64Array.of(-2, 0.5, 3) } };
    const sampleWeights = Float64Array.from({ length: 1101 }, (_, i) => (i % 5 === 0 ? 0.5 : 1));
    const rowMajor = gaussianMixture(3).eStep(params, { observations: x, sampleWeights });
    const byComponent = createMixtureModel(byComponentFamily(), { components: 3 }).eStep(params, { observations: x, sampleWeights });
    expect(Math.abs(byComponent.logLikelihood - rowMajor.logLikelihood)).toBeLessThanOrEqual(1e-13 * Math.abs(rowMajor.logLikelihood));
    expect(firstMismatch(byComponent.statistics.weightSums, rowMajor.statistics.weightSums, 1e-13)).toBeUndefined();
    expect(firstMismatch(byComponent.statistics.components['sum'] as Float64Array, rowMajor.statistics.components['sum'] as Float64Array, 1e-12)).toBeUndefined();
  });

  it('still names the impossible row, in a later block too', () => {
    const model = createMixtureModel(poissonFamily(), { components: 2 });
    const values = new Array<number>(1200).fill(0);
    values[777] = 3;
    const params = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(0, 0) } };
    for (const disable of [false, true]) {
      disableSimdResponsibilities(disable);
      expect(() => model.eStep(params, { observations: DenseMatrix.from(values) })).toThrow(ImpossibleObservationError);
      expect(() => model.eStep(params, { observations: DenseMatrix.from(values) })).toThrow(/Observation 777 /);
      const dropped = new Float64Array(1200).fill(1);
      dropped[777] = 0;
      expect(model.eStep(params, { observations: DenseMatrix.from(values), sampleWeights: dropped }).logLikelihood).toBeCloseTo(0, 10);
    }
  });
});
