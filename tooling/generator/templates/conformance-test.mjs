// Template: test/conformance.test.ts — the EM laws of @em/conformance, wired to the model with
// arbitraries built from the family's own random<Family>Components, so it needs no edits when the
// placeholder family is replaced.
import { importLine, modelExpression } from './model-expression.mjs';

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function conformanceTest(names, options) {
  const model = modelExpression(names, options);
  const { componentsType, packageName, randomComponents } = names;
  const coreImport = importLine(['DenseMatrix', 'Random', 'type MixtureData', 'type MixtureParameters', ...model.coreImports], '@em/core');
  const packageImport = importLine([`type ${componentsType}`, randomComponents, ...model.packageImports], '../src/index.js');
  const buildModel = model.build('components');
  return `${coreImport}
import { describeEmConformance, seedArbitrary, simplexArbitrary, type ConformanceCase } from '@em/conformance';
import fc from 'fast-check';
${packageImport}

// The laws every @em model obeys (monotone objective, M-step maximises Q, exact E-step
// log-likelihood, statistics algebra, chunking invariance, pure M-step, incremental EM, exact
// serialisation…) as fast-check properties. Runs and seed: EM_CONFORMANCE_RUNS, EM_CONFORMANCE_SEED
// (a failure prints the replay line). Parameters come from the family's ${randomComponents}, so
// this file follows the family without edits; add cases (priors, sample weights) as you like.

type Parameters = MixtureParameters<${componentsType}>;

function modelFor(components: number) {
  return ${buildModel};
}

/** Valid θ of a given shape: weights on the simplex (none tiny), components from the family. */
function parametersOfShape(components: number, dimension: number): fc.Arbitrary<Parameters> {
  return fc
    .record({ weights: simplexArbitrary(components, { minimum: 0.05 }), seed: seedArbitrary() })
    .map(({ weights, seed }) => ({ weights, components: ${randomComponents}(components, dimension, new Random(seed)) }));
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

/** Every Float64Array of \`from\` moved a fraction \`t\` of the way to the same array of \`to\` (other fields kept). */
function blend(from: ${componentsType}, to: ${componentsType}, t: number): ${componentsType} {
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(from as unknown as Record<string, unknown>)) {
    const target = (to as unknown as Record<string, unknown>)[key];
    moved[key] = value instanceof Float64Array && target instanceof Float64Array ? value.map((entry, index) => (1 - t) * entry + t * (target[index] as number)) : value;
  }
  return moved as unknown as ${componentsType};
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
  const other = ${randomComponents}(k, model.family.sampleDimension(parameters.components), random);
  return { weights: Float64Array.from(moved, (weight) => weight / total), components: blend(parameters.components, other, 0.05 + 0.1 * random.next()) };
}

describeEmConformance('${packageName}', {
  model: (testCase) => modelFor(testCase.parameters.weights.length),
  arbitraryCase,
  perturb,
});
`;
}
