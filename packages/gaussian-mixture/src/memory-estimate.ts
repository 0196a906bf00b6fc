import type { CovarianceType } from './gaussian-components.js';
import { scatterLayout, scatterLength } from './gaussian-statistics.js';

/**
 * Copies of the per-component arrays a fit holds at once: the statistics (scatter, reference
 * outer products and cross terms), the previous, new and best parameters, the Cholesky factors
 * and inverses of `prepare`, and one set of statistics per chunk being reduced. An upper bound
 * used only to refuse shapes that cannot fit, so it errs high.
 */
const WORKING_COPIES = 10;

/** Rows of the block buffers the fused E-step reuses (see core's mixture block size). */
const BLOCK_ROWS = 512;

/**
 * Bytes a Gaussian-mixture fit allocates beyond the data: the per-component arrays (K·D² for full
 * and tied, whose statistics are per component; K·D or K otherwise) times WORKING_COPIES, the
 * initial responsibilities (n·K), and the E-step's block buffers. Computed in floating point so
 * hostile shapes cannot wrap around.
 */
export function gaussianFitBytes(rows: number, columns: number, components: number, type: CovarianceType): number {
  const perComponent = scatterLength(scatterLayout(type, false), components, columns) + 3 * components * columns;
  const parameters = type === 'full' || type === 'tied' ? components * columns * columns : components * columns;
  return 8 * (WORKING_COPIES * (perComponent + parameters) + rows * components + 2 * BLOCK_ROWS * (components + columns));
}

/** Bytes of a predictProba answer: n·K posteriors (typed, then as nested arrays of numbers). */
export function gaussianPosteriorBytes(rows: number, components: number): number {
  return 2 * 8 * rows * components;
}
