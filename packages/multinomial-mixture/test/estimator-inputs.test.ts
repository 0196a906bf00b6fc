// The count mixtures take every input core reads (issue 11): CSR, number[][], DenseMatrix, an
// ml-matrix-shaped Matrix, row-major { data, columns }; the same answers from each.
import { CsrMatrix, DenseMatrix, InvalidDataError, NotFittedError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture } from '../src/index.js';
import { syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';

function forms(rows: number[][]): unknown[] {
  const columns = (rows[0] as number[]).length;
  return [
    rows,
    DenseMatrix.from(rows),
    { data: Float64Array.from(rows.flat()), columns },
    { rows: rows.length, columns, get: (i: number, j: number) => (rows[i] as number[])[j] as number },
    { rows: rows.length, columns, to2DArray: () => rows },
  ];
}

const counts = syntheticCounts({ rows: 60, features: 12, components: 2, tokens: 30, seed: 4 }).counts;
const binary = syntheticBinary(60, 8, 2, 5);
const codes = syntheticCodes(60, [2, 3], 2, 6);

describe.each([
  { name: 'multinomial', make: () => new MultinomialMixture({ components: 2, seed: 1 }), rows: counts, sparse: true },
  { name: 'Bernoulli', make: () => new BernoulliMixture({ components: 2, seed: 1 }), rows: binary, sparse: true },
  { name: 'categorical', make: () => new CategoricalMixture({ components: 2, categories: [2, 3], seed: 1 }), rows: codes, sparse: false },
])('$name mixture inputs', ({ make, rows, sparse }) => {
  it('fitted-only members before fit throw NotFittedError', () => {
    const model = make();
    for (const call of [() => model.predict(rows), () => model.predictProba(rows), () => model.score(rows), () => model.bic(rows), () => model.sample(2), () => model.parameters]) {
      expect(call).toThrow(NotFittedError);
    }
  });

  it('every accepted form fits and predicts the same', () => {
    const model = make();
    const labels = model.fitPredict(rows);
    for (const form of [...forms(rows), ...(sparse ? [CsrMatrix.fromDense(rows)] : [])]) {
      expect(model.predict(form as number[][])).toEqual(labels);
      expect(make().fit(form as number[][]).logLikelihood).toBeCloseTo(model.lastFit?.logLikelihood as number, 8);
    }
    expect(() => model.predict(new Map() as never)).toThrow(InvalidDataError);
  });
});
