import { DenseMatrix, NotFittedError, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { poissonComponentsToPlain, PoissonMixture, randomPoissonComponents, type PoissonMixtureParameters } from '../src/index.js';

// The estimator is generated around the family; these tests check that wiring (user-facing
// parameters, inputs, saving) on data drawn from the family itself, whatever the family is.
const truth: PoissonMixtureParameters = { weights: [0.4, 0.6], ...poissonComponentsToPlain(randomPoissonComponents(2, 3, new Random(1))) };
const rows = new PoissonMixture({ components: 2 }).setParameters(truth).sample(300, { seed: 2 }).observations;

describe('PoissonMixture', () => {
  it('fits, predicts and scores with the shapes every estimator uses', () => {
    const model = new PoissonMixture({ components: 2, seed: 3, nInit: 2 });
    expect(model.isFitted).toBe(false);
    const summary = model.fit(rows);
    expect(model.isFitted).toBe(true);
    expect(model.lastFit).toBe(summary);
    expect(Number.isFinite(summary.logLikelihood)).toBe(true);
    expect(model.predict(rows)).toHaveLength(rows.length);
    for (const posterior of model.predictProba(rows)) expect(Math.abs(posterior.reduce((sum, p) => sum + p, 0) - 1)).toBeLessThan(1e-12);
    const perRow = model.scoreSamples(rows);
    const mean = perRow.reduce((sum, value) => sum + value, 0) / perRow.length;
    expect(Math.abs(model.score(rows) - mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(mean)));
    expect(model.scoreSamples(DenseMatrix.from(rows))).toEqual(perRow);
  });

  it('returns given parameters unchanged through initialParameters and parameters (the nesting round-trips)', () => {
    const model = new PoissonMixture({ components: 2 });
    model.fit(rows, { initialParameters: truth, maxIterations: 0 });
    expect(model.parameters).toEqual(truth);
  });

  it('saves and restores exactly through toJSON / fromJSON', () => {
    const model = new PoissonMixture({ components: 2, seed: 5 });
    model.fit(rows);
    const restored = PoissonMixture.fromJSON(JSON.stringify(model.toJSON()));
    expect(restored.parameters).toEqual(model.parameters);
    expect(restored.scoreSamples(rows)).toEqual(model.scoreSamples(rows));
  });

  it('throws NotFittedError before fit', () => {
    expect(() => new PoissonMixture({ components: 2 }).predict(rows)).toThrow(NotFittedError);
  });
});
