import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Full covariances in small dimension (D ≤ MAX_SMALL_DIMENSION), one row at a time with
 * everything in locals. For such D the blocked kernels (full-kernel.ts) spend their time moving
 * rows between layouts (transposes, gathers, the WebAssembly arena) rather than computing; here
 * the mean, the Cholesky factor and 1/L_aa of one component sit in locals, and each row is read
 * once per component straight from the row-major data:
 * - log-densities: y = L⁻¹(x − μ_k) by forward substitution, written out over the D coordinates;
 * - statistics: n_k, Σ w (x − μ_k) and the lower triangle of Σ w (x − μ_k)(x − μ_k)ᵀ in
 *   1 + D + D(D+1)/2 local accumulators per component, over blocks of at most SMALL_BLOCK rows
 *   (short summation chains; reference terms per block, as the blocked kernels keep them).
 *
 * One ordinary function per D and kernel (logDensities1 … 6, moments1 … 6 at the end of this
 * file). A loop over the coordinates keeps y in memory and costs about 4× more; one function
 * written for D = 6 and skipping the coordinates a ≥ D costs 1.5–2× more (the unused locals
 * still take registers; measured K = 5, D = 2, 4, 6). These replaced the same loops generated
 * per D at run time with `new Function`, which a Content-Security-Policy without 'unsafe-eval'
 * forbids — measured as fast. Same quantities as full-kernel.ts, different round-off (rows with
 * negligible non-zero weight are summed here rather than skipped).
 */

/** Largest D served by these kernels (measured: faster than the blocked kernels up to here, K = 5). */
export const MAX_SMALL_DIMENSION = 6;

/** Rows per statistics block (reference terms are added per block). */
const SMALL_BLOCK = 4096;

export interface SmallFullKernels {
  /** As fullLogDensities: out[(i − start)·K + k] = log N(x_i | μ_k, Σ_k). */
  readonly logDensities: (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array) => void;
  /** As fullAccumulate (weights[(i − start)·K + k]). */
  readonly accumulate: (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array) => void;
}

let smallAllowed = true;

/**
 * Turns these kernels on or off for this thread (default on). For tests and tuning: the
 * blocked kernels then serve every D, with the same results up to round-off.
 */
export function useSmallFullKernels(enabled: boolean): void {
  smallAllowed = enabled;
}

/** The kernels for dimension d, or undefined (d out of range, or turned off). */
export function smallFullKernels(d: number): SmallFullKernels | undefined {
  if (!smallAllowed || !Number.isInteger(d) || d < 1 || d > MAX_SMALL_DIMENSION) return undefined;
  return KERNELS;
}

const KERNELS: SmallFullKernels = {
  logDensities(p, x, start, end, out) {
    // In blocks too: short calls get the loop optimised early rather than by on-stack replacement.
    for (let first = start; first < end; first += SMALL_BLOCK) {
      (LOG_DENSITY_LOOPS[p.d] as LogDensitiesLoop)(p.k, p.means, p.factors, p.inverseDiagonals, p.logNormalizers, x, first, Math.min(end, first + SMALL_BLOCK), out, (first - start) * p.k);
    }
  },
  accumulate(p, stats, x, start, end, weights) {
    const { k, d, means, blockCounts, blockSums } = p;
    const { counts, references, sums, scatter } = stats;
    for (let first = start; first < end; first += SMALL_BLOCK) {
      const last = Math.min(end, first + SMALL_BLOCK);
      (MOMENTS_LOOPS[d] as MomentsLoop)(k, means, x, first, last, weights, (first - start) * k, blockCounts, blockSums, scatter);
      for (let c = 0; c < k; c++) {
        const n = blockCounts[c] as number;
        if (n === 0) continue;
        counts[c] = (counts[c] as number) + n;
        for (let a = c * d; a < (c + 1) * d; a++) {
          references[a] = (references[a] as number) + n * (means[a] as number);
          sums[a] = (sums[a] as number) + (blockSums[a] as number);
        }
        addBlockTerms(stats, 'full', d, c, n, blockSums, c * d, means, c * d);
      }
    }
  },
  };

type LogDensitiesLoop = (
  k: number,
  means: Float64Array,
  factors: Float64Array,
  inverseDiagonals: Float64Array,
  logNormalizers: Float64Array,
  x: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  outOffset: number,
) => void;

type MomentsLoop = (
  k: number,
  means: Float64Array,
  x: Float64Array,
  start: number,
  end: number,
  weights: Float64Array,
  weightOffset: number,
  blockCounts: Float64Array,
  blockSums: Float64Array,
  scatter: Float64Array,
) => void;

// The loops for D = 1 … 6 follow, one function per D and kernel: the same two loops, with the
// coordinates written out so the mean, the factor and the accumulators stay in registers.

/**
 * log-densities for D = index: y_a = (x_a − μ_a − Σ_{b<a} L_ab·y_b) / L_aa, out = c_k − ½·Σ y_a²,
 * out[outOffset + (i − start)·K + k] for rows start … end − 1.
 */
const LOG_DENSITY_LOOPS: ReadonlyArray<LogDensitiesLoop | undefined> = [undefined, logDensities1, logDensities2, logDensities3, logDensities4, logDensities5, logDensities6];

/**
 * Moments for D = index, per component over rows start … end − 1: blockCounts[c] = Σ w,
 * blockSums[c·D + a] = Σ w·z_a, scatter[c·D² + a·D + b] += Σ w·z_a·z_b (b ≤ a), z = x − μ_c,
 * w = weights[weightOffset + (i − start)·K + c].
 */
const MOMENTS_LOOPS: ReadonlyArray<MomentsLoop | undefined> = [undefined, moments1, moments2, moments3, moments4, moments5, moments6];

function logDensities1(k: number, means: Float64Array, _factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start, at = outOffset + c; row < end; row++, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      out[at] = constant - 0.5 * y0 * y0;
    }
  }
}

function logDensities2(k: number, means: Float64Array, factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c * 2;
    const o = c * 4;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const m1 = means[m + 1] as number;
    const i1 = inverseDiagonals[m + 1] as number;
    const l10 = factors[o + 2] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start * 2, at = outOffset + c, stop = end * 2; row < stop; row += 2, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      const y1 = ((x[row + 1] as number) - m1 - l10 * y0) * i1;
      out[at] = constant - 0.5 * (y0 * y0 + y1 * y1);
    }
  }
}

function logDensities3(k: number, means: Float64Array, factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c * 3;
    const o = c * 9;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const m1 = means[m + 1] as number;
    const i1 = inverseDiagonals[m + 1] as number;
    const l10 = factors[o + 3] as number;
    const m2 = means[m + 2] as number;
    const i2 = inverseDiagonals[m + 2] as number;
    const l20 = factors[o + 6] as number;
    const l21 = factors[o + 7] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start * 3, at = outOffset + c, stop = end * 3; row < stop; row += 3, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      const y1 = ((x[row + 1] as number) - m1 - l10 * y0) * i1;
      const y2 = ((x[row + 2] as number) - m2 - (l20 * y0 + l21 * y1)) * i2;
      out[at] = constant - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2);
    }
  }
}

function logDensities4(k: number, means: Float64Array, factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c * 4;
    const o = c * 16;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const m1 = means[m + 1] as number;
    const i1 = inverseDiagonals[m + 1] as number;
    const l10 = factors[o + 4] as number;
    const m2 = means[m + 2] as number;
    const i2 = inverseDiagonals[m + 2] as number;
    const l20 = factors[o + 8] as number;
    const l21 = factors[o + 9] as number;
    const m3 = means[m + 3] as number;
    const i3 = inverseDiagonals[m + 3] as number;
    const l30 = factors[o + 12] as number;
    const l31 = factors[o + 13] as number;
    const l32 = factors[o + 14] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start * 4, at = outOffset + c, stop = end * 4; row < stop; row += 4, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      const y1 = ((x[row + 1] as number) - m1 - l10 * y0) * i1;
      const y2 = ((x[row + 2] as number) - m2 - (l20 * y0 + l21 * y1)) * i2;
      const y3 = ((x[row + 3] as number) - m3 - (l30 * y0 + l31 * y1 + l32 * y2)) * i3;
      out[at] = constant - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3);
    }
  }
}

function logDensities5(k: number, means: Float64Array, factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c * 5;
    const o = c * 25;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const m1 = means[m + 1] as number;
    const i1 = inverseDiagonals[m + 1] as number;
    const l10 = factors[o + 5] as number;
    const m2 = means[m + 2] as number;
    const i2 = inverseDiagonals[m + 2] as number;
    const l20 = factors[o + 10] as number;
    const l21 = factors[o + 11] as number;
    const m3 = means[m + 3] as number;
    const i3 = inverseDiagonals[m + 3] as number;
    const l30 = factors[o + 15] as number;
    const l31 = factors[o + 16] as number;
    const l32 = factors[o + 17] as number;
    const m4 = means[m + 4] as number;
    const i4 = inverseDiagonals[m + 4] as number;
    const l40 = factors[o + 20] as number;
    const l41 = factors[o + 21] as number;
    const l42 = factors[o + 22] as number;
    const l43 = factors[o + 23] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start * 5, at = outOffset + c, stop = end * 5; row < stop; row += 5, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      const y1 = ((x[row + 1] as number) - m1 - l10 * y0) * i1;
      const y2 = ((x[row + 2] as number) - m2 - (l20 * y0 + l21 * y1)) * i2;
      const y3 = ((x[row + 3] as number) - m3 - (l30 * y0 + l31 * y1 + l32 * y2)) * i3;
      const y4 = ((x[row + 4] as number) - m4 - (l40 * y0 + l41 * y1 + l42 * y2 + l43 * y3)) * i4;
      out[at] = constant - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3 + y4 * y4);
    }
  }
}

function logDensities6(k: number, means: Float64Array, factors: Float64Array, inverseDiagonals: Float64Array, logNormalizers: Float64Array, x: Float64Array, start: number, end: number, out: Float64Array, outOffset: number): void {
  for (let c = 0; c < k; c++) {
    const m = c * 6;
    const o = c * 36;
    const m0 = means[m] as number;
    const i0 = inverseDiagonals[m] as number;
    const m1 = means[m + 1] as number;
    const i1 = inverseDiagonals[m + 1] as number;
    const l10 = factors[o + 6] as number;
    const m2 = means[m + 2] as number;
    const i2 = inverseDiagonals[m + 2] as number;
    const l20 = factors[o + 12] as number;
    const l21 = factors[o + 13] as number;
    const m3 = means[m + 3] as number;
    const i3 = inverseDiagonals[m + 3] as number;
    const l30 = factors[o + 18] as number;
    const l31 = factors[o + 19] as number;
    const l32 = factors[o + 20] as number;
    const m4 = means[m + 4] as number;
    const i4 = inverseDiagonals[m + 4] as number;
    const l40 = factors[o + 24] as number;
    const l41 = factors[o + 25] as number;
    const l42 = factors[o + 26] as number;
    const l43 = factors[o + 27] as number;
    const m5 = means[m + 5] as number;
    const i5 = inverseDiagonals[m + 5] as number;
    const l50 = factors[o + 30] as number;
    const l51 = factors[o + 31] as number;
    const l52 = factors[o + 32] as number;
    const l53 = factors[o + 33] as number;
    const l54 = factors[o + 34] as number;
    const constant = logNormalizers[c] as number;
    for (let row = start * 6, at = outOffset + c, stop = end * 6; row < stop; row += 6, at += k) {
      const y0 = ((x[row] as number) - m0) * i0;
      const y1 = ((x[row + 1] as number) - m1 - l10 * y0) * i1;
      const y2 = ((x[row + 2] as number) - m2 - (l20 * y0 + l21 * y1)) * i2;
      const y3 = ((x[row + 3] as number) - m3 - (l30 * y0 + l31 * y1 + l32 * y2)) * i3;
      const y4 = ((x[row + 4] as number) - m4 - (l40 * y0 + l41 * y1 + l42 * y2 + l43 * y3)) * i4;
      const y5 = ((x[row + 5] as number) - m5 - (l50 * y0 + l51 * y1 + l52 * y2 + l53 * y3 + l54 * y4)) * i5;
      out[at] = constant - 0.5 * (y0 * y0 + y1 * y1 + y2 * y2 + y3 * y3 + y4 * y4 + y5 * y5);
    }
  }
}

function moments1(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c;
    const o = c;
    const m0 = means[m] as number;
    let n = 0;
    let s0 = 0;
    let q00 = 0;
    for (let row = start, at = weightOffset + c; row < end; row++, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    scatter[o] = (scatter[o] as number) + q00;
  }
}

function moments2(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c * 2;
    const o = c * 4;
    const m0 = means[m] as number;
    const m1 = means[m + 1] as number;
    let n = 0;
    let s0 = 0;
    let s1 = 0;
    let q00 = 0;
    let q10 = 0; let q11 = 0;
    for (let row = start * 2, at = weightOffset + c, stop = end * 2; row < stop; row += 2, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
      const z1 = (x[row + 1] as number) - m1;
      const u1 = w * z1;
      s1 += u1;
      q10 += u1 * z0; q11 += u1 * z1;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    blockSums[m + 1] = s1;
    scatter[o] = (scatter[o] as number) + q00;
    scatter[o + 2] = (scatter[o + 2] as number) + q10; scatter[o + 3] = (scatter[o + 3] as number) + q11;
  }
}

function moments3(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c * 3;
    const o = c * 9;
    const m0 = means[m] as number;
    const m1 = means[m + 1] as number;
    const m2 = means[m + 2] as number;
    let n = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let q00 = 0;
    let q10 = 0; let q11 = 0;
    let q20 = 0; let q21 = 0; let q22 = 0;
    for (let row = start * 3, at = weightOffset + c, stop = end * 3; row < stop; row += 3, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
      const z1 = (x[row + 1] as number) - m1;
      const u1 = w * z1;
      s1 += u1;
      q10 += u1 * z0; q11 += u1 * z1;
      const z2 = (x[row + 2] as number) - m2;
      const u2 = w * z2;
      s2 += u2;
      q20 += u2 * z0; q21 += u2 * z1; q22 += u2 * z2;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    blockSums[m + 1] = s1;
    blockSums[m + 2] = s2;
    scatter[o] = (scatter[o] as number) + q00;
    scatter[o + 3] = (scatter[o + 3] as number) + q10; scatter[o + 4] = (scatter[o + 4] as number) + q11;
    scatter[o + 6] = (scatter[o + 6] as number) + q20; scatter[o + 7] = (scatter[o + 7] as number) + q21; scatter[o + 8] = (scatter[o + 8] as number) + q22;
  }
}

function moments4(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c * 4;
    const o = c * 16;
    const m0 = means[m] as number;
    const m1 = means[m + 1] as number;
    const m2 = means[m + 2] as number;
    const m3 = means[m + 3] as number;
    let n = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let q00 = 0;
    let q10 = 0; let q11 = 0;
    let q20 = 0; let q21 = 0; let q22 = 0;
    let q30 = 0; let q31 = 0; let q32 = 0; let q33 = 0;
    for (let row = start * 4, at = weightOffset + c, stop = end * 4; row < stop; row += 4, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
      const z1 = (x[row + 1] as number) - m1;
      const u1 = w * z1;
      s1 += u1;
      q10 += u1 * z0; q11 += u1 * z1;
      const z2 = (x[row + 2] as number) - m2;
      const u2 = w * z2;
      s2 += u2;
      q20 += u2 * z0; q21 += u2 * z1; q22 += u2 * z2;
      const z3 = (x[row + 3] as number) - m3;
      const u3 = w * z3;
      s3 += u3;
      q30 += u3 * z0; q31 += u3 * z1; q32 += u3 * z2; q33 += u3 * z3;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    blockSums[m + 1] = s1;
    blockSums[m + 2] = s2;
    blockSums[m + 3] = s3;
    scatter[o] = (scatter[o] as number) + q00;
    scatter[o + 4] = (scatter[o + 4] as number) + q10; scatter[o + 5] = (scatter[o + 5] as number) + q11;
    scatter[o + 8] = (scatter[o + 8] as number) + q20; scatter[o + 9] = (scatter[o + 9] as number) + q21; scatter[o + 10] = (scatter[o + 10] as number) + q22;
    scatter[o + 12] = (scatter[o + 12] as number) + q30; scatter[o + 13] = (scatter[o + 13] as number) + q31; scatter[o + 14] = (scatter[o + 14] as number) + q32; scatter[o + 15] = (scatter[o + 15] as number) + q33;
  }
}

function moments5(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c * 5;
    const o = c * 25;
    const m0 = means[m] as number;
    const m1 = means[m + 1] as number;
    const m2 = means[m + 2] as number;
    const m3 = means[m + 3] as number;
    const m4 = means[m + 4] as number;
    let n = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let q00 = 0;
    let q10 = 0; let q11 = 0;
    let q20 = 0; let q21 = 0; let q22 = 0;
    let q30 = 0; let q31 = 0; let q32 = 0; let q33 = 0;
    let q40 = 0; let q41 = 0; let q42 = 0; let q43 = 0; let q44 = 0;
    for (let row = start * 5, at = weightOffset + c, stop = end * 5; row < stop; row += 5, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
      const z1 = (x[row + 1] as number) - m1;
      const u1 = w * z1;
      s1 += u1;
      q10 += u1 * z0; q11 += u1 * z1;
      const z2 = (x[row + 2] as number) - m2;
      const u2 = w * z2;
      s2 += u2;
      q20 += u2 * z0; q21 += u2 * z1; q22 += u2 * z2;
      const z3 = (x[row + 3] as number) - m3;
      const u3 = w * z3;
      s3 += u3;
      q30 += u3 * z0; q31 += u3 * z1; q32 += u3 * z2; q33 += u3 * z3;
      const z4 = (x[row + 4] as number) - m4;
      const u4 = w * z4;
      s4 += u4;
      q40 += u4 * z0; q41 += u4 * z1; q42 += u4 * z2; q43 += u4 * z3; q44 += u4 * z4;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    blockSums[m + 1] = s1;
    blockSums[m + 2] = s2;
    blockSums[m + 3] = s3;
    blockSums[m + 4] = s4;
    scatter[o] = (scatter[o] as number) + q00;
    scatter[o + 5] = (scatter[o + 5] as number) + q10; scatter[o + 6] = (scatter[o + 6] as number) + q11;
    scatter[o + 10] = (scatter[o + 10] as number) + q20; scatter[o + 11] = (scatter[o + 11] as number) + q21; scatter[o + 12] = (scatter[o + 12] as number) + q22;
    scatter[o + 15] = (scatter[o + 15] as number) + q30; scatter[o + 16] = (scatter[o + 16] as number) + q31; scatter[o + 17] = (scatter[o + 17] as number) + q32; scatter[o + 18] = (scatter[o + 18] as number) + q33;
    scatter[o + 20] = (scatter[o + 20] as number) + q40; scatter[o + 21] = (scatter[o + 21] as number) + q41; scatter[o + 22] = (scatter[o + 22] as number) + q42; scatter[o + 23] = (scatter[o + 23] as number) + q43; scatter[o + 24] = (scatter[o + 24] as number) + q44;
  }
}

function moments6(k: number, means: Float64Array, x: Float64Array, start: number, end: number, weights: Float64Array, weightOffset: number, blockCounts: Float64Array, blockSums: Float64Array, scatter: Float64Array): void {
  for (let c = 0; c < k; c++) {
    const m = c * 6;
    const o = c * 36;
    const m0 = means[m] as number;
    const m1 = means[m + 1] as number;
    const m2 = means[m + 2] as number;
    const m3 = means[m + 3] as number;
    const m4 = means[m + 4] as number;
    const m5 = means[m + 5] as number;
    let n = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let q00 = 0;
    let q10 = 0; let q11 = 0;
    let q20 = 0; let q21 = 0; let q22 = 0;
    let q30 = 0; let q31 = 0; let q32 = 0; let q33 = 0;
    let q40 = 0; let q41 = 0; let q42 = 0; let q43 = 0; let q44 = 0;
    let q50 = 0; let q51 = 0; let q52 = 0; let q53 = 0; let q54 = 0; let q55 = 0;
    for (let row = start * 6, at = weightOffset + c, stop = end * 6; row < stop; row += 6, at += k) {
      const w = weights[at] as number;
      if (w === 0) continue;
      n += w;
      const z0 = (x[row] as number) - m0;
      const u0 = w * z0;
      s0 += u0;
      q00 += u0 * z0;
      const z1 = (x[row + 1] as number) - m1;
      const u1 = w * z1;
      s1 += u1;
      q10 += u1 * z0; q11 += u1 * z1;
      const z2 = (x[row + 2] as number) - m2;
      const u2 = w * z2;
      s2 += u2;
      q20 += u2 * z0; q21 += u2 * z1; q22 += u2 * z2;
      const z3 = (x[row + 3] as number) - m3;
      const u3 = w * z3;
      s3 += u3;
      q30 += u3 * z0; q31 += u3 * z1; q32 += u3 * z2; q33 += u3 * z3;
      const z4 = (x[row + 4] as number) - m4;
      const u4 = w * z4;
      s4 += u4;
      q40 += u4 * z0; q41 += u4 * z1; q42 += u4 * z2; q43 += u4 * z3; q44 += u4 * z4;
      const z5 = (x[row + 5] as number) - m5;
      const u5 = w * z5;
      s5 += u5;
      q50 += u5 * z0; q51 += u5 * z1; q52 += u5 * z2; q53 += u5 * z3; q54 += u5 * z4; q55 += u5 * z5;
    }
    blockCounts[c] = n;
    blockSums[m] = s0;
    blockSums[m + 1] = s1;
    blockSums[m + 2] = s2;
    blockSums[m + 3] = s3;
    blockSums[m + 4] = s4;
    blockSums[m + 5] = s5;
    scatter[o] = (scatter[o] as number) + q00;
    scatter[o + 6] = (scatter[o + 6] as number) + q10; scatter[o + 7] = (scatter[o + 7] as number) + q11;
    scatter[o + 12] = (scatter[o + 12] as number) + q20; scatter[o + 13] = (scatter[o + 13] as number) + q21; scatter[o + 14] = (scatter[o + 14] as number) + q22;
    scatter[o + 18] = (scatter[o + 18] as number) + q30; scatter[o + 19] = (scatter[o + 19] as number) + q31; scatter[o + 20] = (scatter[o + 20] as number) + q32; scatter[o + 21] = (scatter[o + 21] as number) + q33;
    scatter[o + 24] = (scatter[o + 24] as number) + q40; scatter[o + 25] = (scatter[o + 25] as number) + q41; scatter[o + 26] = (scatter[o + 26] as number) + q42; scatter[o + 27] = (scatter[o + 27] as number) + q43; scatter[o + 28] = (scatter[o + 28] as number) + q44;
    scatter[o + 30] = (scatter[o + 30] as number) + q50; scatter[o + 31] = (scatter[o + 31] as number) + q51; scatter[o + 32] = (scatter[o + 32] as number) + q52; scatter[o + 33] = (scatter[o + 33] as number) + q53; scatter[o + 34] = (scatter[o + 34] as number) + q54; scatter[o + 35] = (scatter[o + 35] as number) + q55;
  }
}
