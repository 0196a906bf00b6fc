import { choleskyInPlace, DegenerateModelError } from '@em/core';
import { componentCountOf, denseCovariance, type CovarianceType, type GaussianComponents } from './gaussian-components.js';
import type { ScatterLayout } from './gaussian-statistics.js';

export const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Per-pattern factorisations for rows with missing coordinates (see missing-values-kernel.ts). */
export interface MissingValuesCache {
  /** Dense covariance of every component, K·D·D. */
  readonly dense: Float64Array;
  /** Dense Cholesky factor of every component (complete rows), K·D·D. */
  readonly denseFactors: Float64Array;
  /** 1 where the coordinate is observed, for the pattern currently factorised. */
  readonly pattern: Uint8Array;
  /** Whether `pattern` holds a factorised pattern. */
  valid: boolean;
  readonly observed: Int32Array;
  observedCount: number;
  readonly missing: Int32Array;
  missingCount: number;
  /** Cholesky of Σ_oo per component (p×p at k·D·D). */
  readonly factors: Float64Array;
  /** −p/2·log 2π − ½·log det Σ_oo per component. */
  readonly logNormalizers: Float64Array;
  /** Y = L_oo⁻¹·Σ_om per component (q×p at k·D·D, row j for missing coordinate j). */
  readonly regression: Float64Array;
  /** Conditional covariance Σ_mm − YᵀY per component (q×q at k·D·D). */
  readonly conditional: Float64Array;
  /** Scratch: Σ_oo before factorisation (D·D) and rows. */
  readonly submatrix: Float64Array;
  readonly whitened: Float64Array;
  readonly filled: Float64Array;
}

/**
 * What the full statistics kernel reads: the references the statistics are centred on (the
 * means), and its block work space. Prepared components carry it; the initialisation, which has
 * means but no covariances yet, builds one with `scatterReferences`.
 */
export interface ScatterReferences {
  readonly k: number;
  readonly d: number;
  /** The references r_k (K·D) the statistics are centred on. */
  readonly means: Float64Array;
  /** Per-block sums s_b (K·D) of the accumulate kernels. */
  readonly blockSums: Float64Array;
  /** Column-major work space of the blocked kernels (D × rows), grown on demand. */
  work: BlockWork;
}

/** References and work space for accumulating full scatter about `means` (K·D). */
export function scatterReferences(means: Float64Array, k: number, d: number): ScatterReferences {
  return { k, d, means, blockSums: new Float64Array(k * d), work: emptyBlockWork() };
}

/** Everything worth computing once per E-step; rows are then processed without allocation. */
export interface PreparedGaussian extends ScatterReferences {
  readonly type: CovarianceType;
  readonly layout: ScatterLayout;
  readonly k: number;
  readonly d: number;
  /** The means of the parameters (also the references r_k the statistics are centred on). */
  readonly means: Float64Array;
  /** Common reference c for the `total` layout (the average of the means). */
  readonly center: Float64Array;
  /** Cholesky factors: full K·D·D, tied D·D (lower triangles, row-major). */
  readonly factors: Float64Array;
  /** 1 / L_jj for the factors (full K·D, tied D). */
  readonly inverseDiagonals: Float64Array;
  /** Tied: L⁻¹(μ_k − c), K·D. */
  readonly whitenedMeans: Float64Array;
  /** Diagonal: 1/σ²_kj (K·D); spherical: 1/σ²_k (K). */
  readonly precisions: Float64Array;
  /** log N normaliser per component: −D/2·log 2π − ½·log det Σ_k. */
  readonly logNormalizers: Float64Array;
  /** Scratch of length D (and K·D) for the kernels. */
  readonly scratch: Float64Array;
  /** Per-block sums s_b (K·D) and counts n_b (K) of the accumulate kernels. */
  readonly blockSums: Float64Array;
  readonly blockCounts: Float64Array;
  /** Per-block diagonal scatter Σ w (x − μ_k)² (K·D) of the diagonal and spherical accumulate kernels. */
  readonly blockScatter: Float64Array;
  readonly missing: MissingValuesCache | undefined;
  /** Column-major work space of the blocked kernels (D × rows), grown on demand. */
  work: BlockWork;
}

/** Work space for one block of rows, stored coordinate-major (row a of D holds coordinate a of every row). */
export interface BlockWork {
  readonly capacity: number;
  /** x − μ, then the whitened y (D × capacity). */
  readonly centered: Float64Array;
  /** w·(x − μ) (D × capacity). */
  readonly weighted: Float64Array;
  /** ‖y‖² or the weights of each row (capacity). */
  readonly perRow: Float64Array;
  /** Rows kept for a component (capacity) and their skip thresholds. */
  readonly rowIndex: Int32Array;
  readonly rowTotals: Float64Array;
  /** Rows (block-relative) that carry weight for each component: component c's at c·capacity (K × capacity). */
  readonly componentRows: Int32Array;
  /** How many rows of `componentRows` each component has (K). */
  readonly componentCounts: Int32Array;
  /** The block's weights component-major: component c's at c·capacity (K × capacity). */
  readonly componentWeights: Float64Array;
  /** Σ of each component's weights over the block (K). */
  readonly componentTotals: Float64Array;
}

export function blockWork(p: ScatterReferences, rows: number): BlockWork {
  if (p.work.capacity >= rows) return p.work;
  const capacity = Math.max(rows, 512);
  p.work = {
    capacity,
    centered: new Float64Array(p.d * capacity),
    weighted: new Float64Array(p.d * capacity),
    perRow: new Float64Array(capacity),
    rowIndex: new Int32Array(capacity),
    rowTotals: new Float64Array(capacity),
    componentRows: new Int32Array(p.k * capacity),
    componentCounts: new Int32Array(p.k),
    componentWeights: new Float64Array(p.k * capacity),
    componentTotals: new Float64Array(p.k),
  };
  return p.work;
}

function degenerate(component: number, what: string): DegenerateModelError {
  return new DegenerateModelError(
    `Component ${component}: ${what}.`,
    'Use fewer components, a larger regCovar (e.g. 1e-4), or rescale the data (standardise each column).',
    { component },
  );
}

/** Cholesky per component (no explicit inverse), log normalisers and the references. */
export function prepareGaussian(components: GaussianComponents, layout: ScatterLayout, missingValues: boolean): PreparedGaussian {
  const { covarianceType: type, dimension: d, means, covariances } = components;
  const k = componentCountOf(components);
  const logNormalizers = new Float64Array(k);
  let factors = new Float64Array(0);
  let inverseDiagonals = new Float64Array(0);
  let precisions = new Float64Array(0);
  const center = new Float64Array(d);
  const whitenedMeans = new Float64Array(type === 'tied' ? k * d : 0);
  const base = -0.5 * d * LOG_TWO_PI;
  switch (type) {
    case 'full':
    case 'tied': {
      const matrices = type === 'tied' ? 1 : k;
      factors = new Float64Array(matrices * d * d);
      inverseDiagonals = new Float64Array(matrices * d);
      for (let m = 0; m < matrices; m++) {
        const failed = choleskyInPlace(covariances, d, factors, m * d * d, m * d * d);
        if (failed >= 0) throw degenerate(m, `its covariance matrix is not positive definite (pivot ${failed} failed)`);
        let logDet = 0;
        for (let j = 0; j < d; j++) {
          const pivot = factors[m * d * d + j * d + j] as number;
          inverseDiagonals[m * d + j] = 1 / pivot;
          logDet += 2 * Math.log(pivot);
        }
        if (type === 'full') logNormalizers[m] = base - 0.5 * logDet;
        else logNormalizers.fill(base - 0.5 * logDet);
      }
      if (type === 'tied') {
        for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) center[j] = (center[j] as number) + (means[c * d + j] as number) / k;
        for (let c = 0; c < k; c++) {
          for (let a = 0; a < d; a++) {
            let s = (means[c * d + a] as number) - (center[a] as number);
            for (let b = 0; b < a; b++) s -= (factors[a * d + b] as number) * (whitenedMeans[c * d + b] as number);
            whitenedMeans[c * d + a] = s * (inverseDiagonals[a] as number);
          }
        }
      }
      break;
    }
    case 'diagonal': {
      precisions = new Float64Array(k * d);
      for (let c = 0; c < k; c++) {
        let logDet = 0;
        for (let j = 0; j < d; j++) {
          const v = covariances[c * d + j] as number;
          if (!(v > 0) || !Number.isFinite(v)) throw degenerate(c, `variance ${j} is ${v}`);
          precisions[c * d + j] = 1 / v;
          logDet += Math.log(v);
        }
        logNormalizers[c] = base - 0.5 * logDet;
      }
      break;
    }
    case 'spherical': {
      precisions = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        const v = covariances[c] as number;
        if (!(v > 0) || !Number.isFinite(v)) throw degenerate(c, `its variance is ${v}`);
        precisions[c] = 1 / v;
        logNormalizers[c] = base - 0.5 * d * Math.log(v);
      }
      break;
    }
  }
  return {
    type,
    layout,
    k,
    d,
    means,
    center,
    factors,
    inverseDiagonals,
    whitenedMeans,
    precisions,
    logNormalizers,
    scratch: new Float64Array(d),
    blockSums: new Float64Array(k * d),
    blockCounts: new Float64Array(k),
    blockScatter: new Float64Array(type === 'diagonal' || type === 'spherical' ? k * d : 0),
    missing: missingValues ? createMissingValuesCache(components, k, d) : undefined,
    work: emptyBlockWork(),
  };
}

/** Work space of no rows (`blockWork` grows it on first use). */
function emptyBlockWork(): BlockWork {
  return {
    capacity: 0,
    centered: new Float64Array(0),
    weighted: new Float64Array(0),
    perRow: new Float64Array(0),
    rowIndex: new Int32Array(0),
    rowTotals: new Float64Array(0),
    componentRows: new Int32Array(0),
    componentCounts: new Int32Array(0),
    componentWeights: new Float64Array(0),
    componentTotals: new Float64Array(0),
  };
}

function createMissingValuesCache(components: GaussianComponents, k: number, d: number): MissingValuesCache {
  const dense = new Float64Array(k * d * d);
  const denseFactors = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    denseCovariance(components, c, dense, c * d * d);
    if (choleskyInPlace(dense, d, denseFactors, c * d * d, c * d * d) >= 0) throw degenerate(c, 'its covariance matrix is not positive definite');
  }
  return {
    dense,
    denseFactors,
    pattern: new Uint8Array(d),
    valid: false,
    observed: new Int32Array(d),
    observedCount: 0,
    missing: new Int32Array(d),
    missingCount: 0,
    factors: new Float64Array(k * d * d),
    logNormalizers: new Float64Array(k),
    regression: new Float64Array(k * d * d),
    conditional: new Float64Array(k * d * d),
    submatrix: new Float64Array(d * d),
    whitened: new Float64Array(d),
    filled: new Float64Array(d),
  };
}
