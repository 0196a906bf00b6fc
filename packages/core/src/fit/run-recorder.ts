import type { EmModel, EStepResult, FitEvent, MStepContext } from '../contract.js';
import { InvalidOptionsError, NumericalError } from '../errors.js';
import type { Statistics } from '../statistics/algebra.js';
import { accumulateInto, cloneStatistics } from '../statistics/algebra.js';
import { DEFAULT_FIT_SETTINGS, MAX_ITERATIONS } from './defaults.js';
import { DefaultConvergenceMonitor, type ConvergenceMonitor, type StopReason } from './monitor.js';
import { now, type Acceleration, type EStepKind, type FitOptions } from './types.js';

/**
 * The fit loops are generators that *ask* for E-steps (parameters + which chunks) and receive
 * the per-chunk results. One loop thus serves both the synchronous in-process driver and the
 * asynchronous (worker) driver, with no copy of the algorithm.
 */
export interface EStepRequest<P> {
  readonly parameters: P;
  /** Indices into the chunk array. */
  readonly chunks: readonly number[];
  /**
   * A trial point (an extrapolation): the loop handles an EmError of its E-step itself. Drivers
   * pass any E-step error to the loop with `loop.throw(error)`; loops that cannot handle it rethrow.
   */
  readonly trial?: boolean;
}

export type EmLoop<P, S extends Statistics> = Generator<EStepRequest<P>, SingleRun<P>, EStepResult<S>[]>;

/** Outcome of one run (one initialisation). */
export interface SingleRun<P> {
  readonly parameters: P;
  readonly logLikelihood: number;
  readonly logPrior: number;
  readonly history: number[];
  readonly logLikelihoodHistory: number[];
  readonly iterations: number;
  readonly stopReason: StopReason;
  readonly iterationSeconds: number[];
  readonly toleranceRule: string;
  /** Passes over the data (E-steps on every chunk, trial points included). */
  readonly eSteps: number;
  /** historyESteps[t]: eSteps when history[t] was reached. */
  readonly historyESteps: number[];
  /** The scheme that ran. */
  readonly acceleration: Acceleration;
  /** The E-step that ran ('sparse': history holds free energies between full E-steps). */
  readonly estep: EStepKind;
}

/** Sum of per-chunk E-step results (statistics added, log-likelihoods summed). */
export function reduceEStepResults<S extends Statistics>(results: readonly EStepResult<S>[]): EStepResult<S> {
  if (results.length === 0) throw new InvalidOptionsError('No data chunks to run the E-step on.', 'Pass at least one chunk.');
  if (results.length === 1) return results[0] as EStepResult<S>;
  let statistics = cloneStatistics((results[0] as EStepResult<S>).statistics);
  let logLikelihood = (results[0] as EStepResult<S>).logLikelihood;
  for (let i = 1; i < results.length; i++) {
    const r = results[i] as EStepResult<S>;
    statistics = accumulateInto(statistics, r.statistics);
    logLikelihood += r.logLikelihood;
  }
  return { statistics, logLikelihood };
}

/** What a fit loop needs from the options, resolved. */
export interface LoopSettings<P> {
  /** Most M-steps the loop may take before it stops with `maxIterations`. */
  readonly maxIterations: number;
  /** Records the objective after each step and decides when the run has converged. */
  readonly monitor: ConvergenceMonitor;
  /** Aborts the run between steps (an `AbortedError`). */
  readonly signal: AbortSignal | undefined;
  /** The caller's per-iteration callback, from the fit options. */
  readonly onIteration: FitOptions<P>['onIteration'];
  /** Sends fit events (iterations, warnings) to the caller. */
  readonly emit: (event: FitEvent) => void;
  /** Which restart this loop is (0 for the first). */
  readonly run: number;
}

/**
 * A fit loop's settings from the fit options: validates maxIterations and tolerance (InvalidOptionsError),
 * builds the convergence monitor for `observations` observations. Exported for fit drivers outside core
 * (e.g. the HMM's streamed fit over blocks of sequences).
 */
export function settingsFrom<P>(options: FitOptions<P>, observations: number, emit: (event: FitEvent) => void, run: number): LoopSettings<P> {
  const maxIterations = options.maxIterations ?? DEFAULT_FIT_SETTINGS.maxIterations;
  if (!Number.isInteger(maxIterations) || maxIterations < 0 || maxIterations > MAX_ITERATIONS) {
    throw new InvalidOptionsError(`maxIterations must be an integer in [0, ${MAX_ITERATIONS}]; got ${String(maxIterations)}.`, `Pass e.g. { maxIterations: ${DEFAULT_FIT_SETTINGS.maxIterations} }.`, {
      option: 'maxIterations',
    });
  }
  const tolerance = options.tolerance ?? DEFAULT_FIT_SETTINGS.tolerance;
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new InvalidOptionsError(`tolerance must be a finite number ≥ 0; got ${String(tolerance)}.`, `Pass e.g. { tolerance: ${DEFAULT_FIT_SETTINGS.tolerance} }, or 0 to run exactly maxIterations.`, {
      option: 'tolerance',
    });
  }
  const monitor =
    options.monitor?.() ??
    new DefaultConvergenceMonitor({
      tolerance,
      rule: options.toleranceRule ?? DEFAULT_FIT_SETTINGS.toleranceRule,
      observations,
      onDecrease: options.stopOnDecrease === true ? 'stop' : 'report',
    });
  monitor.reset();
  return { maxIterations, monitor, signal: options.signal, onIteration: options.onIteration, emit, run };
}

/**
 * Every fit loop's guard: an objective of NaN, +Infinity or −Infinity is a NumericalError, never
 * a recorded value (+Infinity would pass as a "converged" fit, NaN compares false everywhere).
 * `where` names the step, e.g. "iteration 3" or "batch 2".
 */
export function assertFiniteObjective(logLikelihood: number, logPrior: number, where: string, details: { readonly [key: string]: number }): void {
  if (Number.isFinite(logLikelihood) && Number.isFinite(logPrior)) return;
  const part = Number.isFinite(logLikelihood) ? `log-prior became ${logPrior}` : `log-likelihood became ${logLikelihood}`;
  const cause =
    logLikelihood === Number.POSITIVE_INFINITY || logPrior === Number.POSITIVE_INFINITY
      ? ' (an unbounded density: typically a component collapsed onto a point, e.g. a zero variance without a prior)'
      : logLikelihood === Number.NEGATIVE_INFINITY
        ? ' (an observation has probability zero under the parameters)'
        : '';
  throw new NumericalError(
    `The ${part} at ${where}${cause}: the fit cannot report a meaningful result.`,
    'Add regularisation (a prior), rescale the data, or use fewer components; if the data and parameters are sound, please report it with the data and seed.',
    { ...details, logLikelihood: String(logLikelihood), logPrior: String(logPrior) },
  );
}

/**
 * The bookkeeping both loops share: record the objective at θ_t, time the iteration, report
 * events and progress, and decide whether to stop.
 */
export class RunRecorder<P, D, S extends Statistics> {
  private readonly logLikelihoodHistory: number[] = [];
  private readonly iterationSeconds: number[] = [];
  private readonly historyESteps: number[] = [];
  private started = now();
  private chunkEvaluations = 0;

  constructor(
    private readonly model: EmModel<P, D, S>,
    private readonly settings: LoopSettings<P>,
  ) {}

  /** Counts an E-step request on `chunks` of `chunkCount` chunks (a whole pass when all of them). */
  countPass(chunks: number, chunkCount: number): void {
    this.chunkEvaluations += chunks / chunkCount;
  }

  /** Passes over the data so far. */
  get eSteps(): number {
    return this.chunkEvaluations;
  }

  /**
   * Whether the last entry met the tolerance rule where convergence could not be declared (sparse
   * EM: a plateau; the caller then runs full E-steps until it can be).
   */
  plateau = false;

  /**
   * Records the evaluation of θ_iteration; returns why to stop, or undefined to go on. With
   * `freeEnergy` (sparse EM between full E-steps), `value` is the free energy F(q, θ) without the
   * log-prior rather than the log-likelihood: it enters `history` (plus the log-prior) and the
   * log-likelihood history gets NaN. Without `mayConverge` the tolerance rule never declares
   * convergence (it sets `plateau` instead).
   */
  record(iteration: number, parameters: P, value: number, freeEnergy = false, mayConverge = !freeEnergy): StopReason | undefined {
    const { monitor, emit } = this.settings;
    const logPrior = this.model.logPrior(parameters);
    assertFiniteObjective(value, logPrior, `iteration ${iteration}`, { iteration, run: this.settings.run });
    const objective = value + logPrior;
    const logLikelihood = freeEnergy ? Number.NaN : value;
    this.logLikelihoodHistory.push(logLikelihood);
    this.historyESteps.push(this.chunkEvaluations);
    const decision = monitor.record(objective);
    if (iteration > 0) this.iterationSeconds.push(now() - this.started);
    if (decision.event !== undefined) emit(decision.event);
    const history = monitor.history;
    this.settings.onIteration?.({
      iteration,
      parameters,
      logLikelihood,
      objective,
      change: iteration === 0 ? Number.NaN : objective - (history[history.length - 2] as number),
      run: this.settings.run,
    });
    this.plateau = !mayConverge && decision.stop && decision.reason === 'converged';
    if (iteration > 0 && decision.stop && !this.plateau) return decision.reason ?? 'converged';
    if (iteration >= this.settings.maxIterations) return 'maxIterations';
    if (this.settings.signal?.aborted === true) return 'aborted';
    this.started = now();
    return undefined;
  }

  context(iteration: number): MStepContext {
    return { iteration, report: this.settings.emit };
  }

  finish(parameters: P, logLikelihood: number, stopReason: StopReason, acceleration: Acceleration = 'none', estep: EStepKind = 'full'): SingleRun<P> {
    const monitor = this.settings.monitor;
    return {
      parameters,
      logLikelihood,
      logPrior: this.model.logPrior(parameters),
      history: [...monitor.history],
      logLikelihoodHistory: this.logLikelihoodHistory,
      iterations: monitor.history.length - 1,
      stopReason,
      iterationSeconds: this.iterationSeconds,
      toleranceRule: monitor.describe(),
      eSteps: this.chunkEvaluations,
      historyESteps: this.historyESteps,
      acceleration,
      estep,
    };
  }
}

