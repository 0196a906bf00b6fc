import { fitEm, type FitEvent, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, firstDecrease, fixedFitOptions, recordingContext, show, showSequence, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 1. EM never decreases log-likelihood + log-prior. Checked at every step of a loop written
 * here from eStep/mStep (so a fit loop cannot hide a decrease), then through fitEm, whose history
 * must match the direct loop.
 */
export function checkMonotoneObjective<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  _auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const tolerance = settings.tolerance.monotone;
  const events: FitEvent[] = [];
  const objectives: number[] = [];
  let parameters = testCase.parameters;
  for (let t = 0; t <= settings.iterations; t++) {
    const current = parameters;
    const result = call(`eStep at iteration ${t}`, () => model.eStep(current, data));
    const objective = result.logLikelihood + call(`logPrior at iteration ${t}`, () => model.logPrior(current));
    objectives.push(objective);
    if (Number.isNaN(objective)) violation(`The objective is NaN at iteration ${t} (log-likelihood ${show(result.logLikelihood)}). Objectives so far: ${showSequence(objectives)}.`);
    if (t > 0) {
      const previous = objectives[t - 1] as number;
      if (previous !== -Infinity && objective < previous - allowance(tolerance, previous)) {
        violation(
          `The objective decreased at EM step ${t}: ${show(previous)} → ${show(objective)} (drop ${show(previous - objective)} > allowed ${show(allowance(tolerance, previous))}). ` +
            `Objectives: ${showSequence(objectives)}. Typical causes: an M-step that does not maximise Q + logPrior, a prior missing from logPrior, or E-step statistics that are not the expectations at θ_t.`,
        );
      }
    }
    if (t === settings.iterations) break;
    parameters = call(`mStep at iteration ${t + 1}`, () => model.mStep(result.statistics, current, recordingContext(t + 1, events)));
  }

  const fitEvents: FitEvent[] = [];
  const fit = call('fitEm', () => fitEm(model, data, fixedFitOptions(testCase.parameters, settings.iterations, 1, fitEvents)));
  const step = firstDecrease(fit.history, tolerance);
  if (step !== undefined) violation(`fitEm's objective decreased at iteration ${step}: history ${showSequence(fit.history)}.`);
  const decreased = fitEvents.find((event) => event.type === 'objective-decreased');
  if (decreased !== undefined) violation(`fitEm reported an objective decrease at iteration ${decreased.iteration}.`);
  if (fit.history.length !== objectives.length) {
    violation(`fitEm ran ${fit.history.length - 1} iterations with tolerance 0 and maxIterations ${settings.iterations} (stop reason ${fit.stopReason}); expected ${settings.iterations}.`);
  }
  for (let t = 0; t < objectives.length; t++) {
    const direct = objectives[t] as number;
    const fitted = fit.history[t] as number;
    if (!(direct === fitted || Math.abs(direct - fitted) <= allowance(settings.tolerance.chunking, direct))) {
      violation(`fitEm's objective at iteration ${t} is ${show(fitted)} but direct eStep/mStep steps give ${show(direct)}: the model is not deterministic, or keeps hidden state between calls.`);
    }
  }
}
