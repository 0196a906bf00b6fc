import { type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, show, splitChecked, validateCase, violation, type LawAuxiliary } from './support.js';

/** Law 3. The E-step's log-likelihood is logLikelihood(θ, data), on the whole data and on every chunk. */
export function checkEStepLogLikelihood<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const first = call('eStep at θ_0', () => model.eStep(testCase.parameters, data));
  const next = call('mStep', () => model.mStep(first.statistics, testCase.parameters));
  const chunks = splitChecked(model, data, auxiliary.parts);
  for (const [label, parameters] of [
    ['θ_0', testCase.parameters],
    ['θ_1 = M(E(θ_0))', next],
  ] as const) {
    const pieces: Array<readonly [string, D]> = [['the whole data', data], ...chunks.map((chunk, i) => [`chunk ${i + 1} of ${chunks.length}`, chunk] as const)];
    for (const [where, piece] of pieces) {
      const fromEStep = call(`eStep at ${label} on ${where}`, () => model.eStep(parameters, piece)).logLikelihood;
      const direct = call(`logLikelihood at ${label} on ${where}`, () => model.logLikelihood(parameters, piece));
      const same = fromEStep === direct || Math.abs(fromEStep - direct) <= allowance(settings.tolerance.logLikelihood, direct);
      if (!same) {
        violation(
          `At ${label} on ${where}, eStep reports log-likelihood ${show(fromEStep)} but logLikelihood gives ${show(direct)} (difference ${show(fromEStep - direct)}). ` +
            'Both must be log p(x; θ) summed over the observations given.',
        );
      }
    }
  }
}
