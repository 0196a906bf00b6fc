import { wasmBytes, wasmModule } from './generated/sparse.wasm.js';

// The two O(nnz·K) loops of the sparse E-step (see sparse-kernels.ts) as WebAssembly SIMD, written
// in AssemblyScript in ../assembly/sparse.ts (formulas and memory layout there) and compiled by the
// build (tooling/kernels): two components per f64x2 lane pair, K padded to an even stride, one
// module for every K. Each lane does exactly the additions of the TypeScript loop, in the same
// order and without fused multiply-add, so both paths give bit-identical results. The module is
// instantiated against the thread's one memory (see simd-arena.ts).

/** The kernels; every argument is a byte address in the memory, or a count. */
export interface SimdKernels {
  /**
   * out[i][k] += Σ_p values[p]·table[indices[p]][k] for rows i < rows, p ∈ [indptr[i], indptr[i+1]),
   * skipping values equal to 0. Rows of `out` and `table` have the padded stride.
   */
  readonly products: (indptr: number, rows: number, indices: number, values: number, table: number, out: number, stride: number) => void;
  /** statistics[indices[p]][k] += values[p]·weights[i][k]; lane pairs whose two weights are 0 are skipped. */
  readonly weighted: (indptr: number, rows: number, indices: number, values: number, weights: number, statistics: number, stride: number) => void;
}

/** K rounded up to even: the row stride (in doubles) of tables, statistics and blocks. */
export function paddedStride(k: number): number {
  return k + (k & 1);
}

/** The module's bytes (exported for tests). */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  return wasmBytes();
}

/** The kernels instantiated against `memory`, or undefined where WebAssembly SIMD is unavailable. */
export function compileSimdKernels(memory: WebAssembly.Memory): SimdKernels | undefined {
  const module = wasmModule();
  if (module === undefined) return undefined;
  try {
    return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    return undefined;
  }
}
