import { DenseMatrix, type MixtureData, type MixtureParameters, Random } from '@em/core';
import { describeEmConformance, seedArbitrary, simplexArbitrary, type ConformanceCase } from '@em/conformance';
import fc from 'fast-check';
import { createPoissonMixtureModel, type PoissonComponents } from '../src/index.js';

// The eight laws every @em model obeys (monotone objective, M-step maximises Q, exact E-step
// log-likelihood, statistics algebra, chunking invariance, pure M-step, incremental EM, exact
// serialisation) as fast-check properties. Runs and seed: EM_CONFORMANCE_RUNS, EM_CONFORMANCE_SEED
// (a failure prints the replay line).

type Parameters = MixtureParameters<PoissonComponents>;

function modelFor(components: number) {
  return createPoissonMixtureModel({ components });
}

/** Valid θ of a given shape: weights on the simplex (none tiny), rates where the data stays well scaled. */
function parametersOfShape(components: number, dimension: number): fc.Arbitrary<Parameters> {
  return fc
    .record({
      weights: simplexArbitrary(components, { minimum: 0.05 }),
      rates: fc.array(fc.double({ min: 0.2, max: 5, noNaN: true }), { minLength: components * dimension, maxLength: components * dimension }),
    })
    .map(({ weights, rates }) => ({ weights, components: { dimension, rates: Float64Array.from(rates) } }));
}

/**
 * A case: θ₀, and data drawn (seeded) from OTHER parameters of the same shape, so EM has somewhere
 * to go. 1–3 components and 1–3 columns; the model follows the case's number of components.
 */
const arbitraryCase: fc.Arbitrary<ConformanceCase<Parameters, MixtureData<DenseMatrix>>> = fc
  .record({ components: fc.integer({ min: 1, max: 3 }), dimension: fc.integer({ min: 1, max: 3 }) })
  .chain(({ components, dimension }) =>
    fc.record({
      parameters: parametersOfShape(components, dimension),
      truth: parametersOfShape(components, dimension),
      rows: fc.integer({ min: components + 1, max: 40 }),
      seed: seedArbitrary(),
    }),
  )
  .map(({ parameters, truth, rows, seed }) => {
    const draws = modelFor(truth.weights.length).sample(truth, rows, new Random(seed));
    return { parameters, data: { observations: DenseMatrix.fromArray(draws.observations, rows, draws.dimension) } };
  });

/** A valid θ near the given one: every free parameter moved a little, constraints kept. */
function perturb(parameters: Parameters, random: Random): Parameters {
  const moved = Array.from(parameters.weights, (weight) => weight * Math.exp(0.1 * random.normal()));
  const total = moved.reduce((sum, weight) => sum + weight, 0);
  const weights = Float64Array.from(moved, (weight) => weight / total);
  const rates = Float64Array.from(parameters.components.rates, (rate) => rate * Math.exp(0.1 * random.normal()));
  return { weights, components: { dimension: parameters.components.dimension, rates } };
}

describeEmConformance('@em/poisson-mixture', {
  model: (testCase) => modelFor(testCase.parameters.weights.length),
  arbitraryCase,
  perturb,
});

// With a Gamma prior the objective is log-likelihood + log-prior and the M-step its MAP estimate.
describeEmConformance('@em/poisson-mixture with a Gamma(2.5, 0.5) rate prior', {
  model: (testCase) => createPoissonMixtureModel({ components: testCase.parameters.weights.length, ratePrior: { shape: 2.5, rate: 0.5 } }),
  arbitraryCase,
  perturb,
});
