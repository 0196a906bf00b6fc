import { arraySource, CsrMatrix, fitEm, fitStream, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createMultinomialMixtureModel } from '../src/index.js';

/** Sparse documents from two topics over a 40-word vocabulary (seeded). */
function documents(n: number, seed: number): CsrMatrix {
  const random = new Random(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const topic = random.integer(2);
    const counts = new Map<number, number>();
    for (let w = 0; w < 12; w++) {
      const word = (topic * 20 + random.integer(25)) % 40;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    for (const [word, count] of counts) {
      rows.push(i);
      cols.push(word);
      values.push(count);
    }
  }
  return CsrMatrix.fromTriplets(n, 40, rows, cols, values);
}

describe('multinomial mixture over a sparse stream (fitStream)', () => {
  it('follows the in-memory trajectory to 1e-10 relative from the same start, and initialises from a sparse reservoir', async () => {
    const data = documents(3000, 5);
    const model = createMultinomialMixtureModel({ components: 2 });
    const initial = model.initialize({ observations: data }, new Random(2));
    const memory = fitEm(model, { observations: data }, { initialParameters: initial, tolerance: 0, maxIterations: 20 });
    const streamed = await fitStream(model, arraySource(data), { initialParameters: initial, tolerance: 0, maxIterations: 20, blockRows: 123 });
    const worst = Math.max(...streamed.history.map((v, i) => Math.abs(v - (memory.history[i] as number)) / Math.max(1, Math.abs(memory.history[i] as number))));
    expect(worst).toBeLessThan(1e-10);
    const sampled = await fitStream(model, arraySource(data), { seed: 3, reservoirRows: 500, blockRows: 256, maxIterations: 5, tolerance: 0 });
    expect(sampled.iterations).toBe(5);
    expect(Number.isFinite(sampled.logLikelihood)).toBe(true);
  });
});
