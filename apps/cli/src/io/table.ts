import { DenseMatrix } from '@em/core';

/** A numeric table read from a file: rows × columns of float64, with column names when the file has them. */
export interface NumericTable {
  readonly matrix: DenseMatrix;
  /** Column names from a CSV header; undefined when the file has none. */
  readonly columnNames?: readonly string[];
  /** 0-based indices in the file of the columns read (absent: every column, in order). */
  readonly columnIndices?: readonly number[];
  /** Columns left out because they are not numeric (labels such as iris's Species). */
  readonly skippedColumns?: readonly string[];
  /** 0-based indices in the file of the skipped columns. */
  readonly skippedColumnIndices?: readonly number[];
  /** File the table came from (for messages). */
  readonly source: string;
}

/**
 * Which columns of the file a table holds, for `--json` reports: `used` and `skipped` list each
 * column by its header name, or by its 0-based index when the file has no header.
 */
export interface ColumnsReport {
  /** 'all' for a sparse .mtx file, whose columns are all used. */
  readonly used: ReadonlyArray<string | number> | 'all';
  readonly skipped: ReadonlyArray<string | number>;
}

export function columnsReportOf(table: NumericTable): ColumnsReport {
  const indices = table.columnIndices ?? Array.from({ length: table.matrix.cols }, (_, j) => j);
  const used = indices.map((index, j) => table.columnNames?.[j] ?? index);
  const skippedIndices = table.skippedColumnIndices ?? [];
  const skipped = skippedIndices.map((index, j) => (table.columnNames === undefined ? index : (table.skippedColumns?.[j] ?? index)));
  return { used, skipped };
}

/** Keeps the given columns of a matrix, in the given order. */
export function selectMatrixColumns(matrix: DenseMatrix, columns: readonly number[]): DenseMatrix {
  const out = new Float64Array(matrix.rows * columns.length);
  for (let row = 0; row < matrix.rows; row++) {
    for (let j = 0; j < columns.length; j++) out[row * columns.length + j] = matrix.data[row * matrix.cols + (columns[j] as number)] as number;
  }
  return new DenseMatrix(out, matrix.rows, columns.length);
}
