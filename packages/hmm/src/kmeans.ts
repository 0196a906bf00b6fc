import { type DenseMatrix, type Random, labelsToWeights } from '@em/core';

/** Lloyd iterations at most (k-means here only seeds EM, so a rough partition is enough). */
const MAX_ITERATIONS = 30;

/**
 * k-means labels for the rows of `x` (k-means++ seeding, then Lloyd's iterations until no label
 * changes or MAX_ITERATIONS), seeded through `random`.
 */
export function kMeansLabels(x: DenseMatrix, k: number, random: Random): Int32Array {
  const { rows: n, cols: d, data } = x;
  const centers = new Float64Array(k * d);
  const distances = new Float64Array(n).fill(Infinity);
  // k-means++: first center uniform, the next ones with probability ∝ squared distance.
  let chosen = random.integer(n);
  for (let c = 0; c < k; c++) {
    centers.set(data.subarray(chosen * d, (chosen + 1) * d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const diff = (data[i * d + f] as number) - (centers[c * d + f] as number);
        s += diff * diff;
      }
      if (s < (distances[i] as number)) distances[i] = s;
      total += distances[i] as number;
    }
    if (c + 1 < k) chosen = total > 0 ? random.categorical(distances) : random.integer(n);
  }
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let f = 0; f < d; f++) {
          const diff = (data[i * d + f] as number) - (centers[c * d + f] as number);
          s += diff * diff;
        }
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
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let f = 0; f < d; f++) sums[c * d + f] = (sums[c * d + f] as number) + (data[i * d + f] as number);
    }
    for (let c = 0; c < k; c++) {
      // An empty cluster keeps its center (it may win rows back next round).
      if ((counts[c] as number) === 0) continue;
      for (let f = 0; f < d; f++) centers[c * d + f] = (sums[c * d + f] as number) / (counts[c] as number);
    }
  }
  return labels;
}

/** k-means labels as n×K one-hot responsibilities (an HMM emission initializer). */
export function kMeansResponsibilities(x: DenseMatrix, k: number, random: Random): Float64Array {
  return labelsToWeights(kMeansLabels(x, k, random), k);
}
