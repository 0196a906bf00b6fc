// Checkpointed forward–backward (segment tables, α̂ kept at segment boundaries, recomputed on the
// backward sweep) against the in-memory E-step on the same sequence: the same statistics and
// log-likelihood to round-off, for several emission families and a chain with structural zeros.
import { DenseMatrix, Random, Sequences, type Statistics } from '@em/core';
import { describe, expect, it } from 'vitest';
import { checkpointedSequenceStatistics, CheckpointWorkspace, hmmModelFromOptions, type EmissionSpec } from '../src/index.js';

/** Largest |a − b| / max(1, |b|) over every number of two statistics values of the same shape. */
function maxRelative(a: unknown, b: unknown, path = ''): number {
  if (typeof b === 'number') return Math.abs((a as number) - b) / Math.max(1, Math.abs(b));
  if (b instanceof Float64Array) {
    const x = a as Float64Array;
    expect(x.length, path).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
    return worst;
  }
  if (Array.isArray(b)) return Math.max(0, ...b.map((v, i) => maxRelative((a as unknown[])[i], v, `${path}[${i}]`)));
  if (b !== null && typeof b === 'object') return Math.max(0, ...Object.keys(b).map((key) => maxRelative((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`)));
  return 0;
}

const cases: Array<{ readonly name: string; readonly emission: EmissionSpec; readonly columns: number }> = [
  { name: 'Gaussian full', emission: { type: 'gaussian', covariance: 'full', regCovar: 1e-6 }, columns: 2 },
  { name: 'Gaussian diagonal', emission: { type: 'gaussian', covariance: 'diagonal' }, columns: 3 },
  { name: 'categorical', emission: { type: 'categorical', symbols: 5, pseudocount: 0.01 }, columns: 1 },
  { name: 'Poisson', emission: { type: 'poisson' }, columns: 2 },
  { name: 'Gaussian-mixture', emission: { type: 'gmm', covariance: 'diagonal', mixtureComponents: 2 }, columns: 2 },
];

describe('checkpointedSequenceStatistics', () => {
  for (const { name, emission, columns } of cases) {
    it(`${name}: equals the in-memory E-step to 1e-12 relative for segments of 1 … T + 1 steps (structural zeros in A)`, () => {
      const k = 4;
      const length = 1500;
      const random = new Random(21);
      // Data in k regimes, so every state is used; a chain with zeros (left-to-right with a return).
      const values = new Float64Array(length * columns);
      let regime = 0;
      for (let t = 0; t < length; t++) {
        if (random.next() < 0.05) regime = (regime + 1) % k;
        for (let c = 0; c < columns; c++) {
          values[t * columns + c] =
            emission.type === 'categorical' ? (regime + (random.next() < 0.3 ? 1 : 0)) % emission.symbols : emission.type === 'poisson' ? Math.floor(random.next() * 3) + 3 * regime + c : 2 * regime + random.normal() + c;
        }
      }
      const x = new DenseMatrix(values, length, columns);
      const transitionMatrix = [
        [0.9, 0.1, 0, 0],
        [0, 0.85, 0.15, 0],
        [0, 0, 0.9, 0.1],
        [0.05, 0, 0, 0.95],
      ];
      const model = hmmModelFromOptions({ states: k, emission, seed: 5, init: { transitionMatrix, startProbabilities: [0.7, 0.3, 0, 0] } });
      const data = new Sequences(x);
      const params = model.initialize(data, new Random(3));
      // A few EM steps so the parameters are not the symmetric start.
      let p = params;
      for (let i = 0; i < 3; i++) p = model.mStep(model.eStep(p, data).statistics, p);
      const reference = model.eStep(p, data);
      const workspace = new CheckpointWorkspace();
      for (const segment of [1, 2, 7, 64, 499, length - 1, length, length + 1]) {
        const statistics = model.zeroStatistics(p);
        const prepared = model.family.prepare(p.emissions);
        const logLikelihood = checkpointedSequenceStatistics(model.family, k, p, prepared, x, 0, length, segment, statistics, workspace);
        expect(Math.abs(logLikelihood - reference.logLikelihood) / Math.abs(reference.logLikelihood), `segment ${segment}`).toBeLessThan(1e-12);
        expect(maxRelative(statistics, reference.statistics as Statistics), `segment ${segment}`).toBeLessThan(1e-12);
        // The structural zeros stay exactly zero.
        expect(statistics.transitions[2]).toBe(0);
        expect(statistics.start[2]).toBe(0);
      }
    });
  }

  it('an impossible step names the sequence, position and row', () => {
    const model = hmmModelFromOptions({ states: 2, emission: { type: 'categorical', symbols: 3 }, seed: 1 });
    const x = new DenseMatrix(Float64Array.from([0, 1, 0, 1, 2, 0]), 6, 1);
    const p = {
      startProbabilities: Float64Array.from([1, 0]),
      transitionMatrix: Float64Array.from([1, 0, 0, 1]),
      emissions: model.family.componentsFromJSON({ probabilities: [[[0.5, 0.5, 0]], [[0, 0, 1]]] }),
    };
    const statistics = model.zeroStatistics(p);
    expect(() => checkpointedSequenceStatistics(model.family, 2, p, model.family.prepare(p.emissions), x, 0, 6, 2, statistics, new CheckpointWorkspace(), 4)).toThrow(/Sequence 4, position 4 \(row 4\)/);
  });
});
