import { Random } from '@em/core';

/** Which emissions the casino's hidden chain produces (and the HMM is fitted with). */
export type CasinoEmission = 'categorical' | 'gaussian';

/** The known parameters the rolls are simulated from (state 0 = fair, 1 = loaded). */
export interface CasinoTruth {
  readonly startProbabilities: readonly [number, number];
  /** Row-major 2×2: p(next | current). */
  readonly transitionMatrix: readonly [readonly [number, number], readonly [number, number]];
  /** Die faces 1…6: p(face | state). */
  readonly faceProbabilities: readonly [readonly number[], readonly number[]];
  /** Gaussian emissions: the reading's mean and standard deviation per state. */
  readonly means: readonly [number, number];
  readonly standardDeviations: readonly [number, number];
}

/**
 * The dishonest casino (Durbin et al., Biological Sequence Analysis): a fair die and a die loaded
 * towards six, switched now and then. The Gaussian variant keeps the hidden chain and emits a
 * continuous reading per roll instead of a face.
 */
export const CASINO: CasinoTruth = {
  startProbabilities: [0.5, 0.5],
  transitionMatrix: [
    [0.98, 0.02],
    [0.04, 0.96],
  ],
  faceProbabilities: [
    [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
  ],
  means: [3.5, 5.5],
  standardDeviations: [1.5, 1],
};

export const FAIR = 0;
export const LOADED = 1;

export interface CasinoRolls {
  /** T observations: die faces as symbols 0…5 (face − 1), or the Gaussian readings. */
  readonly observations: Float64Array;
  /** The true hidden state of every roll (0 fair, 1 loaded). */
  readonly states: Int32Array;
}

/** T seeded rolls from the casino's known parameters. */
export function simulateCasino(length: number, seed: number, emission: CasinoEmission, truth: CasinoTruth = CASINO): CasinoRolls {
  const random = new Random(seed);
  const observations = new Float64Array(length);
  const states = new Int32Array(length);
  let state = random.categorical(truth.startProbabilities);
  for (let t = 0; t < length; t++) {
    if (t > 0) state = random.categorical(truth.transitionMatrix[state] as readonly number[]);
    states[t] = state;
    observations[t] =
      emission === 'categorical'
        ? random.categorical(truth.faceProbabilities[state] as readonly number[])
        : (truth.means[state] as number) + (truth.standardDeviations[state] as number) * random.normal();
  }
  return { observations, states };
}
