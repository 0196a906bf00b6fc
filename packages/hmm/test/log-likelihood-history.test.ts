import { Sequences, DenseMatrix } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, type HmmParameters } from '../src/index.js';

/** A two-regime sequence of three symbols (deterministic). */
function symbols(length: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < length; t++) out.push(Math.floor(t / 25) % 2 === 0 ? [0, 0, 1][t % 3] as number : [2, 2, 1, 2][t % 4] as number);
  return out;
}

describe('logLikelihoodHistory next to history (issue 10, scikit-learn users)', () => {
  it('history is the objective (log-likelihood + log-prior), logLikelihoodHistory the log-likelihood alone, per iteration', () => {
    const data = symbols(400);
    const hmm = new HiddenMarkovModel({
      states: 2,
      emission: { type: 'categorical', symbols: 3, pseudocount: 0.5 },
      priors: { start: 1, transitions: 2 },
      seed: 4,
      tolerance: 0,
      maxIterations: 12,
    });
    const visited: HmmParameters<unknown>[] = [];
    const result = hmm.fit(data, { onIteration: (info) => visited.push(info.parameters) });
    expect(result.logLikelihoodHistory).toHaveLength(result.history.length);
    expect(visited).toHaveLength(result.history.length);
    const sequences = new Sequences(DenseMatrix.from(data));
    for (let i = 0; i < visited.length; i++) {
      const parameters = visited[i] as HmmParameters<unknown>;
      const logLikelihood = hmm.model.logLikelihood(parameters, sequences);
      const logPrior = hmm.model.logPrior(parameters);
      // With these priors the two differ by far more than the tolerance.
      expect(Math.abs(logPrior)).toBeGreaterThan(1);
      const tolerance = 1e-9 * Math.max(1, Math.abs(logLikelihood));
      expect(Math.abs((result.logLikelihoodHistory[i] as number) - logLikelihood)).toBeLessThan(tolerance);
      expect(Math.abs((result.history[i] as number) - (logLikelihood + logPrior))).toBeLessThan(tolerance);
    }
    expect(result.logLikelihoodHistory.at(-1)).toBe(result.logLikelihood);
    expect(result.history.at(-1)).toBe(result.objective);
    expect(hmm.lastFit?.logLikelihoodHistory).toBe(result.logLikelihoodHistory);
  });

  it('fitAsync (in process) reports the same histories', async () => {
    const data = symbols(300);
    const options = { states: 2, emission: { type: 'categorical', symbols: 3, pseudocount: 0.5 }, priors: { transitions: 1 }, seed: 1, tolerance: 0, maxIterations: 5 } as const;
    const synchronous = new HiddenMarkovModel(options).fit(data);
    const asynchronous = await new HiddenMarkovModel(options).fitAsync(data);
    expect(asynchronous.logLikelihoodHistory).toEqual(synchronous.logLikelihoodHistory);
    expect(asynchronous.history).toEqual(synchronous.history);
  });
});
