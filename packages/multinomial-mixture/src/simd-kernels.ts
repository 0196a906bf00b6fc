import { wasm } from '@em/core';

const { F64, I32, V128, increment, moduleWithImportedMemory, op, whileBelow } = wasm;
type FunctionBody = wasm.FunctionBody;

// The two O(nnz·K) loops of the sparse E-step (see sparse-kernels.ts) as WebAssembly SIMD: two
// components per f64x2 lane pair, K padded to an even stride. A module is assembled per K (the
// component loop fully unrolled, sums held in registers). Each lane does exactly the additions of
// the TypeScript loop, in the same order and without fused multiply-add, so both paths give
// bit-identical results. All modules of a thread share one memory (see simd-arena.ts).

/** Components per pass over a row's non-zeros: 8 lane pairs keep the sums in registers. */
const PAIRS_PER_PASS = 8;

/** Kernels of one K; every argument is a byte address in the shared memory, or a count. */
export interface SimdKernels {
  /**
   * out[i][k] += Σ_p values[p]·table[indices[p]][k] for rows i < rows, p ∈ [indptr[i], indptr[i+1]),
   * skipping values equal to 0. Rows of `out` and `table` have the padded stride.
   */
  readonly products: (indptr: number, rows: number, indices: number, values: number, table: number, out: number) => void;
  /** statistics[indices[p]][k] += values[p]·weights[i][k]; lane pairs whose two weights are 0 are skipped. */
  readonly weighted: (indptr: number, rows: number, indices: number, values: number, weights: number, statistics: number) => void;
}

/** K rounded up to even: the row stride (in doubles) of tables, statistics and blocks. */
export function paddedStride(k: number): number {
  return k + (k & 1);
}

/** [first pair, pair count] of each pass over a row. */
function passes(pairs: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let first = 0; first < pairs; first += PAIRS_PER_PASS) out.push([first, Math.min(PAIRS_PER_PASS, pairs - first)]);
  return out;
}

/**
 * Code setting local[first] = indices + 4·indptr[i], local[end] = indices + 4·indptr[i + 1] and
 * local[firstValue] = values + 8·indptr[i], where local[ip] points at indptr[i].
 */
function rowBounds(ip: number, indices: number, values: number, first: number, end: number, firstValue: number): number[] {
  const address = (base: number, offset: number, shift: number, target: number): number[] => [
    ...op.get(base),
    ...op.get(ip),
    ...op.i32Load(offset),
    ...op.i32(shift),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.set(target),
  ];
  return [...address(indices, 0, 2, first), ...address(indices, 4, 2, end), ...address(values, 0, 3, firstValue)];
}

/** Code running `row` for every row: local[ip] walks indptr (rows + 1 entries), `advance` moves the row pointers on. */
function everyRow(indptr: number, rows: number, ip: number, rowEnd: number, row: number[], advance: number[]): number[] {
  return [
    ...op.get(indptr),
    ...op.set(ip),
    ...op.get(indptr),
    ...op.get(rows),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.set(rowEnd),
    ...whileBelow(ip, rowEnd, [...row, ...increment(ip, 4), ...advance]),
  ];
}

/** local[target] = base + indices[p]·rowBytes: the table row of the non-zero local[pp] points at. */
function rowOf(base: number, pp: number, rowBytes: number, target: number): number[] {
  return [...op.get(base), ...op.get(pp), ...op.i32Load(), ...op.i32(rowBytes), ...op.i32Mul, ...op.i32Add, ...op.set(target)];
}

function productsBody(k: number): FunctionBody {
  const pairs = paddedStride(k) / 2;
  const rowBytes = paddedStride(k) * 8;
  const [indptr, rows, indices, values, table, out] = [0, 1, 2, 3, 4, 5];
  const [rowEnd, ip, pp, pEnd, vp, o, r, c, cv, sums] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const rowPass = ([first, count]: readonly [number, number]): number[] => {
    const lanes = Array.from({ length: count }, (_, q) => q);
    return [
      ...lanes.flatMap((q) => [...op.get(o), ...op.v128Load(16 * (first + q)), ...op.set(sums + q)]),
      ...rowBounds(ip, indices, values, pp, pEnd, vp),
      ...whileBelow(pp, pEnd, [
        ...op.block,
        // A stored zero is skipped (0·−∞ would be NaN), as in the TypeScript loop.
        ...op.get(vp),
        ...op.f64Load(),
        ...op.set(c),
        ...op.get(c),
        ...op.f64Zero,
        ...op.f64Eq,
        ...op.brIf(0),
        ...op.get(c),
        ...op.f64x2Splat,
        ...op.set(cv),
        ...rowOf(table, pp, rowBytes, r),
        ...lanes.flatMap((q) => [...op.get(sums + q), ...op.get(cv), ...op.get(r), ...op.v128Load(16 * (first + q)), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(sums + q)]),
        ...op.end,
        ...increment(pp, 4),
        ...increment(vp, 8),
      ]),
      ...lanes.flatMap((q) => [...op.get(o), ...op.get(sums + q), ...op.v128Store(16 * (first + q))]),
    ];
  };
  const code = [...op.get(out), ...op.set(o), ...everyRow(indptr, rows, ip, rowEnd, passes(pairs).flatMap(rowPass), increment(o, rowBytes))];
  return { params: 6, locals: [I32, I32, I32, I32, I32, I32, I32, F64, V128, ...new Array<number>(Math.min(pairs, PAIRS_PER_PASS)).fill(V128)], code };
}

function weightedBody(k: number): FunctionBody {
  const pairs = paddedStride(k) / 2;
  const rowBytes = paddedStride(k) * 8;
  const [indptr, rows, indices, values, weights, statistics] = [0, 1, 2, 3, 4, 5];
  const [rowEnd, ip, pp, pEnd, vp, w, r, nonZero, q, pStart, vStart, pairEnd, cv, pair, lanes] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  // One pass per non-zero lane pair costs about 10 instructions per non-zero and pair; one pass over
  // all pairs about 6 + 4·pairs. Rows with few non-zero pairs (near one-hot posteriors) take the former.
  const fewPairs = Math.floor((5 + 4 * pairs) / 10);
  const start = [...op.get(pStart), ...op.set(pp), ...op.get(vStart), ...op.set(vp)];
  const perPair = [
    ...op.i32(0),
    ...op.set(q),
    ...whileBelow(q, pairEnd, [
      ...op.get(w),
      ...op.get(q),
      ...op.i32Add,
      ...op.v128Load(),
      ...op.set(pair),
      ...op.get(pair),
      ...op.v128AnyTrue,
      ...op.if,
      ...start,
      ...whileBelow(pp, pEnd, [
        ...rowOf(statistics, pp, rowBytes, r),
        ...increment(r, op.get(q)),
        ...op.get(r),
        ...op.get(r),
        ...op.v128Load(),
        ...op.get(vp),
        ...op.f64Load(),
        ...op.f64x2Splat,
        ...op.get(pair),
        ...op.f64x2Mul,
        ...op.f64x2Add,
        ...op.v128Store(),
        ...increment(pp, 4),
        ...increment(vp, 8),
      ]),
      ...op.end,
      ...increment(q, 16),
    ]),
  ];
  const allPairs = passes(pairs).flatMap(([first, count]) => {
    const group = Array.from({ length: count }, (_, index) => index);
    return [
      ...group.flatMap((index) => [...op.get(w), ...op.v128Load(16 * (first + index)), ...op.set(lanes + index)]),
      ...start,
      ...whileBelow(pp, pEnd, [
        ...op.get(vp),
        ...op.f64Load(),
        ...op.f64x2Splat,
        ...op.set(cv),
        ...rowOf(statistics, pp, rowBytes, r),
        ...group.flatMap((index) => [
          ...op.get(r),
          ...op.get(r),
          ...op.v128Load(16 * (first + index)),
          ...op.get(cv),
          ...op.get(lanes + index),
          ...op.f64x2Mul,
          ...op.f64x2Add,
          ...op.v128Store(16 * (first + index)),
        ]),
        ...increment(pp, 4),
        ...increment(vp, 8),
      ]),
    ];
  });
  const countNonZeroPairs = [
    ...op.i32(0),
    ...Array.from({ length: pairs }, (_, index) => [...op.get(w), ...op.v128Load(16 * index), ...op.v128AnyTrue, ...op.i32Add]).flat(),
    ...op.set(nonZero),
  ];
  const row = [
    ...rowBounds(ip, indices, values, pStart, pEnd, vStart),
    ...countNonZeroPairs,
    // if (nonZero > fewPairs) all pairs in one pass, else pair by pair (skipping zero pairs).
    ...op.i32(fewPairs),
    ...op.get(nonZero),
    ...op.i32LtU,
    ...op.if,
    ...allPairs,
    ...[0x05], // else
    ...perPair,
    ...op.end,
  ];
  const code = [...op.get(weights), ...op.set(w), ...op.i32(pairs * 16), ...op.set(pairEnd), ...everyRow(indptr, rows, ip, rowEnd, row, increment(w, rowBytes))];
  return {
    params: 6,
    locals: [...new Array<number>(12).fill(I32), V128, V128, ...new Array<number>(Math.min(pairs, PAIRS_PER_PASS)).fill(V128)],
    code,
  };
}

/** The module for K components, as bytes (exported for tests). */
export function simdModuleBytes(k: number): Uint8Array<ArrayBuffer> {
  return moduleWithImportedMemory([
    ['products', productsBody(k)],
    ['weighted', weightedBody(k)],
  ]);
}

/** Kernels for K compiled against `memory`, or undefined where WebAssembly SIMD is unavailable. */
export function compileSimdKernels(k: number, memory: WebAssembly.Memory): SimdKernels | undefined {
  try {
    const bytes = simdModuleBytes(k);
    if (!WebAssembly.validate(bytes)) return undefined;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as SimdKernels;
  } catch {
    return undefined;
  }
}
