import { describeEmConformance, seedArbitrary, simplexArbitrary, stochasticMatrixArbitrary } from '@em/conformance';
import { CsrMatrix, DenseMatrix, type MixtureData, type MixtureParameters, Random as RandomClass, type Random } from '@em/core';
import fc from 'fast-check';
import {
  createBernoulliMixtureModel,
  createCategoricalMixtureModel,
  createMultinomialMixtureModel,
  type BernoulliComponents,
  type CategoricalComponents,
  type CountMatrix,
  type MultinomialComponents,
} from '../src/index.js';

// The eight EM laws for the three families: dense and sparse input, with the default prior and
// with plain maximum likelihood (pseudocount 0). Runs are kept small for the CI budget;
// EM_CONFORMANCE_RUNS=200 runs more.
const RUNS = 8;
const K = 2;
const V = 5;
const ROWS = 24;

/** Moves every entry of each probability block multiplicatively and renormalises (zeros stay zero). */
function perturbBlocks(values: Float64Array, blockSizes: readonly number[], random: Random): Float64Array {
  const out = new Float64Array(values.length);
  let offset = 0;
  while (offset < values.length) {
    for (const size of blockSizes) {
      let total = 0;
      for (let i = 0; i < size; i++) {
        const v = (values[offset + i] as number) * Math.exp(0.05 * random.normal());
        out[offset + i] = v;
        total += v;
      }
      for (let i = 0; i < size; i++) out[offset + i] = (out[offset + i] as number) / total;
      offset += size;
    }
  }
  return out;
}

function withEmptyRow(observations: DenseMatrix): DenseMatrix {
  const data = new Float64Array((observations.rows + 1) * observations.cols);
  data.set(observations.data);
  return new DenseMatrix(data, observations.rows + 1, observations.cols);
}

for (const pseudocount of [0.5, 0]) {
  const prior = pseudocount === 0 ? 'maximum likelihood' : `pseudocount ${pseudocount}, weight prior 2`;
  for (const layout of ['dense', 'sparse'] as const) {
    const build = () =>
      createMultinomialMixtureModel({ components: K, pseudocount, documentLength: 12, init: 'random', ...(pseudocount > 0 ? { weightConcentration: 2 } : {}) });
    describeEmConformance<MixtureParameters<MultinomialComponents>, MixtureData<CountMatrix>, ReturnType<ReturnType<typeof build>['zeroStatistics']>>(
      `multinomial mixture (${layout}, ${prior}${pseudocount > 0 ? ', sample weights' : ''})`,
      {
        model: build,
        runs: RUNS,
        arbitraryParameters: fc
          .record({ weights: simplexArbitrary(K, { minimum: 0.05 }), probabilities: stochasticMatrixArbitrary(K, V, { minimum: 0.01 }) })
          .map(({ weights, probabilities }) => ({ weights, components: { probabilities, components: K, features: V } })),
        // With the prior, rows also carry sample weights (one row may weigh 0).
        arbitraryData: (parameters) =>
          fc.tuple(seedArbitrary(), fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: ROWS + 1, maxLength: ROWS + 1 })).map(([seed, weights]) => {
            const model = build();
            const drawn = model.sample(parameters, ROWS, new RandomClass(seed));
            const dense = withEmptyRow(new DenseMatrix(drawn.observations, ROWS, V));
            const observations = layout === 'dense' ? dense : CsrMatrix.fromDense(dense);
            weights[0] = Math.max(weights[0] as number, 0.5);
            return pseudocount > 0 ? { observations, sampleWeights: Float64Array.from(weights) } : { observations };
          }),
        perturb: (parameters, random) => ({
          weights: perturbBlocks(parameters.weights, [K], random),
          components: { ...parameters.components, probabilities: perturbBlocks(parameters.components.probabilities, [V], random) },
        }),
      },
    );

    const buildBernoulli = () => createBernoulliMixtureModel({ components: K, pseudocount, init: 'random', ...(pseudocount > 0 ? { weightConcentration: 2 } : {}) });
    describeEmConformance<MixtureParameters<BernoulliComponents>, MixtureData<CountMatrix>, ReturnType<ReturnType<typeof buildBernoulli>['zeroStatistics']>>(
      `Bernoulli mixture (${layout}, ${prior})`,
      {
        model: buildBernoulli,
        runs: RUNS,
        arbitraryParameters: fc
          .record({
            weights: simplexArbitrary(K, { minimum: 0.05 }),
            probabilities: fc.array(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { minLength: K * V, maxLength: K * V }),
          })
          .map(({ weights, probabilities }) => ({ weights, components: { probabilities: Float64Array.from(probabilities), components: K, features: V } })),
        arbitraryData: (parameters) =>
          seedArbitrary().map((seed) => {
            const drawn = buildBernoulli().sample(parameters, ROWS, new RandomClass(seed));
            const observations = new DenseMatrix(drawn.observations, ROWS, V);
            return { observations: layout === 'dense' ? observations : CsrMatrix.fromDense(observations) };
          }),
        perturb: (parameters, random) => {
          const probabilities = parameters.components.probabilities.map((p) => {
            if (p === 0 || p === 1) return p;
            const logit = Math.log(p / (1 - p)) + 0.05 * random.normal();
            return 1 / (1 + Math.exp(-logit));
          });
          return { weights: perturbBlocks(parameters.weights, [K], random), components: { ...parameters.components, probabilities } };
        },
      },
    );
  }

  const categories = [2, 3, 4];
  const blockSize = 9;
  const buildCategorical = () => createCategoricalMixtureModel({ components: K, categories, pseudocount, init: 'random', ...(pseudocount > 0 ? { weightConcentration: 2 } : {}) });
  describeEmConformance<MixtureParameters<CategoricalComponents>, MixtureData<DenseMatrix>, ReturnType<ReturnType<typeof buildCategorical>['zeroStatistics']>>(
    `categorical mixture / latent class (${prior})`,
    {
      model: buildCategorical,
      runs: RUNS,
      arbitraryParameters: fc
        .record({
          weights: simplexArbitrary(K, { minimum: 0.05 }),
          blocks: fc.array(fc.tuple(simplexArbitrary(2, { minimum: 0.02 }), simplexArbitrary(3, { minimum: 0.02 }), simplexArbitrary(4, { minimum: 0.02 })), {
            minLength: K,
            maxLength: K,
          }),
        })
        .map(({ weights, blocks }) => {
          const probabilities = new Float64Array(K * blockSize);
          blocks.forEach(([a, b, c], k) => {
            probabilities.set(a, k * blockSize);
            probabilities.set(b, k * blockSize + 2);
            probabilities.set(c, k * blockSize + 5);
          });
          return { weights, components: { probabilities, categories, components: K } };
        }),
      arbitraryData: (parameters) =>
        seedArbitrary().map((seed) => {
          const drawn = buildCategorical().sample(parameters, ROWS, new RandomClass(seed));
          return { observations: new DenseMatrix(drawn.observations, ROWS, categories.length) };
        }),
      perturb: (parameters, random) => ({
        weights: perturbBlocks(parameters.weights, [K], random),
        components: { ...parameters.components, probabilities: perturbBlocks(parameters.components.probabilities, categories, random) },
      }),
    },
  );
}
