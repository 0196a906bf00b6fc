import { InvalidParametersError, type ToleranceRule } from '@em/core';
import type { FitSettings } from './family-mixture.js';

/** Weights from any array-like of numbers (checked for type here; simplex checked by the model). */
export function weightsFromPlain(weights: ArrayLike<number> | undefined): Float64Array {
  if (weights === undefined || typeof weights !== 'object' || typeof weights.length !== 'number') {
    throw new InvalidParametersError('"weights" must be an array of K numbers.', 'Give one mixture weight per component (they must sum to 1).', { parameter: 'weights' });
  }
  const out = new Float64Array(weights.length);
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k];
    if (typeof w !== 'number') {
      throw new InvalidParametersError(`weights[${k}] is not a number.`, 'Give one numeric weight per component.', { parameter: 'weights', index: k });
    }
    out[k] = w;
  }
  return out;
}

/** Splits estimator options into fit settings and model options (undefined settings dropped). */
export function splitSettings<T extends { readonly maxIterations?: number; readonly tolerance?: number; readonly toleranceRule?: ToleranceRule; readonly nInit?: number; readonly seed?: number }>(
  options: T,
): [FitSettings, Omit<T, 'maxIterations' | 'tolerance' | 'toleranceRule' | 'nInit' | 'seed'>] {
  const { maxIterations, tolerance, toleranceRule, nInit, seed, ...rest } = options;
  const settings: { -readonly [K in keyof FitSettings]: FitSettings[K] } = {};
  if (maxIterations !== undefined) settings.maxIterations = maxIterations;
  if (tolerance !== undefined) settings.tolerance = tolerance;
  if (toleranceRule !== undefined) settings.toleranceRule = toleranceRule;
  if (nInit !== undefined) settings.nInit = nInit;
  if (seed !== undefined) settings.seed = seed;
  return [settings, rest];
}
