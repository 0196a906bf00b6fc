import { InvalidOptionsError, kMeans, kMeansPlusPlus, nearestCenters, type DenseMatrix, type MixtureInitializer, type Random } from '@em/core';
import { imputeColumnMeans } from './missing-values-imputation.js';
import { hierarchicalClassification } from './hierarchical-clustering.js';

/** The greedy k-means++ seeding, now shared from @em/core (kept under its old name). */
export const kmeansPlusPlus = kMeansPlusPlus;

/**
 * How the initial responsibilities are chosen:
 * - `kmeans` (default): Lloyd's k-means seeded with greedy k-means++, hard labels;
 * - `kmeans++`: the k-means++ seeds only, each row assigned to its nearest seed;
 * - `random`: K distinct random rows as centres and soft responsibilities around them,
 *   r_ik ∝ exp(−½ K^(2/d) Σ_j (x_ij − c_kj)² / s_j²), s_j² the variance of column j. (Responsibilities
 *   drawn independently of the data — scikit-learn's 'random' — put every first mean within
 *   O(1/√n) of the data mean, a fixed point of EM that is no maximum: Old Faithful, K = 2, stopped
 *   there at −1289.8 instead of −1130.27.)
 * - `random-points`: the same K random rows as centres, each row assigned to its nearest centre.
 * - `hc`: mclust's default start — model-based agglomerative hierarchical clustering (VVV
 *   criterion on the SVD-transformed data) cut at K clusters; deterministic, O(n²) memory (checked
 *   against the default memory budget), no sample weights (see hierarchical-clustering.ts).
 */
export type InitializationMethod = 'kmeans' | 'kmeans++' | 'random' | 'random-points' | 'hc';

export const INITIALIZATION_METHODS: readonly InitializationMethod[] = ['kmeans', 'kmeans++', 'random', 'random-points', 'hc'];

/** Lloyd iterations of the k-means initialisation (it stops earlier when no label changes). */
const KMEANS_MAX_ITERATIONS = 100;

export function initializer(method: InitializationMethod): MixtureInitializer<DenseMatrix> {
  switch (method) {
    case 'random':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = randomRows(data, x.rows, x.cols, k, random, sampleWeights);
        return softResponsibilities(data, x.rows, x.cols, centers, k);
      };
    case 'random-points':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = randomRows(data, x.rows, x.cols, k, random, sampleWeights);
        return { labels: nearestCenters(data, x.rows, x.cols, centers, k) };
      };
    case 'kmeans++':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = kMeansPlusPlus(data, x.rows, x.cols, k, random, sampleWeights);
        return { labels: nearestCenters(data, x.rows, x.cols, centers, k) };
      };
    case 'kmeans':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const options = sampleWeights === undefined ? { maxIterations: KMEANS_MAX_ITERATIONS } : { maxIterations: KMEANS_MAX_ITERATIONS, sampleWeights };
        return { labels: kMeans(data, x.rows, x.cols, k, random, options).labels };
      };
    case 'hc':
      return (x, k, _random, sampleWeights) => {
        if (sampleWeights !== undefined && sampleWeights.some((w) => w !== 1)) {
          throw new InvalidOptionsError("init 'hc' (hierarchical clustering) does not take sample weights.", "Use init: 'kmeans' with sample weights.", { option: 'init' });
        }
        return { labels: hierarchicalClassification(completeData(x), x.rows, x.cols, k) };
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

/**
 * r_ik ∝ exp(−½ Σ_j (x_ij − c_kj)² / h_j²) with h_j² = s_j² · K^(−2/d), s_j² the variance of
 * column j (columns without spread are left out): a Gaussian kernel of the scale one of K clusters
 * would have in the data's volume (K clusters of equal size split each of d axes K^(1/d) ways), so
 * the first means start near their centres and every row keeps some weight on every centre.
 */
function softResponsibilities(data: Float64Array, n: number, d: number, centers: Float64Array, k: number): Float64Array {
  const sharpness = k ** (2 / d);
  const precision = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j] as number;
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += ((data[i * d + j] as number) - mean) ** 2;
    variance /= n;
    precision[j] = variance > 0 ? sharpness / variance : 0;
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    const base = i * k;
    let largest = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      let distance = 0;
      for (let j = 0; j < d; j++) distance += ((data[row + j] as number) - (centers[c * d + j] as number)) ** 2 * (precision[j] as number);
      const logWeight = -0.5 * distance;
      out[base + c] = logWeight;
      if (logWeight > largest) largest = logWeight;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const w = Math.exp((out[base + c] as number) - largest);
      out[base + c] = w;
      sum += w;
    }
    for (let c = 0; c < k; c++) out[base + c] = (out[base + c] as number) / sum;
  }
  return out;
}
