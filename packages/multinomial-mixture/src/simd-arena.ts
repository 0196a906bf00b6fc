import { WeakViewIdentity, type CsrMatrix } from '@em/core';
import { sharedCopyId } from './count-matrix.js';
import { compileSimdKernels, paddedStride, type SimdKernels } from './simd-kernels.js';

// Where the WebAssembly kernels read and write: one memory per thread holding a V×K table, a V×K
// statistics buffer, one block of rows × K and one block of CSR non-zeros. The caller's arrays
// stay where they are; each call copies its block in (O(block nnz + block rows·K + V·K)) and its
// results out, so the data is never duplicated as a whole. The block's non-zeros are copied once
// for the E-step's two passes (log-densities, then statistics over the same rows), and a table
// only when it changes (once per E-step).
//
// Exception: a chunk of a shared copy made for worker threads (shareCountMatrix) is copied into
// this memory once and kept there across E-steps (a worker sees the same chunk every iteration;
// copying from a SharedArrayBuffer is slow). That costs the chunk's 12 bytes per non-zero in each
// worker for as long as the worker lives; only the most recent chunk is kept.

const PAGE = 65536;

/** Chunks of shared copies up to this many non-zeros (192 MB) are kept; larger ones are copied block by block. */
const MAXIMUM_KEPT_NON_ZEROS = 16_777_216;

/** Rows per kernel call: longer ranges (e.g. the initialisation's single call) go in blocks, so the memory stays O(block). */
const MAXIMUM_ROWS = 512;

interface Layout {
  readonly table: number;
  readonly statistics: number;
  readonly block: number;
  readonly indptr: number;
  readonly indices: number;
  readonly values: number;
  readonly residentIndices: number;
  readonly residentValues: number;
  /** Capacities: V·stride doubles, block rows·stride doubles, rows + 1, non-zeros of a block and of a kept chunk. */
  readonly tableDoubles: number;
  readonly blockDoubles: number;
  readonly rows: number;
  readonly nonZeros: number;
  readonly residentNonZeros: number;
}

/** Byte addresses of the non-zeros the kernels read (the block's copy or the kept chunk). */
interface NonZeros {
  readonly indices: number;
  readonly values: number;
}

let memory: WebAssembly.Memory | undefined;
let doubles = new Float64Array(0);
let integers = new Int32Array(0);
let layout: Layout | undefined;
let unavailable = false;
let memoryLimit: number | undefined;
let disabled = false;
let kernels: SimdKernels | undefined;
/** The table whose copy is in the arena (tables are per E-step and never modified). */
let tableInArena: Float64Array | undefined;
/** The CSR block whose non-zeros are in the arena (weakly held: the data can be collected). */
let blockInArena: { readonly start: number; readonly end: number } | undefined;
const heldIndptr = new WeakViewIdentity();
const heldIndices = new WeakViewIdentity();
const heldValues = new WeakViewIdentity();
/** The chunk of a shared copy kept in the arena: its id and non-zero range. */
let chunkInArena: { readonly id: number; readonly first: number; readonly last: number } | undefined;

/** Caps this thread's WebAssembly memory layout (tests of the out-of-memory fallback); not part of the public API. */
export function limitSimdMemory(bytes: number | undefined): void {
  memoryLimit = bytes;
}

/** Forces the TypeScript loops (for tests comparing both paths); not part of the public API. */
export function useSimdKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** Bytes of this thread's WebAssembly memory (0 before first use); for benchmarks and diagnostics. */
export function simdMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** True when this thread runs the sparse loops in WebAssembly SIMD. */
export function simdKernelsAvailable(): boolean {
  return simdKernels() !== undefined;
}

/** The thread's kernels (one module for every K), or undefined where WebAssembly SIMD is unavailable or disabled. */
function simdKernels(): SimdKernels | undefined {
  if (disabled || unavailable) return undefined;
  if (kernels !== undefined) return kernels;
  if (typeof WebAssembly === 'undefined') {
    unavailable = true;
    return undefined;
  }
  memory ??= new WebAssembly.Memory({ initial: 1 });
  kernels = compileSimdKernels(memory);
  if (kernels === undefined) unavailable = true;
  return kernels;
}

/** Makes room for V·stride tables, `rows` rows, a block of `nonZeros` and a kept chunk of `residentNonZeros` (16-byte aligned regions). */
function reserve(tableDoubles: number, rows: number, blockDoubles: number, nonZeros: number, residentNonZeros: number): Layout | undefined {
  const current = layout;
  if (
    current !== undefined &&
    current.tableDoubles >= tableDoubles &&
    current.rows >= rows &&
    current.blockDoubles >= blockDoubles &&
    current.nonZeros >= nonZeros &&
    current.residentNonZeros >= residentNonZeros
  ) {
    return current;
  }
  const capacity = {
    tableDoubles: Math.max(tableDoubles, current?.tableDoubles ?? 0),
    rows: Math.max(rows, current?.rows ?? 0),
    blockDoubles: Math.max(blockDoubles, current?.blockDoubles ?? 0),
    // Headroom: blocks of one matrix differ a little in size.
    nonZeros: Math.max(Math.ceil(nonZeros * 1.25), current?.nonZeros ?? 0),
    residentNonZeros: Math.max(residentNonZeros, current?.residentNonZeros ?? 0),
  };
  const align = (bytes: number): number => (bytes + 15) & ~15;
  const table = 0;
  const statistics = align(table + capacity.tableDoubles * 8);
  const block = align(statistics + capacity.tableDoubles * 8);
  const indptr = align(block + capacity.blockDoubles * 8);
  const values = align(indptr + (capacity.rows + 1) * 4);
  const indices = align(values + capacity.nonZeros * 8);
  const residentValues = align(indices + capacity.nonZeros * 4);
  const residentIndices = align(residentValues + capacity.residentNonZeros * 8);
  const bytes = residentIndices + capacity.residentNonZeros * 4;
  const space = memory as WebAssembly.Memory;
  if (memoryLimit !== undefined && bytes > memoryLimit) return undefined;
  if (bytes > space.buffer.byteLength) {
    try {
      space.grow(Math.ceil((bytes - space.buffer.byteLength) / PAGE));
    } catch {
      return undefined; // no more memory for this thread's WebAssembly: the caller falls back to TypeScript
    }
  }
  doubles = new Float64Array(space.buffer);
  integers = new Int32Array(space.buffer);
  tableInArena = undefined;
  blockInArena = undefined;
  chunkInArena = undefined;
  layout = { table, statistics, block, indptr, indices, values, residentIndices, residentValues, ...capacity };
  return layout;
}

/** Copies rows [start, end) of x's non-zeros into the arena unless they are already there. */
function loadBlock(place: Layout, x: CsrMatrix, start: number, end: number): NonZeros {
  const copied = { indices: place.indices, values: place.values };
  const held = blockInArena;
  if (
    held !== undefined &&
    held.start === start &&
    held.end === end &&
    heldIndptr.matches(x.indptr) &&
    heldIndices.matches(x.indices) &&
    heldValues.matches(x.values)
  ) {
    return copied;
  }
  const { indptr, indices, values } = x;
  const first = indptr[start] as number;
  const last = indptr[end] as number;
  const row = place.indptr / 4;
  for (let i = start; i <= end; i++) integers[row + i - start] = (indptr[i] as number) - first;
  integers.set(indices.subarray(first, last), place.indices / 4);
  doubles.set(values.subarray(first, last), place.values / 8);
  heldIndptr.remember(indptr);
  heldIndices.remember(indices);
  heldValues.remember(values);
  blockInArena = { start, end };
  return copied;
}

/** Rows [start, end) of a chunk of a shared copy: the whole chunk is copied in once and kept; only the block's row offsets are written. */
function loadFromKeptChunk(place: Layout, x: CsrMatrix, id: number, start: number, end: number): NonZeros {
  const { indptr, indices, values } = x;
  const first = indptr[0] as number;
  const last = indptr[x.rows] as number;
  const kept = chunkInArena;
  if (kept === undefined || kept.id !== id || kept.first !== first || kept.last !== last) {
    integers.set(indices.subarray(first, last), place.residentIndices / 4);
    doubles.set(values.subarray(first, last), place.residentValues / 8);
    chunkInArena = { id, first, last };
  }
  const row = place.indptr / 4;
  for (let i = start; i <= end; i++) integers[row + i - start] = (indptr[i] as number) - first;
  blockInArena = undefined;
  return { indices: place.residentIndices, values: place.residentValues };
}

/** Copies an r×K row-major array into the arena at `offset` (doubles) with the padded stride. */
function copyIn(source: Float64Array, rows: number, k: number, offset: number): void {
  const stride = paddedStride(k);
  if (stride === k) {
    doubles.set(source.subarray(0, rows * k), offset);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const to = offset + i * stride;
    for (let j = 0, from = i * k; j < k; j++) doubles[to + j] = source[from + j] as number;
    doubles[to + k] = 0;
  }
}

/** The inverse of copyIn. */
function copyOut(target: Float64Array, rows: number, k: number, offset: number): void {
  const stride = paddedStride(k);
  if (stride === k) {
    target.set(doubles.subarray(offset, offset + rows * k));
    return;
  }
  for (let i = 0; i < rows; i++) {
    const from = offset + i * stride;
    for (let j = 0, to = i * k; j < k; j++) target[to + j] = doubles[from + j] as number;
  }
}

/** The kernels (known to exist), the arena, and where rows [start, end) of x are in it; undefined when memory cannot grow. */
function prepareBlock(k: number, x: CsrMatrix, start: number, end: number, tableRows: number): { kernels: SimdKernels; place: Layout; nonZeros: NonZeros } | undefined {
  const kernels = simdKernels() as SimdKernels;
  const stride = paddedStride(k);
  const rows = end - start;
  const id = sharedCopyId(x);
  const chunkNonZeros = (x.indptr[x.rows] as number) - (x.indptr[0] as number);
  if (id !== undefined && chunkNonZeros <= MAXIMUM_KEPT_NON_ZEROS) {
    const place = reserve(tableRows * stride, rows, rows * stride, 0, chunkNonZeros);
    return place === undefined ? undefined : { kernels, place, nonZeros: loadFromKeptChunk(place, x, id, start, end) };
  }
  const place = reserve(tableRows * stride, rows, rows * stride, (x.indptr[end] as number) - (x.indptr[start] as number), 0);
  return place === undefined ? undefined : { kernels, place, nonZeros: loadBlock(place, x, start, end) };
}

/**
 * WebAssembly SIMD version of the row products of sparse-kernels.ts (same results, bit for bit).
 * Returns the first row it did not process: `start` where WebAssembly SIMD is unavailable, `end`
 * normally, something in between if its memory could not grow (the caller finishes in TypeScript).
 */
export function simdSparseRowProducts(table: Float64Array, k: number, x: CsrMatrix, start: number, end: number, out: Float64Array): number {
  if (simdKernels() === undefined) return start;
  for (let first = start; first < end; first += MAXIMUM_ROWS) {
    const last = Math.min(end, first + MAXIMUM_ROWS);
    const ready = prepareBlock(k, x, first, last, table.length / k);
    if (ready === undefined) return first;
    const { kernels, place, nonZeros } = ready;
    if (tableInArena !== table) {
      copyIn(table, table.length / k, k, place.table / 8);
      tableInArena = table;
    }
    const rows = last - first;
    const block = out.subarray((first - start) * k);
    copyIn(block, rows, k, place.block / 8);
    kernels.products(place.indptr, rows, nonZeros.indices, nonZeros.values, place.table, place.block, paddedStride(k));
    copyOut(block, rows, k, place.block / 8);
  }
  return end;
}

/**
 * WebAssembly SIMD version of the weighted sums of sparse-kernels.ts (same results, bit for bit):
 * the V×K statistics are copied in, updated and copied back. Returns the first row it did not
 * process, as `simdSparseRowProducts`.
 */
export function simdWeightedSparseRows(statistics: Float64Array, k: number, x: CsrMatrix, start: number, end: number, weights: Float64Array): number {
  if (simdKernels() === undefined) return start;
  const features = statistics.length / k;
  for (let first = start; first < end; first += MAXIMUM_ROWS) {
    const last = Math.min(end, first + MAXIMUM_ROWS);
    const ready = prepareBlock(k, x, first, last, features);
    if (ready === undefined) return first;
    const { kernels, place, nonZeros } = ready;
    const rows = last - first;
    copyIn(weights.subarray((first - start) * k), rows, k, place.block / 8);
    copyIn(statistics, features, k, place.statistics / 8);
    kernels.weighted(place.indptr, rows, nonZeros.indices, nonZeros.values, place.block, place.statistics, paddedStride(k));
    copyOut(statistics, features, k, place.statistics / 8);
  }
  return end;
}
