import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { HmmParameters } from './parameters.js';

/** Which parts of θ the fit updates (frozen parts come from the template). */
export interface HmmUpdateFlags {
  readonly start: boolean;
  readonly transitions: boolean;
  readonly emissions: boolean;
}

/**
 * HMM parameters ↔ ℝ^p for accelerated fits (SQUAREM): the start probabilities and each row of
 * the transition matrix through their centred log-ratios, then the emission family's coordinates.
 * A transition (or start probability) that is exactly 0 is a structural zero — a left-right chain's
 * backward moves — and stays 0 at every extrapolated point, as it does under Baum–Welch.
 */
export function hmmParameterMap<C>(emissions: ParameterMap<C>, states: number, update: HmmUpdateFlags): ParameterMap<HmmParameters<C>> {
  return {
    toUnconstrained(params, reference) {
      const writer = new CoordinateWriter().simplex(params.startProbabilities);
      for (let i = 0; i < states; i++) writer.simplex(params.transitionMatrix, i * states, states);
      return writer.raw(emissions.toUnconstrained(params.emissions, reference?.emissions)).result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const start = reader.simplex(template.startProbabilities, new Float64Array(states));
      const transitions = new Float64Array(states * states);
      for (let i = 0; i < states; i++) reader.simplex(template.transitionMatrix, transitions, i * states, states);
      const emitted = emissions.fromUnconstrained(reader.rest(), template.emissions);
      return {
        ...template,
        startProbabilities: update.start ? start : template.startProbabilities,
        transitionMatrix: update.transitions ? transitions : template.transitionMatrix,
        emissions: update.emissions ? emitted : template.emissions,
      };
    },
  };
}
