import { EmError, type Statistics } from '@em/core';
import fc from 'fast-check';
import { LAW_NAMES, type LawName } from './laws.js';
import { checkAcceleratedEm } from './laws/accelerated-em.js';
import { checkChunkingInvariance } from './laws/chunking-invariance.js';
import { checkEStepLogLikelihood } from './laws/e-step-log-likelihood.js';
import { checkIncrementalEm } from './laws/incremental-em.js';
import { checkMStepMaximizesQ } from './laws/m-step-maximizes-q.js';
import { checkMStepPurity } from './laws/m-step-purity.js';
import { checkMonotoneObjective } from './laws/monotone-objective.js';
import { checkSerializationRoundTrip } from './laws/serialization-round-trip.js';
import { checkStatisticsAlgebra } from './laws/statistics-algebra.js';
import { LawViolation, type LawAuxiliary } from './laws/support.js';
import { resolveSettings, type ConformanceCase, type EmConformanceOptions, type ResolvedSettings } from './options.js';
import { formatFailure, type ReplayTarget } from './report.js';

const CHECKS: { readonly [L in LawName]: <P, D, S extends Statistics>(settings: ResolvedSettings<P, D, S>, testCase: ConformanceCase<P, D>, auxiliary: LawAuxiliary) => void } = {
  'monotone-objective': checkMonotoneObjective,
  'm-step-maximizes-q': checkMStepMaximizesQ,
  'e-step-log-likelihood': checkEStepLogLikelihood,
  'statistics-algebra': checkStatisticsAlgebra,
  'chunking-invariance': checkChunkingInvariance,
  'm-step-purity': checkMStepPurity,
  'incremental-em': checkIncrementalEm,
  'serialization-round-trip': checkSerializationRoundTrip,
  'accelerated-em': checkAcceleratedEm,
};

/** The generated values of one run: the case, and the auxiliary seed and chunk count. */
export type LawInput<P, D> = [ConformanceCase<P, D>, LawAuxiliary];

/** Outcome of one law. */
export interface LawOutcome<P, D> {
  readonly law: LawName;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** The stated reason, for a skipped law. */
  readonly reason?: string;
  /** fast-check's run details (absent for a skipped law). */
  readonly details?: fc.RunDetails<LawInput<P, D>>;
  /** The failure report (violation, counterexample, seed, replay line), for a failed law. */
  readonly message?: string;
}

/** Outcome of every requested law. */
export interface ConformanceReport<P, D> {
  readonly seed: number;
  readonly runs: number;
  readonly laws: ReadonlyArray<LawOutcome<P, D>>;
  /** Names of the laws that failed (empty when the model conforms). */
  readonly failed: readonly LawName[];
}

/** The fast-check property of one law. */
export function lawProperty<P, D, S extends Statistics>(law: LawName, settings: ResolvedSettings<P, D, S>): fc.IProperty<LawInput<P, D>> {
  const auxiliary = fc.record({ seed: fc.integer({ min: 0, max: 2147483646 }), parts: fc.integer({ min: 1, max: settings.maxChunks }) });
  const check = CHECKS[law];
  return fc.property(settings.arbitraryCase, auxiliary, (testCase, extra) => {
    try {
      check(settings, testCase, extra);
    } catch (error) {
      const modelError = error instanceof LawViolation ? error.modelError : undefined;
      // A NaN log-likelihood (core's fit loops raise it as DegenerateModelError) is a bug, never discarded.
      const degenerate = modelError instanceof EmError && modelError.code === 'DEGENERATE_MODEL' && !modelError.message.includes('NaN');
      if (degenerate && settings.degenerateCases === 'discard') fc.pre(false);
      throw error;
    }
  });
}

/** Runs one law with fast-check (seeded, replayable) and returns its outcome. */
export function runLaw<P, D, S extends Statistics>(
  law: LawName,
  settings: ResolvedSettings<P, D, S>,
  options: EmConformanceOptions<P, D, S>,
  target: ReplayTarget = {},
): LawOutcome<P, D> {
  const optOut = options.laws?.[law];
  if (optOut !== undefined) return { law, status: 'skipped', reason: optOut.skip };
  const parameters: fc.Parameters<LawInput<P, D>> = {
    numRuns: settings.runs,
    seed: settings.seed,
    endOnFailure: !settings.shrink,
    ...(settings.path === undefined ? {} : { path: settings.path }),
  };
  const details = fc.check(lawProperty(law, settings), parameters) as fc.RunDetails<LawInput<P, D>>;
  if (!details.failed) return { law, status: 'passed', details };
  return { law, status: 'failed', details, message: formatFailure(law, details, target) };
}

/**
 * Checks the laws without any test runner: returns each law's outcome (and fast-check details)
 * instead of registering tests. `only` restricts the check to some laws. Seed, runs and replay
 * path come from the options, overridden by EM_CONFORMANCE_SEED / _RUNS / _PATH when set.
 */
export function checkEmConformance<P, D, S extends Statistics>(options: EmConformanceOptions<P, D, S>, only?: readonly LawName[]): ConformanceReport<P, D> {
  const settings = resolveSettings(options);
  const laws = LAW_NAMES.filter((law) => only === undefined || only.includes(law)).map((law) => runLaw(law, settings, options));
  return { seed: settings.seed, runs: settings.runs, laws, failed: laws.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.law) };
}
