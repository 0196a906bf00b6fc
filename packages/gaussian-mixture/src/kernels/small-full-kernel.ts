import { addBlockTerms, type GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/**
 * Full covariances in small dimension (D ≤ MAX_SMALL_DIMENSION), one row at a time with
 * everything in locals. For such D the blocked kernels (full-kernel.ts) spend their time moving
 * rows between layouts (transposes, gathers, the WebAssembly arena) rather than computing; here
 * the mean, the Cholesky factor and 1/L_aa of one component sit in locals, and each row is read
 * once per component straight from the row-major data:
 * - log-densities: y = L⁻¹(x − μ_k) by forward substitution, unrolled over the D coordinates;
 * - statistics: n_k, Σ w (x − μ_k) and the lower triangle of Σ w (x − μ_k)(x − μ_k)ᵀ in
 *   1 + D + D(D+1)/2 local accumulators per component, over blocks of at most SMALL_BLOCK rows
 *   (short summation chains; reference terms per block, as the blocked kernels keep them).
 *
 * The loops are generated once per D from integers only and compiled with `new Function` (a
 * loop over D would keep y in memory and cost 4× more); where code generation is not allowed
 * (a Content-Security-Policy without 'unsafe-eval'), `smallFullKernels` returns undefined and the
 * blocked kernels run instead. Same quantities as full-kernel.ts, different round-off (rows with
 * negligible non-zero weight are summed here rather than skipped).
 */

/** Largest D served by these kernels (measured: faster than the blocked kernels up to here, K = 5). */
export const MAX_SMALL_DIMENSION = 6;

/** Rows per statistics block (reference terms are added per block). */
const SMALL_BLOCK = 4096;

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

export interface SmallFullKernels {
  /** As fullLogDensities: out[(i − start)·K + k] = log N(x_i | μ_k, Σ_k). */
  readonly logDensities: (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array) => void;
  /** As fullAccumulate (weights[(i − start)·K + k]). */
  readonly accumulate: (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array) => void;
}

const cache = new Map<number, SmallFullKernels | null>();
let smallAllowed = true;

/**
 * Turns these kernels on or off for this thread (default on). For tests and tuning: the
 * blocked kernels then serve every D, with the same results up to round-off.
 */
export function useSmallFullKernels(enabled: boolean): void {
  smallAllowed = enabled;
}

/** The kernels for dimension d, or undefined (d out of range, turned off, or code generation not allowed). */
export function smallFullKernels(d: number): SmallFullKernels | undefined {
  if (!smallAllowed || !Number.isInteger(d) || d < 1 || d > MAX_SMALL_DIMENSION) return undefined;
  let kernels = cache.get(d);
  if (kernels === undefined) {
    try {
      kernels = assemble(d, compile<LogDensitiesLoop>(LOG_DENSITY_PARAMETERS, logDensitiesSource(d)), compile<MomentsLoop>(MOMENTS_PARAMETERS, momentsSource(d)));
    } catch {
      kernels = null;
    }
    cache.set(d, kernels);
  }
  return kernels ?? undefined;
}

function assemble(d: number, logDensitiesLoop: LogDensitiesLoop, momentsLoop: MomentsLoop): SmallFullKernels {
  return {
    logDensities(p, x, start, end, out) {
      // In blocks too: short calls get the loop optimised early rather than by on-stack replacement.
      for (let first = start; first < end; first += SMALL_BLOCK) {
        logDensitiesLoop(p.k, p.means, p.factors, p.inverseDiagonals, p.logNormalizers, x, first, Math.min(end, first + SMALL_BLOCK), out, (first - start) * p.k);
      }
    },
    accumulate(p, stats, x, start, end, weights) {
      const { k, means, blockCounts, blockSums } = p;
      const { counts, references, sums, scatter } = stats;
      for (let first = start; first < end; first += SMALL_BLOCK) {
        const last = Math.min(end, first + SMALL_BLOCK);
        momentsLoop(k, means, x, first, last, weights, (first - start) * k, blockCounts, blockSums, scatter);
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
}

const LOG_DENSITY_PARAMETERS = ['k', 'means', 'factors', 'inverseDiagonals', 'logNormalizers', 'x', 'start', 'end', 'out', 'outOffset'];
const MOMENTS_PARAMETERS = ['k', 'means', 'x', 'start', 'end', 'weights', 'weightOffset', 'blockCounts', 'blockSums', 'scatter'];

function compile<F>(parameters: readonly string[], body: string): F {
  // The body is built from integer indices only (no user data); see the file comment.
  return new Function(...parameters, `'use strict';\n${body}`) as F;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index);
}

/** y_a = (x_a − μ_a − Σ_{b<a} L_ab·y_b) / L_aa, out = c_k − ½·Σ y_a². */
function logDensitiesSource(d: number): string {
  const lines: string[] = [];
  lines.push('for (let c = 0; c < k; c++) {');
  lines.push(`  const m = c * ${d};`);
  lines.push(`  const o = c * ${d * d};`);
  for (const a of range(d)) {
    lines.push(`  const m${a} = means[m + ${a}];`);
    lines.push(`  const i${a} = inverseDiagonals[m + ${a}];`);
    for (const b of range(a)) lines.push(`  const l${a}_${b} = factors[o + ${a * d + b}];`);
  }
  lines.push('  const constant = logNormalizers[c];');
  lines.push(`  for (let row = start * ${d}, at = outOffset + c, stop = end * ${d}; row < stop; row += ${d}, at += k) {`);
  for (const a of range(d)) {
    const solved = range(a).map((b) => `l${a}_${b} * y${b}`);
    const value = solved.length === 0 ? `x[row + ${a}] - m${a}` : `x[row + ${a}] - m${a} - (${solved.join(' + ')})`;
    lines.push(`    const y${a} = (${value}) * i${a};`);
  }
  lines.push(`    out[at] = constant - 0.5 * (${range(d)
    .map((a) => `y${a} * y${a}`)
    .join(' + ')});`);
  lines.push('  }');
  lines.push('}');
  return lines.join('\n');
}

/**
 * Per component over rows start … end − 1: blockCounts[c] = Σ w, blockSums[c·D + a] = Σ w·z_a,
 * scatter[c·D² + a·D + b] += Σ w·z_a·z_b (b ≤ a), z = x − μ_c, w = weights[weightOffset + (i − start)·K + c].
 */
function momentsSource(d: number): string {
  const lines: string[] = [];
  const pairs: Array<[number, number]> = [];
  for (const a of range(d)) for (const b of range(a + 1)) pairs.push([a, b]);
  lines.push('for (let c = 0; c < k; c++) {');
  lines.push(`  const m = c * ${d};`);
  lines.push(`  const o = c * ${d * d};`);
  for (const a of range(d)) lines.push(`  const m${a} = means[m + ${a}];`);
  lines.push(`  let n = 0, ${range(d)
    .map((a) => `s${a} = 0`)
    .join(', ')}, ${pairs.map(([a, b]) => `q${a}_${b} = 0`).join(', ')};`);
  lines.push(`  for (let row = start * ${d}, at = weightOffset + c, stop = end * ${d}; row < stop; row += ${d}, at += k) {`);
  lines.push('    const w = weights[at];');
  lines.push('    if (w === 0) continue;');
  for (const a of range(d)) lines.push(`    const z${a} = x[row + ${a}] - m${a};`);
  for (const a of range(d)) lines.push(`    const u${a} = w * z${a};`);
  lines.push(`    n += w; ${range(d)
    .map((a) => `s${a} += u${a};`)
    .join(' ')}`);
  lines.push(`    ${pairs.map(([a, b]) => `q${a}_${b} += u${a} * z${b};`).join(' ')}`);
  lines.push('  }');
  lines.push('  blockCounts[c] = n;');
  for (const a of range(d)) lines.push(`  blockSums[m + ${a}] = s${a};`);
  for (const [a, b] of pairs) lines.push(`  scatter[o + ${a * d + b}] += q${a}_${b};`);
  lines.push('}');
  return lines.join('\n');
}
