import { InvalidParametersError } from '@em/core';

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
