import { basename, extname } from 'node:path';
import { checkAllocation, type CsrMatrix, type DenseMatrix, float64Bytes, FormatError, InvalidDataError } from '@em/core';
import { type CliIo, memoryBudgetOf, readInputFile } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { parseCsv } from './csv.js';
import { parseMatrixMarket } from './matrix-market.js';
import { parseNpy } from './npy.js';
import { type NumericTable, resolveColumns, selectMatrixColumns } from './table.js';

export type DataFormat = 'csv' | 'npy' | 'mtx';

export interface ReadDataOptions {
  /** The flag that named the file, for messages (default "--data"). */
  readonly flag?: string;
  /** `--columns`: names or 0-based indices, comma-separated (dense inputs only). */
  readonly columns?: string;
}

/** A data file's content: dense rows, or a sparse matrix from a .mtx file. */
export type LoadedData =
  | { readonly format: 'csv' | 'npy'; readonly table: NumericTable }
  | { readonly format: 'mtx'; readonly matrix: CsrMatrix; readonly source: string };

/** The format implied by a file name: .npy, .mtx, otherwise delimited text. */
export function dataFormatOf(path: string): DataFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.npy') return 'npy';
  if (extension === '.mtx') return 'mtx';
  return 'csv';
}

/** Reads a data file in whichever format its extension names. */
export async function readData(io: CliIo, path: string, options: ReadDataOptions = {}): Promise<LoadedData> {
  const flag = options.flag ?? '--data';
  const format = dataFormatOf(path);
  const bytes = await readInputFile(io, path, flag, format === 'npy' ? 'binary' : 'text');
  const budget = memoryBudgetOf(io);
  const source = basename(path);
  if (format === 'npy') {
    const table = parseNpy(bytes, source, budget);
    if (options.columns === undefined) return { format, table };
    const columns = resolveColumns(options.columns, table.matrix.cols, undefined, source);
    return { format, table: { matrix: selectMatrixColumns(table.matrix, columns), source } };
  }
  const text = bytes.toString('utf8');
  if (format === 'mtx') {
    if (options.columns !== undefined) {
      throw new FormatError(`--columns cannot be applied to the Matrix Market file ${source}.`, 'Drop --columns, or pass a dense .csv/.npy file.');
    }
    return { format, matrix: parseMatrixMarket(text, source, budget), source };
  }
  const table = parseCsv(text, { source, memoryBudget: budget, ...(options.columns === undefined ? {} : { columns: options.columns }) });
  return { format, table };
}

/** Reads a data file as dense rows (a .mtx file is densified). */
export async function readDenseData(io: CliIo, path: string, options: ReadDataOptions = {}): Promise<NumericTable> {
  const loaded = await readData(io, path, options);
  if (loaded.format === 'mtx') return { matrix: densify(loaded.matrix, loaded.source, memoryBudgetOf(io)), source: loaded.source };
  return loaded.table;
}

/** A sparse matrix as dense rows, once its dense size is checked against the memory budget. */
export function densify(matrix: CsrMatrix, source: string, memoryBudget: number): DenseMatrix {
  checkAllocation(
    float64Bytes(matrix.rows, matrix.cols),
    memoryBudget,
    `The dense ${matrix.rows} × ${matrix.cols} form of the sparse matrix in ${source}`,
    'This model needs dense rows: pass fewer rows or columns (or use a model that reads .mtx sparsely, such as em fit multinomial)',
  );
  return matrix.toDense();
}

/** Reads the file named by `--data`, restricted to `--columns` when given (dense or sparse). */
export function readDataFlags(io: CliIo, options: OptionValues): Promise<LoadedData> {
  return readData(io, options.requiredString('data'), columnsFlag(options));
}

/** Reads the file named by `--data` as dense rows, restricted to `--columns` when given. */
export function readDenseDataFlags(io: CliIo, options: OptionValues): Promise<NumericTable> {
  return readDenseData(io, options.requiredString('data'), columnsFlag(options));
}

function columnsFlag(options: OptionValues): ReadDataOptions {
  const columns = options.string('columns');
  return columns === undefined ? {} : { columns };
}

/**
 * Rejects data without rows or columns and, when `components` is given, fewer rows than
 * components (`flag` names the option that asked for them).
 */
export function requireObservations(matrix: { readonly rows: number; readonly cols: number }, source: string, components?: number, flag = '--components'): void {
  const { rows, cols } = matrix;
  if (rows === 0 || cols === 0) throw new InvalidDataError(`${source} holds no data (${rows}×${cols}).`, 'Pass a file with at least one row of numbers.');
  if (components !== undefined && components > rows) {
    throw new InvalidDataError(`${flag} ${components} is more than the ${rows} rows of ${source}.`, 'Use at most as many components as observations (far fewer, in practice).', { components, rows });
  }
}
