// The README's wiring example, verbatim apart from import paths: it must keep working.
import { Random } from '@em/core';
import fc from 'fast-check';
import { describeEmConformance, seedArbitrary, simplexArbitrary } from '../src/index.js';
import { perturbPoisson } from './fixtures/poisson-cases.js';
import { countsMatrix, createPoissonMixture } from './fixtures/poisson-family.js';

const K = 2;
const rates = fc.array(fc.double({ min: 0.3, max: 40, noNaN: true }), { minLength: K, maxLength: K });
const parameters = fc.record({ weights: simplexArbitrary(K, { minimum: 0.05 }), rates }).map(({ weights, rates }) => ({ weights, components: { rates: Float64Array.from(rates) } }));
const sampled = (truth: typeof parameters extends fc.Arbitrary<infer P> ? P : never, rows: number, seed: number) =>
  countsMatrix(createPoissonMixture({ components: K }).sample(truth, rows, new Random(seed)).observations);

describeEmConformance('poisson mixture (README example)', {
  model: () => createPoissonMixture({ components: K }),
  arbitraryParameters: parameters,
  // Data drawn from other parameters than θ₀, so EM has somewhere to go.
  arbitraryData: fc.tuple(parameters, fc.integer({ min: 4, max: 60 }), seedArbitrary()).map(([truth, rows, seed]) => ({ observations: sampled(truth, rows, seed) })),
  perturb: perturbPoisson, // (θ, random) => a valid θ with every free parameter moved a little
});
