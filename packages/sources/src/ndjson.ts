import { type DenseMatrix, type DenseSource, FormatError, InvalidDataError, type PassOptions, type SourceBlock } from '@em/core';
import { BlockBuilder, blockRowsFor, budgetOf, type ReaderOptions, STREAM_CHUNK_BYTES } from './blocks.js';
import { resolveColumns } from './columns.js';
import type { ByteInput } from './input.js';
import { PassGuard } from './pass-guard.js';
import { LineReader, MAX_LINE_LENGTH } from './text-lines.js';

/** Options of the newline-delimited JSON reader. */
export interface NdjsonOptions extends ReaderOptions {
  /** Columns to read: field names (objects) or 0-based indices, comma-separated (as `--columns`). Default: all. */
  readonly columns?: string;
  /** Longest line accepted, in characters (default MAX_LINE_LENGTH). */
  readonly maxLineLength?: number;
}

/** A streamed NDJSON file. */
export interface NdjsonSource extends DenseSource {
  /** 'array' when each line is `[x, y, …]`, 'object' when each line is `{"x": …, "y": …}`. */
  readonly shape: 'array' | 'object';
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Opens newline-delimited JSON (one JSON value per line, `.ndjson` / `.jsonl`) as a stream of row
 * blocks. Each non-blank line is either an array of numbers (`[1.5, 2]`) or an object with numeric
 * fields (`{"x": 1.5, "y": 2}`), decided by the first line: array rows must keep the first row's
 * length, object rows must have the first row's fields (others are ignored; order does not matter).
 * `null` is a missing value (NaN); anything else that is not a number is an InvalidDataError
 * naming the line and the field. JSON's grammar is decimal, so `0x10` is malformed JSON.
 */
export async function openNdjsonSource(input: ByteInput, options: NdjsonOptions = {}): Promise<NdjsonSource> {
  const name = options.name ?? input.name;
  const maxLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  const budget = budgetOf(options);
  const readerBytes = 3 * STREAM_CHUNK_BYTES + 2 * maxLength;
  const parseLine = (line: string, lineNumber: number): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new FormatError(`${name}, line ${lineNumber}: not valid JSON (${(error as Error).message}).`, 'Write one JSON array or object per line.', { line: lineNumber });
    }
  };
  let pending: { reader: LineReader; first: { value: unknown; lineNumber: number } } | undefined;
  const reader = new LineReader(input.open(), name, maxLength);
  try {
    for (;;) {
      const line = reader.nextLine();
      if (line === undefined) {
        if (!(await reader.fill())) break;
        continue;
      }
      if (line.trim() === '') continue;
      pending = { reader, first: { value: parseLine(line, reader.lineNumber), lineNumber: reader.lineNumber } };
      break;
    }
  } catch (error) {
    await reader.cancel();
    throw error;
  }
  if (pending === undefined) {
    await reader.cancel();
    throw new InvalidDataError(`${name} is empty.`, 'Give at least one row: a JSON array of numbers or an object with numeric fields per line.');
  }
  const first = pending.first;
  let shape: 'array' | 'object';
  let names: string[] | undefined;
  let width: number;
  if (Array.isArray(first.value)) {
    shape = 'array';
    width = first.value.length;
  } else if (first.value !== null && typeof first.value === 'object') {
    shape = 'object';
    names = Object.keys(first.value);
    width = names.length;
  } else {
    await reader.cancel();
    throw new InvalidDataError(`${name}, line ${first.lineNumber}: expected a JSON array or object, found ${describeValue(first.value)}.`, 'Write one JSON array of numbers or one object with numeric fields per line.', {
      line: first.lineNumber,
    });
  }
  let selected: number[];
  try {
    selected = options.columns === undefined ? Array.from({ length: width }, (_, j) => j) : resolveColumns(options.columns, width, names, name);
  } catch (error) {
    await reader.cancel();
    throw error;
  }
  if (selected.length === 0) {
    await reader.cancel();
    throw new InvalidDataError(`${name}, line ${first.lineNumber}: the first row has no values.`, 'Give every row at least one number.', { line: first.lineNumber });
  }
  const selectedNames = names === undefined ? undefined : selected.map((j) => (names as string[])[j] as string);
  const columns = selected.length;
  blockRowsFor(columns, options.blockRows, budget, readerBytes, name);

  const fill = (value: unknown, lineNumber: number, out: Float64Array, offset: number): void => {
    if (shape === 'array') {
      if (!Array.isArray(value) || value.length !== width) {
        const found = Array.isArray(value) ? `${value.length} values` : describeValue(value);
        throw new InvalidDataError(`${name}, line ${lineNumber}: found ${found}, expected an array of ${width} values (the length of the first row).`, 'Give every row the same number of values.', {
          line: lineNumber,
        });
      }
    } else if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidDataError(`${name}, line ${lineNumber}: found ${describeValue(value)}, expected an object like the first row.`, 'Write one object with the same numeric fields per line.', {
        line: lineNumber,
      });
    }
    for (let j = 0; j < columns; j++) {
      const key = selectedNames === undefined ? (selected[j] as number) : (selectedNames[j] as string);
      const field = (value as Record<string | number, unknown>)[key];
      if (typeof field === 'number') out[offset + j] = field;
      else if (field === null) out[offset + j] = Number.NaN;
      else {
        const label = typeof key === 'string' ? `field ${JSON.stringify(key)}` : `value ${key}`;
        if (field === undefined) {
          throw new InvalidDataError(`${name}, line ${lineNumber}: ${label} is missing (the first row has it).`, 'Give every row the same fields (null for a missing value).', { line: lineNumber, column: key });
        }
        throw new InvalidDataError(`${name}, line ${lineNumber}, ${label}: ${describeValue(field)} is not a number.`, 'Write numbers (or null for a missing value), or choose numeric fields with --columns.', {
          line: lineNumber,
          column: key,
        });
      }
    }
  };

  const guard = new PassGuard(name, input.reiterable);
  async function* pass(passOptions: PassOptions = {}): AsyncGenerator<SourceBlock<DenseMatrix>> {
    guard.begin();
    const blockRows = blockRowsFor(columns, passOptions.blockRows ?? options.blockRows, budget, readerBytes, name);
    const current = pending;
    pending = undefined;
    const lines = current?.reader ?? new LineReader(input.open(), name, maxLength);
    const block = new BlockBuilder(columns, blockRows);
    try {
      if (current !== undefined) {
        fill(current.first.value, current.first.lineNumber, block.values, block.claim());
        if (block.full) yield { ...block.take(), bytesRead: lines.bytesRead };
      }
      for (;;) {
        const line = lines.nextLine();
        if (line === undefined) {
          if (!(await lines.fill())) break;
          continue;
        }
        if (line.trim() === '') continue;
        fill(parseLine(line, lines.lineNumber), lines.lineNumber, block.values, block.claim());
        if (block.full) {
          passOptions.signal?.throwIfAborted();
          yield { ...block.take(), bytesRead: lines.bytesRead };
        }
      }
      if (block.rows > 0) yield { ...block.take(), bytesRead: lines.bytesRead };
    } finally {
      await lines.cancel();
    }
  }

  return {
    columns,
    shape,
    ...(selectedNames === undefined ? {} : { columnNames: selectedNames }),
    ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    reiterable: input.reiterable,
    description: `${name} (newline-delimited JSON)`,
    pass,
    async close() {
      if (!guard.close()) return;
      await pending?.reader.cancel();
      pending = undefined;
      await input.close?.();
    },
  };
}
