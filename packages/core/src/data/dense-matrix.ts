import { InvalidDataError } from '../errors.js';
import { checkRowRange } from './row-range.js';

/** What to accept when validating a dense matrix. */
export interface DenseValidation {
  /** Name used in messages, e.g. "data" or "observations". */
  readonly name?: string;
  /** NaN entries are allowed (they mean "missing"); Infinity never is. */
  readonly allowNaN?: boolean;
  /** Every entry must be ≥ 0. */
  readonly nonNegative?: boolean;
  /** Every entry must be an integer. */
  readonly integer?: boolean;
}

/**
 * A dense row-major matrix on one Float64Array. `data` may be a view into a larger buffer
 * (a SharedArrayBuffer for the parallel E-step): slicing rows never copies.
 */
export class DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(data: Float64Array, rows: number, cols: number) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new InvalidDataError(`Matrix shape must be non-negative integers; got ${rows}×${cols}.`, 'Pass integer row and column counts.');
    }
    if (data.length !== rows * cols) {
      throw new InvalidDataError(
        `Matrix data has ${data.length} values but the shape ${rows}×${cols} needs ${rows * cols}.`,
        'Check the row and column counts, or pass the rows as nested arrays.',
        { rows, cols, length: data.length },
      );
    }
    this.data = data;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * From nested arrays (each inner array a row) or a plain number[] (one column). Ragged rows and
   * non-numbers are rejected with the offending row and column. An ml-matrix `Matrix` (anything
   * with `rows`, `columns` and `to2DArray()`) is read through `to2DArray()`; any other object is an
   * InvalidDataError that shows the accepted shapes.
   */
  static from(values: DenseInput): DenseMatrix {
    if (values instanceof DenseMatrix) return values;
    if (isMatrixLike(values)) return DenseMatrix.from(values.to2DArray());
    if (values === null || typeof values !== 'object' || typeof (values as { length?: unknown }).length !== 'number') {
      const name = values === null ? 'null' : typeof values !== 'object' ? typeof values : ((values as object).constructor?.name ?? 'object');
      throw new InvalidDataError(
        `Data must be rows (number[][]), one column (number[] or a Float64Array) or a DenseMatrix; got ${name === 'Object' ? 'a plain object' : name}.`,
        'Pass e.g. fit([[1.2, 3.4], [5.6, 7.8]]), or DenseMatrix.fromArray(values, rows, columns) for row-major numbers.',
      );
    }
    if (values.length === 0) return new DenseMatrix(new Float64Array(0), 0, 0);
    const first = values[0];
    if (typeof first === 'number') {
      const flat = values as ArrayLike<number>;
      const data = new Float64Array(flat.length);
      for (let i = 0; i < flat.length; i++) {
        const v = flat[i];
        if (typeof v !== 'number') throw notANumber(i, 0, v);
        data[i] = v;
      }
      return new DenseMatrix(data, flat.length, 1);
    }
    const nested = values as ReadonlyArray<ArrayLike<number>>;
    const cols = (first as ArrayLike<number>).length;
    const data = new Float64Array(nested.length * cols);
    for (let i = 0; i < nested.length; i++) {
      const row = nested[i];
      if (row === undefined || typeof row !== 'object' || row.length !== cols) {
        throw new InvalidDataError(
          `Row ${i} has ${row === undefined || typeof row !== 'object' ? 'no values' : `${row.length} values`} but row 0 has ${cols}.`,
          'Give every row the same number of columns.',
          { row: i },
        );
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw notANumber(i, j, v);
        data[i * cols + j] = v;
      }
    }
    return new DenseMatrix(data, nested.length, cols);
  }

  /** Row-major data of shape rows×cols (no copy). */
  static fromArray(data: Float64Array, rows: number, cols: number): DenseMatrix {
    return new DenseMatrix(data, rows, cols);
  }

  get(row: number, col: number): number {
    return this.data[row * this.cols + col] as number;
  }

  /** Row view (no copy). */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Rows [start, end) as a view (no copy). */
  sliceRows(start: number, end: number): DenseMatrix {
    checkRowRange(start, end, this.rows);
    return new DenseMatrix(this.data.subarray(start * this.cols, end * this.cols), end - start, this.cols);
  }

  /** A copy whose storage is a SharedArrayBuffer (sent to workers without copying), when available. */
  toShared(): DenseMatrix {
    if (typeof SharedArrayBuffer === 'undefined' || this.data.buffer instanceof SharedArrayBuffer) return this;
    const shared = new Float64Array(new SharedArrayBuffer(this.data.byteLength));
    shared.set(this.data);
    return new DenseMatrix(shared, this.rows, this.cols);
  }

  toArrays(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** Throws InvalidDataError naming the first offending row and column. */
  validate(options: DenseValidation = {}): this {
    const name = options.name ?? 'data';
    const { data, cols } = this;
    for (let index = 0; index < data.length; index++) {
      const v = data[index] as number;
      if (Number.isFinite(v)) {
        if (options.nonNegative === true && v < 0) {
          throw entryError(name, index, cols, v, 'is negative', 'Counts and frequencies must be ≥ 0; fix or drop that row.');
        }
        if (options.integer === true && !Number.isInteger(v)) {
          throw entryError(name, index, cols, v, 'is not an integer', 'Round the value, or use a model that accepts real values.');
        }
        continue;
      }
      if (Number.isNaN(v)) {
        if (options.allowNaN === true) continue;
        throw entryError(name, index, cols, v, 'is NaN', 'Remove or impute missing values (or enable missing-value support where the model offers it).');
      }
      throw entryError(name, index, cols, v, 'is infinite', 'Remove the row or replace the value with a finite number.');
    }
    return this;
  }
}

export type DenseInput = DenseMatrix | ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

function notANumber(row: number, col: number, value: unknown): InvalidDataError {
  return new InvalidDataError(`Entry at row ${row}, column ${col} is not a number (${typeof value}).`, 'Pass numeric values only.', {
    row,
    column: col,
  });
}

function entryError(name: string, index: number, cols: number, value: number, what: string, remedy: string): InvalidDataError {
  const row = cols === 0 ? 0 : Math.floor(index / cols);
  const column = cols === 0 ? 0 : index % cols;
  return new InvalidDataError(`${name}[${row}][${column}] = ${value} ${what}.`, remedy, { row, column, value: String(value) });
}

/** The duck type of an ml-matrix `Matrix` (its rows as nested arrays through `to2DArray()`). */
interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  to2DArray(): number[][];
}

function isMatrixLike(value: unknown): value is MatrixLike {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<MatrixLike>;
  return typeof candidate.to2DArray === 'function' && Number.isInteger(candidate.rows) && Number.isInteger(candidate.columns);
}
