import { fitEm } from '@em/core';
import { describe, expect, it } from 'vitest';
import { simulateCasino, type CasinoEmission } from './casino.js';
import { agreement, casinoHmm, casinoSequence, createHmmSession } from './hmm-session.js';

const LENGTH = 1000;

describe('the casino HMM session', () => {
  it('a restored checkpoint (what the worker posts back) continues exactly like the session it came from', () => {
    const rolls = simulateCasino(400, 4, 'categorical');
    const original = createHmmSession(rolls, 'categorical', 4);
    for (let i = 0; i < 4; i++) original.step();
    const copy = createHmmSession(rolls, 'categorical', 4);
    copy.restore(structuredClone(original.checkpoint()));
    expect(copy.iteration).toBe(4);
    expect(copy.history).toEqual(original.history);
    original.step();
    copy.step();
    expect(copy.frame().logLikelihood).toBe(original.frame().logLikelihood);
    expect(copy.frame().transitionMatrix).toEqual(original.frame().transitionMatrix);
  });

  for (const emission of ['categorical', 'gaussian'] as CasinoEmission[]) {
    it(`${emission}: n steps reach the log-likelihood of fitEm with maxIterations n (same seed)`, () => {
      const rolls = simulateCasino(LENGTH, 3, emission);
      const session = createHmmSession(rolls, emission, 3);
      for (let i = 0; i < 5; i++) session.step();
      const expected = fitEm(casinoHmm(emission, 3).model, casinoSequence(rolls), { seed: 3, maxIterations: 5, tolerance: 0 });
      expect(session.iteration).toBe(5);
      expect(Math.abs(session.frame().logLikelihood - expected.logLikelihood)).toBeLessThan(1e-9 * Math.abs(expected.logLikelihood));
    });

    it(`${emission}: the objective never decreases, posteriors are probabilities, and the fitted Viterbi path finds the loaded die`, () => {
      // The view's default: seed 0, 1000 rolls.
      const rolls = simulateCasino(LENGTH, 0, emission);
      const session = createHmmSession(rolls, emission, 0);
      while (session.stopReason === undefined && session.iteration < 1000) session.step();
      const history = session.history;
      for (let t = 1; t < history.length; t++) {
        expect(history[t] as number).toBeGreaterThanOrEqual((history[t - 1] as number) - 1e-9 * Math.max(1, Math.abs(history[t - 1] as number)));
      }
      expect(session.stopReason).toBe('converged');
      const frame = session.frame();
      expect(frame.loadedPosterior.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(agreement(frame.viterbi, rolls.states)).toBeGreaterThan(0.8);
      for (const row of frame.transitionMatrix) expect(Math.abs(row[0] + row[1] - 1)).toBeLessThan(1e-9);
    });
  }
});
