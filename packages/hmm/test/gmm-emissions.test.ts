import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';

/** Two states, each a mixture of two well-separated 1-D bumps. */
function gmmData(length: number): number[][] {
  const rows: number[][] = [];
  let state = 0;
  for (let t = 0; t < length; t++) {
    if (t % 37 === 0) state = 1 - state;
    const bump = (t * 7919) % 3 === 0 ? 1 : 0;
    const center = state === 0 ? (bump ? -6 : -3) : bump ? 6 : 3;
    rows.push([center + Math.sin(t * 12.9898) * 0.4]);
  }
  return rows;
}

describe('GMM-HMM emissions (core mixtureFamily over the Gaussian family)', () => {
  it('fits monotonically, decodes the regimes and round-trips JSON', () => {
    const rows = gmmData(1_500);
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'gmm', covariance: 'diagonal', mixtureComponents: 2, regCovar: 1e-6 }, seed: 2, maxIterations: 60 });
    const result = hmm.fit(rows);
    for (let i = 1; i < result.history.length; i++) {
      expect(result.history[i] as number).toBeGreaterThanOrEqual((result.history[i - 1] as number) - 1e-9 * Math.abs(result.history[i - 1] as number));
    }
    const states = hmm.predict(rows);
    // Every regime (sign of the observation) maps to one state.
    const positive = rows.map((r) => ((r[0] as number) > 0 ? 1 : 0));
    const agree = positive.reduce((n: number, p, t) => n + (p === states[t] ? 1 : 0), 0) / rows.length;
    expect(Math.max(agree, 1 - agree)).toBeGreaterThan(0.99);
    const restored = HiddenMarkovModel.fromJSON(JSON.stringify(hmm.toJSON()));
    expect(restored.parameters).toEqual(hmm.parameters);
    expect(restored.score(rows)).toBe(hmm.score(rows));
    // Parameters: 1 start + 2 transitions + per state 1 mixing weight + 2·(mean + variance).
    expect(result.freeParameters).toBe(1 + 2 + 2 * (1 + 4));
  });
});

