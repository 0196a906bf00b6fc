import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture } from '../src/index.js';
import { dense, relativeError, syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';

// `history` is the objective (log-likelihood + log-prior, what EM never decreases);
// `logLikelihoodHistory` is the log-likelihood alone. With Dirichlet priors (pseudocount on the
// probabilities, weightConcentration on the weights) the two differ by log p(θ_t) at every step.

const categories = [3, 4, 2];
const prior = { pseudocount: 0.5, weightConcentration: 3 };
const cases = [
  { name: 'categorical', data: dense(syntheticCodes(200, categories, 2, 3)), make: (o: object) => new CategoricalMixture({ components: 2, categories, ...prior, ...o }) },
  { name: 'multinomial', data: dense(syntheticCounts({ rows: 150, features: 12, components: 2, tokens: 20, seed: 4 }).counts), make: (o: object) => new MultinomialMixture({ components: 2, ...prior, ...o }) },
  { name: 'Bernoulli', data: dense(syntheticBinary(150, 10, 2, 5)), make: (o: object) => new BernoulliMixture({ components: 2, ...prior, ...o }) },
];

describe.each(cases)('$name: logLikelihoodHistory next to history', ({ data, make }) => {
  const summary = make({ seed: 2 }).fit(data);

  it('one entry per parameter value θ_0 … θ_n, ending at logLikelihood and objective', () => {
    expect(summary.logLikelihoodHistory).toHaveLength(summary.iterations + 1);
    expect(summary.history).toHaveLength(summary.iterations + 1);
    expect(summary.logLikelihoodHistory.at(-1)).toBe(summary.logLikelihood);
    expect(summary.history.at(-1)).toBe(summary.objective);
  });

  it('the two differ by the log-prior (not round-off), and only the objective is guaranteed never to decrease', () => {
    expect(Math.abs(summary.logPrior)).toBeGreaterThan(1);
    expect(relativeError((summary.history.at(-1) as number) - (summary.logLikelihoodHistory.at(-1) as number), summary.logPrior)).toBeLessThan(1e-9);
    summary.history.forEach((value, t) => expect(value).not.toBe(summary.logLikelihoodHistory[t]));
    for (let t = 1; t < summary.history.length; t++) {
      const previous = summary.history[t - 1] as number;
      expect(summary.history[t] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
  });

  it('entry t is the log-likelihood of the fit stopped after t iterations (and its log-prior the difference)', () => {
    for (const t of [0, 1, 3]) {
      const stopped = make({ seed: 2, maxIterations: t, tolerance: 0 }).fit(data);
      expect(relativeError(stopped.logLikelihood, summary.logLikelihoodHistory[t] as number)).toBeLessThan(1e-12);
      expect(relativeError(stopped.objective, summary.history[t] as number)).toBeLessThan(1e-12);
    }
  });
});

it('multinomial: the with-coefficient series shift both histories by the same constant', () => {
  const { data, make } = cases[1] as (typeof cases)[number];
  const summary = (make({ seed: 2 }) as MultinomialMixture).fit(data);
  summary.logLikelihoodHistoryWithCoefficient.forEach((value, t) =>
    expect(relativeError(value - (summary.logLikelihoodHistory[t] as number), summary.logMultinomialCoefficient)).toBeLessThan(1e-9),
  );
  summary.historyWithCoefficient.forEach((value, t) => expect(relativeError(value - (summary.history[t] as number), summary.logMultinomialCoefficient)).toBeLessThan(1e-9));
});

it('fitAsync reports the same two series', async () => {
  const { data, make } = cases[0] as (typeof cases)[number];
  const sync = make({ seed: 2 }).fit(data);
  const async = await make({ seed: 2 }).fitAsync(data);
  expect(async.logLikelihoodHistory).toHaveLength(sync.logLikelihoodHistory.length);
  async.logLikelihoodHistory.forEach((value, t) => expect(relativeError(value, sync.logLikelihoodHistory[t] as number)).toBeLessThan(1e-12));
});
