// options.ts is the one place the Gaussian mixture's options are resolved, saved and read back.
// Documents saved by the code before the options were resolved once (commit 7ea5587, fixture
// saved-before-options-ts.json: full, VEV with a prior and kmeans++, diagonal with frozen weights
// and missing values) must still load, without refitting, to the same config and parameters.
import { readFileSync } from 'node:fs';
import { InvalidOptionsError } from '@em/core';
import { describe, expect, it } from 'vitest';
import {
  GaussianMixture,
  gaussianMixtureFromConfig,
  gaussianMixtureModel,
  gaussianMixtureToConfig,
  resolveGaussianMixtureOptions,
  faithful,
  type GaussianMixtureModelOptions,
} from './helpers.js';

const saved = JSON.parse(readFileSync(new URL('./__fixtures__/saved-before-options-ts.json', import.meta.url), 'utf8')) as Record<string, { config: unknown; parameters: unknown }>;

const cases: readonly GaussianMixtureModelOptions[] = [
  { components: 2 },
  { components: 2, covariance: 'VEV', regCovar: 0.001, weightConcentration: 1.5, init: 'kmeans++' },
  { components: 3, covariance: 'diag', update: { weights: false, covariances: false }, onDegenerate: 'error', missingValues: true },
  { components: 4, covariance: 'spherical', regCovar: 0, init: 'random-points' },
];

describe('Gaussian mixture options', () => {
  it('toConfig of the resolved options is the engine model config, and fromConfig reads it back to the same resolved options', () => {
    for (const options of cases) {
      const resolved = resolveGaussianMixtureOptions(options);
      const config = gaussianMixtureToConfig(resolved);
      expect(gaussianMixtureModel(options).config).toEqual(config);
      expect(new GaussianMixture(options).model.config).toEqual(config);
      expect(gaussianMixtureFromConfig(config)).toEqual({ ...resolved, weightConcentration: resolved.weightConcentration ?? 1 });
    }
  });

  it('writes each default once: covariance full (VVV), regCovar 1e-6, init kmeans, every parameter updated', () => {
    const resolved = resolveGaussianMixtureOptions({ components: 2 });
    expect(resolved.family).toEqual({ covariance: 'full', model: 'VVV', regCovar: 1e-6, update: { means: true, covariances: true }, missingValues: false, onDegenerate: 'keep-previous' });
    expect(resolved.init).toBe('kmeans');
    expect(resolved.updateWeights).toBe(true);
  });

  it('checks covariance when resolving, naming the option', () => {
    expect(() => resolveGaussianMixtureOptions({ components: 2, covariance: 'XYZ' as never })).toThrow(InvalidOptionsError);
  });

  it('loads documents saved before the options were resolved once, with the same config and predictions', () => {
    const x = faithful();
    for (const [name, document] of Object.entries(saved)) {
      const model = GaussianMixture.fromJSON(JSON.stringify(document));
      expect(model.toJSON().config, name).toEqual(document.config);
      // The saved parameters come back unchanged and score the data.
      expect(JSON.stringify(model.toJSON().parameters), name).toBe(JSON.stringify(document.parameters));
      const scores = model.scoreSamples(x);
      expect(scores.every((s) => Number.isFinite(s)), name).toBe(true);
    }
  });
});
