import { CsrMatrix } from '../data/csr-matrix.js';
import { DenseMatrix } from '../data/dense-matrix.js';
import { Sequences } from '../data/sequences.js';
import { InvalidDataError, InvalidOptionsError } from '../errors.js';
import type { MixtureData } from '../mixture/mixture-model.js';

/** Row-major numbers with their column count: `{ data: Float64Array.of(1, 2, 3, 4), columns: 2 }` is two rows. */
export interface RowMajorInput {
  readonly data: Float64Array;
  readonly columns: number;
}

/**
 * The shape of an ml-matrix `Matrix` (recognised by its members, so accepting one imports nothing):
 * `rows`, `columns`, and `get(row, column)` or `to2DArray()`.
 */
export interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  get?(row: number, column: number): number;
  to2DArray?(): number[][];
}

/**
 * Rows of numbers, in any form users already hold: nested arrays (one inner array per row), one
 * column as number[] or a Float64Array, a DenseMatrix, an ml-matrix Matrix, or row-major values
 * with a column count.
 */
export type RowInput = DenseMatrix | ReadonlyArray<ArrayLike<number>> | ArrayLike<number> | RowMajorInput | MatrixLike;

/** Rows of counts: any RowInput, or a sparse CsrMatrix. */
export type CountRowInput = RowInput | CsrMatrix;

/**
 * Sequences for a sequence model: one sequence as rows (one row per time step), several as
 * `{ observations, lengths }` (rows back to back, `lengths[s]` steps each), or a Sequences value.
 */
export type SequenceInput = Sequences<DenseMatrix> | RowInput | { readonly observations: RowInput; readonly lengths: ArrayLike<number> };

const ACCEPTED_ROWS =
  'rows as number[][], one column as number[] or a Float64Array, a DenseMatrix, an ml-matrix Matrix, or row-major values as { data: Float64Array, columns }';

function isRowMajor(value: object): value is RowMajorInput {
  return (value as { data?: unknown }).data instanceof Float64Array && typeof (value as { columns?: unknown }).columns === 'number' && !('rows' in value);
}

function isMatrixLike(value: object): value is MatrixLike {
  const m = value as Partial<MatrixLike>;
  return Number.isInteger(m.rows) && Number.isInteger(m.columns) && (typeof m.get === 'function' || typeof m.to2DArray === 'function');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'a plain object';
}

function refused(value: unknown, call: string, accepted = ACCEPTED_ROWS): InvalidDataError {
  return new InvalidDataError(
    `${call} takes ${accepted}; got ${describe(value)}.`,
    `Pass e.g. ${call.replace('(data)', '([[1.2, 3.4], [5.6, 7.8]])')} or ${call.replace('(data)', '({ data: values, columns: 2 })')}.`,
  );
}

/** A DenseMatrix from any RowInput (a DenseMatrix passes through; the others are copied once). */
export function toDenseMatrix(input: RowInput, call = 'fit(data)', accepted = ACCEPTED_ROWS): DenseMatrix {
  if (input instanceof DenseMatrix) return input;
  if (input === null || typeof input !== 'object') throw refused(input, call, accepted);
  if (isRowMajor(input)) {
    const { data, columns } = input;
    if (!Number.isInteger(columns) || columns < 1 || data.length % columns !== 0) {
      throw new InvalidDataError(
        `Row-major data has ${data.length} values, which is not a whole number of rows of ${String(columns)} columns.`,
        'Pass columns as the number of values per row (an integer ≥ 1 dividing data.length).',
        { length: data.length, columns },
      );
    }
    return new DenseMatrix(data, data.length / columns, columns);
  }
  if (isMatrixLike(input)) {
    const { rows, columns } = input;
    if (typeof input.get !== 'function') return DenseMatrix.from((input.to2DArray as () => number[][])());
    const data = new Float64Array(rows * columns);
    for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) data[i * columns + j] = input.get(i, j);
    return new DenseMatrix(data, rows, columns);
  }
  if (typeof (input as { length?: unknown }).length !== 'number') throw refused(input, call, accepted);
  return DenseMatrix.from(input as ArrayLike<number> | ReadonlyArray<ArrayLike<number>>);
}

/** A CsrMatrix (also one revived by shape in a worker) or a DenseMatrix from any CountRowInput. */
export function toCountMatrix(input: CountRowInput, call = 'fit(data)'): DenseMatrix | CsrMatrix {
  if (input instanceof CsrMatrix) return input;
  const candidate = input as Partial<CsrMatrix> | null;
  if (candidate !== null && typeof candidate === 'object' && candidate.indptr instanceof Int32Array && candidate.indices instanceof Int32Array && candidate.values instanceof Float64Array) {
    return new CsrMatrix(candidate.indptr, candidate.indices, candidate.values, candidate.cols as number);
  }
  return toDenseMatrix(input as RowInput, call, `a CsrMatrix of counts or ${ACCEPTED_ROWS}`);
}

/** A Sequences value from any SequenceInput. */
export function toSequences(input: SequenceInput, call = 'fit(data)'): Sequences<DenseMatrix> {
  if (input instanceof Sequences) return input;
  if (input !== null && typeof input === 'object' && 'lengths' in input && 'observations' in input) {
    const matrix = toDenseMatrix(input.observations, call);
    return new Sequences(matrix, input.lengths);
  }
  const matrix = toDenseMatrix(input as RowInput, call);
  if (matrix.rows === 0) throw new InvalidDataError('The data has no rows (a sequence of length 0).', 'Pass at least one observation.');
  return new Sequences(matrix);
}

/**
 * How an estimator turns what users pass into its engine's data: the "data kind" a model
 * declares. `rows` counts rows (time steps) for allocation checks.
 */
export interface DataKind<Input, D> {
  readonly name: string;
  toData(input: Input, sampleWeights: ArrayLike<number> | undefined, call: string): D;
  rows(data: D): number;
}

function weighted<X>(observations: X, sampleWeights: ArrayLike<number> | undefined): MixtureData<X> {
  return sampleWeights === undefined ? { observations } : { observations, sampleWeights: Float64Array.from(sampleWeights) };
}

/** Dense rows (mixtures over real vectors or category codes). */
export const DENSE_ROWS: DataKind<RowInput, MixtureData<DenseMatrix>> = /* @__PURE__ */ Object.freeze({
  name: 'dense rows',
  toData: (input: RowInput, sampleWeights: ArrayLike<number> | undefined, call: string) => weighted(toDenseMatrix(input, call), sampleWeights),
  rows: (data: MixtureData<DenseMatrix>) => data.observations.rows,
});

/** Rows of counts, dense or sparse CSR (multinomial and Bernoulli mixtures). */
export const COUNT_ROWS: DataKind<CountRowInput, MixtureData<DenseMatrix | CsrMatrix>> = /* @__PURE__ */ Object.freeze({
  name: 'count rows',
  toData: (input: CountRowInput, sampleWeights: ArrayLike<number> | undefined, call: string) => weighted(toCountMatrix(input, call), sampleWeights),
  rows: (data: MixtureData<DenseMatrix | CsrMatrix>) => data.observations.rows,
});

/** Sequences of dense rows (hidden Markov models). Sample weights are refused: a time step cannot be weighted alone. */
export const SEQUENCES: DataKind<SequenceInput, Sequences<DenseMatrix>> = /* @__PURE__ */ Object.freeze({
  name: 'sequences',
  toData: (input: SequenceInput, sampleWeights: ArrayLike<number> | undefined, call: string) => {
    if (sampleWeights !== undefined) {
      throw new InvalidOptionsError(`${call}: sample weights are not supported for sequences.`, 'Omit sampleWeights (repeat a sequence to give it more weight).', { option: 'sampleWeights' });
    }
    return toSequences(input, call);
  },
  rows: (data: Sequences<DenseMatrix>) => data.totalLength,
});
