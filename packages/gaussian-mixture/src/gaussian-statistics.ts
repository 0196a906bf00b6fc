import type { CovarianceType } from './gaussian-components.js';

/**
 * How the scatter is stored:
 * - `full`: K·D·D, Σ_i w_ik (x_i − r_k)(x_i − r_k)ᵀ per component, lower triangle only
 *   (full and tied covariances, and every type when missing values are marginalised: the
 *   conditional covariance of the missing coordinates differs per component);
 * - `diagonal`: K·D, Σ_i w_ik (x_ij − r_kj)²;
 * - `spherical`: K, Σ_i w_ik ‖x_i − r_k‖².
 *
 * Tied covariances keep one scatter per component, each about its own reference, and pool them
 * in the M-step. A single scatter about one common point (the average of the means) would hold
 * the between-cluster spread, and Σ_k M_k = T − Σ_k n_k δ_k δ_kᵀ would then subtract it back:
 * on separated clusters that cancellation loses the digits of a correlated within-cluster
 * covariance at every iteration, not only when a mean moves far (issue 10).
 */
export type ScatterLayout = 'full' | 'diagonal' | 'spherical';

export function scatterLayout(type: CovarianceType, missingValues: boolean): ScatterLayout {
  if (missingValues) return 'full';
  switch (type) {
    case 'full':
    case 'tied':
      return 'full';
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
 * parameters the statistics were gathered at — rather than about the origin, so that data far from
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
  /**
   * Σ_blocks n_b·r·rᵀ, shaped like the scatter. With `referenceCross` it lets statistics gathered
   * about different references (chunks of incremental EM taken at different parameters) be
   * re-centred exactly; when every block used the same reference it is never needed.
   */
  readonly referenceOuter: Float64Array;
  /** Σ_blocks (s_b·rᵀ + r·s_bᵀ), s_b the block's Σ w (x − r); shaped like the scatter. */
  readonly referenceCross: Float64Array;
};

export function zeroGaussianStatistics(layout: ScatterLayout, k: number, d: number): GaussianStatistics {
  return {
    counts: new Float64Array(k),
    references: new Float64Array(k * d),
    sums: new Float64Array(k * d),
    scatter: new Float64Array(scatterLength(layout, k, d)),
    referenceOuter: new Float64Array(scatterLength(layout, k, d)),
    referenceCross: new Float64Array(scatterLength(layout, k, d)),
  };
}

/**
 * Adds one block's reference terms n_b·r·rᵀ and s_b·rᵀ + r·s_bᵀ for component c.
 * `blockSums` holds s_b at `sumOffset`, `reference` holds r at `referenceOffset`.
 */
export function addBlockTerms(
  stats: GaussianStatistics,
  layout: ScatterLayout,
  d: number,
  c: number,
  blockCount: number,
  blockSums: Float64Array,
  sumOffset: number,
  reference: Float64Array,
  referenceOffset: number,
): void {
  if (blockCount === 0) return;
  const { referenceOuter: outer, referenceCross: cross } = stats;
  switch (layout) {
    case 'full': {
      const offset = c * d * d;
      for (let a = 0; a < d; a++) {
        const ra = reference[referenceOffset + a] as number;
        const sa = blockSums[sumOffset + a] as number;
        const row = offset + a * d;
        for (let b = 0; b <= a; b++) {
          const rb = reference[referenceOffset + b] as number;
          outer[row + b] = (outer[row + b] as number) + blockCount * ra * rb;
          cross[row + b] = (cross[row + b] as number) + sa * rb + ra * (blockSums[sumOffset + b] as number);
        }
      }
      return;
    }
    case 'diagonal': {
      for (let a = 0; a < d; a++) {
        const ra = reference[referenceOffset + a] as number;
        outer[c * d + a] = (outer[c * d + a] as number) + blockCount * ra * ra;
        cross[c * d + a] = (cross[c * d + a] as number) + 2 * (blockSums[sumOffset + a] as number) * ra;
      }
      return;
    }
    case 'spherical': {
      let squared = 0;
      let dot = 0;
      for (let a = 0; a < d; a++) {
        const ra = reference[referenceOffset + a] as number;
        squared += ra * ra;
        dot += (blockSums[sumOffset + a] as number) * ra;
      }
      outer[c] = (outer[c] as number) + blockCount * squared;
      cross[c] = (cross[c] as number) + 2 * dot;
      return;
    }
  }
}
