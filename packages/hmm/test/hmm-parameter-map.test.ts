import { Random } from '@em/core';
import { gaussianFamily, type GaussianComponents } from '@em/gaussian-mixture';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, type HmmParameters } from '../src/index.js';

const SEED = Number(process.env['EM_TEST_SEED'] ?? 14);
console.log(`hmm-parameter-map.test.ts seed ${SEED} (EM_TEST_SEED replays it)`);

/** Sequences from a 3-state chain with sticky transitions and weakly separated 1-D Gaussian emissions (means 1 σ apart). */
function weaklySeparated(sequences: number, length: number, random: Random): { rows: number[][]; lengths: number[] } {
  const transitions = [
    [0.9, 0.05, 0.05],
    [0.05, 0.9, 0.05],
    [0.05, 0.05, 0.9],
  ];
  const rows: number[][] = [];
  const lengths: number[] = [];
  for (let s = 0; s < sequences; s++) {
    let state = random.integer(3);
    for (let t = 0; t < length; t++) {
      rows.push([state + random.normal()]);
      state = random.categorical(Float64Array.from(transitions[state] as number[]));
    }
    lengths.push(length);
  }
  return { rows, lengths };
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

describe('the HMM parameter map', () => {
  it('round-trips to 1e-12 and keeps structural zeros of the start and transition rows at every point', () => {
    const hmm = new HiddenMarkovModel({ states: 3, emission: { type: 'gaussian', covariance: 'full' } });
    const map = hmm.model.parameterMap;
    expect(map).toBeDefined();
    const params = {
      startProbabilities: Float64Array.of(1, 0, 0),
      transitionMatrix: Float64Array.of(0.6, 0.4, 0, 0, 0.7, 0.3, 0, 0, 1),
      emissions: { covarianceType: 'full', dimension: 2, means: Float64Array.of(0, 1, 2, 3, 4, 5), covariances: Float64Array.of(2, 0.5, 0.5, 1, 1, 0, 0, 1, 3, -1, -1, 2) },
    } as unknown as HmmParameters<unknown>;
    const u = map!.toUnconstrained(params);
    const back = map!.fromUnconstrained(u, params) as HmmParameters<{ means: Float64Array; covariances: Float64Array }>;
    const emissions = params.emissions as { means: Float64Array; covariances: Float64Array };
    expect(maxDifference(back.startProbabilities, params.startProbabilities)).toBeLessThan(1e-12);
    expect(maxDifference(back.transitionMatrix, params.transitionMatrix)).toBeLessThan(1e-12);
    expect(maxDifference(back.emissions.means, emissions.means)).toBeLessThan(1e-12);
    expect(maxDifference(back.emissions.covariances, emissions.covariances)).toBeLessThan(1e-12);
    const random = new Random(SEED);
    const moved = map!.fromUnconstrained(u.map((v) => v + 2 * random.normal()), params);
    hmm.model.validateParameters(moved);
    expect(Array.from(moved.startProbabilities.subarray(1))).toEqual([0, 0]);
    for (const index of [2, 3, 6, 7]) expect(moved.transitionMatrix[index]).toBe(0);
  });
});

describe('SQUAREM on an HMM with weakly separated states', () => {
  for (const emission of [{ type: 'gaussian', covariance: 'diagonal' } as const, { type: 'gaussian', covariance: 'full' } as const]) {
    it(`${emission.covariance} emissions: the same optimum as Baum–Welch (1e-7 relative) in fewer passes, never decreasing`, () => {
      const { rows, lengths } = weaklySeparated(20, 100, new Random(SEED));
      const options = { states: 3, emission, seed: SEED, tolerance: 1e-11 } as const;
      const plainModel = new HiddenMarkovModel(options);
      const plain = plainModel.fit({ observations: rows, lengths });
      const fastModel = new HiddenMarkovModel({ ...options, acceleration: 'squarem' });
      const fast = fastModel.fit({ observations: rows, lengths });
      expect(fast.acceleration).toBe('squarem');
      expect(Math.abs(fast.objective - plain.objective) / Math.abs(plain.objective)).toBeLessThan(1e-7);
      expect(fast.eSteps).toBeLessThan(plain.eSteps);
      for (let t = 1; t < fast.history.length; t++) {
        expect(fast.history[t] as number).toBeGreaterThanOrEqual((fast.history[t - 1] as number) - 1e-12 * Math.abs(fast.history[t - 1] as number));
      }
      console.log(`HMM ${emission.covariance}: Baum–Welch ${plain.eSteps} E-steps, SQUAREM ${fast.eSteps}`);
    });
  }

  it('a left-right chain keeps its structural zeros under SQUAREM', () => {
    const { rows, lengths } = weaklySeparated(10, 60, new Random(SEED + 1));
    const hmm = new HiddenMarkovModel({
      states: 3,
      emission: { type: 'gaussian', covariance: 'diagonal' },
      init: { startProbabilities: [1, 0, 0], transitionMatrix: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]] },
      acceleration: 'squarem',
      seed: SEED,
    });
    const result = hmm.fit({ observations: rows, lengths });
    expect(result.acceleration).toBe('squarem');
    const { startProbabilities, transitionMatrix } = hmm.parameters;
    expect(startProbabilities.slice(1)).toEqual([0, 0]);
    expect([transitionMatrix[0]?.[2], transitionMatrix[1]?.[0], transitionMatrix[2]?.[0], transitionMatrix[2]?.[1]]).toEqual([0, 0, 0, 0]);
  });
});

describe('the HMM parameter map with a local chart (constrained Gaussian emissions)', () => {
  it('passes the reference on to the emission map: θ₂’s coordinates in the chart centred at θ₁ read back as θ₂ with θ₁ as the template', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: gaussianFamily({ covariance: 'EEV' }) });
    const map = hmm.model.parameterMap;
    expect(map).toBeDefined();
    /** Σ_k = R(angle_k)·diag(2, 0.5)·R(angle_k)ᵀ: equal volume and shape, its own orientation. */
    const rotated = (angles: readonly number[]): Float64Array =>
      Float64Array.from(
        angles.flatMap((t) => {
          const [c, s] = [Math.cos(t), Math.sin(t)];
          return [2 * c * c + 0.5 * s * s, 1.5 * c * s, 1.5 * c * s, 2 * s * s + 0.5 * c * c];
        }),
      );
    const at = (angles: readonly number[]): HmmParameters<GaussianComponents> => ({
      startProbabilities: Float64Array.of(0.5, 0.5),
      transitionMatrix: Float64Array.of(0.9, 0.1, 0.2, 0.8),
      emissions: { covarianceType: 'full', dimension: 2, means: Float64Array.of(0, 0, 1, 1), covariances: rotated(angles) },
    });
    const first = at([0.3, -0.2]);
    const second = at([0.45, -0.1]);
    const u = map!.toUnconstrained(second, first);
    const back = map!.fromUnconstrained(u, first);
    expect(maxDifference(back.emissions.covariances, second.emissions.covariances)).toBeLessThan(1e-12);
    // Centred at itself, a point's orientation coordinates are 0; centred at `first`, not.
    const self = map!.toUnconstrained(second, second);
    expect(Math.abs(self.at(-1) as number)).toBeLessThan(1e-12);
    expect(Math.abs(u.at(-1) as number)).toBeGreaterThan(1e-3);
  });
});
