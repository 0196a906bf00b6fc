// The EM laws of @em/conformance for every emission type (categorical, Gaussian, Gaussian
// mixture), one sequence and several, with and without priors.
import { describeEmConformance, seedArbitrary, spdMatrixArbitrary, stochasticMatrixArbitrary, simplexArbitrary } from '@em/conformance';
import { type ComponentFamily, DenseMatrix, type DenseMatrix as Dense, mixtureFamily, Random, Sequences, type Statistics } from '@em/core';
import { gaussianFamily } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import fc from 'fast-check';
import { createHmmModel, type HmmParameters, type HmmPriors } from '../src/index.js';

const STATES = 2;
const RUNS = 10;

type Family = ComponentFamily<unknown, Dense, Statistics, unknown>;

interface EmissionCase {
  readonly name: string;
  readonly family: (withPriors: boolean) => Family;
  readonly emissions: fc.Arbitrary<unknown>;
  /** Moves every free emission parameter a little, keeping constraints. */
  readonly perturb: (emissions: unknown, random: Random) => unknown;
}

function perturbRows(values: Float64Array, width: number, random: Random): Float64Array {
  const out = Float64Array.from(values);
  for (let row = 0; row < values.length / width; row++) {
    let total = 0;
    for (let j = 0; j < width; j++) {
      const v = (out[row * width + j] as number) * Math.exp(0.05 * random.normal());
      out[row * width + j] = v;
      total += v;
    }
    for (let j = 0; j < width; j++) out[row * width + j] = (out[row * width + j] as number) / total;
  }
  return out;
}

interface Gaussian {
  readonly covarianceType: 'full';
  readonly dimension: number;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
}

function gaussianComponents(count: number): fc.Arbitrary<Gaussian> {
  return fc
    .record({
      means: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: count * 2, maxLength: count * 2 }),
      covariances: fc.array(spdMatrixArbitrary(2, { ridge: 0.3, scale: 1 }), { minLength: count, maxLength: count }),
    })
    .map(({ means, covariances }) => ({
      covarianceType: 'full' as const,
      dimension: 2,
      means: Float64Array.from(means),
      covariances: Float64Array.from(covariances.flatMap((c) => Array.from(c))),
    }));
}

function perturbGaussian(g: Gaussian, random: Random): Gaussian {
  return { ...g, means: g.means.map((m) => m + 0.05 * random.normal()), covariances: g.covariances.map((c) => c * 1.02) };
}

const emissionCases: EmissionCase[] = [
  {
    name: 'categorical',
    family: (withPriors) => categoricalFamily({ categories: [4], pseudocount: withPriors ? 0.5 : 0 }) as unknown as Family,
    emissions: stochasticMatrixArbitrary(STATES, 4, { minimum: 0.02 }).map((probabilities) => ({ probabilities, categories: [4], components: STATES })),
    perturb: (e, random) => {
      const c = e as { probabilities: Float64Array; categories: number[]; components: number };
      return { ...c, probabilities: perturbRows(c.probabilities, 4, random) };
    },
  },
  {
    name: 'gaussian (full covariance)',
    family: (withPriors) => gaussianFamily({ covariance: 'full', regCovar: withPriors ? 1e-2 : 0 }) as unknown as Family,
    emissions: gaussianComponents(STATES),
    perturb: (e, random) => perturbGaussian(e as Gaussian, random),
  },
  {
    name: 'gaussian mixture (2 per state)',
    family: (withPriors) =>
      mixtureFamily(gaussianFamily({ covariance: 'full', regCovar: withPriors ? 1e-2 : 0 }), { components: 2, weightConcentration: withPriors ? 2 : 1 }) as unknown as Family,
    emissions: fc
      .record({ weights: stochasticMatrixArbitrary(STATES, 2, { minimum: 0.1 }), inner: gaussianComponents(STATES * 2) })
      .map(({ weights, inner }) => ({ weights, inner })),
    perturb: (e, random) => {
      const c = e as { weights: Float64Array; inner: Gaussian };
      return { weights: perturbRows(c.weights, 2, random), inner: perturbGaussian(c.inner, random) };
    },
  },
];

const layouts = [
  { name: 'one sequence', lengths: [80] },
  { name: 'several sequences', lengths: [25, 7, 40, 18] },
];

for (const emission of emissionCases) {
  for (const layout of layouts) {
    for (const withPriors of [false, true]) {
      const priors: HmmPriors = withPriors ? { start: 1, transitions: 1 } : {};
      const model = () => createHmmModel(emission.family(withPriors), { states: STATES, priors });
      const parameters: fc.Arbitrary<HmmParameters<unknown>> = fc
        .record({
          startProbabilities: simplexArbitrary(STATES, { minimum: 0.05 }),
          transitionMatrix: stochasticMatrixArbitrary(STATES, STATES, { minimum: 0.05 }),
          emissions: emission.emissions,
        })
        .map((p) => p);
      describeEmConformance(`HMM, ${emission.name} emissions, ${layout.name}, ${withPriors ? 'with' : 'without'} priors`, {
        model,
        arbitraryParameters: parameters,
        arbitraryData: (p) =>
          seedArbitrary().map((seed) => {
            const m = model();
            const random = new Random(seed);
            const chunks = layout.lengths.map((length) => m.sample(p, length, random));
            const dimension = chunks[0]?.dimension ?? 1;
            const rows = new Float64Array(chunks.reduce((n, c) => n + c.observations.length, 0));
            let offset = 0;
            for (const c of chunks) {
              rows.set(c.observations, offset);
              offset += c.observations.length;
            }
            return new Sequences(new DenseMatrix(rows, rows.length / dimension, dimension), layout.lengths);
          }),
        perturb: (p, random) => ({
          startProbabilities: perturbRows(p.startProbabilities, STATES, random),
          transitionMatrix: perturbRows(p.transitionMatrix, STATES, random),
          emissions: emission.perturb(p.emissions, random),
        }),
        runs: RUNS,
      });
    }
  }
}
