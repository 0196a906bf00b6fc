import type { EmModel, EStepResult, FitEvent } from '../contract.js';
import { DegenerateModelError, EmError, InvalidDataError, InvalidOptionsError } from '../errors.js';
import { aic, bic } from '../model-selection.js';
import { assertSeed, Random } from '../random.js';
import type { Statistics } from '../statistics/algebra.js';
import { cloneStatistics } from '../statistics/algebra.js';
import type { StopReason } from './monitor.js';
import { reduceEStepResults, RunRecorder, settingsFrom, assertFiniteObjective, type EmLoop, type LoopSettings, type SingleRun } from './run-recorder.js';
import { MAX_RESTARTS } from './defaults.js';
import { squaremLoop } from './squarem.js';
import { noSparseEStep, resolveEStepKind, resolveSparseSettings, sparseLoop } from './sparse-em.js';
import { median, type Acceleration, type FitOptions, type FitResult, type RunSummary } from './types.js';

export { assertFiniteObjective, reduceEStepResults, type EmLoop, type EStepRequest, type LoopSettings, type SingleRun, settingsFrom } from './run-recorder.js';

/** Batch EM over all chunks: θ_{t+1} = M(Σ_chunks E(θ_t)). */
export function* batchLoop<P, D, S extends Statistics>(
  model: EmModel<P, D, S>,
  chunkCount: number,
  initial: P,
  settings: LoopSettings<P>,
): EmLoop<P, S> {
  const all = Array.from({ length: chunkCount }, (_, i) => i);
  const recorder = new RunRecorder(model, settings);
  let parameters = initial;
  recorder.countPass(chunkCount, chunkCount);
  let current = reduceEStepResults(yield { parameters, chunks: all });
  for (let iteration = 0; ; iteration++) {
    const stop = recorder.record(iteration, parameters, current.logLikelihood);
    if (stop !== undefined) return recorder.finish(parameters, current.logLikelihood, stop);
    parameters = model.mStep(current.statistics, parameters, recorder.context(iteration + 1));
    recorder.countPass(chunkCount, chunkCount);
    current = reduceEStepResults(yield { parameters, chunks: all });
  }
}

/**
 * Incremental EM (Neal & Hinton 1998): keep each chunk's statistics; each step revisits one
 * chunk, swaps its old statistics for new ones, and re-maximises. One iteration = one pass
 * over all chunks. The objective recorded per pass is evaluated exactly at the pass's final
 * parameters (one extra full E-step per pass, which also refreshes every chunk's statistics).
 */
export function* incrementalLoop<P, D, S extends Statistics>(
  model: EmModel<P, D, S>,
  chunkCount: number,
  initial: P,
  settings: LoopSettings<P>,
): EmLoop<P, S> {
  const all = Array.from({ length: chunkCount }, (_, i) => i);
  const recorder = new RunRecorder(model, settings);
  let parameters = initial;
  recorder.countPass(chunkCount, chunkCount);
  let perChunk = yield { parameters, chunks: all };
  let total = reduceEStepResults(perChunk);
  for (let iteration = 0; ; iteration++) {
    const stop = recorder.record(iteration, parameters, total.logLikelihood);
    if (stop !== undefined) return recorder.finish(parameters, total.logLikelihood, stop);
    const context = recorder.context(iteration + 1);
    let statistics = cloneStatistics(total.statistics);
    for (let c = 0; c < chunkCount; c++) {
      parameters = model.mStep(statistics, parameters, context);
      if (chunkCount === 1) break; // one chunk: exactly batch EM
      recorder.countPass(1, chunkCount);
      const [fresh] = yield { parameters, chunks: [c] };
      // A chunk's statistics feed the next M-step before any full E-step is recorded: check them here.
      assertFiniteObjective((fresh as EStepResult<S>).logLikelihood, 0, `iteration ${iteration + 1}, chunk ${c}`, { iteration: iteration + 1, chunk: c });
      perChunk = perChunk.map((r, i) => (i === c ? (fresh as EStepResult<S>) : r));
      // Re-sum the chunks rather than "total − old + new": the subtraction leaves round-off
      // (−1e-17 where a sum of non-negative terms is exactly 0) that becomes NaN under a log.
      statistics = reduceEStepResults(perChunk).statistics;
    }
    if (chunkCount > 1) parameters = model.mStep(statistics, parameters, context);
    recorder.countPass(chunkCount, chunkCount);
    perChunk = yield { parameters, chunks: all };
    total = reduceEStepResults(perChunk);
  }
}

export type LoopKind = 'batch' | 'incremental';

/** Everything a driver needs: chunks, and a way to make the loop for each restart. */
export interface FitPlan<P, D, S extends Statistics> {
  readonly model: EmModel<P, D, S>;
  readonly chunks: readonly D[];
  readonly observations: number;
  readonly nInit: number;
  readonly events: FitEvent[];
  readonly randoms: readonly Random[];
  /** Why `acceleration: 'squarem'` was asked for but plain EM runs (undefined otherwise). */
  readonly accelerationNote: string | undefined;
  makeLoop(run: number, initial: P): EmLoop<P, S>;
  initial(run: number): P;
}

export function planFit<P, D, S extends Statistics>(
  model: EmModel<P, D, S>,
  data: D,
  options: FitOptions<P>,
  kind: LoopKind,
  defaultChunks: number,
): FitPlan<P, D, S> {
  const nInit = options.nInit ?? 1;
  if (!Number.isInteger(nInit) || nInit < 1 || nInit > MAX_RESTARTS) {
    throw new InvalidOptionsError(`nInit must be an integer in [1, ${MAX_RESTARTS}]; got ${String(nInit)}.`, 'Pass the number of restarts, e.g. { nInit: 5 }.', { option: 'nInit' });
  }
  const chunkCount = options.chunks ?? defaultChunks;
  if (!Number.isInteger(chunkCount) || chunkCount < 1) {
    throw new InvalidOptionsError(`chunks must be an integer ≥ 1; got ${String(chunkCount)}.`, 'Pass e.g. { chunks: 4 }.', { option: 'chunks' });
  }
  if (options.random === undefined && options.seed !== undefined) assertSeed(options.seed);
  const acceleration = resolveAcceleration(options.acceleration);
  const accelerationNote =
    acceleration === 'none'
      ? undefined
      : model.parameterMap === undefined
        ? `acceleration 'squarem' needs the model's parameterMap (parameters ↔ ℝ^p), which ${model.config.kind} does not provide: plain EM ran.`
        : kind === 'incremental'
          ? "acceleration 'squarem' applies to batch EM; incremental EM ran without it."
          : undefined;
  const accelerate = acceleration === 'squarem' && accelerationNote === undefined;
  const sparseSettings = resolveSparseSettings(options);
  const sparse = resolveEStepKind(options.estep) === 'sparse';
  if (sparse) {
    if (model.createSparseEStepper === undefined) throw noSparseEStep(model.config.kind);
    if (acceleration === 'squarem') {
      throw new InvalidOptionsError(
        "estep 'sparse' and acceleration 'squarem' do not combine: SQUAREM extrapolates the parameters between E-steps, which would move them away from the frozen responsibilities that make the sparse steps monotone.",
        "Choose one: { estep: 'sparse' } (many components, well-separated data) or { acceleration: 'squarem' } (slow, overlapping fits).",
        { option: 'estep' },
      );
    }
    if (kind === 'incremental') {
      throw new InvalidOptionsError("estep 'sparse' runs batch EM; incremental EM cannot use it.", "Use fitEm with { estep: 'sparse' }, or fitEmIncremental with full E-steps.", { option: 'estep' });
    }
  }
  // Parameters first: validateData may read them (e.g. to check the dimension).
  if (options.initialParameters !== undefined) model.validateParameters(options.initialParameters);
  model.validateData(data, options.initialParameters);
  const chunks = model.splitData(data, chunkCount);
  const observations = model.observationCount(data);
  const events: FitEvent[] = [];
  const emit = eventRecorder(events, options.onEvent, '@em/core');
  const root = options.random ?? new Random(options.seed ?? 0);
  const randoms = Array.from({ length: nInit }, () => root.fork());
  return {
    model,
    chunks,
    observations,
    nInit,
    events,
    randoms,
    accelerationNote,
    initial(run) {
      if (run === 0 && options.initialParameters !== undefined) return options.initialParameters;
      const parameters = model.initialize(data, randoms[run] as Random);
      model.validateParameters(parameters);
      return parameters;
    },
    makeLoop(run, initial) {
      const settings = settingsFrom(options, observations, emit, run);
      if (sparse) return sparseLoop(model, chunks, initial, settings, sparseSettings);
      if (accelerate) return squaremLoop(model, chunks.length, initial, settings);
      return kind === 'batch' ? batchLoop(model, chunks.length, initial, settings) : incrementalLoop(model, chunks.length, initial, settings);
    },
  };
}

/** Checks the `acceleration` option (default 'none'). */
export function resolveAcceleration(value: unknown): Acceleration {
  if (value === undefined) return 'none';
  if (value === 'none' || value === 'squarem') return value;
  throw new InvalidOptionsError(`acceleration must be 'none' or 'squarem'; got ${describeOption(value)}.`, "Pass { acceleration: 'squarem' } to extrapolate EM steps (SQUAREM), or omit it for plain EM.", {
    option: 'acceleration',
  });
}

function describeOption(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
}

/**
 * Picks the best run and assembles the FitResult. A fit whose signal fired reports `aborted`
 * whichever run is best: the restarts it did not finish (or begin) could have beaten it.
 */
export function assembleResult<P, D, S extends Statistics>(plan: FitPlan<P, D, S>, results: ReadonlyArray<SingleRun<P> | Error>): FitResult<P> {
  let best = -1;
  const runs: RunSummary[] = results.map((r, run) => {
    if (r instanceof Error) {
      plan.events.push({ type: 'restart-failed', run, message: r.message });
      return { run, objective: -Infinity, logLikelihood: -Infinity, iterations: 0, eSteps: 0, converged: false, stopReason: 'failed', error: r.message };
    }
    const objective = r.logLikelihood + r.logPrior;
    const bestRun = best >= 0 ? (results[best] as SingleRun<P>) : undefined;
    if (bestRun === undefined || objective > bestRun.logLikelihood + bestRun.logPrior) best = run;
    return {
      run,
      objective,
      logLikelihood: r.logLikelihood,
      iterations: r.iterations,
      eSteps: r.eSteps,
      converged: r.stopReason === 'converged',
      stopReason: r.stopReason,
    };
  });
  if (best < 0) {
    const first = results[0];
    throw first instanceof Error ? first : new DegenerateModelError('Every restart failed.', 'Try fewer components or more regularisation.');
  }
  const r = results[best] as SingleRun<P>;
  const aborted = results.length < plan.nInit || results.some((run) => !(run instanceof Error) && run.stopReason === 'aborted');
  const stopReason: StopReason = aborted ? 'aborted' : r.stopReason;
  const p = plan.model.freeParameterCount(r.parameters);
  return {
    parameters: r.parameters,
    logLikelihood: r.logLikelihood,
    logPrior: r.logPrior,
    objective: r.logLikelihood + r.logPrior,
    history: r.history,
    logLikelihoodHistory: r.logLikelihoodHistory,
    iterations: r.iterations,
    eSteps: r.eSteps,
    historyESteps: r.historyESteps,
    acceleration: r.acceleration,
    ...(plan.accelerationNote === undefined ? {} : { accelerationNote: plan.accelerationNote }),
    estep: r.estep,
    converged: stopReason === 'converged',
    stopReason,
    toleranceRule: r.toleranceRule,
    events: plan.events,
    iterationSeconds: r.iterationSeconds,
    secondsPerIteration: median(r.iterationSeconds),
    observations: plan.observations,
    freeParameters: p,
    bic: bic(r.logLikelihood, p, plan.observations),
    aic: aic(r.logLikelihood, p),
    runs,
    bestRun: best,
  };
}

/**
 * A restart that hits a model error (degenerate start, impossible observation…) is recorded as
 * failed and the others go on; with a single run, the error is thrown.
 */
export function isRecoverable(error: unknown, nInit: number): error is EmError {
  return nInit > 1 && error instanceof EmError && (error.code === 'DEGENERATE_MODEL' || error.code === 'IMPOSSIBLE_OBSERVATION' || error.code === 'NUMERICAL');
}

/** The public entry's call shape, checked before anything reads it (plain JavaScript callers included). */
export function assertFitArguments(model: unknown, data: unknown, options: unknown, entry = 'fitEm'): void {
  const methods = ['eStep', 'mStep', 'initialize', 'validateData', 'splitData', 'observationCount', 'logPrior'] as const;
  if (model === null || typeof model !== 'object' || methods.some((m) => typeof (model as Record<string, unknown>)[m] !== 'function')) {
    throw new InvalidOptionsError(
      `${entry}(model, data, options) needs an EmModel as its first argument (an object with ${methods.join(', ')}); got ${describeValue(model)}.`,
      `Call e.g. ${entry}(gaussianMixtureModel({ components: 2 }), { observations: DenseMatrix.from(rows) }), or use an estimator such as new GaussianMixture({ components: 2 }).fit(rows).`,
      { option: 'model' },
    );
  }
  if (data === null || data === undefined) {
    throw new InvalidDataError(`${entry}(model, data, options) got ${String(data)} as its data.`, `Pass the data the model takes, e.g. ${entry}(model, { observations: DenseMatrix.from(rows) }) for a mixture.`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidOptionsError(`${entry}(model, data, options) needs an options object; got ${describeValue(options)}.`, `Pass e.g. ${entry}(model, data, { seed: 1 }), or omit it.`, {
      option: 'options',
    });
  }
}

/** A short description of a value for error messages (its type or class, never its contents). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'a plain object';
  }
  return typeof value;
}

/**
 * The `emit` a fit hands its loops: records every event in `events` and passes it to `onEvent`;
 * without an `onEvent`, an objective decrease beyond round-off is written to `console.warn`,
 * prefixed with the package that ran the fit (`source`, e.g. '@em/core').
 */
export function eventRecorder(events: FitEvent[], onEvent: ((event: FitEvent) => void) | undefined, source: string): (event: FitEvent) => void {
  return (event) => {
    events.push(event);
    if (onEvent !== undefined) onEvent(event);
    else if (event.type === 'objective-decreased') {
      console.warn(
        `[${source}] objective decreased at iteration ${event.iteration}: ${event.previous} → ${event.current} (drop ${event.drop.toExponential(3)} > round-off ${event.tolerance.toExponential(3)}).`,
      );
    }
  };
}
