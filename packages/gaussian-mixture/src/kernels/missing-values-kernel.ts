import { choleskyInPlace, DegenerateModelError } from '@em/core';
import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import { LOG_TWO_PI, type MissingValuesCache, type PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Missing coordinates (NaN) marginalised inside the E-step. For a row with observed set o and
 * missing set m, component k contributes N(x_o | μ_o, Σ_oo) to the likelihood, and the
 * statistics use the conditional distribution x_m | x_o ~ N(μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o),
 * Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om): the filled-in row enters the sums and scatter, and the
 * conditional covariance is added to the scatter's missing block (exact EM for incomplete data).
 *
 * Factorisations depend on the pattern only, so they are cached and reused while consecutive
 * rows share a pattern (complete rows included).
 */

function cacheOf(p: PreparedGaussian): MissingValuesCache {
  const cache = p.missing;
  if (cache === undefined) throw new TypeError('missing-values kernel called without a missing-values cache');
  return cache;
}

/** Makes the cache describe the missing pattern of `row`, refactorising when it changed. */
function usePattern(p: PreparedGaussian, cache: MissingValuesCache, x: Float64Array, row: number): void {
  const { d, k } = p;
  const pattern = cache.pattern;
  let same = cache.valid;
  for (let a = 0; a < d && same; a++) if ((Number.isNaN(x[row + a] as number) ? 0 : 1) !== pattern[a]) same = false;
  if (same) return;
  let observedCount = 0;
  let missingCount = 0;
  for (let a = 0; a < d; a++) {
    if (Number.isNaN(x[row + a] as number)) {
      pattern[a] = 0;
      cache.missing[missingCount++] = a;
    } else {
      pattern[a] = 1;
      cache.observed[observedCount++] = a;
    }
  }
  cache.observedCount = observedCount;
  cache.missingCount = missingCount;
  const { dense, factors, regression, conditional, submatrix, observed, missing } = cache;
  const dd = d * d;
  const po = observedCount;
  for (let c = 0; c < k; c++) {
    const offset = c * dd;
    for (let s = 0; s < po; s++) for (let t = 0; t < po; t++) submatrix[s * po + t] = dense[offset + (observed[s] as number) * d + (observed[t] as number)] as number;
    if (po > 0 && choleskyInPlace(submatrix, po, factors, 0, offset) >= 0) {
      throw new DegenerateModelError(
        `Component ${c}: the covariance of the observed coordinates of row ${row / d} is not positive definite.`,
        'Use a larger regCovar (e.g. 1e-4), fewer components, or rescale the data.',
        { component: c, row: row / d },
      );
    }
    let logDet = 0;
    for (let s = 0; s < po; s++) logDet += 2 * Math.log(factors[offset + s * po + s] as number);
    cache.logNormalizers[c] = -0.5 * po * LOG_TWO_PI - 0.5 * logDet;
    // Y row t = L_oo⁻¹ Σ_o,m_t (forward substitution); conditional = Σ_mm − Y·Yᵀ.
    for (let t = 0; t < missingCount; t++) {
      const j = missing[t] as number;
      const yOffset = offset + t * po;
      for (let s = 0; s < po; s++) {
        let v = dense[offset + (observed[s] as number) * d + j] as number;
        for (let r = 0; r < s; r++) v -= (factors[offset + s * po + r] as number) * (regression[yOffset + r] as number);
        regression[yOffset + s] = v / (factors[offset + s * po + s] as number);
      }
    }
    for (let t = 0; t < missingCount; t++) {
      for (let u = 0; u <= t; u++) {
        let v = dense[offset + (missing[t] as number) * d + (missing[u] as number)] as number;
        for (let s = 0; s < po; s++) v -= (regression[offset + t * po + s] as number) * (regression[offset + u * po + s] as number);
        conditional[offset + t * missingCount + u] = v;
        conditional[offset + u * missingCount + t] = v;
      }
    }
  }
  cache.valid = true;
}

/** u = L_oo⁻¹ (x_o − μ_o) for component c into cache.whitened; returns ‖u‖². */
function whiten(p: PreparedGaussian, cache: MissingValuesCache, x: Float64Array, row: number, c: number): number {
  const { d, means } = p;
  const { observed, factors, whitened } = cache;
  const po = cache.observedCount;
  const offset = c * d * d;
  let squared = 0;
  for (let s = 0; s < po; s++) {
    const a = observed[s] as number;
    let v = (x[row + a] as number) - (means[c * d + a] as number);
    for (let r = 0; r < s; r++) v -= (factors[offset + s * po + r] as number) * (whitened[r] as number);
    v /= factors[offset + s * po + s] as number;
    whitened[s] = v;
    squared += v * v;
  }
  return squared;
}

export function missingValuesLogDensities(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array): void {
  const cache = cacheOf(p);
  const { k, d } = p;
  for (let i = start; i < end; i++) {
    const row = i * d;
    usePattern(p, cache, x, row);
    for (let c = 0; c < k; c++) out[(i - start) * k + c] = (cache.logNormalizers[c] as number) - 0.5 * whiten(p, cache, x, row, c);
  }
}

/** Statistics with the missing coordinates filled in by their conditional expectation (full scatter layout). */
export function missingValuesAccumulate(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array): void {
  const cache = cacheOf(p);
  const { k, d, means } = p;
  const { counts, references, sums, scatter } = stats;
  const { observed, missing, regression, conditional, whitened, filled } = cache;
  const { blockCounts, blockSums } = p;
  blockCounts.fill(0);
  blockSums.fill(0);
  const dd = d * d;
  for (let i = start; i < end; i++) {
    const row = i * d;
    usePattern(p, cache, x, row);
    const po = cache.observedCount;
    const qm = cache.missingCount;
    for (let c = 0; c < k; c++) {
      const w = weights[(i - start) * k + c] as number;
      if (w === 0) continue;
      blockCounts[c] = (blockCounts[c] as number) + w;
      const meanOffset = c * d;
      const offset = c * dd;
      if (qm > 0) whiten(p, cache, x, row, c);
      for (let s = 0; s < po; s++) {
        const a = observed[s] as number;
        filled[a] = (x[row + a] as number) - (means[meanOffset + a] as number);
      }
      for (let t = 0; t < qm; t++) {
        let v = 0;
        for (let s = 0; s < po; s++) v += (regression[offset + t * po + s] as number) * (whitened[s] as number);
        filled[missing[t] as number] = v;
      }
      const scatterOffset = c * dd;
      for (let a = 0; a < d; a++) {
        const fa = filled[a] as number;
        blockSums[meanOffset + a] = (blockSums[meanOffset + a] as number) + w * fa;
        const wa = w * fa;
        const scatterRow = scatterOffset + a * d;
        for (let b = 0; b <= a; b++) scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + wa * (filled[b] as number);
      }
      for (let t = 0; t < qm; t++) {
        const a = missing[t] as number;
        for (let u = 0; u <= t; u++) {
          const b = missing[u] as number;
          scatter[scatterOffset + a * d + b] = (scatter[scatterOffset + a * d + b] as number) + w * (conditional[offset + t * qm + u] as number);
        }
      }
    }
  }
  for (let c = 0; c < k; c++) {
    const n = blockCounts[c] as number;
    if (n === 0) continue;
    counts[c] = (counts[c] as number) + n;
    for (let a = 0; a < d; a++) {
      references[c * d + a] = (references[c * d + a] as number) + n * (means[c * d + a] as number);
      sums[c * d + a] = (sums[c * d + a] as number) + (blockSums[c * d + a] as number);
    }
    addBlockTerms(stats, 'full', d, c, n, blockSums, c * d, means, c * d);
  }
}
