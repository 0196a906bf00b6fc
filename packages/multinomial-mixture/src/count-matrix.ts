import { CsrMatrix, type DenseMatrix, InvalidDataError, type CountRowInput } from '@em/core';

/** Rows of counts or binary values: dense (row-major) or compressed sparse rows. */
export type CountMatrix = DenseMatrix | CsrMatrix;

/** What the domain classes accept: @em/core's CountRowInput (CSR, or any dense row input). */
export type CountInput = CountRowInput;

/** True for CSR input (also for a CSR revived by shape in a worker thread). */
export function isSparse(x: CountMatrix): x is CsrMatrix {
  return x instanceof CsrMatrix || (x as { indptr?: unknown }).indptr instanceof Int32Array;
}


/** Row totals Σ_v x_iv (document lengths). */
export function rowTotals(x: CountMatrix): Float64Array {
  const totals = new Float64Array(x.rows);
  if (isSparse(x)) {
    const { indptr, values } = x;
    for (let i = 0; i < x.rows; i++) {
      let s = 0;
      for (let p = indptr[i] as number, e = indptr[i + 1] as number; p < e; p++) s += values[p] as number;
      totals[i] = s;
    }
    return totals;
  }
  const { data, cols } = x;
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let v = i * cols, e = v + cols; v < e; v++) s += data[v] as number;
    totals[i] = s;
  }
  return totals;
}

/** Throws InvalidDataError when the data's column count differs from the model's feature count. */
export function checkFeatureCount(x: CountMatrix, features: number, what: string): void {
  if (x.cols !== features) {
    throw new InvalidDataError(
      `The data has ${x.cols} columns but the model's ${what} has ${features} (vocabulary mismatch).`,
      `Use the same vocabulary (column order and size) as the parameters, or refit on this data.`,
      { columns: x.cols, features },
    );
  }
}

/** Shared copies of CSR non-zeros, keyed by the original arrays (row slices of one matrix share them). */
const sharedNonZeros = new WeakMap<Float64Array, { readonly indices: Int32Array; readonly values: Float64Array }>();

/**
 * A shared copy of CSR non-zeros is one SharedArrayBuffer: a 16-byte header [SHARED_MARK, id],
 * then the values (f64), then the column indices (i32). The id names the copy in every thread
 * (structured clone gives each message new buffer objects over the same memory), so a worker can
 * keep its chunk in WebAssembly memory across E-steps instead of copying it block by block.
 */
const SHARED_MARK = 0x454d_4353; // "EMCS"
const HEADER_BYTES = 16;
let sharedCopies = 0;

/**
 * A copy of `x` on SharedArrayBuffers for worker threads. CSR row slices of one matrix share one
 * shared copy of the non-zeros (the fit loop shares each chunk separately), so memory stays
 * O(nnz) however many chunks there are.
 */
export function shareCountMatrix(x: CountMatrix): CountMatrix {
  if (!isSparse(x) || typeof SharedArrayBuffer === 'undefined') return x.toShared();
  if (x.values.buffer instanceof SharedArrayBuffer) return x;
  let shared = sharedNonZeros.get(x.values);
  if (shared === undefined) {
    const count = x.values.length;
    const buffer = new SharedArrayBuffer(HEADER_BYTES + count * 12);
    const header = new Float64Array(buffer, 0, 2);
    header[0] = SHARED_MARK;
    // Unique within this process: creation time in ms, then a counter.
    header[1] = Date.now() * 1024 + (sharedCopies++ % 1024);
    const values = new Float64Array(buffer, HEADER_BYTES, count);
    values.set(x.values);
    const indices = new Int32Array(buffer, HEADER_BYTES + count * 8, count);
    indices.set(x.indices);
    shared = { indices, values };
    sharedNonZeros.set(x.values, shared);
  }
  const indptr = new Int32Array(new SharedArrayBuffer(x.indptr.byteLength));
  indptr.set(x.indptr);
  return new CsrMatrix(indptr, shared.indices, shared.values, x.cols);
}

/** The id of a shared copy made by `shareCountMatrix` (in any thread), or undefined for other data. */
export function sharedCopyId(x: CsrMatrix): number | undefined {
  const buffer = x.values.buffer;
  if (typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer) || x.indices.buffer !== buffer || x.values.byteOffset !== HEADER_BYTES) return undefined;
  const header = new Float64Array(buffer, 0, 2);
  return header[0] === SHARED_MARK ? header[1] : undefined;
}
