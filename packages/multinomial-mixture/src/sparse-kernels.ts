import type { CsrMatrix } from '@em/core';
import { simdSparseRowProducts, simdWeightedSparseRows } from './simd-arena.js';

// The two O(nnz·K) loops of the sparse E-step. Components are processed eight (then four, then
// one) at a time with the running sums or weights in local variables (registers) instead of
// memory: in V8 this is 2–3× faster than a loop over K per non-zero. Every sum is still formed
// in the same order, so the results are bit-identical to the straightforward loop. Where
// WebAssembly SIMD is available the CSR entry points run the same sums there (simd-arena.ts).

/**
 * out[(i − start)·K + k] += Σ_p x_p · table[column_p·K + k] over the non-zeros p of rows
 * [start, end). Stored zeros are skipped (0 · −∞ must not give NaN).
 */
export function addSparseRowProducts(table: Float64Array, k: number, x: CsrMatrix, start: number, end: number, out: Float64Array): void {
  if (simdSparseRowProducts(table, k, x, start, end, out)) return;
  const { indptr, indices, values } = x;
  for (let i = start; i < end; i++) addRowProducts(table, k, indices, values, indptr[i] as number, indptr[i + 1] as number, out, (i - start) * k);
}

/** One row: out[base + k] += Σ_{p ∈ [first, last)} values[p] · table[indices[p]·K + k]. */
export function addRowProducts(table: Float64Array, k: number, indices: Int32Array, values: Float64Array, first: number, last: number, out: Float64Array, base: number): void {
  let j = 0;
  for (; j + 8 <= k; j += 8) {
    const o = base + j;
    let a0 = out[o] as number;
    let a1 = out[o + 1] as number;
    let a2 = out[o + 2] as number;
    let a3 = out[o + 3] as number;
    let a4 = out[o + 4] as number;
    let a5 = out[o + 5] as number;
    let a6 = out[o + 6] as number;
    let a7 = out[o + 7] as number;
    for (let p = first; p < last; p++) {
      const c = values[p] as number;
      if (c === 0) continue;
      const r = (indices[p] as number) * k + j;
      a0 += c * (table[r] as number);
      a1 += c * (table[r + 1] as number);
      a2 += c * (table[r + 2] as number);
      a3 += c * (table[r + 3] as number);
      a4 += c * (table[r + 4] as number);
      a5 += c * (table[r + 5] as number);
      a6 += c * (table[r + 6] as number);
      a7 += c * (table[r + 7] as number);
    }
    out[o] = a0;
    out[o + 1] = a1;
    out[o + 2] = a2;
    out[o + 3] = a3;
    out[o + 4] = a4;
    out[o + 5] = a5;
    out[o + 6] = a6;
    out[o + 7] = a7;
  }
  for (; j + 4 <= k; j += 4) {
    const o = base + j;
    let a0 = out[o] as number;
    let a1 = out[o + 1] as number;
    let a2 = out[o + 2] as number;
    let a3 = out[o + 3] as number;
    for (let p = first; p < last; p++) {
      const c = values[p] as number;
      if (c === 0) continue;
      const r = (indices[p] as number) * k + j;
      a0 += c * (table[r] as number);
      a1 += c * (table[r + 1] as number);
      a2 += c * (table[r + 2] as number);
      a3 += c * (table[r + 3] as number);
    }
    out[o] = a0;
    out[o + 1] = a1;
    out[o + 2] = a2;
    out[o + 3] = a3;
  }
  for (; j < k; j++) {
    let a0 = out[base + j] as number;
    for (let p = first; p < last; p++) {
      const c = values[p] as number;
      if (c !== 0) a0 += c * (table[(indices[p] as number) * k + j] as number);
    }
    out[base + j] = a0;
  }
}

/**
 * statistics[column_p·K + k] += x_p · weights[(i − start)·K + k] over the non-zeros of rows
 * [start, end). Groups of components whose weights for a row are all exactly 0 are skipped
 * (adding 0 changes nothing; multinomial posteriors are often one-hot).
 */
export function addWeightedSparseRows(statistics: Float64Array, k: number, x: CsrMatrix, start: number, end: number, weights: Float64Array): void {
  if (simdWeightedSparseRows(statistics, k, x, start, end, weights)) return;
  const { indptr, indices, values } = x;
  for (let i = start; i < end; i++) addWeightedRow(statistics, k, indices, values, indptr[i] as number, indptr[i + 1] as number, weights, (i - start) * k);
}

/** One row: statistics[indices[p]·K + k] += values[p] · weights[wBase + k] for p ∈ [first, last). */
export function addWeightedRow(statistics: Float64Array, k: number, indices: Int32Array, values: Float64Array, first: number, last: number, weights: Float64Array, wBase: number): void {
  let j = 0;
  for (; j + 8 <= k; j += 8) {
    const w = wBase + j;
    const w0 = weights[w] as number;
    const w1 = weights[w + 1] as number;
    const w2 = weights[w + 2] as number;
    const w3 = weights[w + 3] as number;
    const w4 = weights[w + 4] as number;
    const w5 = weights[w + 5] as number;
    const w6 = weights[w + 6] as number;
    const w7 = weights[w + 7] as number;
    if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0 && w6 === 0 && w7 === 0) continue;
    for (let p = first; p < last; p++) {
      const c = values[p] as number;
      const r = (indices[p] as number) * k + j;
      statistics[r] = (statistics[r] as number) + c * w0;
      statistics[r + 1] = (statistics[r + 1] as number) + c * w1;
      statistics[r + 2] = (statistics[r + 2] as number) + c * w2;
      statistics[r + 3] = (statistics[r + 3] as number) + c * w3;
      statistics[r + 4] = (statistics[r + 4] as number) + c * w4;
      statistics[r + 5] = (statistics[r + 5] as number) + c * w5;
      statistics[r + 6] = (statistics[r + 6] as number) + c * w6;
      statistics[r + 7] = (statistics[r + 7] as number) + c * w7;
    }
  }
  for (; j + 4 <= k; j += 4) {
    const w = wBase + j;
    const w0 = weights[w] as number;
    const w1 = weights[w + 1] as number;
    const w2 = weights[w + 2] as number;
    const w3 = weights[w + 3] as number;
    if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
    for (let p = first; p < last; p++) {
      const c = values[p] as number;
      const r = (indices[p] as number) * k + j;
      statistics[r] = (statistics[r] as number) + c * w0;
      statistics[r + 1] = (statistics[r + 1] as number) + c * w1;
      statistics[r + 2] = (statistics[r + 2] as number) + c * w2;
      statistics[r + 3] = (statistics[r + 3] as number) + c * w3;
    }
  }
  for (; j < k; j++) {
    const w0 = weights[wBase + j] as number;
    if (w0 === 0) continue;
    for (let p = first; p < last; p++) {
      const r = (indices[p] as number) * k + j;
      statistics[r] = (statistics[r] as number) + (values[p] as number) * w0;
    }
  }
}

/**
 * Gathers the non-zeros of dense row i (columns and values) into caller-owned buffers of length
 * ≥ cols; returns how many there are. Lets dense input use the same row kernels.
 */
export function gatherDenseRow(data: Float64Array, cols: number, i: number, indices: Int32Array, values: Float64Array): number {
  let count = 0;
  for (let f = 0, offset = i * cols; f < cols; f++) {
    const value = data[offset + f] as number;
    if (value !== 0) {
      indices[count] = f;
      values[count] = value;
      count++;
    }
  }
  return count;
}
