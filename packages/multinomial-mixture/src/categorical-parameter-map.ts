import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { CategoricalComponents } from './categorical-family.js';

/**
 * Categorical components ↔ ℝ^p for accelerated fits: each (component, variable) slice of
 * probabilities through its centred log-ratio (a probability that is exactly 0 stays 0). `offsets`
 * are the family's start of each variable within a component's block. Frozen probabilities come
 * from the template.
 */
export function categoricalParameterMap(offsets: Int32Array, updateProbabilities: boolean): ParameterMap<CategoricalComponents> {
  const variables = offsets.length - 1;
  const blockSize = offsets[variables] as number;
  return {
    toUnconstrained(c) {
      const writer = new CoordinateWriter();
      for (let k = 0; k < c.components; k++) {
        for (let j = 0; j < variables; j++) writer.simplex(c.probabilities, k * blockSize + (offsets[j] as number), (offsets[j + 1] as number) - (offsets[j] as number));
      }
      return writer.result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const probabilities = new Float64Array(template.probabilities.length);
      for (let k = 0; k < template.components; k++) {
        for (let j = 0; j < variables; j++) {
          reader.simplex(template.probabilities, probabilities, k * blockSize + (offsets[j] as number), (offsets[j + 1] as number) - (offsets[j] as number));
        }
      }
      reader.finish();
      return updateProbabilities ? { ...template, probabilities } : template;
    },
  };
}
