import { fitEm, type FitEvent, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, firstDecrease, fixedFitOptions, show, showSequence, validateCase, violation, type LawAuxiliary } from './support.js';

/** Relative agreement asked of the accelerated and plain fixed points (the 1e-7). */
const FIXED_POINT_TOLERANCE = 1e-7;
/** Plain EM run to its fixed point: a tight rule and enough steps for the kit's small cases. */
const FIXED_POINT_FIT = { tolerance: 1e-13, toleranceRule: 'relative', maxIterations: 5000 } as const;

/**
 * Law 9. Accelerated EM (acceleration: 'squarem', for a model with a parameterMap):
 * (a) the parameter map is a round trip: fromUnconstrained(toUnconstrained(θ), θ) has the same
 *     log-likelihood as θ (1e-9 relative) and is valid;
 * (b) the objective never decreases, and every history entry comes with its E-step count
 *     (increasing, eSteps the last of them);
 * (c) the accelerated fixed point is plain EM's: started at the fixed point plain EM converges to,
 *     the accelerated fit stays at its objective (1e-7 relative) — the extrapolation adds no other
 *     fixed point and the safeguard never leaves a maximum.
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

  const plain = call('fitEm (plain) to its fixed point', () => fitEm(model, data, { initialParameters: theta, ...FIXED_POINT_FIT }));
  if (!plain.converged) return; // no fixed point reached within the budget: nothing to compare
  const fromFixedPoint = call("fitEm with acceleration 'squarem' from plain EM's fixed point", () =>
    fitEm(model, data, { initialParameters: plain.parameters, ...FIXED_POINT_FIT, acceleration: 'squarem' }),
  );
  const gap = Math.abs(fromFixedPoint.objective - plain.objective) / Math.max(1, Math.abs(plain.objective));
  if (!(gap <= FIXED_POINT_TOLERANCE)) {
    violation(
      `Started at plain EM's fixed point (objective ${show(plain.objective)}, ${plain.iterations} iterations), the accelerated fit ends at ${show(fromFixedPoint.objective)} ` +
        `(relative gap ${show(gap)} > ${FIXED_POINT_TOLERANCE}): the accelerated map has a different fixed point. Check that fromUnconstrained inverts toUnconstrained.`,
    );
  }
}
