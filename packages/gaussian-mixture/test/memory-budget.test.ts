import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET, MemoryBudgetError, Random } from '@em/core';
import { GaussianMixture } from '../src/index.js';
import { gaussianFitBytes } from '../src/memory-estimate.js';

function randomRows(n: number, d: number, seed: number): number[][] {
  const random = new Random(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push(random.normal() + (i % 3) * 4);
    rows.push(row);
  }
  return rows;
}

describe('GaussianMixture memory budget (issue 10: refuse before allocating)', () => {
  it('refuses a full-covariance shape whose K·D² arrays exceed the default budget, naming the shape and the way out', () => {
    // 1500 components × 200² covariances: 60 M values per copy, about 4.5 GiB with working copies.
    const data = randomRows(1500, 200, 1);
    const gmm = new GaussianMixture({ components: 1500, covariance: 'full', seed: 0 });
    let caught: unknown;
    const started = performance.now();
    try {
      gmm.fit(data);
    } catch (error) {
      caught = error;
    }
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(caught).toBeInstanceOf(MemoryBudgetError);
    const message = (caught as Error).message;
    expect(message).toContain('1500-component full Gaussian mixture');
    expect(message).toContain('200 dimensions');
    expect(message).toContain("covariance 'diagonal'");
    expect(gmm.isFitted).toBe(false);
  });

  it('fits the same shape when the budget is raised far enough, and a smaller model under the default', () => {
    const bytes = gaussianFitBytes(300, 5, 3, 'full');
    expect(bytes).toBeLessThan(DEFAULT_MEMORY_BUDGET);
    const data = randomRows(300, 5, 2);
    const fit = new GaussianMixture({ components: 3, seed: 0 }).fit(data);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    expect(() => new GaussianMixture({ components: 3, seed: 0, memoryBudget: 1024 * 1024 }).fit(randomRows(60_000, 5, 3))).toThrow(MemoryBudgetError);
    const raised = new GaussianMixture({ components: 3, seed: 0, memoryBudget: '64MiB' }).fit(randomRows(60_000, 5, 3));
    expect(Number.isFinite(raised.logLikelihood)).toBe(true);
  });

  it('checks predictProba (n·K posteriors) against the budget, not predict', () => {
    const gmm = new GaussianMixture({ components: 2, seed: 0, memoryBudget: '1MiB' });
    gmm.fit(randomRows(200, 2, 4));
    const many = randomRows(70_000, 2, 5);
    expect(() => gmm.predictProba(many)).toThrow(MemoryBudgetError);
    expect(gmm.predict(many).length).toBe(70_000);
  });

  it('refuses a budget that is not a size', () => {
    expect(() => new GaussianMixture({ components: 2, memoryBudget: 'plenty' })).toThrow(/memoryBudget/);
    expect(() => new GaussianMixture({ components: 2, memoryBudget: Number.NaN })).toThrow(/memoryBudget/);
  });
});

describe('a loaded model takes the memory budget of the machine that loads it', () => {
  it('fromJSON(document, { memoryBudget }) bounds predictProba; the budget is not saved with the model', () => {
    const gmm = new GaussianMixture({ components: 2, seed: 0, memoryBudget: '1MiB' });
    gmm.fit(randomRows(200, 2, 4));
    const document = gmm.toJSON();
    expect(JSON.stringify(document)).not.toContain('memoryBudget');
    const many = randomRows(70_000, 2, 5);
    expect(GaussianMixture.fromJSON(document).predictProba(many).length).toBe(70_000);
    expect(() => GaussianMixture.fromJSON(document, { memoryBudget: '1MiB' }).predictProba(many)).toThrow(MemoryBudgetError);
    expect(() => GaussianMixture.fromJSON(document, { memoryBudget: 'lots' })).toThrow(/memoryBudget/);
  });
});
