// Neal–Hinton sparse EM (core's estep: 'sparse') on the Poisson mixture: the family's pair-list
// kernels against its block kernels, and the laws of a sparse fit.
import { DenseMatrix, fitEm, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createPoissonMixtureModel, PoissonFamily, randomPoissonComponents, samplePoisson } from '../src/index.js';

/** n rows of d counts from k components whose rates differ by a factor of ~e³ (well separated). */
function counts(seed: number, n: number, d: number, k: number): DenseMatrix {
  const random = new Random(seed);
  const rates = Array.from({ length: k * d }, () => 0.5 * Math.exp(3 * random.next()) * (1 + 5 * random.next()));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = random.integer(k);
    for (let a = 0; a < d; a++) data[i * d + a] = samplePoisson(rates[c * d + a] as number, random);
  }
  return DenseMatrix.fromArray(data, n, d);
}

describe('Poisson mixture, sparse E-steps', () => {
  it('pair-list kernels agree with the block kernels', () => {
    const family = new PoissonFamily();
    const x = counts(1, 200, 5, 4);
    const components = randomPoissonComponents(4, 5, new Random(2));
    const prepared = family.prepare(components);
    const all = new Float64Array(200 * 4);
    family.logDensities(prepared, x, 0, 200, all);
    const random = new Random(3);
    const rows: number[] = [];
    const owners: number[] = [];
    for (let i = 0; i < 200; i++) for (let c = 0; c < 4; c++) if (random.next() < 0.5) {
          rows.push(i);
          owners.push(c);
        }
    const pairRows = Int32Array.from(rows);
    const pairComponents = Int32Array.from(owners);
    const out = new Float64Array(rows.length);
    family.logDensitiesAtPairs(prepared, x, pairRows, pairComponents, 0, rows.length, out);
    rows.forEach((row, q) => {
      const expected = all[row * 4 + (owners[q] as number)] as number;
      expect(Math.abs((out[q] as number) - expected)).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
    });
    const weights = Float64Array.from(rows, () => random.next());
    const listed = family.zeroStatistics(components);
    family.accumulateAtPairs(prepared, listed, x, pairRows, pairComponents, 0, rows.length, weights);
    const block = new Float64Array(200 * 4);
    rows.forEach((row, q) => (block[row * 4 + (owners[q] as number)] = weights[q] as number));
    const plain = family.zeroStatistics(components);
    family.accumulate(prepared, plain, x, 0, 200, block);
    plain.weightSums.forEach((v, j) => expect(listed.weightSums[j]).toBeCloseTo(v, 10));
    plain.weightedSums.forEach((v, j) => expect(listed.weightedSums[j]).toBeCloseTo(v, 9));
  });

  it('never decreases the free energy, follows full EM at threshold 0 and reaches its optimum (seeds 1–4)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const x = counts(seed, 1500, 4, 8);
      const model = createPoissonMixtureModel({ components: 8 });
      const start = model.initialize({ observations: x }, new Random(seed));
      const settings = { initialParameters: start };
      const sparse = fitEm(model, { observations: x }, { ...settings, tolerance: 0, maxIterations: 40, estep: 'sparse', sparseThreshold: 1e-3, fullEStepEvery: 5 });
      for (let t = 1; t < sparse.history.length; t++) expect(sparse.history[t] as number, `seed ${seed}, t ${t}`).toBeGreaterThanOrEqual((sparse.history[t - 1] as number) - 1e-9 * Math.abs(sparse.history[t - 1] as number));
      const plain = fitEm(model, { observations: x }, { ...settings, tolerance: 0, maxIterations: 15 });
      const same = fitEm(model, { observations: x }, { ...settings, tolerance: 0, maxIterations: 15, estep: 'sparse', sparseThreshold: 0, fullEStepEvery: 4 });
      plain.history.forEach((v, t) => expect(Math.abs((same.history[t] as number) - v), `seed ${seed}, t ${t}`).toBeLessThan(1e-12 * Math.abs(v)));
      const converged = fitEm(model, { observations: x }, settings);
      const sparseConverged = fitEm(model, { observations: x }, { ...settings, estep: 'sparse' });
      expect(converged.converged && sparseConverged.converged).toBe(true);
      expect(Math.abs(sparseConverged.logLikelihood - converged.logLikelihood) / Math.abs(converged.logLikelihood), `seed ${seed}`).toBeLessThan(1e-7);
    }
  });
});
