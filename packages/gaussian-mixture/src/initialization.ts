import { InvalidOptionsError, kMeans, kMeansPlusPlus, labelsToWeights, nearestCenters, randomResponsibilities, type DenseMatrix, type MixtureInitializer, type Random } from '@em/core';
import { imputeColumnMeans } from './gaussian-family.js';

/** The greedy k-means++ seeding, now shared from @em/core (kept under its old name). */
export const kmeansPlusPlus = kMeansPlusPlus;

/**
 * How the initial responsibilities are chosen:
 * - `kmeans` (default): Lloyd's k-means seeded with greedy k-means++, hard labels;
 * - `kmeans++`: the k-means++ seeds only, each row assigned to its nearest seed;
 * - `random`: random responsibilities (each row a Dirichlet(1, …, 1) draw);
 * - `random-points`: K distinct random rows as centres, each row assigned to its nearest centre.
 */
export type InitializationMethod = 'kmeans' | 'kmeans++' | 'random' | 'random-points';

export const INITIALIZATION_METHODS: readonly InitializationMethod[] = ['kmeans', 'kmeans++', 'random', 'random-points'];

/** Lloyd iterations of the k-means initialisation (it stops earlier when no label changes). */
const KMEANS_MAX_ITERATIONS = 100;

export function initializer(method: InitializationMethod): MixtureInitializer<DenseMatrix> {
  switch (method) {
    case 'random':
      return (x, k, random) => randomResponsibilities(x.rows, k, random);
    case 'random-points':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = randomRows(data, x.rows, x.cols, k, random, sampleWeights);
        return labelsToWeights(nearestCenters(data, x.rows, x.cols, centers, k), k);
      };
    case 'kmeans++':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = kMeansPlusPlus(data, x.rows, x.cols, k, random, sampleWeights);
        return labelsToWeights(nearestCenters(data, x.rows, x.cols, centers, k), k);
      };
    case 'kmeans':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const options = sampleWeights === undefined ? { maxIterations: KMEANS_MAX_ITERATIONS } : { maxIterations: KMEANS_MAX_ITERATIONS, sampleWeights };
        return labelsToWeights(kMeans(data, x.rows, x.cols, k, random, options).labels, k);
      };
    default:
      throw new InvalidOptionsError(`init must be one of ${INITIALIZATION_METHODS.join(', ')} or initial parameters; got ${JSON.stringify(method)}.`, "Pass e.g. { init: 'kmeans' }.", {
        option: 'init',
      });
  }
}

function completeData(x: DenseMatrix): Float64Array {
  for (let i = 0; i < x.data.length; i++) if (Number.isNaN(x.data[i] as number)) return imputeColumnMeans(x);
  return x.data;
}

/** K distinct rows (positive weight) drawn uniformly as centres. */
function randomRows(data: Float64Array, n: number, d: number, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (sampleWeights === undefined || (sampleWeights[i] as number) > 0) candidates.push(i);
  random.shuffle(candidates);
  const centers = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const row = candidates[c % candidates.length] as number;
    centers.set(data.subarray(row * d, (row + 1) * d), c * d);
  }
  return centers;
}
