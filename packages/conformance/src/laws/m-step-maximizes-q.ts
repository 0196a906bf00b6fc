import { EmError, Random, type EmModel, type FitEvent, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, recordingContext, show, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * A fresh initialisation as a competitor, or undefined when the model declines this data with a
 * degenerate-start error (a legitimate outcome of a random start; fitEm's restarts skip it too).
 */
function freshInitialization<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, random: Random): P | undefined {
  try {
    return model.initialize(data, random);
  } catch (error) {
    if (error instanceof EmError && (error.code === 'DEGENERATE_MODEL' || error.code === 'IMPOSSIBLE_OBSERVATION')) return undefined;
    return call('initialize (a fresh initialisation as a competitor)', () => {
      throw error;
    });
  }
}

/**
 * Law 2. The M-step maximises Q(θ | θ_t) + log p(θ): at θ_t and the next step, no competitor —
 * θ_t itself, a fresh initialisation, or a valid perturbation of the M-step output — scores higher.
 *
 * Except where the M-step says it declined: when it reports a degenerate component whose update it
 * did not take (`action: 'kept-previous'`, e.g. a covariance collapsing onto a subspace, where
 * Q + log-prior has no maximum in the parameter space — it grows without bound as the variance
 * shrinks), its output must still beat θ_t (the other parameters were maximised given the kept
 * ones), but not a fresh initialisation or a perturbation.
 */
export function checkMStepMaximizesQ<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const random = new Random(auxiliary.seed);
  const events: FitEvent[] = [];
  let parameters = testCase.parameters;
  const steps = Math.min(2, settings.iterations);
  for (let t = 0; t < steps; t++) {
    const previous = parameters;
    const { statistics } = call(`eStep at iteration ${t}`, () => model.eStep(previous, data));
    const maximizer = call(`mStep at iteration ${t + 1}`, () => model.mStep(statistics, previous, recordingContext(t + 1, events)));
    call(`validateParameters on the M-step output at iteration ${t + 1}`, () => model.validateParameters(maximizer));
    const score = (theta: P): number => model.qFunction(theta, statistics) + model.logPrior(theta);
    const best = call('qFunction + logPrior at the M-step output', () => score(maximizer));
    if (Number.isNaN(best)) violation(`Q + logPrior is NaN at the M-step output (iteration ${t + 1}).`);

    const competitors: Array<{ readonly name: string; readonly parameters: P }> = [{ name: 'the previous parameters θ_t', parameters: previous }];
    const declined = events.some((event) => event.type === 'degenerate-component' && event.iteration === t + 1 && event.action === 'kept-previous');
    const initial = declined ? undefined : freshInitialization(model, data, random.fork());
    if (initial !== undefined) {
      call('validateParameters on a fresh initialisation (initialize must return valid parameters)', () => model.validateParameters(initial));
      competitors.push({ name: 'a fresh initialisation', parameters: initial });
    }
    const perturb = settings.perturb;
    if (perturb !== undefined && !declined) {
      for (let j = 0; j < settings.perturbations; j++) {
        const nearby = call('perturb (the model-supplied perturbation)', () => perturb(maximizer, random.fork()));
        call('validateParameters on a perturbation (perturb must return valid parameters)', () => model.validateParameters(nearby));
        competitors.push({ name: `perturbation ${j + 1} of the M-step output`, parameters: nearby });
      }
    }
    for (const competitor of competitors) {
      const value = call(`qFunction + logPrior at ${competitor.name}`, () => score(competitor.parameters));
      if (value > best + allowance(settings.tolerance.maximization, best)) {
        violation(
          `At iteration ${t + 1} the M-step is not a maximiser: Q + logPrior is ${show(best)} at its output but ${show(value)} at ${competitor.name} ` +
            `(higher by ${show(value - best)}). Either mStep does not maximise qFunction + logPrior (check the prior and the update formulas), or qFunction/logPrior do not describe what mStep maximises.`,
        );
      }
    }
    parameters = maximizer;
  }
}
