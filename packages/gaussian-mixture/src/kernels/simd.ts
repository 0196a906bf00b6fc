/**
 * The WebAssembly SIMD kernels of the blocked Gaussian E-step — the row-vectorised triangular
 * solve and scatter, centring and weighing, the block transpose, distances and densities per
 * component, moments, Wᵀ·X sums, weight columns, row buckets and gathers — compiled from
 * AssemblyScript (../../assembly/gaussian-blocks.ts, gaussian-rows.ts, gaussian-spans.ts; each
 * file opens with what its kernels compute and their memory layout) by tooling/kernels into
 * ../generated/, and embedded in the package's build. Everything else stays in TypeScript. Where
 * WebAssembly SIMD is unavailable, `simdKernels()` returns undefined and the TypeScript loops of
 * blocked.ts run instead (same results up to round-off).
 *
 * Memory layout of one call (byte offsets chosen by the caller, simd-arena.ts): coordinate-major
 * blocks with a row stride that is a multiple of 8 rows, so the loops take 2 or 8 rows per step
 * without tails.
 */
import { WASM_SIZE as BLOCKS_SIZE, wasmModule as blocksModule } from '../generated/gaussian-blocks.wasm.js';
import { WASM_SIZE as ROWS_SIZE, wasmModule as rowsModule } from '../generated/gaussian-rows.wasm.js';
import { WASM_SIZE as SPANS_SIZE, wasmModule as spansModule } from '../generated/gaussian-spans.wasm.js';

/**
 * Byte sizes of the three modules, which share one memory. Each stays under 4 KB: Chrome has
 * limited synchronous compilation on the main thread to modules of 4 KB (the kernels are needed
 * synchronously; the Chromium on this project's machines does not enforce it, older versions
 * did), so staying under it keeps the SIMD path in every browser (a test checks the sizes).
 */
export const MODULE_SIZES: readonly number[] = [BLOCKS_SIZE, ROWS_SIZE, SPANS_SIZE];

// --- the kernels ---------------------------------------------------------------------------

export interface SimdKernels {
  /** Makes the memory at least `bytes` long (views must be re-created afterwards). */
  reserve(bytes: number): ArrayBuffer;
  whiten(work: number, pairs: number, stride: number, d: number, factors: number, inverseDiagonals: number, squares: number): void;
  scatter(weighted: number, centered: number, octets: number, stride: number, d: number, out: number): void;
  distances(source: number, pairs: number, stride: number, d: number, means: number, precisions: number, squares: number): void;
  /** `distances` with every τ_a = 1 (`precisions` ignored). */
  unweightedDistances(source: number, pairs: number, stride: number, d: number, means: number, precisions: number, squares: number): void;
  center(source: number, pairs: number, stride: number, d: number, means: number, target: number): void;
  /** Adds Σ w·(x − m) and Σ w·(x − m)² per component and coordinate to out (assembly/gaussian-spans.ts). */
  moments(source: number, weights: number, span: number, stride: number, d: number, k: number, means: number, out: number): void;
  /** Adds Σ_i w_ic·x_ia (Wᵀ·X) to out[c·d + a] (assembly/gaussian-spans.ts). */
  weightedSums(source: number, weights: number, span: number, stride: number, d: number, k: number, out: number): void;
  /** Every component's ‖x − μ_c‖² (kept in `squares`) and density constant − scale·‖x − μ_c‖² (assembly/gaussian-spans.ts). */
  sphericalDensities(source: number, span: number, stride: number, d: number, k: number, means: number, unused: number, constants: number, squares: number, densities: number): void;
  /** Every component's density constant − scale·Σ_a (x_a − μ_ca)²·τ_ca (assembly/gaussian-spans.ts; `squares` unused). */
  diagonalDensities(source: number, span: number, stride: number, d: number, k: number, means: number, precisions: number, constants: number, squares: number, densities: number): void;
  weigh(source: number, weights: number, quads: number, stride: number, d: number, means: number, centered: number, weighted: number, out: number): void;
  transpose(raw: number, rows: number, d: number, source: number, stride: number, origin: number, centered: number): void;
  /** `transpose`, and the block less origin[a] per coordinate into `centered` as well. */
  transposeCentred(raw: number, rows: number, d: number, source: number, stride: number, origin: number, centered: number): void;
  affine(values: number, pairs: number, constants: number): void;
  columnSums(weights: number, unused: number, stride: number, k: number, out: number): void;
  bucket(weights: number, rows: number, stride: number, k: number, thresholds: number, lists: number, counts: number, fraction: number): void;
  dots(weights: number, squares: number, stride: number, k: number, out: number): void;
  gather(source: number, weights: number, stride: number, d: number, list: number, count: number, means: number, centered: number, weighted: number, sums: number): void;
}

let cached: SimdKernels | null | undefined;
let disabled = false;

/** Forces the TypeScript fallback (tests of the fallback path; not part of the public API). */
export function useSimdKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** The WebAssembly SIMD kernels of this thread, or undefined where SIMD is unavailable. */
export function simdKernels(): SimdKernels | undefined {
  if (disabled) return undefined;
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  try {
    const modules = [blocksModule(), rowsModule(), spansModule()];
    if (!modules.every((module) => module !== undefined)) return undefined;
    const memory = new WebAssembly.Memory({ initial: 4 });
    const exports = Object.assign({}, ...modules.map((module) => new WebAssembly.Instance(module, { env: { memory } }).exports)) as unknown as Omit<SimdKernels, 'reserve'>;
    cached = {
      reserve(bytes: number): ArrayBuffer {
        const missing = bytes - memory.buffer.byteLength;
        if (missing > 0) memory.grow(Math.ceil(missing / 65536));
        return memory.buffer;
      },
      whiten: exports.whiten,
      scatter: exports.scatter,
      distances: exports.distances,
      unweightedDistances: exports.unweightedDistances,
      center: exports.center,
      moments: exports.moments,
      weightedSums: exports.weightedSums,
      sphericalDensities: exports.sphericalDensities,
      diagonalDensities: exports.diagonalDensities,
      weigh: exports.weigh,
      transpose: exports.transpose,
      transposeCentred: exports.transposeCentred,
      affine: exports.affine,
      columnSums: exports.columnSums,
      bucket: exports.bucket,
      gather: exports.gather,
      dots: exports.dots,
    };
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
