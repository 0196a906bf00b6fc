import type { CsrMatrix } from '@em/core';
import { compileSimdKernels, paddedStride, type SimdKernels } from './simd-kernels.js';

// Where the WebAssembly kernels read and write: one memory per thread holding a V×K table, a V×K
// statistics buffer, one block of rows × K and one block of CSR non-zeros. The caller's arrays
// stay where they are; each call copies its block in (O(block nnz + block rows·K + V·K)) and its
// results out, so the data is never duplicated as a whole. The block's non-zeros are copied once
// for the E-step's two passes (log-densities, then statistics over the same rows), and a table
// only when it changes (once per E-step).

const PAGE = 65536;

/** Rows per kernel call: longer ranges (e.g. the initialisation's single call) go in blocks, so the memory stays O(block). */
const MAXIMUM_ROWS = 512;

interface Layout {
  readonly table: number;
  readonly statistics: number;
  readonly block: number;
  readonly indptr: number;
  readonly indices: number;
  readonly values: number;
  /** Capacities: V·stride doubles, block rows·stride doubles, rows + 1, non-zeros. */
  readonly tableDoubles: number;
  readonly blockDoubles: number;
  readonly rows: number;
  readonly nonZeros: number;
}

let memory: WebAssembly.Memory | undefined;
let doubles = new Float64Array(0);
let integers = new Int32Array(0);
let layout: Layout | undefined;
let unavailable = false;
let disabled = false;
const kernelsByK = new Map<number, SimdKernels>();
/** The table whose copy is in the arena (tables are per E-step and never modified). */
let tableInArena: Float64Array | undefined;
/** The CSR block whose non-zeros are in the arena (weakly held: the data can be collected). */
let blockInArena: { readonly indptr: WeakRef<Int32Array>; readonly indices: WeakRef<Int32Array>; readonly values: WeakRef<Float64Array>; readonly start: number; readonly end: number } | undefined;

/** Forces the TypeScript loops (for tests comparing both paths); not part of the public API. */
export function useSimdKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** True when this thread runs the sparse loops in WebAssembly SIMD. */
export function simdKernelsAvailable(): boolean {
  return kernelsFor(2) !== undefined;
}

function kernelsFor(k: number): SimdKernels | undefined {
  if (disabled || unavailable) return undefined;
  const known = kernelsByK.get(k);
  if (known !== undefined) return known;
  if (typeof WebAssembly === 'undefined') {
    unavailable = true;
    return undefined;
  }
  memory ??= new WebAssembly.Memory({ initial: 1 });
  const compiled = compileSimdKernels(k, memory);
  if (compiled === undefined) {
    unavailable = true;
    return undefined;
  }
  kernelsByK.set(k, compiled);
  return compiled;
}

/** Makes room for V·stride tables, `rows` rows and `nonZeros` non-zeros (16-byte aligned regions). */
function reserve(tableDoubles: number, rows: number, blockDoubles: number, nonZeros: number): Layout {
  const current = layout;
  if (current !== undefined && current.tableDoubles >= tableDoubles && current.rows >= rows && current.blockDoubles >= blockDoubles && current.nonZeros >= nonZeros) return current;
  const capacity = {
    tableDoubles: Math.max(tableDoubles, current?.tableDoubles ?? 0),
    rows: Math.max(rows, current?.rows ?? 0),
    blockDoubles: Math.max(blockDoubles, current?.blockDoubles ?? 0),
    // Headroom: blocks of one matrix differ a little in size.
    nonZeros: Math.max(Math.ceil(nonZeros * 1.25), current?.nonZeros ?? 0),
  };
  const align = (bytes: number): number => (bytes + 15) & ~15;
  const table = 0;
  const statistics = align(table + capacity.tableDoubles * 8);
  const block = align(statistics + capacity.tableDoubles * 8);
  const indptr = align(block + capacity.blockDoubles * 8);
  const values = align(indptr + (capacity.rows + 1) * 4);
  const indices = align(values + capacity.nonZeros * 8);
  const bytes = indices + capacity.nonZeros * 4;
  const space = memory as WebAssembly.Memory;
  if (bytes > space.buffer.byteLength) space.grow(Math.ceil((bytes - space.buffer.byteLength) / PAGE));
  doubles = new Float64Array(space.buffer);
  integers = new Int32Array(space.buffer);
  tableInArena = undefined;
  blockInArena = undefined;
  layout = { table, statistics, block, indptr, indices, values, ...capacity };
  return layout;
}

/** Copies rows [start, end) of x's non-zeros into the arena unless they are already there. */
function loadBlock(place: Layout, x: CsrMatrix, start: number, end: number): void {
  const held = blockInArena;
  if (
    held !== undefined &&
    held.start === start &&
    held.end === end &&
    held.indptr.deref() === x.indptr &&
    held.indices.deref() === x.indices &&
    held.values.deref() === x.values
  ) {
    return;
  }
  const { indptr, indices, values } = x;
  const first = indptr[start] as number;
  const last = indptr[end] as number;
  const row = place.indptr / 4;
  for (let i = start; i <= end; i++) integers[row + i - start] = (indptr[i] as number) - first;
  integers.set(indices.subarray(first, last), place.indices / 4);
  doubles.set(values.subarray(first, last), place.values / 8);
  blockInArena = { indptr: new WeakRef(indptr), indices: new WeakRef(indices), values: new WeakRef(values), start, end };
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

/** The kernels of K (known to exist) and the arena holding rows [start, end) of x. */
function prepareBlock(k: number, x: CsrMatrix, start: number, end: number, tableRows: number): { kernels: SimdKernels; place: Layout } {
  const kernels = kernelsByK.get(k) as SimdKernels;
  const stride = paddedStride(k);
  const rows = end - start;
  const place = reserve(tableRows * stride, rows, rows * stride, (x.indptr[end] as number) - (x.indptr[start] as number));
  loadBlock(place, x, start, end);
  return { kernels, place };
}

/**
 * WebAssembly SIMD version of the row products of sparse-kernels.ts (same results, bit for bit).
 * Returns false, doing nothing, where WebAssembly SIMD is unavailable.
 */
export function simdSparseRowProducts(table: Float64Array, k: number, x: CsrMatrix, start: number, end: number, out: Float64Array): boolean {
  if (kernelsFor(k) === undefined) return false;
  for (let first = start; first < end; first += MAXIMUM_ROWS) {
    const last = Math.min(end, first + MAXIMUM_ROWS);
    const { kernels, place } = prepareBlock(k, x, first, last, table.length / k);
    if (tableInArena !== table) {
      copyIn(table, table.length / k, k, place.table / 8);
      tableInArena = table;
    }
    const rows = last - first;
    const block = out.subarray((first - start) * k);
    copyIn(block, rows, k, place.block / 8);
    kernels.products(place.indptr, rows, place.indices, place.values, place.table, place.block);
    copyOut(block, rows, k, place.block / 8);
  }
  return true;
}

/**
 * WebAssembly SIMD version of the weighted sums of sparse-kernels.ts (same results, bit for bit):
 * the V×K statistics are copied in, updated and copied back. Returns false where SIMD is unavailable.
 */
export function simdWeightedSparseRows(statistics: Float64Array, k: number, x: CsrMatrix, start: number, end: number, weights: Float64Array): boolean {
  if (kernelsFor(k) === undefined) return false;
  const features = statistics.length / k;
  for (let first = start; first < end; first += MAXIMUM_ROWS) {
    const last = Math.min(end, first + MAXIMUM_ROWS);
    const { kernels, place } = prepareBlock(k, x, first, last, features);
    const rows = last - first;
    copyIn(weights.subarray((first - start) * k), rows, k, place.block / 8);
    copyIn(statistics, features, k, place.statistics / 8);
    kernels.weighted(place.indptr, rows, place.indices, place.values, place.block, place.statistics);
    copyOut(statistics, features, k, place.statistics / 8);
  }
  return true;
}
