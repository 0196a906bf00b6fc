import { CsrMatrix, Random } from '@em/core';
import { afterEach, describe, expect, it } from 'vitest';
import { limitSimdMemory, simdKernelsAvailable, useSimdKernels } from '../src/simd-arena.js';
import { addRowProducts, addWeightedRows } from '../src/sparse-kernels.js';

// When the WebAssembly memory cannot grow, the rows not yet done go to the TypeScript loops; the
// results are unchanged (both paths are bit-identical). Its own file: the memory layout is per thread.

afterEach(() => {
  limitSimdMemory(undefined);
  useSimdKernels(true);
});

/** 1024 rows: the first 512 with 2 non-zeros each, the next 512 with 40 each (a block that needs far more memory). */
function unevenRows(): CsrMatrix {
  const random = new Random(3);
  const indptr = new Int32Array(1025);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < 1024; i++) {
    const count = i < 512 ? 2 : 40;
    for (let c = 0; c < count; c++) {
      indices.push(c);
      values.push(1 + random.integer(4));
    }
    indptr[i + 1] = indices.length;
  }
  return new CsrMatrix(indptr, Int32Array.from(indices), Float64Array.from(values), 50);
}

function run(x: CsrMatrix, simd: boolean): { out: Float64Array; statistics: Float64Array } {
  useSimdKernels(simd);
  const k = 3;
  const random = new Random(4);
  const table = new Float64Array(50 * k).map(() => Math.log(random.next()));
  const weights = new Float64Array(1024 * k).map(() => random.next());
  const out = new Float64Array(1024 * k);
  const statistics = new Float64Array(50 * k);
  addRowProducts(table, k, x, 0, 1024, out);
  addWeightedRows(statistics, k, x, 0, 1024, weights);
  return { out, statistics };
}

describe('WebAssembly memory limit', () => {
  it('finishes in TypeScript when a later block does not fit, with the same results', () => {
    expect(simdKernelsAvailable()).toBe(true);
    const x = unevenRows();
    const expected = run(x, false);
    // Room for the first block (≈ 40 kB of layout) but not the second (≈ 330 kB).
    limitSimdMemory(100_000);
    const limited = run(x, true);
    expect(Array.from(limited.out)).toEqual(Array.from(expected.out));
    expect(Array.from(limited.statistics)).toEqual(Array.from(expected.statistics));
  });
});
