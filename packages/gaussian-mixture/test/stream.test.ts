import { arraySource, DenseMatrix, fitEm, fitStream, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureModel } from '../src/index.js';

/** n rows of three separated, correlated 4-D clusters (seeded). */
function clusters(n: number, seed: number): DenseMatrix {
  const random = new Random(seed);
  const d = 4;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const k = random.categorical([0.2, 0.3, 0.5]);
    const shared = random.normal();
    for (let j = 0; j < d; j++) data[i * d + j] = 3 * k * (j % 2 === 0 ? 1 : -1) + shared * 0.8 + random.normal();
  }
  return new DenseMatrix(data, n, d);
}

function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

describe('Gaussian mixture over a stream (fitStream)', () => {
  const data = clusters(6000, 17);
  for (const covariance of ['full', 'diagonal', 'tied', 'spherical'] as const) {
    it(`${covariance}: the streamed trajectory equals the in-memory one to 1e-10 relative from the same start`, async () => {
      const model = gaussianMixtureModel({ components: 3, covariance });
      const initial = model.initialize({ observations: data }, new Random(3));
      const memory = fitEm(model, { observations: data }, { initialParameters: initial, tolerance: 0, maxIterations: 25 });
      const streamed = await fitStream(model, arraySource(data), { initialParameters: initial, tolerance: 0, maxIterations: 25, blockRows: 777 });
      expect(maxRelativeDifference(streamed.logLikelihoodHistory, memory.logLikelihoodHistory)).toBeLessThan(1e-10);
      expect(maxRelativeDifference(Array.from(streamed.parameters.weights), Array.from(memory.parameters.weights))).toBeLessThan(1e-9);
    });
  }

  it('full, SQUAREM: the same accepted steps and passes as in memory', async () => {
    const model = gaussianMixtureModel({ components: 3, covariance: 'full' });
    const initial = model.initialize({ observations: data }, new Random(4));
    const memory = fitEm(model, { observations: data }, { initialParameters: initial, tolerance: 1e-9, acceleration: 'squarem' });
    const streamed = await fitStream(model, arraySource(data), { initialParameters: initial, tolerance: 1e-9, acceleration: 'squarem', blockRows: 1000 });
    expect(streamed.acceleration).toBe('squarem');
    expect(streamed.eSteps).toBe(memory.eSteps);
    expect(maxRelativeDifference(streamed.history, memory.history)).toBeLessThan(1e-10);
  });

  it('initialises with the model\'s own k-means start on the reservoir sample, deterministically by seed', async () => {
    const model = gaussianMixtureModel({ components: 3, covariance: 'full' });
    const a = await fitStream(model, arraySource(data), { seed: 8, reservoirRows: 1500, blockRows: 500, tolerance: 1e-8 });
    const b = await fitStream(model, arraySource(data), { seed: 8, reservoirRows: 1500, blockRows: 500, tolerance: 1e-8 });
    expect(a.history).toEqual(b.history);
    // Separated clusters: the sample start reaches the same optimum as the in-memory fit.
    const memory = fitEm(model, { observations: data }, { seed: 8, tolerance: 1e-8 });
    expect(Math.abs(a.logLikelihood - memory.logLikelihood) / Math.abs(memory.logLikelihood)).toBeLessThan(1e-6);
  });
});
