import { InvalidOptionsError, labelsToWeights, randomResponsibilities, type DenseMatrix, type MixtureInitializer, type Random } from '@em/core';
import { imputeColumnMeans } from './gaussian-family.js';

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
        const centers = kmeansPlusPlus(data, x.rows, x.cols, k, random, sampleWeights);
        return labelsToWeights(nearestCenters(data, x.rows, x.cols, centers, k), k);
      };
    case 'kmeans':
      return (x, k, random, sampleWeights) => {
        const data = completeData(x);
        const centers = kmeansPlusPlus(data, x.rows, x.cols, k, random, sampleWeights);
        return labelsToWeights(lloyd(data, x.rows, x.cols, centers, k, sampleWeights), k);
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

function squaredDistance(data: Float64Array, row: number, centers: Float64Array, center: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    const v = (data[row * d + a] as number) - (centers[center * d + a] as number);
    s += v * v;
  }
  return s;
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007): the first centre drawn with probability ∝ the
 * sample weight, each next one ∝ weight × squared distance to the nearest centre; of 2 + ⌊ln K⌋
 * candidates, the one that lowers the total potential most is kept.
 */
export function kmeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  const centers = new Float64Array(k * d);
  const weight = sampleWeights ?? new Float64Array(n).fill(1);
  const first = random.categorical(weight);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(data, i, centers, 0, d);
    potential += (weight[i] as number) * (closest[i] as number);
  }
  const trials = 2 + Math.floor(Math.log(k));
  const scores = new Float64Array(n);
  const candidateClosest = new Float64Array(n);
  const bestClosest = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    for (let i = 0; i < n; i++) scores[i] = (weight[i] as number) * (closest[i] as number);
    let bestPotential = Infinity;
    let best = -1;
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? random.categorical(scores) : random.categorical(weight);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let a = 0; a < d; a++) {
          const v = (data[i * d + a] as number) - (data[candidate * d + a] as number);
          s += v * v;
        }
        const m = Math.min(s, closest[i] as number);
        candidateClosest[i] = m;
        candidatePotential += (weight[i] as number) * m;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        best = candidate;
        bestClosest.set(candidateClosest);
      }
    }
    centers.set(data.subarray(best * d, (best + 1) * d), c * d);
    closest.set(bestClosest);
    potential = bestPotential;
  }
  return centers;
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

function nearestCenters(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      const s = squaredDistance(data, i, centers, c, d);
      if (s < bestDistance) {
        bestDistance = s;
        best = c;
      }
    }
    labels[i] = best;
  }
  return labels;
}

/**
 * Lloyd's algorithm (weighted) from the given centres until no label changes (at most 100
 * rounds). An emptied cluster takes the row farthest from its centre, so every component starts
 * with mass.
 */
export function lloyd(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, sampleWeights?: Float64Array): Int32Array {
  const labels = nearestCenters(data, n, d, centers, k);
  const previous = new Int32Array(n);
  const mass = new Float64Array(k);
  for (let round = 0; round < KMEANS_MAX_ITERATIONS; round++) {
    centers.fill(0);
    mass.fill(0);
    for (let i = 0; i < n; i++) {
      const w = sampleWeights === undefined ? 1 : (sampleWeights[i] as number);
      const c = labels[i] as number;
      mass[c] = (mass[c] as number) + w;
      for (let a = 0; a < d; a++) centers[c * d + a] = (centers[c * d + a] as number) + w * (data[i * d + a] as number);
    }
    for (let c = 0; c < k; c++) {
      const m = mass[c] as number;
      if (m > 0) {
        for (let a = 0; a < d; a++) centers[c * d + a] = (centers[c * d + a] as number) / m;
        continue;
      }
      // Empty cluster: move it to the row farthest from its current centre.
      let farthest = 0;
      let farthestDistance = -1;
      for (let i = 0; i < n; i++) {
        if (sampleWeights !== undefined && !((sampleWeights[i] as number) > 0)) continue;
        const s = squaredDistance(data, i, centers, labels[i] as number, d);
        if (s > farthestDistance) {
          farthestDistance = s;
          farthest = i;
        }
      }
      centers.set(data.subarray(farthest * d, (farthest + 1) * d), c * d);
      labels[farthest] = c;
    }
    previous.set(labels);
    nearestCenters(data, n, d, centers, k, labels);
    let changed = false;
    for (let i = 0; i < n && !changed; i++) if (labels[i] !== previous[i]) changed = true;
    if (!changed) break;
  }
  return labels;
}
