import { fitEm, fitEmIncremental, type FitEvent, type Statistics } from '@em/core';
import { firstDifference } from '../compare.js';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, firstDecrease, fixedFitOptions, show, showSequence, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 7. Incremental EM (core's fitEmIncremental) on one chunk is batch EM: same history and
 * parameters. On several chunks each pass keeps the objective from decreasing (Neal & Hinton:
 * every partial E-step and M-step raises a lower bound that is tight at the start of the pass),
 * so it never ends below where it started.
 */
export function checkIncrementalEm<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data } = testCase;
  const events: FitEvent[] = [];
  const tolerance = settings.tolerance.incremental;
  const batch = call('fitEm', () => fitEm(model, data, fixedFitOptions(testCase.parameters, settings.iterations, 1, events)));
  const single = call('fitEmIncremental with chunks: 1', () => fitEmIncremental(model, data, fixedFitOptions(testCase.parameters, settings.iterations, 1, events)));
  const sameHistory =
    batch.history.length === single.history.length &&
    batch.history.every((value, t) => {
      const other = single.history[t] as number;
      return value === other || Math.abs(value - other) <= allowance(tolerance, value);
    });
  if (!sameHistory) {
    violation(`Incremental EM on one chunk must be batch EM, but the histories differ: batch ${showSequence(batch.history)}, incremental ${showSequence(single.history)}.`);
  }
  const parameterDifference = firstDifference(single.parameters, batch.parameters, 'θ', { relative: Math.max(tolerance, 1e-9) });
  if (parameterDifference !== undefined) violation(`Incremental EM on one chunk must be batch EM, but the final parameters differ at ${parameterDifference}.`);

  const chunks = Math.max(2, auxiliary.parts);
  const incremental = call(`fitEmIncremental with chunks: ${chunks}`, () =>
    fitEmIncremental(model, data, fixedFitOptions(testCase.parameters, settings.iterations, chunks, events)),
  );
  const history = incremental.history;
  const start = history[0] as number;
  const end = history[history.length - 1] as number;
  if (Number.isNaN(end) || end < start - allowance(settings.tolerance.monotone, start)) {
    violation(`Incremental EM on ${chunks} chunks ended below its starting objective: ${show(start)} → ${show(end)} (history ${showSequence(history)}).`);
  }
  const step = firstDecrease(history, settings.tolerance.monotone);
  if (step !== undefined) {
    violation(
      `Incremental EM on ${chunks} chunks lowered the objective in pass ${step}: history ${showSequence(history)}. ` +
        "Statistics must be sums over observations (so one chunk's share can be replaced by a fresh one), and the M-step must maximise for any such sum.",
    );
  }
}
