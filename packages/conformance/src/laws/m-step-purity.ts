import { type FitEvent, type Statistics } from '@em/core';
import { deepClone, firstDifference } from '../compare.js';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { call, recordingContext, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 6. Along an EM run, every M-step output passes validateParameters; neither step mutates
 * its inputs (statistics, previous parameters, data — compared with deep copies); and both steps
 * are deterministic: the same input (or an equal copy of it) gives exactly the same output.
 */
export function checkMStepPurity<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  _auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const dataCopy = deepClone(data);
  const events: FitEvent[] = [];
  let parameters = testCase.parameters;
  const earlier: Array<{ readonly what: string; readonly value: unknown; readonly copy: unknown }> = [];
  for (let t = 1; t <= Math.min(3, settings.iterations); t++) {
    const previous = parameters;
    const previousCopy = deepClone(previous);
    const result = call(`eStep at iteration ${t - 1}`, () => model.eStep(previous, data));
    const unchanged = (what: string, actual: unknown, copy: unknown, label: string): void => {
      const difference = firstDifference(actual, copy, label);
      if (difference !== undefined) violation(`${what} mutated its input: ${difference} (value now ≠ value before the call).`);
    };
    unchanged(`eStep at iteration ${t - 1}`, previous, previousCopy, 'parameters');
    unchanged(`eStep at iteration ${t - 1}`, data, dataCopy, 'data');
    const resultCopy = deepClone(result);
    const again = call(`eStep at iteration ${t - 1} (repeated)`, () => model.eStep(previous, data));
    const eDifference = firstDifference(again, resultCopy, 'eStep result');
    if (eDifference !== undefined) violation(`eStep is not deterministic: the same call twice differs at ${eDifference}.`);
    earlier.push({ what: `the E-step result of iteration ${t - 1}`, value: result, copy: resultCopy });

    const statisticsCopy = deepClone(result.statistics);
    const output = call(`mStep at iteration ${t}`, () => model.mStep(result.statistics, previous, recordingContext(t, events)));
    call(`validateParameters on the M-step output at iteration ${t}`, () => model.validateParameters(output));
    unchanged(`mStep at iteration ${t}`, result.statistics, statisticsCopy, 'statistics');
    unchanged(`mStep at iteration ${t}`, previous, previousCopy, 'previous');
    unchanged(`mStep at iteration ${t}`, data, dataCopy, 'data');
    const outputCopy = deepClone(output);
    const repeated = call(`mStep at iteration ${t} (same input again)`, () => model.mStep(result.statistics, previous, recordingContext(t, events)));
    const repeatDifference = firstDifference(repeated, output, 'M-step output');
    if (repeatDifference !== undefined) violation(`mStep is not deterministic: the same input gave different outputs at ${repeatDifference}.`);
    const fromCopies = call(`mStep at iteration ${t} (on copies of its input)`, () =>
      model.mStep(deepClone(statisticsCopy), deepClone(previousCopy), recordingContext(t, events)),
    );
    const copyDifference = firstDifference(fromCopies, output, 'M-step output');
    if (copyDifference !== undefined) violation(`mStep gives a different output for an equal copy of its input (hidden state or identity-dependent logic): ${copyDifference}.`);
    earlier.push({ what: `the M-step output of iteration ${t}`, value: output, copy: outputCopy });
    // The read-only members must be read-only too.
    call('qFunction', () => model.qFunction(output, result.statistics));
    call('logPrior', () => model.logPrior(output));
    call('logLikelihood', () => model.logLikelihood(output, data));
    unchanged('qFunction, logPrior or logLikelihood', result.statistics, statisticsCopy, 'statistics');
    unchanged('qFunction, logPrior or logLikelihood', output, outputCopy, 'parameters');
    unchanged('qFunction, logPrior or logLikelihood', data, dataCopy, 'data');
    parameters = output;
  }
  // Later calls (other parameters, other statistics) must not change what earlier calls returned.
  call('eStep at the last parameters', () => model.eStep(parameters, data));
  for (const { what, value, copy } of earlier) {
    const changed = firstDifference(value, copy, 'value');
    if (changed !== undefined) violation(`Later eStep/mStep calls changed ${what} (results must be fresh values, not reused buffers): ${changed}.`);
  }
}
