import { InvalidDataError } from '../errors.js';
import { DenseMatrix } from './dense-matrix.js';
import { checkRowRange } from './row-range.js';

/**
 * Compressed sparse rows: the non-zeros of row i are `values[indptr[i] .. indptr[i+1])` at columns
 * `indices[...]`. Row slices are views: they share `indices`/`values` and keep absolute offsets in
 * `indptr`, so slicing never copies the non-zeros.
 */
export class CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Length rows + 1; absolute offsets into `indices` and `values`. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;

  constructor(indptr: Int32Array, indices: Int32Array, values: Float64Array, cols: number) {
    if (indptr.length < 1) throw new InvalidDataError('CSR indptr must have rows + 1 entries; got none.', 'Pass indptr with a leading entry.');
    if (indices.length !== values.length) {
      throw new InvalidDataError(
        `CSR indices (${indices.length}) and values (${values.length}) differ in length.`,
        'Give one column index per stored value.',
      );
    }
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
    this.rows = indptr.length - 1;
    this.cols = cols;
  }

  /** Stored entries in this (possibly sliced) matrix. */
  get nonZeros(): number {
    return (this.indptr[this.rows] as number) - (this.indptr[0] as number);
  }

  static fromDense(dense: DenseMatrix | ReadonlyArray<ArrayLike<number>>): CsrMatrix {
    const m = dense instanceof DenseMatrix ? dense : DenseMatrix.from(dense);
    let nnz = 0;
    for (let i = 0; i < m.data.length; i++) if (m.data[i] !== 0) nnz++;
    const indptr = new Int32Array(m.rows + 1);
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let p = 0;
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.data[i * m.cols + j] as number;
        if (v !== 0) {
          indices[p] = j;
          values[p] = v;
          p++;
        }
      }
      indptr[i + 1] = p;
    }
    return new CsrMatrix(indptr, indices, values, m.cols);
  }

  /**
   * From (row, column, value) triplets in any order; duplicates are summed (Matrix Market semantics).
   */
  static fromTriplets(rows: number, cols: number, rowIdx: ArrayLike<number>, colIdx: ArrayLike<number>, vals: ArrayLike<number>): CsrMatrix {
    const n = vals.length;
    const counts = new Int32Array(rows + 1);
    for (let t = 0; t < n; t++) {
      const r = rowIdx[t] as number;
      const c = colIdx[t] as number;
      if (!Number.isInteger(r) || r < 0 || r >= rows || !Number.isInteger(c) || c < 0 || c >= cols) {
        throw new InvalidDataError(
          `Entry ${t} at (${r}, ${c}) lies outside the ${rows}×${cols} shape.`,
          'Use 0-based indices within the declared shape.',
          { entry: t, row: r, column: c },
        );
      }
      counts[r + 1] = (counts[r + 1] as number) + 1;
    }
    for (let i = 0; i < rows; i++) counts[i + 1] = (counts[i + 1] as number) + (counts[i] as number);
    const cursor = counts.slice(0, rows);
    const indices = new Int32Array(n);
    const values = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const r = rowIdx[t] as number;
      const p = cursor[r] as number;
      cursor[r] = p + 1;
      indices[p] = colIdx[t] as number;
      values[p] = vals[t] as number;
    }
    // Sort each row by column and merge duplicates.
    const outPtr = new Int32Array(rows + 1);
    let w = 0;
    const order: number[] = [];
    for (let i = 0; i < rows; i++) {
      const start = counts[i] as number;
      const end = counts[i + 1] as number;
      order.length = 0;
      for (let p = start; p < end; p++) order.push(p);
      order.sort((a, b) => (indices[a] as number) - (indices[b] as number));
      const rowCols: number[] = [];
      const rowVals: number[] = [];
      for (const p of order) {
        const c = indices[p] as number;
        if (rowCols.length > 0 && rowCols[rowCols.length - 1] === c) rowVals[rowVals.length - 1] = (rowVals[rowVals.length - 1] as number) + (values[p] as number);
        else {
          rowCols.push(c);
          rowVals.push(values[p] as number);
        }
      }
      for (let q = 0; q < rowCols.length; q++) {
        indices[w] = rowCols[q] as number;
        values[w] = rowVals[q] as number;
        w++;
      }
      outPtr[i + 1] = w;
    }
    return new CsrMatrix(outPtr, indices.slice(0, w), values.slice(0, w), cols);
  }

  /** Rows [start, end) as a view sharing the non-zeros. */
  sliceRows(start: number, end: number): CsrMatrix {
    checkRowRange(start, end, this.rows);
    return new CsrMatrix(this.indptr.subarray(start, end + 1), this.indices, this.values, this.cols);
  }

  /** Sum of row i's values. */
  rowSum(i: number): number {
    let s = 0;
    for (let p = this.indptr[i] as number, e = this.indptr[i + 1] as number; p < e; p++) s += this.values[p] as number;
    return s;
  }

  toDense(): DenseMatrix {
    const out = new Float64Array(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.indptr[i] as number, e = this.indptr[i + 1] as number; p < e; p++) {
        out[i * this.cols + (this.indices[p] as number)] = this.values[p] as number;
      }
    }
    return new DenseMatrix(out, this.rows, this.cols);
  }

  /** A copy on SharedArrayBuffers, for workers. */
  toShared(): CsrMatrix {
    if (typeof SharedArrayBuffer === 'undefined' || this.values.buffer instanceof SharedArrayBuffer) return this;
    const share = <T extends Int32Array | Float64Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
      const s = make(new SharedArrayBuffer(a.byteLength));
      s.set(a as never);
      return s;
    };
    return new CsrMatrix(
      share(this.indptr, (b) => new Int32Array(b)),
      share(this.indices, (b) => new Int32Array(b)),
      share(this.values, (b) => new Float64Array(b)),
      this.cols,
    );
  }

  /** Checks structure (monotone indptr, column range) and values (finite, optionally ≥ 0 / integer). */
  validate(options: { name?: string; nonNegative?: boolean; integer?: boolean } = {}): this {
    const name = options.name ?? 'data';
    for (let i = 0; i < this.rows; i++) {
      const start = this.indptr[i] as number;
      const end = this.indptr[i + 1] as number;
      if (end < start || end > this.values.length) {
        throw new InvalidDataError(`${name}: CSR indptr is not non-decreasing at row ${i}.`, 'Rebuild the matrix with CsrMatrix.fromTriplets.', { row: i });
      }
      for (let p = start; p < end; p++) {
        const c = this.indices[p] as number;
        const v = this.values[p] as number;
        if (c < 0 || c >= this.cols) {
          throw new InvalidDataError(`${name}[${i}]: column index ${c} is outside [0, ${this.cols}).`, 'Fix the column index or the declared column count.', { row: i, column: c });
        }
        if (!Number.isFinite(v)) {
          throw new InvalidDataError(`${name}[${i}][${c}] = ${v} is not finite.`, 'Replace it with a finite count.', { row: i, column: c });
        }
        if (options.nonNegative === true && v < 0) {
          throw new InvalidDataError(`${name}[${i}][${c}] = ${v} is negative.`, 'Counts must be ≥ 0; fix or drop that row.', { row: i, column: c });
        }
        if (options.integer === true && !Number.isInteger(v)) {
          throw new InvalidDataError(`${name}[${i}][${c}] = ${v} is not an integer.`, 'Round the counts, or enable non-integer counts explicitly.', { row: i, column: c });
        }
      }
    }
    return this;
  }
}
