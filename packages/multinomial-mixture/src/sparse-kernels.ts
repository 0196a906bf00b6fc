import { CsrMatrix, type DenseMatrix } from '@em/core';
import { isSparse, type CountMatrix } from './count-matrix.js';
import { simdSparseRowProducts, simdWeightedSparseRows } from './simd-arena.js';

// The two O(nnz·K) loops of the E-step over count or binary rows, shared by the multinomial and
// Bernoulli families. Dense blocks are first gathered into CSR (O(V) per row), so both layouts
// run the same loops over the same non-zeros in the same order and give bit-identical results.
// Where WebAssembly SIMD is available the loops run there (simd-arena.ts); the TypeScript loops
// below are the fallback and form every sum in the same order.

/**
 * out[(i − start)·K + k] += Σ_v x_iv · table[v·K + k] for rows [start, end) of x. Zero entries are
 * skipped (0 · −∞ must not give NaN).
 */
export function addRowProducts(table: Float64Array, k: number, x: CountMatrix, start: number, end: number, out: Float64Array): void {
  if (!isSparse(x)) {
    addRowProducts(table, k, denseBlockAsCsr(x, start, end), 0, end - start, out);
    return;
  }
  const done = simdSparseRowProducts(table, k, x, start, end, out);
  if (done < end) typescriptRowProducts(table, k, x, done, end, out.subarray((done - start) * k));
}

/**
 * statistics[v·K + k] += x_iv · weights[(i − start)·K + k] over the non-zeros of rows [start, end).
 * Rows whose weights are all exactly 0 may be skipped (adding 0 changes nothing).
 */
export function addWeightedRows(statistics: Float64Array, k: number, x: CountMatrix, start: number, end: number, weights: Float64Array): void {
  if (!isSparse(x)) {
    addWeightedRows(statistics, k, denseBlockAsCsr(x, start, end), 0, end - start, weights);
    return;
  }
  const done = simdWeightedSparseRows(statistics, k, x, start, end, weights);
  if (done < end) typescriptWeightedRows(statistics, k, x, done, end, weights.subarray((done - start) * k));
}

/** Rows [start, end) of a dense matrix as CSR with only the non-zero entries. */
function denseBlockAsCsr(x: DenseMatrix, start: number, end: number): CsrMatrix {
  const { data, cols } = x;
  let count = 0;
  for (let index = start * cols, last = end * cols; index < last; index++) if ((data[index] as number) !== 0) count++;
  const indptr = new Int32Array(end - start + 1);
  const indices = new Int32Array(count);
  const values = new Float64Array(count);
  let p = 0;
  for (let i = start; i < end; i++) {
    for (let f = 0, offset = i * cols; f < cols; f++) {
      const value = data[offset + f] as number;
      if (value !== 0) {
        indices[p] = f;
        values[p] = value;
        p++;
      }
    }
    indptr[i - start + 1] = p;
  }
  return new CsrMatrix(indptr, indices, values, cols);
}

/**
 * Components four at a time with the running sums in local variables (registers) rather than
 * memory: in V8 this is 2–3× faster than a loop over K per non-zero, and each sum still adds its
 * terms in order.
 */
function typescriptRowProducts(table: Float64Array, k: number, x: CsrMatrix, start: number, end: number, out: Float64Array): void {
  const { indptr, indices, values } = x;
  for (let i = start; i < end; i++) {
    const first = indptr[i] as number;
    const last = indptr[i + 1] as number;
    const base = (i - start) * k;
    let j = 0;
    for (; j + 4 <= k; j += 4) {
      let a0 = out[base + j] as number;
      let a1 = out[base + j + 1] as number;
      let a2 = out[base + j + 2] as number;
      let a3 = out[base + j + 3] as number;
      for (let p = first; p < last; p++) {
        const c = values[p] as number;
        if (c === 0) continue;
        const r = (indices[p] as number) * k + j;
        a0 += c * (table[r] as number);
        a1 += c * (table[r + 1] as number);
        a2 += c * (table[r + 2] as number);
        a3 += c * (table[r + 3] as number);
      }
      out[base + j] = a0;
      out[base + j + 1] = a1;
      out[base + j + 2] = a2;
      out[base + j + 3] = a3;
    }
    for (; j < k; j++) {
      let sum = out[base + j] as number;
      for (let p = first; p < last; p++) {
        const c = values[p] as number;
        if (c !== 0) sum += c * (table[(indices[p] as number) * k + j] as number);
      }
      out[base + j] = sum;
    }
  }
}

/**
 * Components four at a time with their weights in local variables; a group whose four weights are
 * all 0 is skipped (adding 0 changes nothing). Every statistic still gets its terms in row order.
 */
function typescriptWeightedRows(statistics: Float64Array, k: number, x: CsrMatrix, start: number, end: number, weights: Float64Array): void {
  const { indptr, indices, values } = x;
  for (let i = start; i < end; i++) {
    const first = indptr[i] as number;
    const last = indptr[i + 1] as number;
    const row = (i - start) * k;
    let j = 0;
    for (; j + 4 <= k; j += 4) {
      const [w0, w1, w2, w3] = [weights[row + j] as number, weights[row + j + 1] as number, weights[row + j + 2] as number, weights[row + j + 3] as number];
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
      for (let p = first; p < last; p++) {
        const c = values[p] as number;
        const at = (indices[p] as number) * k + j;
        statistics[at] = (statistics[at] as number) + c * w0;
        statistics[at + 1] = (statistics[at + 1] as number) + c * w1;
        statistics[at + 2] = (statistics[at + 2] as number) + c * w2;
        statistics[at + 3] = (statistics[at + 3] as number) + c * w3;
      }
    }
    for (; j < k; j++) {
      const weight = weights[row + j] as number;
      if (weight === 0) continue;
      for (let p = first; p < last; p++) {
        const at = (indices[p] as number) * k + j;
        statistics[at] = (statistics[at] as number) + (values[p] as number) * weight;
      }
    }
  }
}
