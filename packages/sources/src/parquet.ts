import { checkAllocation, DenseMatrix, type DenseSource, FormatError, InvalidDataError, type PassOptions, type SourceBlock } from '@em/core';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { blockRowsFor, budgetOf, type ReaderOptions } from './blocks.js';
import { resolveColumns } from './columns.js';
import type { ByteInput } from './input.js';
import { PassGuard } from './pass-guard.js';

/** Options of the Parquet reader. */
export interface ParquetOptions extends ReaderOptions {
  /** Columns to read: names or 0-based indices, comma-separated (as `--columns`). Default: every column, which must then all be numeric. */
  readonly columns?: string;
}

/** A streamed Parquet file: rows and row groups are known from its footer. */
export interface ParquetSource extends DenseSource {
  readonly rows: number;
  readonly columnNames: readonly string[];
  /** Row groups in the file (each is read, decoded and handed out in blocks on its own). */
  readonly rowGroups: number;
}

/** Physical types read as numbers (INT64 through BigInt, refused beyond ±2^53). */
const NUMERIC_TYPES = new Set(['DOUBLE', 'FLOAT', 'INT32', 'INT64']);
/** Annotations that make a numeric physical type something else (dates, times, timestamps). */
const NOT_NUMBERS = new Set(['DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS', 'INTERVAL']);
/** Codecs hyparquet decodes without add-ons. */
const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY']);

function numericProblem(element: SchemaElement): string | undefined {
  if (element.num_children !== undefined && element.num_children > 0) return 'a nested (group) column';
  if (element.repetition_type === 'REPEATED') return 'a repeated (list) column';
  if (element.type === undefined || !NUMERIC_TYPES.has(element.type)) return `of type ${element.type ?? 'unknown'}${element.converted_type === 'UTF8' ? ' (text)' : ''}`;
  if (element.converted_type !== undefined && NOT_NUMBERS.has(element.converted_type)) return `a ${element.converted_type.toLowerCase()} column`;
  const logical = element.logical_type?.type;
  if (logical !== undefined && ['DATE', 'TIME', 'TIMESTAMP', 'INTERVAL'].includes(logical)) return `a ${logical.toLowerCase()} column`;
  return undefined;
}

/**
 * Opens a Apache Parquet file as a stream of row blocks, through hyparquet (pure JavaScript). The
 * footer is read when the source opens (rows, columns and row groups are then known); each pass
 * reads one row group at a time — only the selected columns' chunks — decodes it and hands it out in
 * blocks of at most `blockRows` rows. The file is never read whole: memory is one decoded row group
 * (checked against the budget before it is read) plus its compressed column chunks.
 *
 * Only flat numeric columns (DOUBLE, FLOAT, INT32, INT64 and decimals stored in them) are read;
 * a text, date, nested or repeated column is an InvalidDataError naming it unless `columns` leaves
 * it out. Nulls are missing values (NaN). Compression: uncompressed or Snappy (the default of
 * pyarrow, Spark, DuckDB and most warehouses); another codec is a FormatError naming it. A file cut
 * short is a FormatError.
 */
export async function openParquetSource(input: ByteInput, options: ParquetOptions = {}): Promise<ParquetSource> {
  const name = options.name ?? input.name;
  const budget = budgetOf(options);
  const read = input.read;
  const size = input.bytes;
  if (read === undefined || size === undefined) {
    throw new FormatError(`${name}: a Parquet file is read by offset (its footer comes last), which a pipe cannot do.`, 'Pass a file, or let standard input be spooled (the default for --data -).');
  }
  const { parquetMetadataAsync, parquetRead } = await import('hyparquet');
  const cutShort = (detail: string): FormatError =>
    new FormatError(`${name}: not a complete Parquet file (${detail}).`, 'Check that the file was copied whole and is Parquet (it must start and end with "PAR1").', { bytes: size });
  const file: AsyncBuffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? size;
      const bytes = await read(start, stop);
      if (bytes.byteLength < stop - start) throw cutShort(`reading bytes ${start}..${stop} found only ${start + bytes.byteLength}`);
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
    },
  };
  let metadata: FileMetaData;
  try {
    const tail = await read(Math.max(0, size - 4), size);
    if (size < 12 || new TextDecoder('latin1').decode(tail) !== 'PAR1') throw cutShort(`it does not end with "PAR1"`);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    await input.close?.();
    if (error instanceof FormatError) throw error;
    throw cutShort(`its footer cannot be read: ${(error as Error).message}`);
  }
  const [root, ...elements] = metadata.schema;
  // Top-level columns: the root's children, skipping the descendants of group columns.
  const top: SchemaElement[] = [];
  for (let i = 0, remaining = root?.num_children ?? 0; i < elements.length && remaining > 0; remaining--) {
    const element = elements[i] as SchemaElement;
    top.push(element);
    let skip = element.num_children ?? 0;
    i++;
    while (skip > 0 && i < elements.length) {
      skip += (elements[i]?.num_children ?? 0) - 1;
      i++;
    }
  }
  const names = top.map((element) => element.name);
  let selected: number[];
  try {
    selected = options.columns === undefined ? names.map((_, j) => j) : resolveColumns(options.columns, names.length, names, name);
    for (const j of selected) {
      const problem = numericProblem(top[j] as SchemaElement);
      if (problem !== undefined) {
        throw new InvalidDataError(`${name}: column ${JSON.stringify(names[j])} (index ${j}) is ${problem}, not numbers.`, 'Leave it out by choosing the numeric columns with --columns (columns option).', {
          column: names[j],
        });
      }
    }
    if (selected.length === 0) throw new InvalidDataError(`${name} has no columns.`, 'Pass a Parquet file with numeric columns.');
    for (const [g, group] of metadata.row_groups.entries()) {
      for (const chunk of group.columns) {
        const codec = chunk.meta_data?.codec;
        const column = chunk.meta_data?.path_in_schema[0];
        if (codec !== undefined && !CODECS.has(codec) && column !== undefined && selected.some((j) => names[j] === column)) {
          throw new FormatError(`${name}: row group ${g}, column ${JSON.stringify(column)} is compressed with ${codec}; this reader reads uncompressed and Snappy Parquet.`, 'Rewrite the file with Snappy compression (e.g. pyarrow.parquet.write_table(..., compression="snappy")).', {
            column,
            codec,
          });
        }
      }
    }
  } catch (error) {
    await input.close?.();
    throw error;
  }
  const columnNames = selected.map((j) => names[j] as string);
  const columns = selected.length;
  const rows = Number(metadata.num_rows);
  const groups = metadata.row_groups.map((group) => ({
    rows: Number(group.num_rows),
    compressed: group.columns.filter((chunk) => columnNames.includes(chunk.meta_data?.path_in_schema[0] ?? '')).reduce((sum, chunk) => sum + Number(chunk.meta_data?.total_compressed_size ?? 0n), 0),
  }));
  /** A row group's cost: its decoded columns (as read, ≤ 8 bytes a value, twice while handed over) and compressed chunks. */
  const groupBytes = (group: { rows: number; compressed: number }): number => 2 * 8 * group.rows * columns + group.compressed;
  const largest = groups.reduce((most, group) => Math.max(most, groupBytes(group)), 0);
  try {
    blockRowsFor(columns, options.blockRows, budget, 0, name);
    const worst = groups.findIndex((group) => groupBytes(group) === largest);
    checkAllocation(largest, budget, `Row group ${worst} of ${name} (${groups[worst]?.rows ?? 0} rows × ${columns} columns, decoded)`, 'Rewrite the file with smaller row groups (e.g. row_group_size=100000)');
  } catch (error) {
    await input.close?.();
    throw error;
  }
  const guard = new PassGuard(name, true);

  async function* pass(passOptions: PassOptions = {}): AsyncGenerator<SourceBlock<DenseMatrix>> {
    guard.begin();
    const blockRows = blockRowsFor(columns, passOptions.blockRows ?? options.blockRows, budget, 0, name);
    let groupStart = 0;
    let bytesRead = 0;
    for (const [g, group] of groups.entries()) {
      passOptions.signal?.throwIfAborted();
      const values = new Float64Array(group.rows * columns);
      try {
        await parquetRead({
          file,
          metadata,
          columns: columnNames,
          rowStart: groupStart,
          rowEnd: groupStart + group.rows,
          onChunk({ columnName, columnData, rowStart }) {
            const j = columnNames.indexOf(columnName);
            const from = Math.max(rowStart, groupStart);
            const to = Math.min(rowStart + columnData.length, groupStart + group.rows);
            for (let row = from; row < to; row++) {
              const value: unknown = columnData[row - rowStart];
              const at = (row - groupStart) * columns + j;
              if (typeof value === 'number') values[at] = value;
              else if (typeof value === 'bigint') {
                if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
                  throw new InvalidDataError(`${name}, row ${row}, column ${JSON.stringify(columnName)}: ${value} does not fit a double exactly.`, 'Keep integers within ±2^53.', { row, column: columnName });
                }
                values[at] = Number(value);
              } else if (value === null || value === undefined) values[at] = Number.NaN;
              else {
                throw new InvalidDataError(`${name}, row ${row}, column ${JSON.stringify(columnName)}: ${String(value).slice(0, 40)} is not a number.`, 'Choose numeric columns with --columns.', {
                  row,
                  column: columnName,
                });
              }
            }
          },
        });
      } catch (error) {
        if (error instanceof InvalidDataError || error instanceof FormatError) throw error;
        throw new FormatError(`${name}, row group ${g} (rows ${groupStart}..${groupStart + group.rows - 1}): cannot be decoded: ${(error as Error).message}.`, 'Check that the file is a complete, valid Parquet file.', {
          rowGroup: g,
          row: groupStart,
        });
      }
      bytesRead += group.compressed;
      for (let start = 0; start < group.rows; start += blockRows) {
        const count = Math.min(blockRows, group.rows - start);
        yield { data: new DenseMatrix(values.subarray(start * columns, (start + count) * columns), count, columns), firstRow: groupStart + start, bytesRead };
      }
      groupStart += group.rows;
    }
  }

  return {
    columns,
    columnNames,
    rows,
    rowGroups: groups.length,
    bytes: size,
    reiterable: true,
    description: `${name} (Parquet, ${rows} rows in ${groups.length} row group${groups.length === 1 ? '' : 's'})`,
    pass,
    async close() {
      if (!guard.close()) return;
      await input.close?.();
    },
  };
}
