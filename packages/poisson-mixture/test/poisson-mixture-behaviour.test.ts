import { readFileSync } from 'node:fs';
import { DenseMatrix, InvalidDataError, InvalidParametersError, NotFittedError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { PoissonMixture } from '../src/index.js';

const reference = JSON.parse(readFileSync(new URL('__fixtures__/reference-em.json', import.meta.url), 'utf8')) as {
  readonly rows: number;
  readonly columns: number;
  readonly iterations: number;
  readonly data: readonly number[];
  readonly start: { readonly weights: readonly number[]; readonly rates: readonly number[] };
  readonly maximumLikelihood: { readonly weights: readonly number[]; readonly rates: readonly number[]; readonly logLikelihoodHistory: readonly number[] };
};
const counts = DenseMatrix.fromArray(Float64Array.from(reference.data), reference.rows, reference.columns).toArrays();
const nested = (flat: readonly number[], d: number): number[][] => Array.from({ length: flat.length / d }, (_, k) => flat.slice(k * d, (k + 1) * d));

describe('PoissonMixture (the estimator)', () => {
  it('fits from users’ parameters to the same numbers as the independent NumPy EM', () => {
    const model = new PoissonMixture({ components: 3, maxIterations: reference.iterations, tolerance: 0 });
    const summary = model.fit(counts, { initialParameters: { weights: reference.start.weights, rates: nested(reference.start.rates, 3) } });
    const expected = reference.maximumLikelihood;
    expect(summary.logLikelihood).toBeCloseTo(expected.logLikelihoodHistory.at(-1) as number, 9);
    model.parameters.weights.forEach((weight, k) => expect(Math.abs(weight - (expected.weights[k] as number))).toBeLessThan(1e-12));
    model.parameters.rates.flat().forEach((rate, index) => expect(Math.abs(rate - (expected.rates[index] as number))).toBeLessThan(1e-12 * Math.max(1, rate)));
    expect(model.lastFit).toBe(summary);
  });

  it('predicts, scores and samples with the shapes every estimator uses', () => {
    const model = new PoissonMixture({ components: 3, seed: 4, nInit: 3 });
    const labels = model.fitPredict(counts);
    expect(labels).toBeInstanceOf(Int32Array);
    expect(labels.length).toBe(reference.rows);
    expect(model.predict(counts)).toEqual(labels);
    const posteriors = model.predictProba(counts);
    expect(posteriors).toHaveLength(reference.rows);
    for (const row of posteriors) expect(Math.abs(row.reduce((sum, p) => sum + p, 0) - 1)).toBeLessThan(1e-12);
    const perRow = model.scoreSamples(counts);
    const mean = perRow.reduce((sum, value) => sum + value, 0) / perRow.length;
    expect(Math.abs(model.score(counts) - mean)).toBeLessThan(1e-9 * Math.abs(mean));
    const freeParameters = 2 + 3 * 3;
    expect(model.bic(counts)).toBeCloseTo(-2 * mean * reference.rows + freeParameters * Math.log(reference.rows), 6);
    expect(model.aic(counts)).toBeCloseTo(-2 * mean * reference.rows + 2 * freeParameters, 6);
    const drawn = model.sample(50, { seed: 2 });
    expect(drawn.observations).toHaveLength(50);
    expect(drawn.observations.flat().every((value) => Number.isInteger(value) && value >= 0)).toBe(true);
  });

  it('accepts the inputs users hold: nested arrays, a DenseMatrix, row-major values with a column count, an ml-matrix-shaped object', () => {
    const model = new PoissonMixture({ components: 2, seed: 1 });
    model.fit(counts);
    const expected = model.scoreSamples(counts);
    const matrix = DenseMatrix.from(counts);
    expect(model.scoreSamples(matrix)).toEqual(expected);
    expect(model.scoreSamples({ data: matrix.data, columns: 3 })).toEqual(expected);
    expect(model.scoreSamples({ rows: matrix.rows, columns: 3, get: (i: number, j: number) => matrix.get(i, j) })).toEqual(expected);
  });

  it('round-trips through JSON exactly, prior and settings included', () => {
    const model = new PoissonMixture({ components: 2, seed: 3, ratePrior: { shape: 2, rate: 0.5 }, tolerance: 1e-8 });
    model.fit(counts);
    const restored = PoissonMixture.fromJSON(JSON.stringify(model.toJSON()));
    expect(restored).toBeInstanceOf(PoissonMixture);
    expect(restored.parameters).toEqual(model.parameters);
    expect(restored.scoreSamples(counts)).toEqual(model.scoreSamples(counts));
    expect(restored.model.config).toEqual(model.model.config);
    expect(restored.settings.tolerance).toBe(1e-8);
  });

  it('throws NotFittedError before fit, and typed errors naming the row and column or the parameter', () => {
    const model = new PoissonMixture({ components: 2 });
    expect(() => model.predict(counts)).toThrow(NotFittedError);
    expect(() => model.fit([[1, 2], [3, 0.5]])).toThrow(InvalidDataError);
    expect(() => model.fit([[1, 2], [3, 0.5]])).toThrow(/\[1\]\[1\] = 0.5 is not an integer/);
    expect(() => model.setParameters({ weights: [0.5, 0.5], rates: [[1, 2], [3]] })).toThrow(InvalidParametersError);
    model.setParameters({ weights: [0.5, 0.5], rates: [[1, 2], [3, 4]] });
    expect(() => model.predict([[1, 2, 3]])).toThrow(/3 columns but the model has 2/);
  });
});
