import { choleskyInPlace, logGamma } from '@em/core';
import type { GaussianComponents } from './gaussian-components.js';

/**
 * The covariance regulariser `regCovar` = λ written as a proper prior on the precision matrices.
 *
 * - full: each Λ_k = Σ_k⁻¹ ~ Wishart(ν = D + 1, V = I/λ), log p(Λ) = −(λ/2)·tr Λ + const;
 * - tied: the shared Λ ~ Wishart(ν = D + 1, V = I/λ);
 * - diagonal: each precision τ_kj = 1/σ²_kj ~ Exponential(rate λ/2) (the D = 1 Wishart above);
 * - spherical: each τ_k ~ Exponential(rate λ·D/2).
 *
 * Maximising Q + log p gives the MAP covariance Σ_k = (M_k + λ·I) / n_k, where M_k is the
 * weighted scatter about the new mean and n_k = Σ_i w_i r_ik (tied: Σ_k M_k + λI over n;
 * spherical: (tr M_k + λD) / (n_k·D)). scikit-learn instead adds reg_covar·I *after* the
 * maximum-likelihood step, Σ_k = M_k / n_k + reg_covar·I, which is not the maximiser of any fixed
 * objective (its monotonicity test turns it off). The two agree for a component of one
 * observation; here the ridge shrinks as 1/n_k, so well-populated components are left as
 * they are, while a component collapsing onto few points keeps its covariance ≥ λ/n_k·I.
 * λ = 0 removes the prior: plain maximum likelihood, identical to reg_covar = 0.
 */
export interface CovariancePrior {
  /** λ ≥ 0. */
  readonly strength: number;
}

/** log Γ_D(a), the multivariate gamma function. */
export function logMultivariateGamma(a: number, d: number): number {
  let value = ((d * (d - 1)) / 4) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) value += logGamma(a + (1 - j) / 2);
  return value;
}

/**
 * log p(covariances) under the prior above (0 when λ = 0). The full and tied forms need
 * tr(Σ⁻¹), computed from a Cholesky factor as the squared Frobenius norm of L⁻¹.
 */
export function covarianceLogPrior(components: GaussianComponents, strength: number): number {
  if (strength === 0) return 0;
  const { covarianceType: type, dimension: d, covariances } = components;
  const k = components.means.length / d;
  switch (type) {
    case 'diagonal': {
      let value = k * d * Math.log(strength / 2);
      for (let i = 0; i < covariances.length; i++) value -= strength / 2 / (covariances[i] as number);
      return value;
    }
    case 'spherical': {
      const rate = (strength * d) / 2;
      let value = k * Math.log(rate);
      for (let j = 0; j < k; j++) value -= rate / (covariances[j] as number);
      return value;
    }
    case 'full':
    case 'tied': {
      const matrices = type === 'tied' ? 1 : k;
      const constant = ((d * (d + 1)) / 2) * Math.log(strength / 2) - logMultivariateGamma((d + 1) / 2, d);
      const factor = new Float64Array(d * d);
      let value = matrices * constant;
      for (let m = 0; m < matrices; m++) {
        if (choleskyInPlace(covariances, d, factor, m * d * d, 0) >= 0) return -Infinity;
        value -= (strength / 2) * traceOfInverseFromCholesky(factor, d);
      }
      return value;
    }
  }
}

/** tr(A⁻¹) = ‖L⁻¹‖²_F for A = L·Lᵀ, column by column of L⁻¹ (forward substitution on e_j). */
export function traceOfInverseFromCholesky(factor: Float64Array, d: number, offset = 0): number {
  const column = new Float64Array(d);
  let total = 0;
  for (let j = 0; j < d; j++) {
    column.fill(0);
    for (let i = j; i < d; i++) {
      let sum = i === j ? 1 : 0;
      for (let m = j; m < i; m++) sum -= (factor[offset + i * d + m] as number) * (column[m] as number);
      const v = sum / (factor[offset + i * d + i] as number);
      column[i] = v;
      total += v * v;
    }
  }
  return total;
}
