import type { JsonValue, MStepContext, ParameterMap } from './contract.js';
import type { Random } from './random.js';
import type { Statistics } from './statistics/algebra.js';

/**
 * A component family: the per-component part of a latent-variable model. The finite mixture
 * (`createMixtureModel`) and the HMM use a family for everything that depends on the kind of
 * observation, so one Gaussian family serves the Gaussian mixture and the Gaussian HMM.
 *
 * C — the parameters of all K components together (so shared parameters such as a tied
 *     covariance fit naturally); X — a block of observations (rows); FS — statistics;
 * Prepared — whatever is worth computing once per E-step (Cholesky factors, log-probabilities).
 *
 * Hot paths (`logDensities`, `accumulate`) work on row ranges [start, end) and write into
 * caller-owned buffers: no per-observation allocation.
 */
export interface ComponentFamily<C, X, FS extends Statistics, Prepared = unknown> {
  /** Short name, e.g. "gaussian", "categorical". */
  readonly name: string;
  /** JSON-able options this family was built with (to rebuild it in a worker or from a file). */
  readonly config: JsonValue;

  /** K. */
  componentCount(components: C): number;
  /** Rows in X. */
  observationCount(x: X): number;
  /** Rows [start, end) as a view. */
  sliceObservations(x: X, start: number, end: number): X;
  /** Throws InvalidDataError naming row/column and remedy; checks compatibility with `components` when given. */
  validateData(x: X, components?: C): void;
  /** Throws InvalidParametersError naming the component and parameter. */
  validateComponents(components: C): void;

  /** Per-E-step precomputation. */
  prepare(components: C): Prepared;
  /** out[(i − start)·K + k] = log f_k(x_i) for i in [start, end). */
  logDensities(prepared: Prepared, x: X, start: number, end: number, out: Float64Array): void;

  /** Zero statistics for these components. */
  zeroStatistics(components: C): FS;
  /**
   * stats += Σ_i Σ_k w[(i − start)·K + k] · T_k(x_i): weighted sufficient statistics, in place.
   * Weights already include responsibilities and sample weights.
   */
  accumulate(prepared: Prepared, stats: FS, x: X, start: number, end: number, weights: Float64Array): void;
  /**
   * Optional component-major variants of `logDensities` and `accumulate`, for families whose
   * kernels work one component at a time: with rows = end − start,
   * out[k·rows + (i − start)] = log f_k(x_i), and the weights arrive as w[k·rows + (i − start)].
   * `out` may be longer than K·rows. A family implements both or neither; the finite mixture's E-step uses them, which saves
   * the strided writes and transposes of the row-major layout. Same values as the row-major pair.
   */
  logDensitiesByComponent?(prepared: Prepared, x: X, start: number, end: number, out: Float64Array): void;
  accumulateByComponent?(prepared: Prepared, stats: FS, x: X, start: number, end: number, weights: Float64Array): void;
  /**
   * Optional pair-list kernels for sparse E-steps (`estep: 'sparse'`): for the (observation,
   * component) pairs p in [from, to), out[p] = log f_{components[p]}(x_{rows[p]}). The sparse E-step
   * lists its active pairs in row order (rows ascending), so the data are read once, in order.
   * Without them a sparse E-step computes every component's density for the rows it needs
   * (correct, no faster than a full E-step). A family implements both or neither.
   */
  logDensitiesAtPairs?(prepared: Prepared, x: X, rows: Int32Array, components: Int32Array, from: number, to: number, out: Float64Array): void;
  /** stats += Σ_{p ∈ [from, to)} weights[p] · T_{components[p]}(x_{rows[p]}), in place (same statistics as `accumulate`). */
  accumulateAtPairs?(prepared: Prepared, stats: FS, x: X, rows: Int32Array, components: Int32Array, from: number, to: number, weights: Float64Array): void;
  /** argmax_C Σ_k E[log f_k] + log p(C) from the statistics. Pure. */
  maximize(stats: FS, previous: C, context: MStepContext): C;
  /** Σ_i Σ_k w_ik log f_k(x_i; C) from the statistics (up to a constant independent of C). */
  expectedLogDensity(components: C, stats: FS): number;
  /** log p(C) (0 without a prior). */
  logPrior(components: C): number;
  /** Free parameters that are actually fitted. */
  freeParameterCount(components: C): number;

  /** Initial components from the data, given per-row hard or soft assignments (n×K weights). */
  initializeFromWeights(x: X, weights: Float64Array, k: number, context: MStepContext): C;
  /**
   * Optional: the same components as `initializeFromWeights` given the one-hot weights of hard
   * `labels` (times `sampleWeights` when given), without forming those n×K weights.
   */
  initializeFromLabels?(x: X, labels: Int32Array, sampleWeights: Float64Array | undefined, k: number, context: MStepContext): C;
  /** Draws one observation from component k into `out` (length = sampleDimension). */
  sample(components: C, k: number, random: Random, out: Float64Array): void;
  /** Columns of a sampled observation. */
  sampleDimension(components: C): number;

  componentsToJSON(components: C): JsonValue;
  componentsFromJSON(json: JsonValue): C;
  /** SharedArrayBuffer copy of the data for worker threads (optional). */
  shareData?(x: X): X;
  /**
   * True when every component's density is positive at every observation `validateData` accepts
   * (Gaussians): a log-density of −∞ can then only be an overflow (the row lies too far from the
   * component for double precision), never an impossible observation, and the mixture reports such
   * a row as a NumericalError instead of an ImpossibleObservationError.
   */
  readonly positiveDensities?: boolean;
  /**
   * The components ↔ ℝ^p (optional): with it, mixtures and HMMs over this family can be fitted
   * with `acceleration: 'squarem'`; see ParameterMap and the helpers in unconstrained/coordinates.ts.
   */
  readonly parameterMap?: ParameterMap<C>;
}

/** Component type of a family. */
export type ComponentsOf<F> = F extends ComponentFamily<infer C, infer _X, infer _S, infer _P> ? C : never;
export type ObservationsOf<F> = F extends ComponentFamily<infer _C, infer X, infer _S, infer _P> ? X : never;
