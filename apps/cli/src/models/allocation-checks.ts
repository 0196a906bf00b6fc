import { availableParallelism } from 'node:os';
import { checkAllocation, float64Bytes, WORKER_THREAD_BYTES, type WorkersOption } from '@em/core';
import type { CovarianceTypeName } from './gaussian-mixture-init.js';

// What a model will allocate, estimated from the command line and the data's shape and checked
// against --memory-budget before the model is built. The libraries check their own allocations
// too (with `memoryBudget`); these checks run first, so that a command refuses a hostile shape
// (a symbol 10⁹, 10⁵ states, a category code 10⁸) in one line before anything large exists.
// Each estimate counts the tables that exist at the same time during a fit — parameters, their
// logarithms or factorizations, the statistics, the next parameters and the best restart's — as a
// small multiple rather than tracking each array: the check is for orders of magnitude.
// The count mixtures' tables are checked with @em/multinomial-mixture's own checkCategoryTables and
// checkFeatureTables, called by the commands before the model (or --init) is read.

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

/**
 * `--workers auto|N` checked before anything is read or started: auto is left to the estimator
 * (which weighs the data's size, the machine and the budget); a number goes through resolveWorkerCount.
 */
export function resolveWorkersFlag(requested: WorkersOption, dataBytes: number, budget: number, note: (text: string) => void): WorkersOption {
  return requested === 'auto' ? 'auto' : resolveWorkerCount(requested, dataBytes, budget, note);
}
