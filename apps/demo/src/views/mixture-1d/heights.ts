import { Random } from '@em/core';

/** A one-dimensional Gaussian mixture's parameters, as plain numbers. */
export interface Mixture1dParameters {
  readonly weights: readonly number[];
  readonly means: readonly number[];
  readonly standardDeviations: readonly number[];
}

/**
 * Heights of adults (cm) with an unobserved group: the textbook first example of EM. The two
 * groups are simulated from these known parameters so the estimates can be compared with them.
 */
export const HEIGHTS_TRUTH: Mixture1dParameters = {
  weights: [0.5, 0.5],
  means: [163, 177],
  standardDeviations: [6.5, 7.5],
};

/** n seeded heights: a group drawn with the weights, then a height from that group's normal. */
export function simulateHeights(n: number, seed: number, truth: Mixture1dParameters = HEIGHTS_TRUTH): Float64Array {
  const random = new Random(seed);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const group = random.categorical(truth.weights);
    values[i] = (truth.means[group] as number) + (truth.standardDeviations[group] as number) * random.normal();
  }
  return values;
}
