import type { EmModel, SparseEStepper, SparseFullEStep } from '../contract.js';
import { InvalidOptionsError } from '../errors.js';
import { assertSparseThreshold } from '../mixture/sparse-estep.js';
import type { Statistics } from '../statistics/algebra.js';
import { accumulateInto, cloneStatistics } from '../statistics/algebra.js';
import { DEFAULT_SPARSE_SETTINGS, MAX_FULL_ESTEP_EVERY } from './defaults.js';
import { assertFiniteObjective, RunRecorder, type EmLoop, type LoopSettings } from './run-recorder.js';
import type { EStepKind, FitOptions } from './types.js';

/** The sparse-EM options, resolved. */
export interface SparseSettings {
  /** A full E-step every this many iterations (FitOptions.fullEStepEvery). */
  readonly fullEStepEvery: number;
  /** The responsibility at which a component stays active (FitOptions.sparseThreshold). */
  readonly sparseThreshold: number;
}

/** Checks the `estep` option (default 'full'). */
export function resolveEStepKind(value: unknown): EStepKind {
  if (value === undefined) return 'full';
  if (value === 'full' || value === 'sparse') return value;
  throw new InvalidOptionsError(
    `estep must be 'full' or 'sparse'; got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}.`,
    "Pass { estep: 'sparse' } for Neal–Hinton sparse EM (mixtures with many components), or omit it for full E-steps.",
    { option: 'estep' },
  );
}

/** Checks `fullEStepEvery`: an integer in [1, MAX_FULL_ESTEP_EVERY]. */
export function assertFullEStepEvery(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_FULL_ESTEP_EVERY) {
    throw new InvalidOptionsError(
      `fullEStepEvery must be an integer in [1, ${MAX_FULL_ESTEP_EVERY}]; got ${typeof value === 'number' ? String(value) : typeof value}.`,
      `Pass e.g. { fullEStepEvery: ${DEFAULT_SPARSE_SETTINGS.fullEStepEvery} } (a full E-step every that many iterations; 1 makes every E-step full).`,
      { option: 'fullEStepEvery' },
    );
  }
}

/** The sparse settings of `options`, checked, with their defaults. */
export function resolveSparseSettings(options: Pick<FitOptions<unknown>, 'fullEStepEvery' | 'sparseThreshold'>): SparseSettings {
  const fullEStepEvery = options.fullEStepEvery ?? DEFAULT_SPARSE_SETTINGS.fullEStepEvery;
  const sparseThreshold = options.sparseThreshold ?? DEFAULT_SPARSE_SETTINGS.sparseThreshold;
  assertFullEStepEvery(fullEStepEvery);
  assertSparseThreshold(sparseThreshold);
  return { fullEStepEvery, sparseThreshold };
}

/**
 * The free energy's frozen part between two full E-steps. For the frozen pairs (q_ik fixed),
 * Σ w_i q_ik log(π_k f_k(x_i; θ)) is the model's Q-function of their statistics up to a constant
 * that does not depend on θ (qFunction drops terms such as Σ w log x! that depend on the data
 * only): the constant is fixed once, at the full E-step, from the exact energy computed there.
 * The entropy of the frozen q does not change until the next full E-step.
 */
class FrozenTerms<P, S extends Statistics> {
  private readonly offset: number;

  constructor(
    private readonly model: EmModel<P, unknown, S>,
    readonly statistics: S,
    energy: number,
    private readonly entropy: number,
    params: P,
  ) {
    this.offset = energy - model.qFunction(params, statistics);
  }

  /** Σ_frozen w q log(π f(x; θ)) + H(frozen q). */
  at(params: P): number {
    return this.model.qFunction(params, this.statistics) + this.offset + this.entropy;
  }
}

/** Full E-steps of every chunk, summed (statistics, frozen statistics and the frozen terms). */
function fullPass<P, S extends Statistics>(steppers: readonly SparseEStepper<P, S>[], params: P): SparseFullEStep<S> {
  const results = steppers.map((s) => s.full(params));
  const first = results[0] as SparseFullEStep<S>;
  if (results.length === 1) return first;
  let statistics = cloneStatistics(first.statistics);
  let frozenStatistics = cloneStatistics(first.frozenStatistics);
  let { logLikelihood, frozenEnergy, frozenEntropy, activePairs, pairs } = first;
  for (let c = 1; c < results.length; c++) {
    const r = results[c] as SparseFullEStep<S>;
    statistics = accumulateInto(statistics, r.statistics);
    frozenStatistics = accumulateInto(frozenStatistics, r.frozenStatistics);
    logLikelihood += r.logLikelihood;
    frozenEnergy += r.frozenEnergy;
    frozenEntropy += r.frozenEntropy;
    activePairs += r.activePairs;
    pairs += r.pairs;
  }
  return { statistics, frozenStatistics, logLikelihood, frozenEnergy, frozenEntropy, activePairs, pairs };
}

/**
 * Neal–Hinton sparse EM (Neal & Hinton 1998, "A view of the EM algorithm that justifies
 * incremental, sparse, and other variants", section on the sparse variant), batch over all chunks.
 *
 * Iteration t is a full E-step `fullEStepEvery` iterations after the last one, after any entry
 * that met the tolerance rule where convergence cannot be declared (a plateau), and at the last
 * allowed iteration; otherwise a sparse E-step (see MixtureSparseEStepper). Convergence is declared
 * only at a full E-step that follows a full E-step: the change is then a plain EM step's, judged
 * by the same rule as plain EM (a small change from a sparse entry to a full one says little: the
 * M-step from frozen responsibilities may have stalled short of full EM's). The M-step sees the frozen
 * pairs' statistics from the last full E-step plus the active pairs' fresh ones, so each step
 * maximises F(q, θ) = E_q[log p(x, z | θ)] + H(q) (+ log prior) over θ, and each E-step maximises
 * it over q (over the active entries, or over all of q): F never decreases. `history` records F,
 * which at a full E-step is the log-likelihood (+ log prior).
 *
 * The loop runs in this thread and asks its driver for nothing (no yields): the per-observation
 * state lives in the steppers it creates.
 */
// eslint-disable-next-line require-yield -- the sparse E-steps run here, not through the driver (see above)
export function* sparseLoop<P, D, S extends Statistics>(model: EmModel<P, D, S>, chunks: readonly D[], initial: P, settings: LoopSettings<P>, sparse: SparseSettings): EmLoop<P, S> {
  const create = model.createSparseEStepper;
  if (create === undefined) throw noSparseEStep(model.config.kind);
  const steppers = chunks.map((chunk) => create.call(model, chunk, sparse.sparseThreshold));
  const recorder = new RunRecorder(model, settings);
  let parameters = initial;
  let full = fullPass(steppers, parameters);
  recorder.countPass(1, 1);
  let frozen = new FrozenTerms(model as EmModel<P, unknown, S>, full.frozenStatistics, full.frozenEnergy, full.frozenEntropy, parameters);
  let statistics = full.statistics;
  let value = full.logLikelihood;
  let wasFull = true;
  let previousFull = true;
  let sinceFull = 0;
  for (let iteration = 0; ; iteration++) {
    // Convergence only on a plain EM step (a full E-step after a full E-step): the change then is
    // full EM's, as in a plain fit; a small change anywhere else only asks for full E-steps.
    const stop = recorder.record(iteration, parameters, value, !wasFull, wasFull && previousFull);
    if (stop !== undefined) {
      if (wasFull) return recorder.finish(parameters, value, stop, 'none', 'sparse');
      // Ended between full E-steps (aborted, or stopped on a decrease): the log-likelihood at θ is one more pass.
      recorder.countPass(1, 1);
      let logLikelihood = 0;
      for (const chunk of chunks) logLikelihood += model.logLikelihood(parameters, chunk);
      assertFiniteObjective(logLikelihood, 0, `iteration ${iteration}`, { iteration });
      return recorder.finish(parameters, logLikelihood, stop, 'none', 'sparse');
    }
    parameters = model.mStep(statistics, parameters, recorder.context(iteration + 1));
    sinceFull++;
    const next = iteration + 1;
    previousFull = wasFull;
    wasFull = sinceFull >= sparse.fullEStepEvery || recorder.plateau || next >= settings.maxIterations;
    if (wasFull) {
      full = fullPass(steppers, parameters);
      recorder.countPass(1, 1);
      frozen = new FrozenTerms(model as EmModel<P, unknown, S>, full.frozenStatistics, full.frozenEnergy, full.frozenEntropy, parameters);
      statistics = full.statistics;
      value = full.logLikelihood;
      sinceFull = 0;
      continue;
    }
    let active = 0;
    let pairs = 0;
    let freeEnergy = 0;
    statistics = cloneStatistics(frozen.statistics);
    for (const stepper of steppers) {
      const step = stepper.sparse(parameters);
      statistics = accumulateInto(statistics, step.statistics);
      freeEnergy += step.activeFreeEnergy;
      active += step.activePairs;
      pairs += step.pairs;
    }
    recorder.countPass(active, Math.max(pairs, 1));
    value = freeEnergy + frozen.at(parameters);
  }
}

/** The error for `estep: 'sparse'` on a model without sparse E-steps. */
export function noSparseEStep(kind: string): InvalidOptionsError {
  return new InvalidOptionsError(
    `estep 'sparse' needs a model with sparse E-steps (createSparseEStepper, provided by the finite mixtures); ${kind} has none.`,
    "Use estep 'full' for this model.",
    { option: 'estep' },
  );
}
