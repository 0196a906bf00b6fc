import { maxAbsDifference, maxAbsValue, MixtureModel, type MixtureData, type MixtureParameters, type Statistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { allowance, call, show, splitChecked, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 3. The E-step's log-likelihood is logLikelihood(θ, data), on the whole data and on every
 * chunk; and for a finite mixture whose family has component-major kernels (which its E-step
 * then uses), those agree with the family's row-major kernels.
 */
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
    if (model instanceof MixtureModel) checkKernelLayouts(model, parameters as MixtureParameters<unknown>, data as MixtureData<unknown>, label, settings.tolerance.logLikelihood);
  }
}

/**
 * A family's logDensitiesByComponent / accumulateByComponent against logDensities / accumulate
 * on the same rows (all of them), with weights 1/K·(row + component + 1) — values a transposed
 * index would not reproduce.
 */
function checkKernelLayouts(model: MixtureModel<unknown, unknown, Statistics>, parameters: MixtureParameters<unknown>, data: MixtureData<unknown>, label: string, tolerance: number): void {
  const family = model.family;
  const byComponent = family.logDensitiesByComponent;
  const accumulateByComponent = family.accumulateByComponent;
  if (byComponent === undefined && accumulateByComponent === undefined) return;
  if (byComponent === undefined || accumulateByComponent === undefined) {
    violation(`The family "${family.name}" implements only one of logDensitiesByComponent / accumulateByComponent; implement both or neither.`);
    return;
  }
  const x = data.observations;
  const rows = family.observationCount(x);
  if (rows === 0) return;
  const k = model.k;
  const prepared = call('family.prepare', () => family.prepare(parameters.components));
  const rowMajor = new Float64Array(rows * k);
  const componentMajor = new Float64Array(rows * k);
  call('family.logDensities', () => family.logDensities(prepared, x, 0, rows, rowMajor));
  call('family.logDensitiesByComponent', () => byComponent.call(family, prepared, x, 0, rows, componentMajor));
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      const a = rowMajor[i * k + c] as number;
      const b = componentMajor[c * rows + i] as number;
      if (Object.is(a, b) || Math.abs(a - b) <= allowance(tolerance, a)) continue;
      violation(
        `At ${label}, logDensitiesByComponent gives ${show(b)} for row ${i}, component ${c} (out[${c * rows + i}]) but logDensities gives ${show(a)} (out[${i * k + c}]). ` +
          'The component-major layout is out[k·rows + i], rows = end − start.',
      );
    }
  }
  const weights = new Float64Array(rows * k);
  const transposed = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      const w = (i + c + 1) / (k * (rows + k));
      weights[i * k + c] = w;
      transposed[c * rows + i] = w;
    }
  }
  const fromRows = family.zeroStatistics(parameters.components);
  const fromComponents = family.zeroStatistics(parameters.components);
  call('family.accumulate', () => family.accumulate(prepared, fromRows, x, 0, rows, weights));
  call('family.accumulateByComponent', () => accumulateByComponent.call(family, prepared, fromComponents, x, 0, rows, transposed));
  const difference = maxAbsDifference(fromRows, fromComponents);
  if (!(difference <= allowance(tolerance, maxAbsValue(fromRows)))) {
    violation(
      `At ${label}, accumulateByComponent and accumulate give statistics that differ by ${show(difference)} for the same rows and weights. ` +
        'The component-major weights are w[k·rows + i], rows = end − start.',
    );
  }
}
