import type { DenseMatrix, MStepContext } from '@em/core';
import { covarianceLength, type CovarianceType, type GaussianComponents } from './gaussian-components.js';
import { maximizeGaussian } from './gaussian-maximization.js';
import { zeroGaussianStatistics } from './gaussian-statistics.js';
import { fullAccumulate } from './kernels/full-kernel.js';
import { imputeColumnMeans } from './missing-values-imputation.js';
import type { ResolvedGaussianFamilyOptions } from './options.js';
import { scatterReferences } from './prepared-gaussian.js';

/** Rows per call of the statistics kernel (its work space grows to one block). */
const BLOCK_ROWS = 512;

/**
 * Components from per-row weights (n×K responsibilities, sample weights already applied):
 * weighted means, then the MAP covariance of the scatter about them (two passes, so the
 * scatter is centred). Missing entries are replaced by their column's weighted mean here only.
 * A component with no mass or a singular covariance throws DegenerateModelError.
 */
export function initializeGaussianComponents(x: DenseMatrix, weights: Float64Array, k: number, options: ResolvedGaussianFamilyOptions, context: MStepContext): GaussianComponents {
  return componentsFromBlocks(x, k, options, context, (start, end) => weights.subarray(start * k, end * k));
}

/**
 * The same components as initializeGaussianComponents with the one-hot weights of hard `labels`
 * (each times the row's sample weight when given), written one block of rows at a time into a
 * BLOCK_ROWS × K scratch, so the n×K weights never exist (80 MB for 1e6 rows and K = 10).
 */
export function initializeGaussianComponentsFromLabels(
  x: DenseMatrix,
  labels: Int32Array,
  sampleWeights: Float64Array | undefined,
  k: number,
  options: ResolvedGaussianFamilyOptions,
  context: MStepContext,
): GaussianComponents {
  const scratch = new Float64Array(BLOCK_ROWS * k);
  return componentsFromBlocks(x, k, options, context, (start, end) => {
    const block = scratch.subarray(0, (end - start) * k);
    block.fill(0);
    // 1 · w is what applySampleWeights writes for a one-hot entry; the other entries are exact zeros.
    for (let i = start; i < end; i++) block[(i - start) * k + (labels[i] as number)] = sampleWeights === undefined ? 1 : 1 * (sampleWeights[i] as number);
    return block;
  });
}

/**
 * Weighted means, then the scatter about them, from the weights of rows [start, end) as a
 * (end − start) × K block (`weightsOf` may reuse one buffer): both passes run over blocks of
 * BLOCK_ROWS rows in row order, so the sums are the same whichever way the weights are held.
 */
function componentsFromBlocks(
  x: DenseMatrix,
  k: number,
  options: ResolvedGaussianFamilyOptions,
  context: MStepContext,
  weightsOf: (start: number, end: number) => Float64Array,
): GaussianComponents {
  const n = x.rows;
  const d = x.cols;
  const data = options.missingValues ? imputeColumnMeans(x) : x.data;
  const counts = new Float64Array(k);
  const means = new Float64Array(k * d);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    const weights = weightsOf(start, end);
    for (let i = start; i < end; i++) {
      for (let c = 0; c < k; c++) {
        const w = weights[(i - start) * k + c] as number;
        if (w === 0) continue;
        counts[c] = (counts[c] as number) + w;
        for (let a = 0; a < d; a++) means[c * d + a] = (means[c * d + a] as number) + w * (data[i * d + a] as number);
      }
    }
  }
  for (let c = 0; c < k; c++) {
    const nc = counts[c] as number;
    for (let a = 0; a < d; a++) means[c * d + a] = nc > 0 ? (means[c * d + a] as number) / nc : 0;
  }
  const type = options.covariance;
  // The placeholder's variances (the data's, per column) are the yardstick of collapse detection.
  const placeholder: GaussianComponents = { covarianceType: type, dimension: d, means, covariances: diagonalCovariances(type, k, columnVariances(data, n, d)) };
  // Full scatter about the means: the statistics kernel needs the references and work space only, no covariances.
  const stats = zeroGaussianStatistics('full', k, d);
  const references = scatterReferences(means, k, d);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    fullAccumulate(references, stats, data, start, end, weightsOf(start, end));
  }
  // Every parameter is set from these statistics, and a degenerate start is an error (the caller retries another).
  return maximizeGaussian(stats, placeholder, { ...options, layout: 'full', update: { means: true, covariances: true }, onDegenerate: 'error' }, context);
}

function columnVariances(data: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) + (data[i * d + a] as number) / n;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = (data[i * d + a] as number) - (mean[a] as number);
      variance[a] = (variance[a] as number) + (v * v) / n;
    }
  }
  return variance;
}

function diagonalCovariances(type: CovarianceType, k: number, variances: Float64Array): Float64Array {
  const d = variances.length;
  const out = new Float64Array(covarianceLength(type, k, d));
  let average = 0;
  for (let a = 0; a < d; a++) average += (variances[a] as number) / d;
  switch (type) {
    case 'spherical':
      return out.fill(average);
    case 'diagonal':
      for (let c = 0; c < k; c++) out.set(variances, c * d);
      return out;
    case 'full':
    case 'tied': {
      const matrices = type === 'tied' ? 1 : k;
      for (let m = 0; m < matrices; m++) for (let a = 0; a < d; a++) out[m * d * d + a * d + a] = variances[a] as number;
      return out;
    }
  }
}
