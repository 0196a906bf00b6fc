import { CsrMatrix, InvalidDataError, InvalidOptionsError, InvalidParametersError, type EmError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture, categoricalFamily, modelFromConfig } from '../src/index.js';

/** Runs `action`, expects a typed error of `type`, and returns it for further checks. */
function caught<T extends EmError>(action: () => unknown, type: new (...args: never[]) => T): T {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error('expected an error');
}

const good = [
  [1, 2, 0],
  [0, 3, 1],
  [4, 0, 0],
];

describe('multinomial bad input', () => {
  it('negative counts name the row and column (dense and sparse)', () => {
    const rows = [
      [1, 2, 0],
      [0, -3, 1],
    ];
    const e1 = caught(() => new MultinomialMixture({ components: 1 }).fit(rows), InvalidDataError);
    expect(e1.message).toMatch(/counts\[1\]\[1\] = -3 is negative/);
    expect(e1.details).toMatchObject({ row: 1, column: 1 });
    expect(e1.remedy).not.toBe('');
    const e2 = caught(() => new MultinomialMixture({ components: 1 }).fit(CsrMatrix.fromDense(rows)), InvalidDataError);
    expect(e2.details).toMatchObject({ row: 1, column: 1 });
  });

  it('non-integer counts are an error unless allowNonInteger is set', () => {
    const rows = [
      [1, 2.5, 0],
      [0, 3, 1],
    ];
    const error = caught(() => new MultinomialMixture({ components: 1 }).fit(rows), InvalidDataError);
    expect(error.message).toMatch(/\[0\]\[1\] = 2.5 is not an integer/);
    const summary = new MultinomialMixture({ components: 1, allowNonInteger: true }).fit(rows);
    expect(Number.isFinite(summary.logLikelihood)).toBe(true);
    expect(Number.isFinite(summary.logMultinomialCoefficient)).toBe(true);
  });

  it('NaN and Infinity are rejected with their position', () => {
    expect(caught(() => new MultinomialMixture({ components: 1 }).fit([[1, Number.NaN]]), InvalidDataError).details).toMatchObject({ row: 0, column: 1 });
    expect(caught(() => new MultinomialMixture({ components: 1 }).fit([[Infinity, 1]]), InvalidDataError).details).toMatchObject({ row: 0, column: 0 });
  });

  it('a vocabulary size different from the initial parameters is a typed error', () => {
    const init = { weights: [0.5, 0.5], probabilities: [[0.5, 0.5], [0.1, 0.9]] };
    const error = caught(() => new MultinomialMixture({ components: 2 }).fit(good, { initialParameters: init }), InvalidDataError);
    expect(error.message).toMatch(/3 columns but the model's probability vectors has 2 \(vocabulary mismatch\)/);
    const fitted = new MultinomialMixture({ components: 2, seed: 1 });
    fitted.fit(good);
    expect(caught(() => fitted.predict([[1, 2]]), InvalidDataError).details).toMatchObject({ columns: 2, features: 3 });
  });

  it('probabilities not summing to 1 name the component', () => {
    const init = { weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0], [0.2, 0.2, 0.2]] };
    const error = caught(() => new MultinomialMixture({ components: 2 }).fit(good, { initialParameters: init }), InvalidParametersError);
    expect(error.message).toMatch(/component 1 sum to 0.6/);
    expect(error.details).toMatchObject({ component: 1 });
    expect(error.remedy).toMatch(/Normalise/);
  });

  it('weights not summing to 1, negative probabilities and ragged rows are rejected', () => {
    const bad = { weights: [0.5, 0.6], probabilities: [[0.5, 0.5, 0], [0.2, 0.3, 0.5]] };
    expect(caught(() => new MultinomialMixture({ components: 2 }).setParameters(bad), InvalidParametersError).message).toMatch(/weights sum to 1.1/);
    const negative = { weights: [0.5, 0.5], probabilities: [[1.5, -0.5, 0], [0.2, 0.3, 0.5]] };
    expect(caught(() => new MultinomialMixture({ components: 2 }).setParameters(negative), InvalidParametersError).details).toMatchObject({ component: 0, entry: 0 });
    const ragged = { weights: [0.5, 0.5], probabilities: [[1, 0], [0.2, 0.3, 0.5]] };
    expect(caught(() => new MultinomialMixture({ components: 2 }).setParameters(ragged), InvalidParametersError).details).toMatchObject({ component: 1 });
  });

  it('bad options are InvalidOptionsError', () => {
    caught(() => new MultinomialMixture({ components: 2, pseudocount: -1 }), InvalidOptionsError);
    caught(() => new MultinomialMixture({ components: 0 }), InvalidOptionsError);
    caught(() => new MultinomialMixture({ components: 2, init: 'kmeans' as 'random' }), InvalidOptionsError);
  });

  it('data made only of empty documents fits without NaN (uniform probabilities under the prior)', () => {
    const summary = new MultinomialMixture({ components: 2, seed: 1 }).fit([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(Math.abs(summary.logLikelihood)).toBeLessThan(1e-12);
    for (const row of summary.parameters.probabilities) for (const p of row) expect(p).toBeCloseTo(1 / 3, 12);
  });

  it('negative sample weights name the row', () => {
    expect(caught(() => new MultinomialMixture({ components: 1 }).fit(good, { sampleWeights: [1, -1, 1] }), InvalidDataError).details).toMatchObject({ row: 1 });
  });
});

describe('categorical bad input', () => {
  it('codes out of range name the row, column and the variable’s range', () => {
    const error = caught(() => new CategoricalMixture({ components: 1, categories: [2, 3] }).fit([[0, 2], [1, 3]]), InvalidDataError);
    expect(error.message).toMatch(/data\[1\]\[1\] = 3 is not a category code of variable 1 \(expected an integer in 0 … 2\)/);
    expect(error.details).toMatchObject({ row: 1, column: 1 });
    expect(caught(() => new CategoricalMixture({ components: 1, categories: [2, 3] }).fit([[0.5, 2]]), InvalidDataError).details).toMatchObject({ row: 0, column: 0 });
    expect(caught(() => new CategoricalMixture({ components: 1, categories: [2, 3] }).fit([[-1, 2]]), InvalidDataError).details).toMatchObject({ row: 0, column: 0 });
  });

  it('a wrong number of columns is reported', () => {
    expect(caught(() => new CategoricalMixture({ components: 1, categories: [2, 3] }).fit([[0, 1, 1]]), InvalidDataError).message).toMatch(/3 columns but the model has 2/);
  });

  it('bad categories are InvalidOptionsError', () => {
    caught(() => categoricalFamily({ categories: [] }), InvalidOptionsError);
    expect(caught(() => categoricalFamily({ categories: [2, 0] }), InvalidOptionsError).details).toMatchObject({ index: 1 });
  });

  it('per-variable probabilities not summing to 1 name component and variable', () => {
    const error = caught(
      () => new CategoricalMixture({ components: 1, categories: [2, 3] }).setParameters({ weights: [1], probabilities: [[[0.5, 0.5], [0.2, 0.2, 0.2]]] }),
      InvalidParametersError,
    );
    expect(error.details).toMatchObject({ component: 0, variable: 1 });
  });
});

describe('Bernoulli bad input', () => {
  it('values other than 0/1 name the row and column', () => {
    expect(caught(() => new BernoulliMixture({ components: 1 }).fit([[0, 1], [2, 0]]), InvalidDataError).details).toMatchObject({ row: 1, column: 0 });
    expect(caught(() => new BernoulliMixture({ components: 1 }).fit(CsrMatrix.fromDense([[0, 1], [0, 0.5]])), InvalidDataError).details).toMatchObject({ row: 1, column: 1 });
  });

  it('probabilities outside [0, 1] name component and feature', () => {
    expect(caught(() => new BernoulliMixture({ components: 1 }).setParameters({ weights: [1], probabilities: [[0.5, 1.2]] }), InvalidParametersError).details).toMatchObject({
      component: 0,
      feature: 1,
    });
  });
});

describe('modelFromConfig', () => {
  it('rebuilds each kind with the same config, and rejects unknown kinds', () => {
    for (const model of [new MultinomialMixture({ components: 2 }).model, new BernoulliMixture({ components: 3 }).model, new CategoricalMixture({ components: 2, categories: [4] }).model]) {
      expect(modelFromConfig(model.config).config).toEqual(model.config);
    }
    expect(() => modelFromConfig({ kind: 'gaussian-mixture', options: {} })).toThrow(/cannot build a "gaussian-mixture" model/);
  });
});
