import { createMixtureModel, DenseMatrix, labelsToWeights, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureModel, type InitializationMethod } from '../src/index.js';
import { initializer } from '../src/initialization.js';

// Clustering starts hand their hard labels to the family (initializeFromLabels) instead of n×K
// one-hot weights (80 MB at 1e6 rows and K = 10, issue #12). The start must be the same, bit for
// bit, as the one-hot weights gave: compared here with a model whose initializer expands the same
// labels into labelsToWeights, as the code did before.

/** Three overlapping seeded clusters in d dimensions. */
function blobs(seed: number, n: number, d: number): DenseMatrix {
  const random = new Random(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let a = 0; a < d; a++) data[i * d + a] = (a === c % d ? 3 * c : 0) + random.normal();
  }
  return new DenseMatrix(data, n, d);
}

describe('initial components from hard labels equal those from their one-hot weights', () => {
  const methods: InitializationMethod[] = ['kmeans', 'kmeans++', 'random-points', 'hc'];
  const covariances = ['full', 'diagonal', 'spherical', 'tied', 'VEV', 'EEI'] as const;
  for (const method of methods) {
    for (const covariance of covariances) {
      for (const weighted of method === 'hc' ? [false] : [false, true]) {
        it(`${method}, ${covariance}${weighted ? ', sample weights' : ''}`, () => {
          const seed = 31;
          const x = blobs(seed, 1300, 3);
          const sampleWeights = weighted ? Float64Array.from({ length: x.rows }, (_, i) => (i % 11 === 0 ? 0 : 0.5 + (i % 7) / 3)) : undefined;
          const data = sampleWeights === undefined ? { observations: x } : { observations: x, sampleWeights };
          const model = gaussianMixtureModel({ components: 4, covariance, init: method });
          const start = initializer(method);
          const oneHot = createMixtureModel(model.family, {
            components: 4,
            initializer: (observations, k, random, w) => {
              const result = start(observations, k, random, w);
              return result instanceof Float64Array ? result : labelsToWeights(result.labels, k);
            },
          });
          const actual = model.initialize(data, new Random(seed));
          const expected = oneHot.initialize(data, new Random(seed));
          expect(Array.from(actual.weights)).toEqual(Array.from(expected.weights));
          expect(Array.from(actual.components.means)).toEqual(Array.from(expected.components.means));
          expect(Array.from(actual.components.covariances)).toEqual(Array.from(expected.components.covariances));
        });
      }
    }
  }
});
