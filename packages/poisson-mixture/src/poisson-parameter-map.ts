import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { PoissonComponents } from './poisson-family.js';

/**
 * Poisson components ↔ ℝ^p for accelerated fits (SQUAREM): every rate through its logarithm. A
 * rate that is exactly 0 (maximum likelihood for a column that is all zeros in a component) stays 0,
 * as it does under EM.
 */
export const poissonParameterMap: ParameterMap<PoissonComponents> = {
  toUnconstrained: (components) => new CoordinateWriter().log(components.rates).result(),
  fromUnconstrained(vector, template) {
    const reader = new CoordinateReader(vector);
    const rates = reader.exp(new Float64Array(template.rates.length), 0, template.rates.length, template.rates);
    reader.finish();
    return { ...template, rates };
  },
};
