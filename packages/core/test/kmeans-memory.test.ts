import { describe, expect, it } from 'vitest';
import { kMeans, kMeansPlusPlus, nearestCenters } from '../src/index.js';
import { Random } from '../src/random.js';

// k-means++ and Lloyd's iterations keep one n-vector (and the labels) instead of five n-vectors
// and a copy of the labels (issue #12: peak memory of `em fit gmm` on 1e6 rows). These tests pin
// them to the implementation they replaced, kept here verbatim as the reference: same centres,
// same labels, same iteration count, bit for bit, for seeded data with and without sample weights.

function referenceSquaredDistance(data: Float64Array, row: number, centers: Float64Array, center: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    const v = (data[row * d + a] as number) - (centers[center * d + a] as number);
    s += v * v;
  }
  return s;
}

/** The k-means++ seeding before the change (n-vectors of ones, scores and candidate distances). */
function referencePlusPlus(data: Float64Array, n: number, d: number, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  const centers = new Float64Array(k * d);
  const weight = sampleWeights ?? new Float64Array(n).fill(1);
  const first = random.categorical(weight);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  const closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = referenceSquaredDistance(data, i, centers, 0, d);
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
        const m = Math.min(referenceSquaredDistance(data, i, data, candidate, d), closest[i] as number);
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

/** Lloyd's iterations before the change (a copy of the previous labels each round). */
function referenceLloyd(data: Float64Array, n: number, d: number, centers: Float64Array, k: number, maxIterations: number, sampleWeights?: Float64Array) {
  const labels = nearestCenters(data, n, d, centers, k);
  const previous = new Int32Array(n);
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
        const s = referenceSquaredDistance(data, i, centers, labels[i] as number, d);
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
  return { centers, labels, iterations };
}

/** Overlapping seeded clusters (so Lloyd takes several rounds), some duplicate rows. */
function data(seed: number, n: number, d: number, k: number): Float64Array {
  const random = new Random(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = random.integer(k);
    for (let a = 0; a < d; a++) out[i * d + a] = 1.5 * c * (a % 2 === 0 ? 1 : -0.5) + random.normal();
  }
  out.copyWithin(d * (n - 5), 0, 5 * d);
  return out;
}

describe('k-means with bounded memory equals the previous implementation', () => {
  const cases = [
    { seed: 11, n: 700, d: 3, k: 5 },
    { seed: 12, n: 1001, d: 2, k: 10 },
    { seed: 13, n: 64, d: 5, k: 7 },
    { seed: 14, n: 5, d: 2, k: 5 },
  ];
  for (const { seed, n, d, k } of cases) {
    for (const weighted of [false, true]) {
      it(`seed ${seed}, n = ${n}, d = ${d}, k = ${k}${weighted ? ', sample weights (some 0)' : ''}: same centres, labels and iterations`, () => {
        const x = data(seed, n, d, k);
        const random = new Random(seed * 7);
        const weights = weighted ? Float64Array.from({ length: n }, (_, i) => (i % 9 === 0 ? 0 : 0.25 + random.next())) : undefined;
        const seeds = kMeansPlusPlus(x, n, d, k, new Random(seed), weights);
        const expectedSeeds = referencePlusPlus(x, n, d, k, new Random(seed), weights);
        expect(Array.from(seeds)).toEqual(Array.from(expectedSeeds));
        const result = kMeans(x, n, d, k, new Random(seed), weights === undefined ? { maxIterations: 100 } : { maxIterations: 100, sampleWeights: weights });
        const expected = referenceLloyd(x, n, d, expectedSeeds, k, 100, weights);
        expect(Array.from(result.centers)).toEqual(Array.from(expected.centers));
        expect(Array.from(result.labels)).toEqual(Array.from(expected.labels));
        expect(result.iterations).toBe(expected.iterations);
      });
    }
  }

  it('draws the first centre of unweighted data as random.categorical over n ones does', () => {
    for (const n of [1, 2, 3, 10, 997, 100000]) {
      for (let seed = 0; seed < 20; seed++) {
        const x = Float64Array.from({ length: n }, (_, i) => i);
        const first = kMeansPlusPlus(x, n, 1, 1, new Random(seed))[0];
        expect(first, `n = ${n}, seed ${seed}`).toBe(new Random(seed).categorical(new Float64Array(n).fill(1)));
      }
    }
  });
});
