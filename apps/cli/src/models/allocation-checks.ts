import { availableParallelism } from 'node:os';
import { checkAllocation, float64Bytes, WORKER_THREAD_BYTES } from '@em/core';
import type { CovarianceTypeName } from './gaussian-mixture-init.js';

// What a model will allocate, estimated from the command line and the data's shape and checked
// against --memory-budget before the model is built. The libraries check their own allocations
// too (with `memoryBudget`); these checks run first, so that a command refuses a hostile shape
// (a symbol 10⁹, 10⁵ states, a category code 10⁸) in one line before anything large exists.
// Each estimate counts the tables that exist at the same time during a fit — parameters, their
// logarithms or factorizations, the statistics, the next parameters and the best restart's — as a
// small multiple rather than tracking each array: the check is for orders of magnitude.

/** Tables of K × (categories or symbols) or K × D × D that a fit holds at once. */
const WORKING_TABLES = 6;
/** Per-row, per-state arrays of an HMM fit: forward, backward, posteriors and emission log-densities. */
const HMM_ROW_TABLES = 4;
/** Per-row, per-component arrays of a mixture fit: responsibilities and log-densities. */
const MIXTURE_ROW_TABLES = 2;

/** Float64 entries of one component's covariance for each type (tied: shared, so counted once by the caller). */
function covarianceEntries(type: CovarianceTypeName, dimension: number): number {
  switch (type) {
    case 'full':
    case 'tied':
      return dimension * dimension;
    case 'diagonal':
      return dimension;
    case 'spherical':
      return 1;
  }
}

/** Gaussian mixture: K × n responsibilities and K covariances (em fit gmm, em select gmm for its largest K). */
export function checkGaussianMixtureSize(rows: number, dimension: number, components: number, covariance: CovarianceTypeName, budget: number): void {
  const covariances = (covariance === 'tied' ? 1 : components) * covarianceEntries(covariance, dimension);
  const bytes = float64Bytes(rows, components) * MIXTURE_ROW_TABLES + float64Bytes(covariances + components * dimension) * WORKING_TABLES;
  checkAllocation(bytes, budget, `A ${components}-component ${covariance} Gaussian mixture of ${rows} × ${dimension} data`, 'Use fewer components, a diagonal or spherical covariance, or fewer columns');
}

/** Latent class model: K × Σ M_j probability tables, where a column's largest code sets its M_j. */
export function checkCategoryTables(categories: readonly number[], components: number, budget: number, source: string): void {
  let total = 0;
  let widest = 0;
  categories.forEach((m, j) => {
    total += m;
    if (m > (categories[widest] as number)) widest = j;
  });
  const largest = categories[widest] as number;
  checkAllocation(
    float64Bytes(components, total) * WORKING_TABLES,
    budget,
    `Column ${widest} of ${source} has category code ${largest - 1}, so ${largest} categories: the ${components} × ${total} probability tables`,
    `Codes must be 0 … C − 1 for a column with C answers: recode column ${widest} to consecutive integers, or give --categories`,
  );
}

/**
 * Multinomial and Bernoulli mixtures: K × V probability tables. A sparse file declares V in its
 * size line without storing anything, so a tiny .mtx can ask for 10⁹ features.
 */
export function checkFeatureTables(features: number, components: number, budget: number, source: string): void {
  checkAllocation(
    float64Bytes(components, features) * WORKING_TABLES,
    budget,
    `${source} has ${features} columns: the ${components} × ${features} probability tables`,
    'Drop unused columns (a .mtx size line may declare columns no row uses), or use fewer components',
  );
}

/** What an HMM fit's size depends on. */
export interface HmmShape {
  readonly rows: number;
  readonly dimension: number;
  readonly states: number;
  readonly emission: 'categorical' | 'gaussian' | 'gmm';
  /** Categorical: number of symbols. */
  readonly symbols?: number;
  readonly covariance?: CovarianceTypeName;
  /** gmm: components per state. */
  readonly mixtureComponents?: number;
}

/** Hidden Markov model: K × K transitions, n × K forward–backward tables and the emission tables. */
export function checkHmmSize(shape: HmmShape, budget: number): void {
  const { rows, dimension, states, emission } = shape;
  let emissionEntries: number;
  let what: string;
  if (emission === 'categorical') {
    const symbols = shape.symbols ?? 1;
    emissionEntries = states * symbols;
    what = `${states} states × ${symbols} symbols`;
  } else {
    const perState = emission === 'gmm' ? (shape.mixtureComponents ?? 1) : 1;
    const covariance = shape.covariance ?? 'full';
    emissionEntries = (covariance === 'tied' ? perState : states * perState) * covarianceEntries(covariance, dimension) + states * perState * (dimension + 1);
    what = `${states} states of ${emission} emissions (${dimension} columns)`;
  }
  const bytes = float64Bytes(states, states) * WORKING_TABLES + float64Bytes(rows, states) * HMM_ROW_TABLES + float64Bytes(emissionEntries) * WORKING_TABLES;
  const hint = emission === 'categorical' ? 'Use fewer states, or recode the symbols as 0 … M − 1 (a symbol s implies M ≥ s + 1)' : 'Use fewer states or columns';
  checkAllocation(bytes, budget, `A hidden Markov model with ${what} on ${rows} time steps`, hint);
}

/**
 * Worker threads for `--workers N`: never more than the machine runs in parallel (extra threads
 * only cost memory and switching), and their fixed cost plus one copy of the data within the budget.
 * Returns the number of workers to start.
 */
export function resolveWorkerCount(requested: number, dataBytes: number, budget: number, note: (text: string) => void): number {
  const cores = availableParallelism();
  const workers = Math.min(requested, cores);
  if (workers < requested) note(`--workers ${requested} is more than the ${cores} threads this machine runs in parallel; using ${workers}.`);
  if (workers > 1) checkAllocation(workers * WORKER_THREAD_BYTES + dataBytes, budget, `${workers} worker threads with a copy of the data`, 'Use fewer --workers');
  return workers;
}
