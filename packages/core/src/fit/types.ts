import type { FitEvent } from '../contract.js';
import type { Random } from '../random.js';
import type { ConvergenceMonitor, StopReason, ToleranceRule } from './monitor.js';

/** What `onIteration` receives after each E-step (iteration 0 is the evaluation of θ_0). */
export interface IterationInfo<P> {
  readonly iteration: number;
  readonly parameters: P;
  /** log p(x; θ); NaN after a sparse E-step (`estep: 'sparse'`), where only the free energy is known. */
  readonly logLikelihood: number;
  /** log-likelihood + log-prior; after a sparse E-step, the free energy F(q, θ) + log-prior. */
  readonly objective: number;
  /** objective − previous objective (NaN at iteration 0). */
  readonly change: number;
  /** Restart index (0-based). */
  readonly run: number;
}

/**
 * How EM steps are taken: 'none' (plain EM) or 'squarem' (Varadhan & Roland's squared
 * extrapolation, scheme S3, with the monotone safeguard; needs the model's parameterMap).
 */
export type Acceleration = 'none' | 'squarem';

/**
 * Which E-step the fit runs: 'full' (every observation × every component, the default) or
 * 'sparse' (Neal & Hinton's sparse EM for mixtures: between periodic full E-steps, each
 * observation's responsibilities are updated only on its active components; see sparse-em.ts).
 */
export type EStepKind = 'full' | 'sparse';

/** Options shared by every fit loop. */
export interface FitOptions<P> {
  /** Maximum number of M-steps (default DEFAULT_FIT_SETTINGS.maxIterations, 10 000). 0 only evaluates the initial parameters. */
  readonly maxIterations?: number;
  /** Convergence tolerance (default DEFAULT_FIT_SETTINGS.tolerance, 1e-10), applied by `toleranceRule`. 0 runs exactly maxIterations. */
  readonly tolerance?: number;
  /**
   * Default 'relative' (|Δ objective| / max(1, |objective|) < tolerance); see ToleranceRule.
   * scikit-learn's convention is `{ toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 }`.
   */
  readonly toleranceRule?: ToleranceRule;
  /** Replace the default convergence monitor (tolerance options are then ignored). */
  readonly monitor?: () => ConvergenceMonitor;
  /** Warm start: begin from these parameters instead of the model's initialisation. */
  readonly initialParameters?: P;
  /** Restarts from independent initialisations (default 1); the best final objective wins. */
  readonly nInit?: number;
  /** Seed of the portable random generator used for every random choice (default 0; an integer, else InvalidOptionsError). */
  readonly seed?: number;
  /** Or pass a generator directly (takes precedence over seed). */
  readonly random?: Random;
  /** Split the data into this many chunks (default 1 in process, the executor's concurrency otherwise). */
  readonly chunks?: number;
  readonly onIteration?: (info: IterationInfo<P>) => void;
  /** Structured events (objective decreased, degenerate component…). Without a handler, decreases are console.warn-ed. */
  readonly onEvent?: (event: FitEvent) => void;
  readonly signal?: AbortSignal;
  /** Stop with `objectiveDecreased` instead of reporting and continuing (default false). */
  readonly stopOnDecrease?: boolean;
  /**
   * 'squarem' extrapolates from two EM steps at a time (SQUAREM, see squarem.ts) and keeps the
   * extrapolated point only when it raises the objective; default 'none'. A model without a
   * parameterMap runs plain EM and says so in `accelerationNote`. `maxIterations` then counts
   * accepted steps (each up to three passes over the data; see `eSteps`).
   */
  readonly acceleration?: Acceleration;
  /**
   * 'sparse' runs Neal–Hinton sparse EM (models with `createSparseEStepper`: the finite mixtures);
   * default 'full'. `history` then holds the free energy F(q, θ) + log-prior, which never
   * decreases, and `logLikelihoodHistory` the log-likelihood at full E-steps only (NaN between);
   * see FitResult. Convergence is declared only on a plain EM step (a full E-step after a full
   * E-step), by the same tolerance rule as full EM. Refused (InvalidOptionsError) with `acceleration: 'squarem'`, incremental EM and
   * an executor.
   */
  readonly estep?: EStepKind;
  /**
   * Sparse EM: a full E-step every this many iterations (default DEFAULT_SPARSE_SETTINGS.fullEStepEvery);
   * also whenever the free energy stalls (the tolerance rule met between full E-steps) and at the
   * last iteration. 1 makes every E-step full. Ignored with `estep: 'full'`.
   */
  readonly fullEStepEvery?: number;
  /**
   * Sparse EM: a component stays active for an observation when its responsibility at the last
   * full E-step is at least this (default DEFAULT_SPARSE_SETTINGS.sparseThreshold); in [0, 1), 0
   * keeps every component active (then sparse EM takes full EM's steps). Ignored with `estep: 'full'`.
   */
  readonly sparseThreshold?: number;
}

/** Summary of one restart. */
export interface RunSummary {
  readonly run: number;
  readonly objective: number;
  readonly logLikelihood: number;
  readonly iterations: number;
  /** Passes over the data. */
  readonly eSteps: number;
  readonly converged: boolean;
  readonly stopReason: StopReason | 'failed';
  readonly error?: string;
}

/** Result of a fit. */
export interface FitResult<P> {
  readonly parameters: P;
  /** log p(data; θ_n), total, natural log, at the returned parameters. */
  readonly logLikelihood: number;
  readonly logPrior: number;
  /** logLikelihood + logPrior (what EM never decreases). */
  readonly objective: number;
  /**
   * Objective at θ_0 … θ_n of the returned run (`bestRun`): n iterations give n + 1 entries, one per
   * accepted step, never decreasing beyond round-off. With `estep: 'sparse'`, the entries reached by
   * a sparse E-step hold Neal and Hinton's free energy F(q, θ) = E_q[log p(x, z | θ)] + H(q) plus the
   * log-prior (a lower bound on the objective, equal to it at a full E-step, where q is the
   * posterior); it is F that never decreases, not the log-likelihood.
   */
  readonly history: readonly number[];
  /**
   * Log-likelihood at θ_0 … θ_n of the same run: as long as `history`, entry by entry `history` minus
   * the log-prior. With `estep: 'sparse'`, NaN (null in JSON) at the entries reached by a sparse
   * E-step: the log-likelihood is computed at full E-steps only.
   */
  readonly logLikelihoodHistory: readonly number[];
  /** Accepted steps: history.length − 1 (plain EM: M-steps performed; SQUAREM: cycles). */
  readonly iterations: number;
  /**
   * Passes over the data (E-steps over every chunk), every one counted: plain batch EM makes
   * iterations + 1, SQUAREM up to three per cycle including the evaluation of an extrapolated point
   * it then rejects. Incremental EM counts a chunk's E-step as 1/chunks of a pass. Sparse EM counts
   * a full E-step as 1 and a sparse one as the fraction of the N·K (observation, component) pairs
   * it touched (active pairs / N·K), plus 1 when a run that ended on a sparse step needs its
   * log-likelihood evaluated.
   */
  readonly eSteps: number;
  /** historyESteps[t] is the number of passes over the data after which history[t] was reached. */
  readonly historyESteps: readonly number[];
  /** The scheme that ran ('none' also when 'squarem' was asked for but was not available). */
  readonly acceleration: Acceleration;
  /** Why an asked-for acceleration did not run (absent otherwise). */
  readonly accelerationNote?: string;
  /** The E-step that ran: 'sparse' when asked for (see `history`), else 'full'. */
  readonly estep: EStepKind;
  readonly converged: boolean;
  /** Why the returned run stopped; `aborted` whenever the signal fired, whichever run is returned. */
  readonly stopReason: StopReason;
  readonly toleranceRule: string;
  readonly events: readonly FitEvent[];
  /** Wall-clock seconds of each iteration (E-step + M-step). */
  readonly iterationSeconds: readonly number[];
  /** Median of iterationSeconds (NaN when no iteration ran). */
  readonly secondsPerIteration: number;
  /** Observations n (sum of sample weights where weighted). */
  readonly observations: number;
  readonly freeParameters: number;
  /** −2·logL + p·ln n (lower is better, as scikit-learn and hmmlearn). */
  readonly bic: number;
  /** −2·logL + 2p (lower is better). */
  readonly aic: number;
  /** Every restart, in order (length nInit; fewer when the signal aborted the fit before the last restart began). */
  readonly runs: readonly RunSummary[];
  /** Which restart produced these parameters. */
  readonly bestRun: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() / 1000 : Date.now() / 1000;
}
