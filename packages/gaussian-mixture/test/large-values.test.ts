import { DenseMatrix, EmError, InvalidDataError, NumericalError } from '@em/core';
import { afterAll, describe, expect, it } from 'vitest';
import { useSimdKernels } from '../src/kernels/simd.js';
import { LARGEST_DATA_VALUE } from '../src/value-limit.js';
import { COVARIANCE_TYPES, faithful, GaussianMixture, gaussianMixtureModel, type CovarianceType, type GaussianMixtureParameters } from './helpers.js';

/**
 * Issue 10, item 5: finite input never gives NaN posteriors. Values past ±2⁴⁸⁰ (value-limit.ts)
 * are refused naming row and column; values up to it are computed exactly (a power-of-two
 * rescaling of the data gives the same fit); a row that still overflows under a model's tiny
 * covariances is a NumericalError naming it — in fit, predict, predictProba, scoreSamples and
 * score, for every covariance type, with the WebAssembly SIMD kernels and with the TypeScript ones
 * (the mixture's own SIMD / TypeScript normalisation of such rows is tested in @em/core,
 * mixture-rows-without-posterior.test.ts).
 */

const LIMIT = LARGEST_DATA_VALUE;
/** The next double above the limit. */
const ABOVE = LIMIT * (1 + 2 ** -52);
const LN2 = Math.LN2;

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectTooLarge(error: unknown, row: number, column: number): void {
  expect(error).toBeInstanceOf(InvalidDataError);
  const e = error as InvalidDataError;
  expect(e.message).toMatch(/too large/);
  expect(e.message).toMatch(/overflow/);
  expect(e.message).toContain(`data[${row}][${column}]`);
  expect(e.details['row']).toBe(row);
  expect(e.details['column']).toBe(column);
  expect(e.remedy).toMatch(/[Rr]escale/);
}

function expectOverflowRow(error: unknown, row: number): void {
  expect(error).toBeInstanceOf(NumericalError);
  const e = error as NumericalError;
  expect(e.message).toMatch(/overflow/);
  expect(e.message).toContain(`Observation ${row}`);
  expect(e.details['row']).toBe(row);
  expect(e.remedy).toMatch(/[Rr]escale/);
}

/** Dense D×D covariance of component c from the nested parameters. */
function denseCovariance(p: GaussianMixtureParameters, c: number, d: number): number[][] {
  const out = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      switch (p.covarianceType) {
        case 'full':
          out[a]![b] = p.covariances[c]![a]![b]!;
          break;
        case 'tied':
          out[a]![b] = p.covariances[a]![b]!;
          break;
        case 'diagonal':
          out[a]![b] = a === b ? p.covariances[c]![a]! : 0;
          break;
        case 'spherical':
          out[a]![b] = a === b ? p.covariances[c]! : 0;
          break;
      }
    }
  }
  return out;
}

/**
 * Independent reference: log π_c + log N(x | μ_c, Σ_c) per component, with the deviation scaled by
 * 2^−shift first (exact) so the quadratic form is formed from O(1) numbers and scaled back by 2^(2·shift).
 */
function referenceLogTerms(p: GaussianMixtureParameters, x: readonly number[], shift: number): number[] {
  const d = x.length;
  const scale = 2 ** -shift;
  return p.weights.map((w, c) => {
    const sigma = denseCovariance(p, c, d);
    // Cholesky Σ = L·Lᵀ, then y = L⁻¹u.
    const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    let logDet = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let s = sigma[a]![b]!;
        for (let m = 0; m < b; m++) s -= l[a]![m]! * l[b]![m]!;
        l[a]![b] = a === b ? Math.sqrt(s) : s / l[b]![b]!;
      }
      logDet += 2 * Math.log(l[a]![a]!);
    }
    const y = new Array<number>(d).fill(0);
    let q = 0;
    for (let a = 0; a < d; a++) {
      let s = (x[a]! - p.means[c]![a]!) * scale;
      for (let b = 0; b < a; b++) s -= l[a]![b]! * y[b]!;
      y[a] = s / l[a]![a]!;
      q += y[a]! * y[a]!;
    }
    return Math.log(w) - 0.5 * d * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * q * 2 ** (2 * shift);
  });
}

function softmax(terms: number[]): { responsibilities: number[]; logSum: number } {
  const max = Math.max(...terms);
  const e = terms.map((t) => Math.exp(t - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return { responsibilities: e.map((v) => v / sum), logSum: max + Math.log(sum) };
}

/** Faithful rows times 2^power (exact), and ten-column data of the same kind. */
function scaled(rows: number[][], power: number): number[][] {
  return rows.map((row) => row.map((v) => v * 2 ** power));
}

function tenColumns(): number[][] {
  const rows: number[][] = [];
  let state = 12345;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < 300; i++) {
    const centre = i % 3 === 0 ? 0 : i % 3 === 1 ? 8 : -8;
    rows.push(Array.from({ length: 10 }, (_, a) => centre + (a % 2 === 0 ? 1 : -1) * (a + 1) * 0.1 * centre + (uniform() - 0.5) * 3));
  }
  return rows;
}

const datasets: Array<{ name: string; rows: number[][]; largest: number; components: number }> = [
  { name: 'faithful (D = 2)', rows: faithful(), largest: 96, components: 2 },
  { name: 'three clusters (D = 10)', rows: tenColumns(), largest: Math.max(...tenColumns().flat().map(Math.abs)), components: 3 },
];

const kernelModes: Array<{ name: string; simd: boolean }> = [
  { name: 'WebAssembly SIMD kernels', simd: true },
  { name: 'TypeScript kernels', simd: false },
];

afterAll(() => useSimdKernels(true));

for (const mode of kernelModes) {
  describe(`values near ±2^480 with the ${mode.name}`, () => {
    const setKernels = (): void => {
      useSimdKernels(mode.simd);
    };
    for (const dataset of datasets) {
      for (const type of COVARIANCE_TYPES) {
        describe(`${dataset.name}, ${type}`, () => {
          const d = (dataset.rows[0] as number[]).length;
          /** Largest power p with largest·2^p ≤ LIMIT: the data scaled by 2^p is just below the limit, by 2^(p+1) just above. */
          const power = Math.floor(480 - Math.log2(dataset.largest));
          const options = { components: dataset.components, covariance: type as CovarianceType, regCovar: 0, seed: 0, tolerance: 0, maxIterations: 30 };

          it('fit: data just below the limit gives the fit of the unscaled data, scaled (power-of-two scaling is exact)', () => {
            setKernels();
            const near = scaled(dataset.rows, power);
            expect(Math.max(...near.flat().map(Math.abs))).toBeLessThanOrEqual(LIMIT);
            const reference = new GaussianMixture(options).fit(dataset.rows);
            const fit = new GaussianMixture(options).fit(near);
            expect(fit.iterations).toBe(reference.iterations);
            // Densities scale by 2^(−power·D) per row.
            const shift = dataset.rows.length * d * power * LN2;
            expect(Number.isFinite(fit.logLikelihood)).toBe(true);
            expect(Math.abs(fit.logLikelihood + shift - reference.logLikelihood)).toBeLessThan(1e-9 * shift);
            fit.parameters.means.forEach((mean, c) => mean.forEach((v, a) => expect(v / 2 ** power).toBeCloseTo(reference.parameters.means[c]![a]!, 8)));
          });

          it('fit: one value just above the limit is refused naming its row and column', () => {
            setKernels();
            const above = dataset.rows.map((row) => [...row]);
            above[5]![1] = -ABOVE;
            expectTooLarge(errorOf(() => new GaussianMixture(options).fit(above)), 5, 1);
            // The data scaled by one more power of two is past the limit as a whole.
            const row = scaled(dataset.rows, power + 1).findIndex((r) => r.some((v) => Math.abs(v) > LIMIT));
            expect(row).toBeGreaterThanOrEqual(0);
            expect(errorOf(() => new GaussianMixture(options).fit(scaled(dataset.rows, power + 1)))).toBeInstanceOf(InvalidDataError);
          });

          it('a 1e160 training outlier says "too large … overflow", not "covariance is collapsing"', () => {
            setKernels();
            const outlier = dataset.rows.map((row) => [...row]);
            outlier[7]![0] = 1e160;
            const error = errorOf(() => new GaussianMixture({ ...options, regCovar: 1e-6 }).fit(outlier));
            expectTooLarge(error, 7, 0);
            expect((error as Error).message).not.toMatch(/collapsing/);
          });

          it('predict, predictProba, scoreSamples and score: rows at ±limit agree with an independent scaled reference', () => {
            setKernels();
            const model = new GaussianMixture(options);
            model.fit(dataset.rows);
            const parameters = model.parameters;
            const first = dataset.rows[0] as number[];
            const rows = [first.map((_, a) => (a === 0 ? LIMIT : 0)), first.map((_, a) => (a % 2 === 0 ? -LIMIT : LIMIT)), first];
            const proba = model.predictProba(rows);
            const labels = model.predict(rows);
            const scores = model.scoreSamples(rows);
            rows.forEach((x, i) => {
              const { responsibilities, logSum } = softmax(referenceLogTerms(parameters, x, i < 2 ? 480 : 0));
              const got = proba[i] as number[];
              got.forEach((r, c) => {
                expect(Number.isFinite(r)).toBe(true);
                expect(Math.abs(r - responsibilities[c]!)).toBeLessThan(1e-9);
              });
              expect(labels[i]).toBe(got.indexOf(Math.max(...got)));
              expect(Number.isFinite(scores[i] as number)).toBe(true);
              expect(Math.abs((scores[i] as number) - logSum)).toBeLessThan(1e-12 * Math.max(1, Math.abs(logSum)));
            });
            const mean = model.score(rows);
            expect(Number.isFinite(mean)).toBe(true);
            expect(Math.abs(mean - ((scores[0] as number) + (scores[1] as number) + (scores[2] as number)) / 3)).toBeLessThan(1e-12 * Math.abs(mean));
          });

          it('predict, predictProba, scoreSamples and score refuse a value just above the limit (and 1e200) naming row and column', () => {
            setKernels();
            const model = new GaussianMixture(options);
            model.fit(dataset.rows);
            const first = dataset.rows[0] as number[];
            for (const value of [ABOVE, -ABOVE, 1e200, -Number.MAX_VALUE]) {
              const rows = [first, first, first.map((v, a) => (a === d - 1 ? value : v))];
              expectTooLarge(errorOf(() => model.predict(rows)), 2, d - 1);
              expectTooLarge(errorOf(() => model.predictProba(rows)), 2, d - 1);
              expectTooLarge(errorOf(() => model.scoreSamples(rows)), 2, d - 1);
              expectTooLarge(errorOf(() => model.score(rows)), 2, d - 1);
            }
          });

          it('a row that overflows under a tiny covariance is a NumericalError naming it — never NaN or class 0', () => {
            setKernels();
            // Variances 1e-250 against data near 1e100: every quadratic form is ~1e450, past the largest double.
            const k = dataset.components;
            const data = dataset.rows.map((row) => row.map((v) => v * 1e98));
            const tiny = 1e-250;
            const identity = (scale: number): number[][] => Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? scale : 0)));
            const covariances =
              type === 'full' ? Array.from({ length: k }, () => identity(tiny)) : type === 'tied' ? identity(tiny) : type === 'diagonal' ? Array.from({ length: k }, () => new Array<number>(d).fill(tiny)) : new Array<number>(k).fill(tiny);
            const means = data.slice(0, k).map((row) => row.map((v) => v + 1e97));
            const init = { weights: new Array<number>(k).fill(1 / k), means, covariances };
            const fitError = errorOf(() => new GaussianMixture({ ...options, init, maxIterations: 3 }).fit(data));
            expectOverflowRow(fitError, 0);

            const model = gaussianMixtureModel({ components: k, covariance: type as CovarianceType });
            const params = {
              weights: Float64Array.from(init.weights),
              components: { covarianceType: type as CovarianceType, dimension: d, means: Float64Array.from(means.flat()), covariances: Float64Array.from((covariances as unknown[]).flat(2) as number[]) },
            };
            model.validateParameters(params);
            const x = { observations: DenseMatrix.from([data[0]!.map(() => 0), ...data.slice(1, 3)]) };
            for (const call of [() => model.responsibilities(params, x), () => model.predict(params, x), () => model.scoreSamples(params, x), () => model.logLikelihood(params, x)]) {
              const error = errorOf(call);
              expect(error).toBeInstanceOf(EmError);
              // Row 0 (the origin) is ~1e99 from every mean: it overflows first.
              expectOverflowRow(error, 0);
            }
          });
        });
      }
    }
  });
}
