import type { ParameterMap } from '../contract.js';
import { CoordinateReader, CoordinateWriter } from '../unconstrained/coordinates.js';
import type { MixtureParameters } from './mixture-model.js';
import type { MixtureFamilyComponents } from './mixture-family.js';

/**
 * Mixture parameters ↔ ℝ^p: the weights through their centred log-ratio (a vanishing weight that
 * is exactly 0 stays 0), then the component family's own coordinates (in the chart centred at the
 * reference's components, for a family whose map is local). Frozen weights
 * (`updateWeights: false`) are taken from the template, unchanged by round-off.
 */
export function mixtureParameterMap<C>(components: ParameterMap<C>, updateWeights: boolean): ParameterMap<MixtureParameters<C>> {
  return {
    toUnconstrained(params, reference) {
      return new CoordinateWriter().simplex(params.weights).raw(components.toUnconstrained(params.components, reference?.components)).result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const read = reader.simplex(template.weights, new Float64Array(template.weights.length));
      return { weights: updateWeights ? read : template.weights, components: components.fromUnconstrained(reader.rest(), template.components) };
    },
  };
}

/** The same for a mixture family's components (K rows of `width` = M weights, then the inner family's coordinates). */
export function mixtureFamilyParameterMap<C>(inner: ParameterMap<C>, width: number, updateWeights: boolean): ParameterMap<MixtureFamilyComponents<C>> {
  return {
    toUnconstrained(components, reference) {
      const rows = components.weights.length / width;
      const writer = new CoordinateWriter();
      for (let r = 0; r < rows; r++) writer.simplex(components.weights, r * width, width);
      return writer.raw(inner.toUnconstrained(components.inner, reference?.inner)).result();
    },
    fromUnconstrained(vector, template) {
      const rows = template.weights.length / width;
      const reader = new CoordinateReader(vector);
      const weights = new Float64Array(template.weights.length);
      for (let r = 0; r < rows; r++) reader.simplex(template.weights, weights, r * width, width);
      return { weights: updateWeights ? weights : template.weights, inner: inner.fromUnconstrained(reader.rest(), template.inner) };
    },
  };
}
