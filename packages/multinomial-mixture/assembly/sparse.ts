// The two O(nnz·K) loops of the sparse multinomial E-step (AssemblyScript, compiled to WebAssembly
// SIMD by tooling/kernels; the TypeScript fallback is src/sparse-kernels.ts, and src/simd-arena.ts
// lays out the memory and calls these functions):
//
//   products:  out[i][k] += Σ_{p ∈ row i, values[p] ≠ 0} values[p] · table[indices[p]][k]
//   weighted:  statistics[indices[p]][k] += values[p] · weights[i][k]   for every p of row i
//
// Memory (imported; every argument a byte address, or a count):
//   indptr      rows + 1 i32: row i's non-zeros are p ∈ [indptr[i], indptr[i + 1]), counted from
//               the `indices` / `values` addresses passed in
//   indices     i32 per non-zero (the feature, a row of `table` / `statistics`)
//   values      f64 per non-zero (the count)
//   table, statistics   V rows × S f64;   out, weights   rows × S f64
// S = `stride` = K rounded up to even (the padding component is 0); rows 16-byte aligned.
//
// Two components per f64x2 lane pair. Each lane does exactly the additions of the TypeScript loop,
// in the same order and without fused multiply-add, so both paths give the same bits.
//
// The sums over a row's non-zeros are held in registers, PAIRS_PER_PASS lane pairs per pass over
// the row (so for K ≤ 16 one pass); a pass is specialised for its number of pairs (1…8, a switch),
// which is what the per-K modules assembled at run time used to buy, for any K, in one module.

/** Lane pairs per pass over a row's non-zeros: 8 of them stay in registers. */
const PAIRS_PER_PASS = 8;

/**
 * One pass of `products` over a row's non-zeros (values from `from` to `last`, their indices from
 * `index`) for `count` lane pairs: the sums at `o` (the row of `out` + the pass's byte offset),
 * the table's rows read from `columns` (table + the same offset). `count` is a constant after
 * inlining: unused pairs vanish.
 */
// @ts-expect-error: decorator
@inline function productsPass(count: i32, from: usize, index: usize, last: usize, columns: usize, rowBytes: usize, o: usize): void {
  const zero = f64x2.splat(0);
  let s0 = v128.load(o);
  let s1 = count > 1 ? v128.load(o, 16) : zero;
  let s2 = count > 2 ? v128.load(o, 32) : zero;
  let s3 = count > 3 ? v128.load(o, 48) : zero;
  let s4 = count > 4 ? v128.load(o, 64) : zero;
  let s5 = count > 5 ? v128.load(o, 80) : zero;
  let s6 = count > 6 ? v128.load(o, 96) : zero;
  let s7 = count > 7 ? v128.load(o, 112) : zero;
  for (let value = from; value < last; value += 8, index += 4) {
    const c = load<f64>(value);
    // A stored zero is skipped (0·−∞ would be NaN), as in the TypeScript loop.
    if (c == 0) continue;
    const cv = f64x2.splat(c);
    const t = columns + <usize>load<i32>(index) * rowBytes;
    s0 = f64x2.add(s0, f64x2.mul(cv, v128.load(t)));
    if (count > 1) s1 = f64x2.add(s1, f64x2.mul(cv, v128.load(t, 16)));
    if (count > 2) s2 = f64x2.add(s2, f64x2.mul(cv, v128.load(t, 32)));
    if (count > 3) s3 = f64x2.add(s3, f64x2.mul(cv, v128.load(t, 48)));
    if (count > 4) s4 = f64x2.add(s4, f64x2.mul(cv, v128.load(t, 64)));
    if (count > 5) s5 = f64x2.add(s5, f64x2.mul(cv, v128.load(t, 80)));
    if (count > 6) s6 = f64x2.add(s6, f64x2.mul(cv, v128.load(t, 96)));
    if (count > 7) s7 = f64x2.add(s7, f64x2.mul(cv, v128.load(t, 112)));
  }
  v128.store(o, s0);
  if (count > 1) v128.store(o, s1, 16);
  if (count > 2) v128.store(o, s2, 32);
  if (count > 3) v128.store(o, s3, 48);
  if (count > 4) v128.store(o, s4, 64);
  if (count > 5) v128.store(o, s5, 80);
  if (count > 6) v128.store(o, s6, 96);
  if (count > 7) v128.store(o, s7, 112);
}

/** out[i][k] += Σ_p values[p]·table[indices[p]][k] for rows i < rows, skipping values equal to 0. */
export function products(indptr: usize, rows: i32, indices: usize, values: usize, table: usize, out: usize, stride: i32): void {
  const rowBytes = (<usize>stride) << 3;
  const pairs = stride >> 1;
  for (let i = 0, row = out; i < rows; i++, row += rowBytes) {
    // Pointers to a non-zero's value and index, advanced together (cheaper than an index scaled twice).
    const first = <usize>load<i32>(indptr + (<usize>i << 2));
    const from = values + (first << 3);
    const index = indices + (first << 2);
    const last = values + (<usize>load<i32>(indptr + (<usize>i << 2), 4) << 3);
    for (let pair = 0; pair < pairs; pair += PAIRS_PER_PASS) {
      const offset = (<usize>pair) << 4;
      const columns = table + offset;
      const o = row + offset;
      switch (min(pairs - pair, PAIRS_PER_PASS)) {
        case 1: productsPass(1, from, index, last, columns, rowBytes, o); break;
        case 2: productsPass(2, from, index, last, columns, rowBytes, o); break;
        case 3: productsPass(3, from, index, last, columns, rowBytes, o); break;
        case 4: productsPass(4, from, index, last, columns, rowBytes, o); break;
        case 5: productsPass(5, from, index, last, columns, rowBytes, o); break;
        case 6: productsPass(6, from, index, last, columns, rowBytes, o); break;
        case 7: productsPass(7, from, index, last, columns, rowBytes, o); break;
        default: productsPass(8, from, index, last, columns, rowBytes, o);
      }
    }
  }
}

/**
 * One pass of `weighted` over a row's non-zeros (as in `productsPass`) for `count` lane pairs:
 * the row's weights at `w` (held in registers), the statistics' rows written from `columns`.
 * `count` is a constant after inlining.
 */
// @ts-expect-error: decorator
@inline function weightedPass(count: i32, from: usize, index: usize, last: usize, columns: usize, rowBytes: usize, w: usize): void {
  const zero = f64x2.splat(0);
  const w0 = v128.load(w);
  const w1 = count > 1 ? v128.load(w, 16) : zero;
  const w2 = count > 2 ? v128.load(w, 32) : zero;
  const w3 = count > 3 ? v128.load(w, 48) : zero;
  const w4 = count > 4 ? v128.load(w, 64) : zero;
  const w5 = count > 5 ? v128.load(w, 80) : zero;
  const w6 = count > 6 ? v128.load(w, 96) : zero;
  const w7 = count > 7 ? v128.load(w, 112) : zero;
  for (let value = from; value < last; value += 8, index += 4) {
    const cv = v128.load64_splat(value);
    const r = columns + <usize>load<i32>(index) * rowBytes;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(cv, w0)));
    if (count > 1) v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(cv, w1)), 16);
    if (count > 2) v128.store(r, f64x2.add(v128.load(r, 32), f64x2.mul(cv, w2)), 32);
    if (count > 3) v128.store(r, f64x2.add(v128.load(r, 48), f64x2.mul(cv, w3)), 48);
    if (count > 4) v128.store(r, f64x2.add(v128.load(r, 64), f64x2.mul(cv, w4)), 64);
    if (count > 5) v128.store(r, f64x2.add(v128.load(r, 80), f64x2.mul(cv, w5)), 80);
    if (count > 6) v128.store(r, f64x2.add(v128.load(r, 96), f64x2.mul(cv, w6)), 96);
    if (count > 7) v128.store(r, f64x2.add(v128.load(r, 112), f64x2.mul(cv, w7)), 112);
  }
}

/**
 * statistics[indices[p]][k] += values[p]·weights[i][k] for the non-zeros p of rows i < rows. Rows
 * whose posterior is concentrated on few components (most lane pairs of weights 0) go pair by
 * pair, skipping the zero pairs — about 10 instructions per non-zero and non-zero pair, where one
 * pass over all pairs costs about 6 + 4·pairs per non-zero; the others take the passes above.
 */
export function weighted(indptr: usize, rows: i32, indices: usize, values: usize, weights: usize, statistics: usize, stride: i32): void {
  const rowBytes = (<usize>stride) << 3;
  const pairs = stride >> 1;
  const fewPairs = (5 + 4 * pairs) / 10;
  for (let i = 0, w = weights; i < rows; i++, w += rowBytes) {
    const first = <usize>load<i32>(indptr + (<usize>i << 2));
    const from = values + (first << 3);
    const index = indices + (first << 2);
    const last = values + (<usize>load<i32>(indptr + (<usize>i << 2), 4) << 3);
    let nonZero = 0;
    for (let pair = 0; pair < pairs; pair++) nonZero += <i32>v128.any_true(v128.load(w + ((<usize>pair) << 4)));
    if (nonZero > fewPairs) {
      for (let pair = 0; pair < pairs; pair += PAIRS_PER_PASS) {
        const offset = (<usize>pair) << 4;
        const columns = statistics + offset;
        const lanes = w + offset;
        switch (min(pairs - pair, PAIRS_PER_PASS)) {
          case 1: weightedPass(1, from, index, last, columns, rowBytes, lanes); break;
          case 2: weightedPass(2, from, index, last, columns, rowBytes, lanes); break;
          case 3: weightedPass(3, from, index, last, columns, rowBytes, lanes); break;
          case 4: weightedPass(4, from, index, last, columns, rowBytes, lanes); break;
          case 5: weightedPass(5, from, index, last, columns, rowBytes, lanes); break;
          case 6: weightedPass(6, from, index, last, columns, rowBytes, lanes); break;
          case 7: weightedPass(7, from, index, last, columns, rowBytes, lanes); break;
          default: weightedPass(8, from, index, last, columns, rowBytes, lanes);
        }
      }
    } else {
      for (let pair = 0; pair < pairs; pair++) {
        const offset = (<usize>pair) << 4;
        const lanes = v128.load(w + offset);
        if (!v128.any_true(lanes)) continue;
        const columns = statistics + offset;
        for (let value = from, at = index; value < last; value += 8, at += 4) {
          const r = columns + <usize>load<i32>(at) * rowBytes;
          v128.store(r, f64x2.add(v128.load(r), f64x2.mul(v128.load64_splat(value), lanes)));
        }
      }
    }
  }
}
