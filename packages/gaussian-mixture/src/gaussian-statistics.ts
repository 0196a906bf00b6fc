import type { CovarianceType } from './gaussian-components.js';

/**
 * How the scatter is stored:
 * - `full`: K·D·D, Σ_i w_ik (x_i − r_k)(x_i − r_k)ᵀ per component, lower triangle only
 *   (full covariances, and every type when missing values are marginalised: the conditional
 *   covariance of the missing coordinates differs per component);
 * - `total`: D·D, Σ_i (Σ_k w_ik)(x_i − c)(x_i − c)ᵀ about one common reference c, lower triangle
 *   (tied covariance on complete data: D² work per row instead of K·D²);
 * - `diagonal`: K·D, Σ_i w_ik (x_ij − r_kj)²;
 * - `spherical`: K, Σ_i w_ik ‖x_i − r_k‖².
 */
export type ScatterLayout = 'full' | 'total' | 'diagonal' | 'spherical';

export function scatterLayout(type: CovarianceType, missingValues: boolean): ScatterLayout {
  if (missingValues) return 'full';
  switch (type) {
    case 'full':
      return 'full';
    case 'tied':
      return 'total';
    case 'diagonal':
      return 'diagonal';
    case 'spherical':
      return 'spherical';
  }
}

export function scatterLength(layout: ScatterLayout, k: number, d: number): number {
  switch (layout) {
    case 'full':
      return k * d * d;
    case 'total':
      return d * d;
    case 'diagonal':
      return k * d;
    case 'spherical':
      return k;
  }
}

/**
 * Expected sufficient statistics of K Gaussian components, as sums (they add across chunks).
 *
 * Everything is accumulated about a reference point r_k per component — the means of the
 * parameters the statistics were gathered at (for tied covariances on complete data, one common
 * point c, the average of those means) — rather than about the origin, so that data far from
 * the origin does not lose its digits to cancellation in Σ w·x·xᵀ − n·μ·μᵀ. `references`
 * records Σ_i w_ik·r_k so that the reference can be recovered from the statistics alone.
 */
export type GaussianStatistics = {
  /** n_k = Σ_i w_ik. */
  readonly counts: Float64Array;
  /** Σ_i w_ik · r_k (K·D), accumulated per block: r_k = references_k / counts_k. */
  readonly references: Float64Array;
  /** Σ_i w_ik (x_i − r_k) (K·D); with missing values, x_i has its conditional expectation filled in. */
  readonly sums: Float64Array;
  /** Weighted scatter about the references, shaped by ScatterLayout. */
  readonly scatter: Float64Array;
};

export function zeroGaussianStatistics(layout: ScatterLayout, k: number, d: number): GaussianStatistics {
  return {
    counts: new Float64Array(k),
    references: new Float64Array(k * d),
    sums: new Float64Array(k * d),
    scatter: new Float64Array(scatterLength(layout, k, d)),
  };
}
