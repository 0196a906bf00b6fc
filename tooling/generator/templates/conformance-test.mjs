// Template: test/conformance.test.ts — the eight EM laws of @em/conformance, wired to the model
// with arbitraries for parameters and data (data drawn from the model itself, seeded).
import { importLine, modelExpression } from './model-expression.mjs';

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function conformanceTest(names, options) {
  const model = modelExpression(names, options);
  return `${importLine(['DenseMatrix', 'Random', 'type MixtureData', 'type MixtureParameters', ...model.coreImports], '@em/core')}
import { describeEmConformance, seedArbitrary, simplexArbitrary } from '@em/conformance';
import fc from 'fast-check';
${importLine([`type ${names.componentsType}`, ...model.packageImports], '../src/index.js')}

// The eight laws every @em model obeys (monotone objective, M-step maximises Q, exact E-step
// log-likelihood, statistics algebra, chunking invariance, pure M-step, incremental EM, exact
// serialisation) as fast-check properties. Runs and seed: EM_CONFORMANCE_RUNS, EM_CONFORMANCE_SEED
// (a failure prints the replay line).
// TODO(new-model): generate parameters and data of YOUR family; keep the sizes small (CI budget).

type Parameters = MixtureParameters<${names.componentsType}>;

/** Number of mixture components in the generated cases (the model is built for a fixed K). */
const COMPONENTS = 2;

/** Valid θ: weights on the simplex (none tiny), rates in a range where the data stays well scaled. */
const arbitraryParameters: fc.Arbitrary<Parameters> = fc.integer({ min: 1, max: 3 }).chain((dimension) =>
  fc
    .record({
      weights: simplexArbitrary(COMPONENTS, { minimum: 0.05 }),
      rates: fc.array(fc.double({ min: 0.2, max: 5, noNaN: true }), { minLength: COMPONENTS * dimension, maxLength: COMPONENTS * dimension }),
    })
    .map(({ weights, rates }) => ({ weights, components: { dimension, rates: Float64Array.from(rates) } })),
);

/** Data drawn from the model at θ, with a generated seed (so every case is reproducible). */
function arbitraryData(parameters: Parameters): fc.Arbitrary<MixtureData<DenseMatrix>> {
  return fc.record({ rows: fc.integer({ min: COMPONENTS + 2, max: 40 }), seed: seedArbitrary() }).map(({ rows, seed }) => {
    const draws = ${model.build('COMPONENTS')}.sample(parameters, rows, new Random(seed));
    return { observations: DenseMatrix.fromArray(draws.observations, rows, draws.dimension) };
  });
}

/** A valid θ near the given one: every free parameter moved a little, constraints kept. */
function perturb(parameters: Parameters, random: Random): Parameters {
  const moved = Array.from(parameters.weights, (weight) => weight * Math.exp(0.1 * random.normal()));
  const total = moved.reduce((sum, weight) => sum + weight, 0);
  const weights = Float64Array.from(moved, (weight) => weight / total);
  const rates = Float64Array.from(parameters.components.rates, (rate) => rate * Math.exp(0.1 * random.normal()));
  return { weights, components: { dimension: parameters.components.dimension, rates } };
}

describeEmConformance('${names.packageName}', {
  model: () => ${model.build('COMPONENTS')},
  arbitraryParameters,
  arbitraryData,
  perturb,
});
`;
}
