import { type ComponentFamily, type JsonValue, type Statistics, checkAllocation, float64Bytes } from '@em/core';
import { resolveCovarianceModel, storageOf, type CovarianceType } from '@em/gaussian-mixture';

/**
 * What an HMM allocates on the strength of its options and data, checked against the memory
 * budget (@em/core `checkAllocation`) before anything is allocated: K states make K×K chain
 * matrices, M symbols make K×M emission tables, a sequence of T steps makes T×K forward–backward
 * buffers. A hostile `states: 100000` or a stray symbol code 10⁹ is refused in microseconds.
 */

/**
 * K×K matrices a fit holds at once: the current and the new transition matrix, the expected
 * transition counts, the workspace's Aᵀ and Σ α̂·carried, and the best restart's matrix.
 */
const CHAIN_MATRIX_COPIES = 6;

/**
 * K×M tables of a categorical emission a fit holds at once: the probabilities (current, new and
 * the best restart's), their logs and scaled values (prepared once per E-step) and the counts.
 */
const EMISSION_TABLE_COPIES = 6;

/** The chain's K×K matrices. */
export function checkChainMemory(states: number, budget: number): void {
  checkAllocation(
    float64Bytes(states, states, CHAIN_MATRIX_COPIES),
    budget,
    `An HMM with ${states} states (its ${states} × ${states} transition matrix and ${CHAIN_MATRIX_COPIES - 1} working copies)`,
    'Use fewer states (option states)',
  );
}

/**
 * A categorical emission's K×M tables (M = Σ categories). Families that are not categorical are
 * sized by their own package.
 */
export function checkEmissionMemory<C, X, FS extends Statistics, Prepared>(family: ComponentFamily<C, X, FS, Prepared>, states: number, budget: number): void {
  if (family.name !== 'categorical') return;
  const categories = (family.config as { readonly [key: string]: JsonValue } | null)?.['categories'];
  if (!Array.isArray(categories)) return;
  let symbols = 0;
  for (const m of categories) if (typeof m === 'number') symbols += m;
  checkAllocation(
    float64Bytes(states, symbols, EMISSION_TABLE_COPIES),
    budget,
    `Categorical emissions with ${symbols} symbols × ${states} states (${EMISSION_TABLE_COPIES} tables of ${states} × ${symbols} probabilities)`,
    `Symbols are integer codes 0 … M − 1, and M (option symbols; the CLI's default is the largest code + 1) sizes every table: check the data for a stray large code and recode the symbols to 0 … M − 1`,
  );
}

/**
 * Numbers in the emission parameters of K states of a known family for D-dimensional rows (a
 * Gaussian's means and covariances, a mixture's components), or undefined for other families.
 */
export function emissionParameterCount(name: string, config: JsonValue, states: number, dimension: number): number | undefined {
  const record = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as { readonly [key: string]: JsonValue }) : {};
  if (name === 'gaussian') {
    const storage = covarianceStorage(record['covariance']);
    const covariances = storage === 'full' ? states * dimension * dimension : storage === 'tied' ? dimension * dimension : storage === 'diagonal' ? states * dimension : states;
    return states * dimension + covariances;
  }
  if (name === 'mixture') {
    const components = record['components'];
    const inner = record['inner'];
    if (typeof components !== 'number' || inner === null || typeof inner !== 'object' || Array.isArray(inner)) return undefined;
    const innerRecord = inner as { readonly [key: string]: JsonValue };
    const innerName = innerRecord['name'];
    const innerCount = typeof innerName === 'string' ? emissionParameterCount(innerName, innerRecord['config'] ?? null, states * components, dimension) : undefined;
    return innerCount === undefined ? undefined : innerCount + states * components;
  }
  return undefined;
}

/**
 * How a Gaussian family's covariances are stored: its config names an mclust model (VVV, EEE,
 * VVI, …) or an alias (full, tied, diagonal, spherical). An unreadable name counts as full, the
 * largest, so the check never lets a large shape through.
 */
function covarianceStorage(covariance: JsonValue | undefined): CovarianceType {
  try {
    return storageOf(resolveCovarianceModel(covariance));
  } catch {
    return 'full';
  }
}

/**
 * Gaussian (and Gaussian-mixture) emissions on D-dimensional rows: K·D² covariances for full
 * covariance, held in as many copies as a categorical table (parameters, factorisations,
 * statistics, the M-step's result, the best restart).
 */
export function checkEmissionDataMemory<C, X, FS extends Statistics, Prepared>(family: ComponentFamily<C, X, FS, Prepared>, states: number, dimension: number, budget: number): void {
  const count = emissionParameterCount(family.name, family.config, states, dimension);
  if (count === undefined) return;
  checkAllocation(
    float64Bytes(count, EMISSION_TABLE_COPIES),
    budget,
    `${family.name === 'mixture' ? 'Gaussian-mixture' : 'Gaussian'} emissions of ${states} states on ${dimension} columns (${count} parameters, ${EMISSION_TABLE_COPIES} working copies)`,
    'Use fewer columns (select or reduce them), a diagonal or spherical covariance, or fewer states / mixture components',
  );
}

/** Longest sequence of a Sequences-like container. */
export function longestSequence(lengths: ArrayLike<number>): number {
  let longest = 0;
  for (let s = 0; s < lengths.length; s++) if ((lengths[s] as number) > longest) longest = lengths[s] as number;
  return longest;
}

/**
 * Forward–backward storage of the longest sequence: T×K scaled densities and forward variables
 * (then posteriors), T scales and shifts; plus `outputRows` × K doubles of output (posteriors of
 * every step, or Viterbi back-pointers).
 */
export function checkSequenceMemory(longest: number, states: number, outputRows: number, outputCopies: number, budget: number, purpose: string): void {
  const workspace = float64Bytes(longest, 2 * states + 2);
  const output = float64Bytes(outputRows, states, outputCopies);
  checkAllocation(
    workspace + output,
    budget,
    `${purpose} with ${states} states on a longest sequence of ${longest} steps${outputRows > 0 ? ` (${outputRows} steps in all)` : ''}`,
    outputRows > longest
      ? 'Use fewer states, or fit / decode fewer sequences at a time'
      : 'Split the data into shorter sequences (lengths), or use fewer states',
  );
}

/**
 * Initial responsibilities: `rows` × K doubles from the emission initializer, `copies` of them
 * (2 when they are reordered along the chain). The forward–backward buffers come after them.
 */
export function checkResponsibilitiesMemory(rows: number, states: number, copies: number, budget: number): void {
  checkAllocation(
    float64Bytes(rows, states, copies),
    budget,
    `Initial emission responsibilities for ${rows} steps × ${states} states${copies > 1 ? ` (${copies} copies: reordered along the chain)` : ''}`,
    'Use fewer states, give init.emissions (then none are needed), or fit a subset of the sequences',
  );
}

/** A sampled sequence: `length` × `dimension` observations and `length` states. */
export function checkSampleMemory(length: number, dimension: number, budget: number): void {
  checkAllocation(float64Bytes(length, dimension) + 4 * length, budget, `Sampling ${length} steps of ${dimension} values`, 'Draw a shorter sequence (several calls with different seeds if needed)');
}
