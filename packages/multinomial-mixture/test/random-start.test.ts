import { type DenseMatrix, type FitSummary } from '@em/core';
import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture } from '../src/index.js';
import { dense, syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';

// A random start must spread the components. With random responsibilities (a Dirichlet(1) draw
// per row) every component began at nearly the pooled estimate: the first EM step gained almost
// nothing and a 300-row latent-class fit "converged" after one iteration at the one-class
// log-likelihood (seed 1: −1574.29, where the optimum is −1522.7).

interface Case {
  readonly name: string;
  readonly data: DenseMatrix;
  readonly make: (options: { components: number; init?: 'kmeans++' | 'random'; seed?: number; tolerance?: number; nInit?: number }) => {
    fit(data: DenseMatrix, options?: { readonly maxIterations?: number }): FitSummary<unknown>;
  };
}

const categories = [3, 4, 2, 5, 3];
const cases: Case[] = [
  { name: 'categorical', data: dense(syntheticCodes(300, categories, 3, 7)), make: (o) => new CategoricalMixture({ ...o, categories }) },
  { name: 'multinomial', data: dense(syntheticCounts({ rows: 300, features: 40, components: 3, tokens: 60, seed: 21 }).counts), make: (o) => new MultinomialMixture(o) },
  { name: 'Bernoulli', data: dense(syntheticBinary(300, 20, 3, 2)), make: (o) => new BernoulliMixture(o) },
];
const seeds = [0, 1, 2, 3, 4, 5, 6, 7];

describe.each(cases)("init: 'random' spreads the $name components", ({ data, make }) => {
  const oneCluster = make({ components: 1 }).fit(data).logLikelihood;
  const best = make({ components: 3, nInit: 5, tolerance: 1e-9, seed: 11 }).fit(data).logLikelihood;

  // scikit-learn's rule too (|Δ| / n < 1e-3, at most 100 iterations): loose enough that a flat start
  // stalls at its first small steps whatever the monitor does about the first one.
  const rules = [
    { rule: 'default settings', options: {} },
    { rule: "scikit-learn's rule", options: { toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 } },
  ] as const;

  it.each(rules.flatMap(({ rule, options }) => seeds.map((seed) => ({ rule, options, seed }))))(
    '$rule, seed $seed: more than one iteration, and at least half of the gain over one cluster',
    ({ options, seed }) => {
      const fit = make({ components: 3, init: 'random', seed }).fit(data, options);
      expect(fit.iterations).toBeGreaterThan(1);
      expect(fit.logLikelihood - oneCluster, `seed ${seed}: ${fit.logLikelihood} after ${fit.iterations} iterations (one cluster ${oneCluster}, best ${best})`).toBeGreaterThan(
        0.5 * (best - oneCluster),
      );
    },
  );
});
