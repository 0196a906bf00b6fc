// Agreement with an independent float64 EM (NumPy, scripts/reference-em.py) from a fixed start:
// every iteration's log-likelihood and objective, and the final parameters, to 1e-12 relative.
import { readFileSync } from 'node:fs';
import { DenseMatrix, fitEm } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createPoissonMixtureModel, type PoissonMixtureModelOptions } from '../src/index.js';

interface ReferenceRun {
  readonly logLikelihoodHistory: readonly number[];
  readonly objectiveHistory: readonly number[];
  readonly weights: readonly number[];
  readonly rates: readonly number[];
}

interface Reference {
  readonly rows: number;
  readonly columns: number;
  readonly components: number;
  readonly iterations: number;
  readonly data: readonly number[];
  readonly start: { readonly weights: readonly number[]; readonly rates: readonly number[] };
  readonly maximumLikelihood: ReferenceRun;
  readonly gammaPrior: ReferenceRun & { readonly shape: number; readonly rate: number };
}

const reference = JSON.parse(readFileSync(new URL('__fixtures__/reference-em.json', import.meta.url), 'utf8')) as Reference;
const TOLERANCE = 1e-12;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const [a, e] = [actual[index] as number, expected[index] as number];
    expect(Math.abs(a - e), `${what}[${index}]: ${a} vs ${e}`).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(e)));
  }
}

function fitFromStart(options: PoissonMixtureModelOptions) {
  const model = createPoissonMixtureModel(options);
  const observations = new DenseMatrix(Float64Array.from(reference.data), reference.rows, reference.columns);
  const initialParameters = {
    weights: Float64Array.from(reference.start.weights),
    components: { dimension: reference.columns, rates: Float64Array.from(reference.start.rates) },
  };
  // tolerance 0: run exactly `iterations` steps, as the reference does.
  return fitEm(model, { observations }, { initialParameters, maxIterations: reference.iterations, tolerance: 0 });
}

describe('agreement with an independent NumPy EM from a fixed start', () => {
  it('maximum likelihood: log-likelihood at every iteration and the final parameters', () => {
    const result = fitFromStart({ components: reference.components });
    const expected = reference.maximumLikelihood;
    expectClose(result.logLikelihoodHistory, expected.logLikelihoodHistory, 'logLikelihoodHistory');
    expectClose(result.history, expected.objectiveHistory, 'history');
    expectClose(result.parameters.weights, expected.weights, 'weights');
    expectClose(result.parameters.components.rates, expected.rates, 'rates');
  });

  it('Gamma prior (MAP): objective and log-likelihood at every iteration and the final parameters', () => {
    const { shape, rate } = reference.gammaPrior;
    const result = fitFromStart({ components: reference.components, ratePrior: { shape, rate } });
    const expected = reference.gammaPrior;
    expectClose(result.history, expected.objectiveHistory, 'history');
    expectClose(result.logLikelihoodHistory, expected.logLikelihoodHistory, 'logLikelihoodHistory');
    expectClose(result.parameters.weights, expected.weights, 'weights');
    expectClose(result.parameters.components.rates, expected.rates, 'rates');
  });
});
