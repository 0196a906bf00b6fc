import { type DenseMatrix, type Random, kMeans, labelsToWeights } from '@em/core';

/** Lloyd iterations at most (k-means here only seeds EM, so a rough partition is enough). */
const MAX_ITERATIONS = 30;

/**
 * k-means labels for the rows of `x` (the shared k-means of @em/core: k-means++ seeding, then
 * Lloyd's iterations until no label changes or MAX_ITERATIONS), seeded through `random`.
 */
export function kMeansLabels(x: DenseMatrix, k: number, random: Random): Int32Array {
  return kMeans(x.data, x.rows, x.cols, k, random, { maxIterations: MAX_ITERATIONS }).labels;
}

/** k-means labels as n×K one-hot responsibilities (an HMM emission initializer). */
export function kMeansResponsibilities(x: DenseMatrix, k: number, random: Random): Float64Array {
  return labelsToWeights(kMeansLabels(x, k, random), k);
}
