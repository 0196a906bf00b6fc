import { fitEm, maxAbsDifference, maxAbsValue, type FitEvent, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, fixedFitOptions, show, showSequence, splitChecked, sumResults, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 5. E-step results are sums: the statistics and log-likelihood of the whole data equal
 * the sums over the chunks of any split, at θ_0 and θ_1; and fitEm's history does not depend
 * on the chunk count.
 */
export function checkChunkingInvariance<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const tolerance = settings.tolerance.chunking;
  const chunks = splitChecked(model, data, auxiliary.parts);
  const first = call('eStep at θ_0', () => model.eStep(testCase.parameters, data));
  const next = call('mStep', () => model.mStep(first.statistics, testCase.parameters));
  for (const [label, parameters] of [
    ['θ_0', testCase.parameters],
    ['θ_1 = M(E(θ_0))', next],
  ] as const) {
    const whole = label === 'θ_0' ? first : call(`eStep at ${label}`, () => model.eStep(parameters, data));
    const summed = sumResults(chunks.map((chunk, i) => call(`eStep at ${label} on chunk ${i + 1}`, () => model.eStep(parameters, chunk))));
    const difference = call('maxAbsDifference', () => maxAbsDifference(whole.statistics, summed.statistics));
    const limit = tolerance * Math.max(1, maxAbsValue(whole.statistics));
    if (!(difference <= limit)) {
      violation(
        `At ${label}, the statistics of the whole data differ from the sum over ${chunks.length} chunks by ${show(difference)} (allowed ${show(limit)}). ` +
          'Statistics must be sums over observations (not means, maxima or normalised values) so that chunks and workers can be merged.',
      );
    }
    if (!(whole.logLikelihood === summed.logLikelihood || Math.abs(whole.logLikelihood - summed.logLikelihood) <= allowance(tolerance, whole.logLikelihood))) {
      violation(
        `At ${label}, the E-step log-likelihood of the whole data is ${show(whole.logLikelihood)} but the sum over ${chunks.length} chunks is ${show(summed.logLikelihood)}: it must be a sum over observations.`,
      );
    }
  }

  // fitEm's chunked path: summation order changes round-off, and EM steps amplify it without
  // bound near a collapsing component, so only the first two steps are compared (enough to
  // catch a chunked fit that differs from the unchunked one).
  const steps = Math.min(2, settings.iterations);
  const chunkCount = Math.max(2, auxiliary.parts);
  const events: FitEvent[] = [];
  const single = call('fitEm with chunks: 1', () => fitEm(model, data, fixedFitOptions(testCase.parameters, steps, 1, events)));
  const chunked = call(`fitEm with chunks: ${chunkCount}`, () => fitEm(model, data, fixedFitOptions(testCase.parameters, steps, chunkCount, events)));
  const same =
    single.history.length === chunked.history.length &&
    single.history.every((value, t) => {
      const other = chunked.history[t] as number;
      return value === other || Math.abs(value - other) <= allowance(settings.tolerance.trajectory, value);
    });
  if (!same) {
    violation(`fitEm's objective history depends on the chunk count: chunks 1 gives ${showSequence(single.history)}, chunks ${chunkCount} gives ${showSequence(chunked.history)}.`);
  }
}
