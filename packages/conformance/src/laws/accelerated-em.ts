import { fitEm, type FitEvent, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, firstDecrease, fixedFitOptions, show, showSequence, validateCase, violation, type LawAuxiliary } from './support.js';

/** Relative agreement asked of the accelerated and plain fixed points (the 1e-7). */
const FIXED_POINT_TOLERANCE = 1e-7;
/** Largest relative change of one EM step at a point where the accelerated fit converged (a loose multiple of the rule's 1e-13). */
const STEP_AT_FIXED_POINT = 1e-9;
/** Fits run to a fixed point: a tight rule, and a step budget that bounds the law's cost (cases that need more are not compared). */
const FIXED_POINT_FIT = { tolerance: 1e-13, toleranceRule: 'relative', maxIterations: 1000 } as const;

/**
 * Law 9. Accelerated EM (acceleration: 'squarem', for a model with a parameterMap):
 * (a) the parameter map is a round trip: fromUnconstrained(toUnconstrained(θ), θ) has the same
 *     log-likelihood as θ (1e-9 relative) and is valid;
 * (b) the objective never decreases, and every history entry comes with its E-step count
 *     (increasing, eSteps the last of them);
 * (c) the accelerated fit stops only where plain EM would: one EM step from its converged parameters
 *     changes the objective by at most 1e-9 (relative) — the extrapolation adds no fixed point;
 * (d) with `wellSeparatedCase` (data where EM's optimum from the given start is clear), plain and
 *     accelerated EM from that start reach the same optimum (1e-7 relative).
 * A model without a parameterMap passes (it runs plain EM, and says so in `accelerationNote`).
 */
export function checkAcceleratedEm<P, D, S extends Statistics>(settings: ResolvedSettings<P, D, S>, testCase: ConformanceCase<P, D>, _auxiliary: LawAuxiliary): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const map = model.parameterMap;
  const { data } = testCase;
  if (map === undefined) {
    const fit = call("fitEm with acceleration 'squarem' and no parameterMap", () => fitEm(model, data, { initialParameters: testCase.parameters, maxIterations: 2, tolerance: 0, acceleration: 'squarem' }));
    if (fit.acceleration !== 'none') violation(`A model without a parameterMap reported acceleration ${fit.acceleration}.`);
    return;
  }

  const theta = testCase.parameters;
  const back = call('parameterMap.fromUnconstrained(toUnconstrained(θ_0), θ_0)', () => map.fromUnconstrained(map.toUnconstrained(theta), theta));
  call('validateParameters on the round-tripped θ_0', () => model.validateParameters(back));
  const original = call('logLikelihood at θ_0', () => model.logLikelihood(theta, data));
  const roundTripped = call('logLikelihood at the round-tripped θ_0', () => model.logLikelihood(back, data));
  if (!(original === roundTripped || Math.abs(original - roundTripped) <= allowance(settings.tolerance.logLikelihood, original))) {
    violation(`The parameter map is not a round trip: log-likelihood ${show(original)} at θ_0 but ${show(roundTripped)} after toUnconstrained and fromUnconstrained.`);
  }

  const events: FitEvent[] = [];
  const accelerated = call("fitEm with acceleration 'squarem'", () =>
    fitEm(model, data, { ...fixedFitOptions(theta, settings.iterations, 1, events), acceleration: 'squarem' }),
  );
  if (accelerated.acceleration !== 'squarem') violation(`fitEm ran acceleration ${accelerated.acceleration} for a model with a parameterMap (${accelerated.accelerationNote ?? 'no note'}).`);
  const step = firstDecrease(accelerated.history, settings.tolerance.monotone);
  if (step !== undefined) violation(`The accelerated objective decreased at step ${step}: history ${showSequence(accelerated.history)}.`);
  const counts = accelerated.historyESteps;
  if (counts.length !== accelerated.history.length || counts.some((count, t) => t > 0 && !(count > (counts[t - 1] as number))) || counts.at(-1) !== accelerated.eSteps) {
    violation(`historyESteps ${showSequence(counts)} must have one increasing entry per history entry (${accelerated.history.length}) and end at eSteps ${accelerated.eSteps}.`);
  }

  // (c) Where the accelerated fit stops, plain EM stops too: one EM step from its converged
  // parameters changes the objective by no more than the stopping rule allows. (Continuing plain
  // EM for many steps from there is no test: from a plateau or near a saddle, where any rule on
  // the change stops plain and accelerated EM alike, EM can still climb far.)
  const fromStart = call("fitEm with acceleration 'squarem' to its fixed point", () =>
    fitEm(model, data, { initialParameters: theta, ...FIXED_POINT_FIT, acceleration: 'squarem' }),
  );
  if (fromStart.converged) {
    const step = call("one EM step from the accelerated fit's fixed point", () => fitEm(model, data, { initialParameters: fromStart.parameters, maxIterations: 1, tolerance: 0 }));
    const change = Math.abs((step.history[1] as number) - (step.history[0] as number)) / Math.max(1, Math.abs(step.history[0] as number));
    if (!(change <= STEP_AT_FIXED_POINT)) {
      violation(
        `The accelerated fit stopped 'converged' at objective ${show(fromStart.objective)} (${fromStart.eSteps} E-steps), but one plain EM step from there changes it by ${show(change)} (relative) > ${STEP_AT_FIXED_POINT}: ` +
          'it stopped where plain EM would not. Check that fromUnconstrained inverts toUnconstrained.',
      );
    }
  }

  // (d) From the same start on well-separated data (a case the model's test supplies), plain and
  // accelerated EM reach the same optimum.
  const separated = settings.wellSeparatedCase;
  if (separated !== undefined) {
    const separatedModel = settings.model(separated);
    const plain = call('fitEm (plain) on the well-separated case', () => fitEm(separatedModel, separated.data, { initialParameters: separated.parameters, ...FIXED_POINT_FIT }));
    const fast = call("fitEm with acceleration 'squarem' on the well-separated case", () =>
      fitEm(separatedModel, separated.data, { initialParameters: separated.parameters, ...FIXED_POINT_FIT, acceleration: 'squarem' }),
    );
    const gap = Math.abs(fast.objective - plain.objective) / Math.max(1, Math.abs(plain.objective));
    if (!(gap <= FIXED_POINT_TOLERANCE)) {
      violation(
        `On the well-separated case, plain EM ends at ${show(plain.objective)} (${plain.iterations} iterations, ${plain.stopReason}) and accelerated EM at ${show(fast.objective)} ` +
          `(${fast.eSteps} E-steps, ${fast.stopReason}): relative gap ${show(gap)} > ${FIXED_POINT_TOLERANCE}.`,
      );
    }
  }
}
