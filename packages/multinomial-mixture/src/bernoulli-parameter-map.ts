import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { BernoulliComponents } from './bernoulli-family.js';

/**
 * Bernoulli components ↔ ℝ^p for accelerated fits: every probability through its logit; a
 * probability that is exactly 0 or 1 (no pseudo-count, a feature never or always on in a component)
 * stays where it is, as it would under EM. Frozen probabilities come from the template.
 */
export function bernoulliParameterMap(updateProbabilities: boolean): ParameterMap<BernoulliComponents> {
  return {
    toUnconstrained: (c) => new CoordinateWriter().logit(c.probabilities).result(),
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const probabilities = reader.logistic(template.probabilities, new Float64Array(template.probabilities.length));
      reader.finish();
      return updateProbabilities ? { ...template, probabilities } : template;
    },
  };
}
