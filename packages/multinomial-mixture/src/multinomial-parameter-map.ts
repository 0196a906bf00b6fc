import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { MultinomialComponents } from './multinomial-family.js';

/**
 * Multinomial components ↔ ℝ^p for accelerated fits: each component's row of word probabilities
 * through its centred log-ratio (a probability that is exactly 0 stays 0). Frozen probabilities
 * (`update: { probabilities: false }`) come from the template.
 */
export function multinomialParameterMap(updateProbabilities: boolean): ParameterMap<MultinomialComponents> {
  return {
    toUnconstrained(c) {
      const writer = new CoordinateWriter();
      for (let k = 0; k < c.components; k++) writer.simplex(c.probabilities, k * c.features, c.features);
      return writer.result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const probabilities = new Float64Array(template.probabilities.length);
      for (let k = 0; k < template.components; k++) reader.simplex(template.probabilities, probabilities, k * template.features, template.features);
      reader.finish();
      return updateProbabilities ? { ...template, probabilities } : template;
    },
  };
}
