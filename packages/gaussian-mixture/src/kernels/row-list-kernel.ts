import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Row-list kernels for sparse E-steps (core's ComponentFamily.logDensitiesAtRows and
 * accumulateAtRows): one component over the rows listed in rows[from … to), for complete data
 * under every covariance type (mclust's constrained models included: their densities use the
 * same prepared factors). The cost is O(D²) per listed row for full and tied covariances, O(D)
 * for diagonal and spherical ones, whatever K is. Same quantities as the blocked kernels, about
 * the same references (the component's mean), different round-off.
 */

/** Listed rows per statistics block (reference terms added per block, short summation chains). */
const BLOCK = 4096;

/** Per-block work space: Σ w·z (D) and Σ w·z·zᵀ (D·D); grown on demand, one per thread. */
let blockSums = new Float64Array(0);
let blockScatter = new Float64Array(0);
/** x − μ_c of one row (D). */
let centered = new Float64Array(0);

function workFor(d: number): void {
  if (blockSums.length < d) blockSums = new Float64Array(d);
  if (centered.length < d) centered = new Float64Array(d);
  if (blockScatter.length < d * d) blockScatter = new Float64Array(d * d);
}

/** out[q] = log N(x_{rows[q]} | μ_c, Σ_c) for q in [from, to). */
export function logDensitiesAtRows(p: PreparedGaussian, x: Float64Array, c: number, rows: Int32Array, from: number, to: number, out: Float64Array): void {
  const d = p.d;
  const m = c * d;
  const means = p.means;
  const constant = p.logNormalizers[c] as number;
  switch (p.type) {
    case 'full':
    case 'tied': {
      // y = L⁻¹(x − μ_c) by forward substitution (tied: the one shared factor), log N = c − ½‖y‖².
      const f = p.type === 'full' ? c * d * d : 0;
      const g = p.type === 'full' ? m : 0;
      const { factors, inverseDiagonals } = p;
      const y = p.scratch;
      for (let q = from; q < to; q++) {
        const row = (rows[q] as number) * d;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          let s = (x[row + a] as number) - (means[m + a] as number);
          const la = f + a * d;
          for (let b = 0; b < a; b++) s -= (factors[la + b] as number) * (y[b] as number);
          const v = s * (inverseDiagonals[g + a] as number);
          y[a] = v;
          squared += v * v;
        }
        out[q] = constant - 0.5 * squared;
      }
      return;
    }
    case 'diagonal': {
      const precisions = p.precisions;
      for (let q = from; q < to; q++) {
        const row = (rows[q] as number) * d;
        let quadratic = 0;
        for (let a = 0; a < d; a++) {
          const z = (x[row + a] as number) - (means[m + a] as number);
          quadratic += z * z * (precisions[m + a] as number);
        }
        out[q] = constant - 0.5 * quadratic;
      }
      return;
    }
    case 'spherical': {
      const precision = p.precisions[c] as number;
      for (let q = from; q < to; q++) {
        const row = (rows[q] as number) * d;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          const z = (x[row + a] as number) - (means[m + a] as number);
          squared += z * z;
        }
        out[q] = constant - 0.5 * precision * squared;
      }
      return;
    }
  }
}

/**
 * stats += component c's statistics of the listed rows with weights[q]: n_c, Σ w (x − μ_c) and the
 * scatter about μ_c in the prepared layout (full: lower triangle; diagonal: per coordinate;
 * spherical: one number), with the per-block reference terms (see GaussianStatistics).
 */
export function accumulateAtRows(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, c: number, rows: Int32Array, from: number, to: number, weights: Float64Array): void {
  const d = p.d;
  const m = c * d;
  const means = p.means;
  const layout = p.layout;
  workFor(d);
  const sums = blockSums;
  const scatter = blockScatter;
  const z = centered;
  for (let first = from; first < to; first += BLOCK) {
    const last = Math.min(to, first + BLOCK);
    sums.fill(0, 0, d);
    scatter.fill(0, 0, d * d);
    let n = 0;
    // One loop per layout (no branch per row); z = x − μ_c once per row.
    if (layout === 'full') {
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const row = (rows[q] as number) * d;
        n += w;
        for (let a = 0; a < d; a++) z[a] = (x[row + a] as number) - (means[m + a] as number);
        for (let a = 0, o = 0; a < d; a++, o += d) {
          const u = w * (z[a] as number);
          sums[a] = (sums[a] as number) + u;
          for (let b = 0; b <= a; b++) scatter[o + b] = (scatter[o + b] as number) + u * (z[b] as number);
        }
      }
    } else if (layout === 'diagonal') {
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const row = (rows[q] as number) * d;
        n += w;
        for (let a = 0; a < d; a++) {
          const za = (x[row + a] as number) - (means[m + a] as number);
          const u = w * za;
          sums[a] = (sums[a] as number) + u;
          scatter[a] = (scatter[a] as number) + u * za;
        }
      }
    } else {
      let total = 0;
      for (let q = first; q < last; q++) {
        const w = weights[q] as number;
        if (w === 0) continue;
        const row = (rows[q] as number) * d;
        n += w;
        let squared = 0;
        for (let a = 0; a < d; a++) {
          const za = (x[row + a] as number) - (means[m + a] as number);
          sums[a] = (sums[a] as number) + w * za;
          squared += za * za;
        }
        total += w * squared;
      }
      scatter[0] = total;
    }
    if (n === 0) continue;
    stats.counts[c] = (stats.counts[c] as number) + n;
    for (let a = 0; a < d; a++) {
      stats.references[m + a] = (stats.references[m + a] as number) + n * (means[m + a] as number);
      stats.sums[m + a] = (stats.sums[m + a] as number) + (sums[a] as number);
    }
    const target = stats.scatter;
    switch (layout) {
      case 'full': {
        const o = c * d * d;
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) target[o + a * d + b] = (target[o + a * d + b] as number) + (scatter[a * d + b] as number);
        break;
      }
      case 'diagonal':
        for (let a = 0; a < d; a++) target[m + a] = (target[m + a] as number) + (scatter[a] as number);
        break;
      case 'spherical':
        target[c] = (target[c] as number) + (scatter[0] as number);
        break;
    }
    addBlockTerms(stats, layout, d, c, n, sums, 0, means, m);
  }
}
