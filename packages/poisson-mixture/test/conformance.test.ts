import { DenseMatrix, type MixtureData, type MixtureParameters, Random } from '@em/core';
import { describeEmConformance, seedArbitrary, simplexArbitrary, type ConformanceCase } from '@em/conformance';
import fc from 'fast-check';
import { createPoissonMixtureModel, type PoissonComponents, randomPoissonComponents } from '../src/index.js';

// The laws every @em model obeys (monotone objective, M-step maximises Q, exact E-step
// log-likelihood, statistics algebra, chunking invariance, pure M-step, incremental EM, exact
// serialisation…) as fast-check properties. Runs and seed: EM_CONFORMANCE_RUNS, EM_CONFORMANCE_SEED
// (a failure prints the replay line). Parameters come from the family's randomPoissonComponents, so
// this file follows the family without edits; add cases (priors, sample weights) as you like.

type Parameters = MixtureParameters<PoissonComponents>;

function modelFor(components: number) {
  return createPoissonMixtureModel({ components });
}

/** Valid θ of a given shape: weights on the simplex (none tiny), components from the family. */
function parametersOfShape(components: number, dimension: number): fc.Arbitrary<Parameters> {
  return fc
    .record({ weights: simplexArbitrary(components, { minimum: 0.05 }), seed: seedArbitrary() })
    .map(({ weights, seed }) => ({ weights, components: randomPoissonComponents(components, dimension, new Random(seed)) }));
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

/** Every Float64Array of `from` moved a fraction `t` of the way to the same array of `to` (other fields kept). */
function blend(from: PoissonComponents, to: PoissonComponents, t: number): PoissonComponents {
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(from as unknown as Record<string, unknown>)) {
    const target = (to as unknown as Record<string, unknown>)[key];
    moved[key] = value instanceof Float64Array && target instanceof Float64Array ? value.map((entry, index) => (1 - t) * entry + t * (target[index] as number)) : value;
  }
  return moved as unknown as PoissonComponents;
}

/**
 * A valid θ near the given one: weights moved on the simplex, components blended a little towards
 * other random components (valid whenever the family's parameter set is convex, as rates,
 * probabilities and covariance matrices are; the kit reports it if a perturbation is invalid).
 */
function perturb(parameters: Parameters, random: Random): Parameters {
  const moved = Array.from(parameters.weights, (weight) => weight * Math.exp(0.1 * random.normal()));
  const total = moved.reduce((sum, weight) => sum + weight, 0);
  const k = parameters.weights.length;
  const model = modelFor(k);
  const other = randomPoissonComponents(k, model.family.sampleDimension(parameters.components), random);
  return { weights: Float64Array.from(moved, (weight) => weight / total), components: blend(parameters.components, other, 0.05 + 0.1 * random.next()) };
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
