import { checkAllocation, DenseMatrix, type DenseSource, FormatError, InvalidDataError, type PassOptions, type SourceBlock } from '@em/core';
import type { DataType, RecordBatch, Schema } from 'apache-arrow';
import { blockRowsFor, budgetOf, type ReaderOptions } from './blocks.js';
import { resolveColumns } from './columns.js';
import type { ByteInput } from './input.js';
import { PassGuard } from './pass-guard.js';

/** Options of the Arrow IPC reader. */
export interface ArrowOptions extends ReaderOptions {
  /** Columns to read: names or 0-based indices, comma-separated (as `--columns`). Default: every column, which must then all be numeric. */
  readonly columns?: string;
}

/** A streamed Arrow IPC file or stream. */
export interface ArrowSource extends DenseSource {
  readonly columnNames: readonly string[];
}

/** Why a column type is not read as numbers, or undefined for float32/64 and integers. */
function numericProblem(type: DataType): string | undefined {
  const id = String(type);
  if (/^(Float32|Float64|Int8|Int16|Int32|Int64|Uint8|Uint16|Uint32|Uint64)$/.test(id)) return undefined;
  return `of type ${id}`;
}

/** Whether the last bytes end an Arrow IPC file ("ARROW1") or stream (an end-of-stream marker). */
async function completeTrailer(input: ByteInput): Promise<boolean | undefined> {
  if (input.read === undefined || input.bytes === undefined) return undefined;
  const size = input.bytes;
  const head = await input.read(0, Math.min(6, size));
  const tail = await input.read(Math.max(0, size - 8), size);
  const latin1 = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);
  if (latin1(head) === 'ARROW1') return latin1(tail.subarray(tail.length - 6)) === 'ARROW1';
  // A stream ends with the end-of-stream marker 0xFFFFFFFF 0x00000000.
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  return tail.length === 8 && view.getUint32(0, true) === 0xffffffff && view.getUint32(4, true) === 0;
}

/**
 * Opens an Arrow IPC file (`.arrow`, `.feather` v2) or stream (`.arrows`) as a stream of row
 * blocks, through apache-arrow (the Arrow project's JavaScript implementation): one record batch
 * at a time, handed out in blocks of at most `blockRows` rows. An IPC *file* is read by offset
 * (footer, then each record batch) when the input offers a file handle (Node files); from a browser
 * `File` apache-arrow keeps the whole file, which must then fit the budget; from a pipe it is
 * refused (the stream format is read from pipes). Memory: one record batch, decoded,
 * plus its float64 copy — checked against the budget as each batch arrives.
 *
 * Only integer and floating-point columns are read; another type is an InvalidDataError naming
 * the column unless `columns` leaves it out. Nulls are missing values (NaN); 64-bit integers
 * beyond ±2^53 are refused. A file or stream cut short (no footer or end-of-stream marker) is a
 * FormatError.
 */
export async function openArrowSource(input: ByteInput, options: ArrowOptions = {}): Promise<ArrowSource> {
  const name = options.name ?? input.name;
  const budget = budgetOf(options);
  const { RecordBatchReader } = await import('apache-arrow');
  const cutShort = (detail: string): FormatError =>
    new FormatError(`${name}: not a complete Arrow IPC file or stream (${detail}).`, 'Check that the file was copied whole and is Arrow IPC (pyarrow.ipc / apache-arrow tableToIPC).', {
      ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    });
  /** Bytes taken from the input by the reader of the current pass (for progress). */
  let bytesRead = 0;
  const latin1 = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);
  const isFileFormat = input.read === undefined ? undefined : latin1(await input.read(0, 6)) === 'ARROW1';
  /** Why the input was refused while apache-arrow read it (its own error would hide ours). */
  let refusal: FormatError | undefined;
  /** The open file handle of the current pass (Arrow files read by offset), closed when the pass ends. */
  let handle: { close(): Promise<void> } | undefined;
  const openReader = async () => {
    bytesRead = 0;
    if (isFileFormat === true && input.openFileHandle !== undefined) {
      // Random access: the footer, then one record batch at a time by offset.
      handle = (await input.openFileHandle()) as { close(): Promise<void> };
      const reader = await RecordBatchReader.from(handle as Parameters<typeof RecordBatchReader.from>[0] & object);
      await reader.open();
      return reader;
    }
    let first = true;
    const stream = input.open().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (first && chunk.byteLength >= 6 && latin1(chunk.subarray(0, 6)) === 'ARROW1' && isFileFormat === undefined) {
            refusal = new FormatError(
              `${name}: an Arrow IPC file (not stream) cannot be read from a pipe without keeping all of it (its footer comes last).`,
              'Write the Arrow IPC stream format (.arrows), or pass a file (standard input is spooled to one unless spooling is off).',
            );
            throw refusal;
          }
          first = false;
          bytesRead += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    const reader = await RecordBatchReader.from(stream);
    await reader.open();
    return reader;
  };
  const closeHandle = async (): Promise<void> => {
    const open = handle;
    handle = undefined;
    await open?.close().catch(() => undefined);
  };
  let schema: Schema;
  let pending: Awaited<ReturnType<typeof openReader>> | undefined;
  let selected: number[];
  let names: string[];
  try {
    if ((await completeTrailer(input)) === false) throw cutShort('it does not end with the "ARROW1" footer or an end-of-stream marker');
    if (isFileFormat === true && input.openFileHandle === undefined) {
      // apache-arrow reads an IPC file through its footer, which comes last: without random access
      // (a browser File) it keeps the whole input, so the whole file must fit the budget.
      checkAllocation(2 * (input.bytes ?? Number.POSITIVE_INFINITY), budget, `The Arrow IPC file ${name}, which is read whole here (its footer comes last)`, 'Write the Arrow IPC stream format (.arrows) instead, which is read a record batch at a time');
    }
    try {
      pending = await openReader();
    } catch (error) {
      if (refusal !== undefined) throw refusal;
      if (error instanceof FormatError) throw error;
      throw cutShort(`its schema cannot be read: ${(error as Error).message}`);
    }
    if (refusal !== undefined) throw refusal;
    schema = pending.schema;
    if (schema === undefined || schema === null) throw cutShort('no schema');
    names = schema.fields.map((field) => field.name);
    selected = options.columns === undefined ? names.map((_, j) => j) : resolveColumns(options.columns, names.length, names, name);
    for (const j of selected) {
      const problem = numericProblem((schema.fields[j] as { type: DataType }).type);
      if (problem !== undefined) {
        throw new InvalidDataError(`${name}: column ${JSON.stringify(names[j])} (index ${j}) is ${problem}, not numbers.`, 'Leave it out by choosing the numeric columns with --columns (columns option).', {
          column: names[j] as string,
        });
      }
    }
    if (selected.length === 0) throw new InvalidDataError(`${name} has no columns.`, 'Pass an Arrow file with numeric columns.');
  } catch (error) {
    await Promise.resolve(pending?.cancel()).catch(() => undefined);
    await closeHandle();
    await input.close?.();
    throw error;
  }
  const columnNames = selected.map((j) => names[j] as string);
  const columns = selected.length;
  blockRowsFor(columns, options.blockRows, budget, 0, name);
  const guard = new PassGuard(name, input.reiterable);

  const toBlock = (batch: RecordBatch, firstRow: number): Float64Array => {
    const rows = batch.numRows;
    const values = new Float64Array(rows * columns);
    selected.forEach((field, j) => {
      const vector = batch.getChildAt(field);
      if (vector === null) throw cutShort(`record batch without column ${JSON.stringify(names[field])}`);
      const raw = vector.toArray() as ArrayLike<number | bigint>;
      const nulls = vector.nullCount > 0;
      for (let r = 0; r < rows; r++) {
        const value = raw[r] as number | bigint;
        let number: number;
        if (typeof value === 'bigint') {
          if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
            throw new InvalidDataError(`${name}, row ${firstRow + r}, column ${JSON.stringify(names[field])}: ${value} does not fit a double exactly.`, 'Keep integers within ±2^53.', {
              row: firstRow + r,
              column: names[field] as string,
            });
          }
          number = Number(value);
        } else number = value;
        values[r * columns + j] = nulls && !vector.isValid(r) ? Number.NaN : number;
      }
    });
    return values;
  };

  async function* pass(passOptions: PassOptions = {}): AsyncGenerator<SourceBlock<DenseMatrix>> {
    guard.begin();
    const blockRows = blockRowsFor(columns, passOptions.blockRows ?? options.blockRows, budget, 0, name);
    const reader = pending ?? (await openReader());
    pending = undefined;
    let row = 0;
    let batchIndex = 0;
    try {
      for (;;) {
        let next: IteratorResult<RecordBatch>;
        try {
          next = await reader.next();
        } catch (error) {
          throw refusal ?? cutShort(`record batch after row ${row} cannot be read: ${(error as Error).message}`);
        }
        if (next.done === true) break;
        const batch = next.value;
        batchIndex++;
        // Read by offset, an Arrow file's progress is the share of its record batches read.
        if (handle !== undefined && input.bytes !== undefined) bytesRead = Math.round((input.bytes * batchIndex) / Math.max(1, (reader as { numRecordBatches?: number }).numRecordBatches ?? batchIndex));
        passOptions.signal?.throwIfAborted();
        blockRowsFor(columns, Math.max(1, batch.numRows), budget, 8 * batch.numRows * batch.numCols, `${name} (a record batch of ${batch.numRows} rows)`);
        const values = toBlock(batch, row);
        for (let start = 0; start < batch.numRows; start += blockRows) {
          const count = Math.min(blockRows, batch.numRows - start);
          yield { data: new DenseMatrix(values.subarray(start * columns, (start + count) * columns), count, columns), firstRow: row + start, bytesRead };
        }
        row += batch.numRows;
      }
    } finally {
      try {
        await reader.return();
      } catch {
        // Closing a reader that failed: nothing more to release.
      }
      await closeHandle();
    }
  }

  return {
    columns,
    columnNames,
    ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    reiterable: input.reiterable,
    description: `${name} (Arrow IPC)`,
    pass,
    async close() {
      if (!guard.close()) return;
      await Promise.resolve(pending?.cancel()).catch(() => undefined);
      pending = undefined;
      await closeHandle();
      await input.close?.();
    },
  };
}
