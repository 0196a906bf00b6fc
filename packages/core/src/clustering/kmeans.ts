import { InvalidOptionsError } from '../errors.js';
import type { Random } from '../random.js';

/**
 * Dense k-means for initialising EM (Gaussian mixtures, Gaussian HMM emissions): greedy k-means++
 * seeding, then bounded Lloyd iterations, optionally with non-negative row weights. Rows are the
 * n×d row-major `data`; every random choice goes through `random`.
 */
export interface KMeansOptions {
  /** Non-negative weight per row (absent: 1 each); a row of weight 0 never becomes a centre. */
  readonly sampleWeights?: Float64Array;
  /** Lloyd iterations at most (default 100); 0 keeps the k-means++ seeds. They stop earlier when no label changes. */
  readonly maxIterations?: number;
}

export interface KMeansResult {
  /** k×d row-major centres. */
  readonly centers: Float64Array;
  /** Index of the nearest centre per row. */
  readonly labels: Int32Array;
  /** Lloyd iterations run. */
  readonly iterations: number;
}

const DEFAULT_MAX_ITERATIONS = 100;

/** ‖data_row − centers_center‖². */
function squaredDistance(data: Float64Array, row: number, centers: Float64Array, center: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    const v = (data[row * d + a] as number) - (centers[center * d + a] as number);
    s += v * v;
  }
  return s;
}

/** k-means++ seeds then Lloyd's iterations. */
export function kMeans(data: Float64Array, n: number, d: number, k: number, random: Random, options: KMeansOptions = {}): KMeansResult {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new InvalidOptionsError(`maxIterations must be an integer ≥ 0; got ${String(maxIterations)}.`, 'Pass e.g. { maxIterations: 100 }.', { option: 'maxIterations' });
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InvalidOptionsError(`k-means needs 1 ≤ k ≤ ${n} (the number of rows); got k = ${String(k)}.`, 'Use at most as many clusters as rows.', { option: 'k' });
  }
  // The seeding's distances (8 bytes a row) are dead once the seeds are chosen: the labels (4 bytes
  // a row) reuse their storage, so k-means holds 8 bytes a row beside the data, not 12.
  const scratch = new ArrayBuffer(8 * n);
  const centers = seedPlusPlus(data, n, d, k, random, options.sampleWeights, new Float64Array(scratch));
  return lloyd(data, n, d, centers, k, maxIterations, options.sampleWeights, new Int32Array(scratch, 0, n));
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii 2007): the first centre drawn with probability ∝ the
 * row weight, each next one ∝ weight × squared distance to the nearest centre so far; of
 * 2 + ⌊ln k⌋ candidates, the one that lowers the total weighted potential most is kept.
 * Returns k×d centres (copies of rows).
 *
 * Memory: one n-vector (the distance to the nearest centre), plus the scores n-vector with sample
 * weights. A candidate's potential is summed without storing its distances, and the kept
 * candidate's are recomputed (one more pass over the data per centre, the same numbers), so
 * k-means++ on 1e6 rows takes 8 MB, not 40 MB.
 */
export function kMeansPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  return seedPlusPlus(data, n, d, k, random, sampleWeights, new Float64Array(n));
}

/** kMeansPlusPlus with the caller's n-vector for the distances to the nearest centre (overwritten). */
function seedPlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random, sampleWeights: Float64Array | undefined, closest: Float64Array): Float64Array {
  const centers = new Float64Array(k * d);
  const weight = sampleWeights;
  const first = weight === undefined ? uniformCategorical(random, n) : random.categorical(weight);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(data, i, centers, 0, d);
    potential += weight === undefined ? (closest[i] as number) : (weight[i] as number) * (closest[i] as number);
  }
  const trials = 2 + Math.floor(Math.log(k));
  // Without sample weights every weight is 1 and weight × distance is the distance itself.
  const scores = weight === undefined ? closest : new Float64Array(n);
  for (let c = 1; c < k; c++) {
    if (weight !== undefined) for (let i = 0; i < n; i++) scores[i] = (weight[i] as number) * (closest[i] as number);
    let bestPotential = Infinity;
    let best = -1;
    for (let t = 0; t < trials; t++) {
      const candidate = potential > 0 ? random.categorical(scores) : weight === undefined ? uniformCategorical(random, n) : random.categorical(weight);
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const m = Math.min(squaredDistance(data, i, data, candidate, d), closest[i] as number);
        candidatePotential += weight === undefined ? m : (weight[i] as number) * m;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        best = candidate;
      }
    }
    centers.set(data.subarray(best * d, (best + 1) * d), c * d);
    for (let i = 0; i < n; i++) closest[i] = Math.min(squaredDistance(data, i, data, best, d), closest[i] as number);
    potential = bestPotential;
  }
  return centers;
}

/**
 * random.categorical over n weights of 1, without the n-vector of ones: the same draw (the total
 * n is exact, and so is u − 1 for u < 2^53), so seeds give the same centres as before.
 */
function uniformCategorical(random: Random, n: number): number {
  let u = random.next() * n;
  for (let i = 0; i < n; i++) {
    u -= 1;
    if (u < 0) return i;
  }
  return n - 1;
}

/** labels[i] = the index of the centre nearest to row i (ties: the lowest index). */
export function nearestCenters(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array = new Int32Array(n)): Int32Array {
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
 * Lloyd's algorithm (weighted) from `centers` (updated in place) until no label changes or
 * `maxIterations` rounds. An emptied cluster takes the (positive-weight) row farthest from its
 * centre, so every cluster keeps mass.
 */
export function lloydIterations(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, maxIterations: number, sampleWeights?: Float64Array): KMeansResult {
  return lloyd(data, n, d, centers, k, maxIterations, sampleWeights, new Int32Array(n));
}

/** lloydIterations writing the labels into the caller's n-vector. */
function lloyd(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, maxIterations: number, sampleWeights: Float64Array | undefined, out: Int32Array): KMeansResult {
  const labels = nearestCenters(data, n, d, centers, k, out);
  const mass = new Float64Array(k);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
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
    // Labels are reassigned in place; no copy of the previous ones (4 bytes a row) is kept.
    if (reassign(data, n, d, centers, k, labels) === 0) break;
  }
  return { centers, labels, iterations };
}

/** nearestCenters in place; returns how many labels changed. */
function reassign(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array): number {
  let changed = 0;
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
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
  }
  return changed;
}
