import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Pair-list kernels for sparse E-steps (core's ComponentFamily.logDensitiesAtPairs and
 * accumulateAtPairs): the (row, component) pairs p in [from, to), listed in row order, for complete
 * data under every covariance type (mclust's constrained models included: their densities use the
 * same prepared factors). The cost is O(D²) per pair for full and tied covariances, O(D) for
 * diagonal and spherical ones, whatever K is; the data are read once, in order, while the K
 * components' parameters stay in cache. Same quantities as the blocked kernels, about the same
 * references (the components' means), different round-off.
 */

/** Pairs per statistics block (reference terms added per block, short summation chains). */
const BLOCK = 4096;

/** Per-block work space, per component: counts (K), Σ w·z (K·D), Σ w·z·zᵀ (K·D·D); x − μ of one row (D). Grown on demand, one per thread. */
let blockCounts = new Float64Array(0);
let blockSums = new Float64Array(0);
let blockScatter = new Float64Array(0);
let centered = new Float64Array(0);

function workFor(k: number, d: number): void {
  if (blockCounts.length < k) blockCounts = new Float64Array(k);
  if (blockSums.length < k * d) blockSums = new Float64Array(k * d);
  if (blockScatter.length < k * d * d) blockScatter = new Float64Array(k * d * d);
  if (centered.length < d) centered = new Float64Array(d);
}

/** out[p] = log N(x_{rows[p]} | μ_c, Σ_c), c = components[p], for p in [from, to). */
export function logDensitiesAtPairs(p: PreparedGaussian, x: Float64Array, rows: Int32Array, components: Int32Array, from: number, to: number, out: Float64Array): void {
  const d = p.d;
  const { means, logNormalizers } = p;
  switch (p.type) {
    case 'full':
    case 'tied': {
      // y = L⁻¹(x − μ_c) by forward substitution (tied: the one shared factor), log N = c − ½‖y‖².
      const full = p.type === 'full';
      const { factors, inverseDiagonals } = p;
      const y = p.scratch;
      for (let q = from; q < to; q++) {
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        const f = full ? c * d * d : 0;
        const g = full ? m : 0;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          let s = (x[row + a] as number) - (means[m + a] as number);
          const la = f + a * d;
          for (let b = 0; b < a; b++) s -= (factors[la + b] as number) * (y[b] as number);
          const v = s * (inverseDiagonals[g + a] as number);
          y[a] = v;
          squared += v * v;
        }
        out[q] = (logNormalizers[c] as number) - 0.5 * squared;
      }
      return;
    }
    case 'diagonal': {
      const precisions = p.precisions;
      for (let q = from; q < to; q++) {
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        let quadratic = 0;
        for (let a = 0; a < d; a++) {
          const z = (x[row + a] as number) - (means[m + a] as number);
          quadratic += z * z * (precisions[m + a] as number);
        }
        out[q] = (logNormalizers[c] as number) - 0.5 * quadratic;
      }
      return;
    }
    case 'spherical': {
      const precisions = p.precisions;
      for (let q = from; q < to; q++) {
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          const z = (x[row + a] as number) - (means[m + a] as number);
          squared += z * z;
        }
        out[q] = (logNormalizers[c] as number) - 0.5 * (precisions[c] as number) * squared;
      }
      return;
    }
  }
}

/**
 * stats += the pairs' statistics with weights[p]: per component n_c, Σ w (x − μ_c) and the scatter
 * about μ_c in the prepared layout (full: lower triangle; diagonal: per coordinate; spherical: one
 * number), with the reference terms of each block of pairs (see GaussianStatistics).
 */
export function accumulateAtPairs(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, rows: Int32Array, components: Int32Array, from: number, to: number, weights: Float64Array): void {
  const { d, k, means, layout } = p;
  workFor(k, d);
  const counts = blockCounts;
  const sums = blockSums;
  const scatter = blockScatter;
  const z = centered;
  const width = layout === 'full' ? d * d : layout === 'diagonal' ? d : 1;
  for (let first = from; first < to; first += BLOCK) {
    const last = Math.min(to, first + BLOCK);
    counts.fill(0, 0, k);
    sums.fill(0, 0, k * d);
    scatter.fill(0, 0, k * width);
    // One loop per layout (no branch per pair); z = x − μ_c once per pair.
    if (layout === 'full') {
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        const o = c * d * d;
        counts[c] = (counts[c] as number) + w;
        for (let a = 0; a < d; a++) z[a] = (x[row + a] as number) - (means[m + a] as number);
        for (let a = 0, oa = o; a < d; a++, oa += d) {
          const u = w * (z[a] as number);
          sums[m + a] = (sums[m + a] as number) + u;
          for (let b = 0; b <= a; b++) scatter[oa + b] = (scatter[oa + b] as number) + u * (z[b] as number);
        }
      }
    } else if (layout === 'diagonal') {
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        counts[c] = (counts[c] as number) + w;
        for (let a = 0; a < d; a++) {
          const za = (x[row + a] as number) - (means[m + a] as number);
          const u = w * za;
          sums[m + a] = (sums[m + a] as number) + u;
          scatter[m + a] = (scatter[m + a] as number) + u * za;
        }
      }
    } else {
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const c = components[q] as number;
        const row = (rows[q] as number) * d;
        const m = c * d;
        counts[c] = (counts[c] as number) + w;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          const za = (x[row + a] as number) - (means[m + a] as number);
          sums[m + a] = (sums[m + a] as number) + w * za;
          squared += za * za;
        }
        scatter[c] = (scatter[c] as number) + w * squared;
      }
    }
    for (let c = 0; c < k; c++) {
      const n = counts[c] as number;
      if (n === 0) continue;
      const m = c * d;
      stats.counts[c] = (stats.counts[c] as number) + n;
      for (let a = 0; a < d; a++) {
        stats.references[m + a] = (stats.references[m + a] as number) + n * (means[m + a] as number);
        stats.sums[m + a] = (stats.sums[m + a] as number) + (sums[m + a] as number);
      }
      const target = stats.scatter;
      const o = c * width;
      if (layout === 'full') {
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) target[o + a * d + b] = (target[o + a * d + b] as number) + (scatter[o + a * d + b] as number);
      } else {
        for (let a = 0; a < width; a++) target[o + a] = (target[o + a] as number) + (scatter[o + a] as number);
      }
      addBlockTerms(stats, layout, d, c, n, sums, m, means, m);
    }
  }
}
