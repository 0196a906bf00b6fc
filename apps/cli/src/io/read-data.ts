import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkAllocation, type CsrMatrix, type DenseMatrix, float64Bytes, FormatError, formatBytes, InvalidDataError, MemoryBudgetError } from '@em/core';
import { collectDense, parseCsvText, parseMatrixMarket, parseNpy, resolveColumns } from '@em/sources';
import { dataFormatOf as sourceFormatOf, openDataSource, readNpyFile } from '@em/sources/node';
import { CliInputError, type CliIo, memoryBudgetOf, readInputFile, resolvePath } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { type NumericTable, selectMatrixColumns } from './table.js';

/** Formats read whole by the CLI: delimited text, .npy, .mtx, and (through @em/sources) NDJSON, Parquet and Arrow IPC. */
export type DataFormat = 'csv' | 'npy' | 'mtx' | 'ndjson' | 'parquet' | 'arrow';

export interface ReadDataOptions {
  /** The flag that named the file, for messages (default "--data"). */
  readonly flag?: string;
  /** `--columns`: names or 0-based indices, comma-separated (dense inputs only). */
  readonly columns?: string;
}

/** A data file's content: dense rows, or a sparse matrix from a .mtx file. */
export type LoadedData =
  | { readonly format: Exclude<DataFormat, 'mtx'>; readonly table: NumericTable }
  | { readonly format: 'mtx'; readonly matrix: CsrMatrix; readonly source: string };

/** The format implied by a file name: .npy, .mtx, .ndjson/.jsonl, .parquet, .arrow/.feather, otherwise delimited text (.csv, .tsv, …). */
export function dataFormatOf(path: string): DataFormat {
  const format = sourceFormatOf(path);
  return format === 'tsv' ? 'csv' : format;
}

/**
 * Reads a NDJSON, Parquet or Arrow IPC file whole through its streaming reader: the file's own
 * size is checked against the budget first (as readInputFile does), then the table as it fills.
 */
async function readStreamedFormat(io: CliIo, path: string, format: 'ndjson' | 'parquet' | 'arrow', flag: string, columns: string | undefined): Promise<NumericTable> {
  const budget = memoryBudgetOf(io);
  const resolved = resolvePath(io, path);
  const info = await stat(resolved).catch((error: NodeJS.ErrnoException) => {
    throw new CliInputError(`Cannot read ${flag} file "${path}": ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}.`, `Check the path given to ${flag}.`);
  });
  if (info.isFile() && format !== 'parquet' && info.size > budget) {
    throw new MemoryBudgetError(
      `${flag} file "${path}" is larger than the memory budget of ${formatBytes(budget)} (${formatBytes(info.size)}).`,
      'Pass a smaller file, or raise the memory budget with --memory-budget (e.g. --memory-budget 4GiB) if the machine has the memory.',
      { bytes: info.size, budget },
    );
  }
  const source = await openDataSource(resolved, { format, memoryBudget: budget, name: basename(path), ...(columns === undefined ? {} : { columns }) });
  try {
    if (source.sparse) throw new FormatError(`${path} holds sparse data.`, 'Pass a dense file.');
    const matrix = await collectDense(source, budget, 'Select fewer columns with --columns, or pass fewer rows');
    return { matrix, source: basename(path), ...(source.columnNames === undefined ? {} : { columnNames: source.columnNames }) };
  } finally {
    await source.close();
  }
}

/**
 * Reads a regular .npy file straight into one float64 matrix on a SharedArrayBuffer (no Buffer of
 * the file, no second copy when the fit shares the data with worker threads); undefined for
 * anything else (a pipe, a device), which readInputFile reads as before. The file's own size is
 * checked against the memory budget first, with readInputFile's message.
 */
async function readNpyRegularFile(io: CliIo, path: string, flag: string, columns: string | undefined): Promise<NumericTable | undefined> {
  const resolved = resolvePath(io, path);
  const info = await stat(resolved).catch(() => undefined);
  if (info === undefined || !info.isFile()) return undefined;
  const budget = memoryBudgetOf(io);
  if (info.size > budget) {
    throw new MemoryBudgetError(
      `${flag} file "${path}" is larger than the memory budget of ${formatBytes(budget)} (${formatBytes(info.size)}).`,
      'Pass a smaller file (a regular file, not an endless stream), or raise the memory budget with --memory-budget (e.g. --memory-budget 4GiB) if the machine has the memory.',
      { bytes: info.size, budget },
    );
  }
  const source = basename(path);
  const { matrix } = await readNpyFile(resolved, { name: source, memoryBudget: budget, shared: true, ...(columns === undefined ? {} : { columns }) });
  return { matrix, source };
}

/** Reads a data file in whichever format its extension names. */
export async function readData(io: CliIo, path: string, options: ReadDataOptions = {}): Promise<LoadedData> {
  const flag = options.flag ?? '--data';
  const format = dataFormatOf(path);
  if (format === 'ndjson' || format === 'parquet' || format === 'arrow') return { format, table: await readStreamedFormat(io, path, format, flag, options.columns) };
  if (format === 'npy') {
    const table = await readNpyRegularFile(io, path, flag, options.columns);
    if (table !== undefined) return { format, table };
  }
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
  const table = parseCsvText(text, { name: source, memoryBudget: budget, ...(options.columns === undefined ? {} : { columns: options.columns }) });
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
