import type { Random } from './random.js';
import type { Statistics } from './statistics/algebra.js';

/** Any JSON value (what `toJSON` of parameters produces). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What an E-step returns: sums over the data it was given, so results from chunks add up. */
export interface EStepResult<S extends Statistics> {
  /** Expected sufficient statistics under p(z | x; θ_t), summed over the observations. */
  readonly statistics: S;
  /** log p(x; θ_t), summed over the observations (natural log, weighted by sample weights if any). */
  readonly logLikelihood: number;
}

/** Structured events a fit reports (also collected in the fit result). */
export type FitEvent =
  | {
      readonly type: 'objective-decreased';
      readonly iteration: number;
      readonly previous: number;
      readonly current: number;
      /** previous − current (> 0). */
      readonly drop: number;
      /** The round-off allowance the drop exceeded. */
      readonly tolerance: number;
    }
  | {
      readonly type: 'degenerate-component';
      readonly iteration: number;
      /** Index of the component or state. */
      readonly component: number;
      readonly reason: 'vanishing-weight' | 'collapsing-variance' | 'empty-state' | 'singular-covariance';
      readonly message: string;
      /** What the model did about it. */
      readonly action: 'kept-previous' | 'continued' | 'stopped';
    }
  | {
      readonly type: 'restart-failed';
      readonly run: number;
      readonly message: string;
    };

/** Passed to the M-step so a model can report degeneracies (collapsing components…) as events. */
export interface MStepContext {
  readonly iteration: number;
  report(event: FitEvent): void;
}

/** A context that ignores reports, for direct calls outside a fit loop. */
export const silentContext: MStepContext = { iteration: 0, report: () => undefined };

/**
 * JSON-able recipe for rebuilding a model elsewhere (a worker thread, a saved file):
 * `kind` names the factory, `options` its arguments.
 */
export interface ModelConfig {
  readonly kind: string;
  readonly options: JsonValue;
}

/**
 * A one-to-one map between a model's parameters and ℝ^p (p = `toUnconstrained(θ).length`), for
 * extrapolation methods such as SQUAREM that add and scale parameter vectors: any point of ℝ^p maps
 * back to valid parameters (simplices through log-ratios, covariances through log-Cholesky factors,
 * variances and rates through logs). `template` supplies what the vector does not hold: shapes,
 * frozen parameters and structural zeros (an entry that is exactly 0 in the template stays 0).
 * fromUnconstrained(toUnconstrained(θ, θ), θ) = θ up to round-off.
 *
 * Some parameters have no global chart: an orthogonal orientation (mclust's constrained Gaussian
 * models) is mapped by a Cayley map around a reference rotation, and an eigen-decomposition's column
 * order and signs are only fixed relative to a reference. Such maps are local, centred at a
 * reference point θ_ref: `toUnconstrained(θ, θ_ref)` gives θ's coordinates in the chart centred at
 * θ_ref (θ_ref itself maps to 0 in those coordinates), and `fromUnconstrained(u, θ_ref)` reads them
 * back in the same chart — the template is the reference. A caller that combines several points
 * (SQUAREM's θ₀, θ₁, θ₂) passes the same reference to every call, the template it will read the
 * result with. Maps with a global chart ignore `reference`; without it a local map centres at θ.
 */
export interface ParameterMap<P> {
  /** θ's coordinates in the chart centred at `reference` (default: θ itself); see the interface. */
  toUnconstrained(params: P, reference?: P): Float64Array;
  /**
   * The parameters at `vector` in the chart centred at `template` (which also supplies shapes,
   * frozen parameters and structural zeros). Throws InvalidParametersError when the point lies
   * outside what doubles can represent (overflow).
   */
  fromUnconstrained(vector: Float64Array, template: P): P;
}

/**
 * One chunk's sparse E-steps (Neal & Hinton 1998, the sparse variant), for `estep: 'sparse'`:
 * `full` computes the posterior q at θ for every observation and picks each one's active set,
 * the components whose responsibility is at least the threshold (the others are frozen at their
 * current values); `sparse` updates q only on the active sets, renormalised to the active mass
 * they held at the last `full`. The object owns the per-observation state (typed arrays, reused).
 */
export interface SparseEStepper<P, S extends Statistics> {
  /** Full E-step at θ: posterior responsibilities, new active sets, frozen terms. */
  full(params: P): SparseFullEStep<S>;
  /** Sparse E-step at θ (after at least one `full`): active responsibilities only. */
  sparse(params: P): SparseEStep<S>;
}

/** What a full E-step of a sparse fit returns (sums over the chunk). */
export interface SparseFullEStep<S extends Statistics> {
  /** Statistics of every (observation, component) pair under the posterior: the plain E-step's. */
  readonly statistics: S;
  /** The part of `statistics` from the frozen pairs (responsibility below the threshold). */
  readonly frozenStatistics: S;
  /** log p(x; θ), as the plain E-step's. */
  readonly logLikelihood: number;
  /** Σ over frozen pairs of w_i q_ik log(π_k f_k(x_i; θ)). */
  readonly frozenEnergy: number;
  /** −Σ over frozen pairs of w_i q_ik log q_ik (constant until the next full E-step). */
  readonly frozenEntropy: number;
  /** Active (observation, component) pairs chosen. */
  readonly activePairs: number;
  /** All pairs: observations × K. */
  readonly pairs: number;
}

/** What a sparse E-step returns (sums over the chunk). */
export interface SparseEStep<S extends Statistics> {
  /** Statistics of the active pairs only (the frozen ones are the last full E-step's frozenStatistics). */
  readonly statistics: S;
  /**
   * The active pairs' part of the free energy, Σ_i w_i a_i (log Σ_{k∈A_i} π_k f_k(x_i; θ) − log a_i),
   * a_i the active mass of observation i (q at its optimum over the active set).
   */
  readonly activeFreeEnergy: number;
  /** Active pairs the step touched. */
  readonly activePairs: number;
  /** All pairs: observations × K. */
  readonly pairs: number;
}

/**
 * The EM contract. Every model in `@em` implements exactly this; the fit loops, the parallel
 * executor and the conformance kit use nothing else.
 *
 * P — parameters θ (immutable values); D — data (a chunk of observations); S — statistics.
 */
export interface EmModel<P, D, S extends Statistics> {
  readonly config: ModelConfig;

  /** E-step: expected sufficient statistics and log-likelihood at θ, both as sums over `data`. */
  eStep(params: P, data: D): EStepResult<S>;
  /** Statistics of zero observations, shaped for θ (the identity of `add`). */
  zeroStatistics(params: P): S;
  /**
   * M-step: argmax_θ Q(θ | θ_t) + log p(θ) given the statistics. Pure: must not mutate its inputs.
   * `previous` supplies frozen parameters and a fallback for components that received no mass.
   */
  mStep(statistics: S, previous: P, context?: MStepContext): P;
  /**
   * Q(θ | θ_t) evaluated from the statistics gathered at θ_t, up to a constant that does not
   * depend on θ. It is what the M-step maximises (together with `logPrior`).
   */
  qFunction(params: P, statistics: S): number;
  /** log p(θ) (natural log; 0 for plain maximum likelihood). */
  logPrior(params: P): number;
  /** log p(data; θ), summed over observations. */
  logLikelihood(params: P, data: D): number;
  /** Throws InvalidParametersError naming the parameter and the fix. */
  validateParameters(params: P): void;
  /** Throws InvalidDataError naming the row/column and the fix (checks against θ when given). */
  validateData(data: D, params?: P): void;
  /** Number of free parameters actually fitted (frozen parameters excluded), for BIC/AIC. */
  freeParameterCount(params: P): number;
  /** Number of observations in `data` (the n of BIC; time steps for sequence models). */
  observationCount(data: D): number;
  /** Splits data into at most `parts` chunks whose statistics add up to the whole. */
  splitData(data: D, parts: number): D[];
  /** Initial parameters from the data (the model's configured initialisation), seeded. */
  initialize(data: D, random: Random): P;
  parametersToJSON(params: P): JsonValue;
  parametersFromJSON(json: JsonValue): P;
  /** Copies data onto SharedArrayBuffers so worker threads read it without copying (optional). */
  shareData?(data: D): D;
  /**
   * Sparse E-steps over `data` (optional; finite mixtures provide it): with it, `estep: 'sparse'`
   * runs Neal–Hinton sparse EM. `threshold` ∈ [0, 1) picks the active sets (0: every component).
   */
  createSparseEStepper?(data: D, threshold: number): SparseEStepper<P, S>;
  /** Parameters ↔ ℝ^p, for accelerated fits (optional: without it `acceleration: 'squarem'` runs plain EM and says so). */
  readonly parameterMap?: ParameterMap<P>;
}

/** Parameter, data and statistics types of a model. */
export type ParametersOf<M> = M extends EmModel<infer P, unknown, infer _S> ? P : never;
export type DataOf<M> = M extends EmModel<infer _P, infer D, infer _S> ? D : never;
export type StatisticsOf<M> = M extends EmModel<infer _P, unknown, infer S> ? S : never;

/** The quantity EM never decreases: log-likelihood + log-prior. */
export function objectiveOf<P, D, S extends Statistics>(model: EmModel<P, D, S>, params: P, logLikelihood: number): number {
  return logLikelihood + model.logPrior(params);
}
