import type { EmModel, EStepResult } from '../contract.js';
import type { Statistics } from '../statistics/algebra.js';
import type { EStepExecutor } from '../executor/executor.js';
import { assembleResult, assertFitArguments, isRecoverable, planFit, type EmLoop, type FitPlan, type LoopKind, type SingleRun } from './engine.js';
import type { FitOptions, FitResult } from './types.js';
import { InvalidOptionsError } from '../errors.js';
import { resolveEStepKind } from './sparse-em.js';

function driveSync<P, D, S extends Statistics>(model: EmModel<P, D, S>, chunks: readonly D[], loop: EmLoop<P, S>): SingleRun<P> {
  let step = loop.next();
  while (step.done !== true) {
    const request = step.value;
    let results: EStepResult<S>[];
    try {
      results = request.chunks.map((c) => model.eStep(request.parameters, chunks[c] as D));
    } catch (error) {
      // The loop decides: a trial point's failure is handled there, any other is rethrown.
      step = loop.throw(error);
      continue;
    }
    step = loop.next(results);
  }
  return step.value;
}

async function driveAsync<P, D, S extends Statistics>(
  model: EmModel<P, D, S>,
  chunks: readonly D[],
  loop: EmLoop<P, S>,
  executor: EStepExecutor,
): Promise<SingleRun<P>> {
  let step = loop.next();
  while (step.done !== true) {
    const request = step.value;
    let results: EStepResult<S>[];
    try {
      results = await executor.run(model, request.parameters, request.chunks.map((c) => chunks[c] as D));
    } catch (error) {
      step = loop.throw(error);
      continue;
    }
    step = loop.next(results);
  }
  return step.value;
}

function runAllSync<P, D, S extends Statistics>(plan: FitPlan<P, D, S>, signal: AbortSignal | undefined): FitResult<P> {
  const results: Array<SingleRun<P> | Error> = [];
  // An aborted fit starts no further restarts (their initialisations may be expensive).
  for (let run = 0; run < plan.nInit && (run === 0 || signal?.aborted !== true); run++) {
    try {
      results.push(driveSync(plan.model, plan.chunks, plan.makeLoop(run, plan.initial(run))));
    } catch (error) {
      if (!isRecoverable(error, plan.nInit)) throw error;
      results.push(error);
    }
  }
  return assembleResult(plan, results);
}

/**
 * Batch EM in this thread. Deterministic for a given seed; `nInit` restarts keep the best final
 * objective and report every run. With `chunks > 1` statistics are summed over chunks (the result
 * equals one chunk up to round-off).
 */
export function fitEm<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, options: FitOptions<P> = {}): FitResult<P> {
  assertFitArguments(model, data, options, 'fitEm');
  return runAllSync(planFit(model, data, options, 'batch', 1), options.signal);
}

/** Incremental EM (Neal & Hinton 1998) over `options.chunks` chunks (default 4), in this thread. */
export function fitEmIncremental<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, options: FitOptions<P> = {}): FitResult<P> {
  assertFitArguments(model, data, options, 'fitEmIncremental');
  return runAllSync(planFit(model, data, options, 'incremental', 4), options.signal);
}

export interface AsyncFitOptions<P> extends FitOptions<P> {
  /** Where E-steps run (default: in process). Chunks default to the executor's concurrency. */
  readonly executor?: EStepExecutor;
  readonly loop?: LoopKind;
}

/** Batch (or incremental) EM with E-steps on an executor, e.g. worker threads. */
export async function fitEmAsync<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, options: AsyncFitOptions<P> = {}): Promise<FitResult<P>> {
  assertFitArguments(model, data, options, 'fitEmAsync');
  const executor = options.executor;
  if (executor !== undefined && resolveEStepKind(options.estep) === 'sparse') {
    throw new InvalidOptionsError(
      "estep 'sparse' runs in this thread (each observation's active components live with the data), not on an executor.",
      "Call fitEm (or the estimator's fit) with { estep: 'sparse' }, or keep the executor with estep 'full'.",
      { option: 'estep' },
    );
  }
  if (executor === undefined) return options.loop === 'incremental' ? fitEmIncremental(model, data, options) : fitEm(model, data, options);
  const plan = planFit(model, data, options, options.loop ?? 'batch', executor.concurrency);
  const shared = model.shareData === undefined ? plan.chunks : plan.chunks.map((c) => (model.shareData as (d: D) => D)(c));
  const results: Array<SingleRun<P> | Error> = [];
  for (let run = 0; run < plan.nInit && (run === 0 || options.signal?.aborted !== true); run++) {
    try {
      results.push(await driveAsync(model, shared, plan.makeLoop(run, plan.initial(run)), executor));
    } catch (error) {
      if (!isRecoverable(error, plan.nInit)) throw error;
      results.push(error);
    }
  }
  return assembleResult(plan, results);
}
