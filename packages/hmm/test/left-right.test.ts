import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';

/** Rows of `count` sequences that visit means 0, separation, 2·separation in that order (2 columns). */
function leftRightData(separation: number, count: number, seed: number): { rows: number[][]; lengths: number[] } {
  const random = new Random(seed);
  const rows: number[][] = [];
  const lengths: number[] = [];
  for (let s = 0; s < count; s++) {
    let length = 0;
    for (const [mean, duration] of [
      [0, 30],
      [separation, 40],
      [2 * separation, 30],
    ] as const) {
      for (let t = 0; t < duration; t++) rows.push([mean + random.normal(), random.normal()]);
      length += duration;
    }
    lengths.push(length);
  }
  return { rows, lengths };
}

/** Bakis chain: start in state 0, stay or move one state right. */
const leftRight = {
  startProbabilities: [1, 0, 0],
  transitionMatrix: [
    [0.5, 0.5, 0],
    [0, 0.5, 0.5],
    [0, 0, 1],
  ],
};

function expectMonotone(history: readonly number[]): void {
  for (let i = 1; i < history.length; i++) {
    const previous = history[i - 1] as number;
    expect(history[i] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
  }
}

describe('left-right HMM with the default k-means emission start (issue 10, item 2)', () => {
  // Separation 10 and 30 gave "State 0 received NaN expected time steps" and stopReason
  // 'converged' after one iteration (k-means means in an order the chain cannot reach).
  for (const separation of [5, 10, 30]) {
    for (const covariance of ['full', 'diagonal'] as const) {
      it(`fits (separation ${separation}, ${covariance}): finite, non-decreasing, zeros kept, better than the start`, () => {
        for (let seed = 0; seed < 6; seed++) {
          const { rows, lengths } = leftRightData(separation, 3, 100 + seed);
          const events: string[] = [];
          const hmm = new HiddenMarkovModel({ states: 3, emission: { type: 'gaussian', covariance }, init: leftRight, seed, tolerance: 1e-6 });
          const result = hmm.fit({ observations: rows, lengths }, { onEvent: (event) => events.push(JSON.stringify(event)) });
          expect(events.filter((event) => /NaN/.test(event)), `seed ${seed}`).toEqual([]);
          for (const value of [...result.history, ...result.logLikelihoodHistory]) expect(Number.isFinite(value), `seed ${seed}`).toBe(true);
          expectMonotone(result.history);
          expect(result.iterations, `seed ${seed}`).toBeGreaterThan(1);
          // Improves on the start by much more than the stopping tolerance.
          expect(result.objective - (result.history[0] as number), `seed ${seed}`).toBeGreaterThan(1);
          const { startProbabilities, transitionMatrix } = hmm.parameters;
          expect(startProbabilities.slice(1)).toEqual([0, 0]);
          expect([transitionMatrix[0]?.[2], transitionMatrix[1]?.[0], transitionMatrix[2]?.[0], transitionMatrix[2]?.[1]]).toEqual([0, 0, 0, 0]);
          // Each state found its segment: means in the left-right order of the data.
          const { means, dimension } = hmm.parameters.emissions as { means: number[]; dimension: number };
          for (let j = 0; j < 3; j++) expect(Math.abs((means[j * dimension] as number) - j * separation), `seed ${seed} state ${j}`).toBeLessThan(1);
          // Each sequence spends ~30 / 40 / 30 steps in the three states.
          const transitions = transitionMatrix.map((row, i) => row[i] as number);
          expect(transitions[0]).toBeCloseTo(1 - 1 / 30, 2);
          expect(transitions[1]).toBeCloseTo(1 - 1 / 40, 2);
        }
      });
    }
  }
});

describe('a start the chain cannot follow never ends in NaN statistics (issue 10, item 2)', () => {
  it('given emissions in the reverse of the chain order: a finite, non-decreasing fit that keeps the zeros', () => {
    const { rows, lengths } = leftRightData(10, 3, 7);
    const events: string[] = [];
    const hmm = new HiddenMarkovModel({
      states: 2,
      emission: { type: 'gaussian', covariance: 'diagonal' },
      init: {
        startProbabilities: [1, 0],
        transitionMatrix: [
          [0.5, 0.5],
          [0, 1],
        ],
        // State 0 (where every sequence starts) describes the end of the sequences: the scaled
        // backward variables of state 1 overflowed and the fit stopped 'converged' on NaN occupancies.
        emissions: { covarianceType: 'diagonal', dimension: 2, means: [20, 0, 0, 0], covariances: [1, 1, 1, 1] },
      },
      tolerance: 1e-6,
    });
    const result = hmm.fit({ observations: rows, lengths }, { onEvent: (event) => events.push(JSON.stringify(event)) });
    expect(events.filter((event) => /NaN/.test(event))).toEqual([]);
    for (const value of [...result.history, ...result.logLikelihoodHistory]) expect(Number.isFinite(value)).toBe(true);
    expectMonotone(result.history);
    expect(result.objective - (result.history[0] as number)).toBeGreaterThan(100);
    expect(hmm.parameters.startProbabilities).toEqual([1, 0]);
    expect(hmm.parameters.transitionMatrix[1]).toEqual([0, 1]);
    // State 0 moved to the start of the sequences.
    expect(Math.abs((hmm.parameters.emissions as { means: number[] }).means[0] as number)).toBeLessThan(1);
    for (const row of hmm.predictProba({ observations: rows, lengths })) for (const value of row) expect(Number.isFinite(value)).toBe(true);
  });
});

describe('a state the chain never enters (zero expected time steps)', () => {
  it('is reported and kept; everything else finite, non-decreasing (every emission type)', () => {
    const random = new Random(3);
    const rows: number[][] = [];
    for (let t = 0; t < 200; t++) rows.push([(t % 40 < 20 ? 0 : 5) + random.normal()]);
    const symbols = rows.map((row) => [Math.min(2, Math.max(0, Math.round((row[0] as number) / 3)))]);
    // State 2 can be neither started in nor entered.
    const init = { startProbabilities: [1, 0, 0], transitionMatrix: [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 1]] };
    const emissions = [
      { type: 'gaussian', covariance: 'full' },
      { type: 'gaussian', covariance: 'tied' },
      { type: 'gaussian', covariance: 'spherical' },
      { type: 'gmm', covariance: 'diagonal', mixtureComponents: 2 },
      { type: 'categorical', symbols: 3 },
    ] as const;
    for (const emission of emissions) {
      const events: { component?: number; reason?: string }[] = [];
      const hmm = new HiddenMarkovModel({ states: 3, emission, init, seed: 2 });
      const result = hmm.fit(emission.type === 'categorical' ? symbols : rows, { onEvent: (event) => events.push(event as { component?: number; reason?: string }) });
      expectMonotone(result.history);
      expect(events.some((event) => event.component === 2 && event.reason === 'empty-state'), emission.type).toBe(true);
      const flat = JSON.stringify(hmm.parameters, (_, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? 'NON-FINITE' : value));
      expect(flat, emission.type).not.toContain('NON-FINITE');
      expect(hmm.parameters.transitionMatrix[2]).toEqual([0, 0, 1]);
    }
  });
});
