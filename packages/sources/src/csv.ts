import { checkAllocation, DEFAULT_MEMORY_BUDGET, DenseMatrix, type DenseSource, float64Bytes, FormatError, InvalidDataError, type PassOptions, type SourceBlock } from '@em/core';
import { BlockBuilder, blockRowsFor, budgetOf, type ReaderOptions, STREAM_CHUNK_BYTES } from './blocks.js';
import { resolveColumns } from './columns.js';
import { isNonDecimalLiteral, isOverflowingDecimal, parseDecimal } from './decimal-number.js';
import type { ByteInput } from './input.js';
import { PassGuard } from './pass-guard.js';
import { forEachLine, LineReader, MAX_LINE_LENGTH } from './text-lines.js';

/** Options of the CSV/TSV readers. */
export interface CsvOptions extends ReaderOptions {
  /** Field separator (default: tab when the name ends in .tsv, comma otherwise). */
  readonly delimiter?: string;
  /** Columns to read: names or 0-based indices, comma-separated (as `--columns`). Default: every numeric column. */
  readonly columns?: string;
  /** Longest line accepted, in characters (default MAX_LINE_LENGTH). */
  readonly maxLineLength?: number;
}

/** Which columns of a delimited file are read, as decided from its first lines. */
export interface CsvColumns {
  /** Column names from the header, for the columns read; undefined when the file has no header. */
  readonly columnNames?: readonly string[];
  /** 0-based indices in the file of the columns read, in the order read. */
  readonly columnIndices: readonly number[];
  /** Columns left out because their first data value is not a number (labels such as iris's Species), by name or "column j". */
  readonly skippedColumns?: readonly string[];
  /** 0-based indices in the file of the skipped columns. */
  readonly skippedColumnIndices?: readonly number[];
}

/** A delimited text file read whole: the matrix and its columns. */
export interface CsvTable extends CsvColumns {
  readonly matrix: DenseMatrix;
  /** The name used in messages. */
  readonly source: string;
  /** With `labels: true`, the text of each skipped column by its name, one entry per row. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
}

/** A streamed delimited text file: a DenseSource that also says which columns it reads. */
export interface CsvSource extends DenseSource, CsvColumns {}

/** Tokens read as a missing value (NaN): models with missing-value support marginalise them, others reject them. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'NAN', 'N/A', 'null']);

/** A number, NaN for a missing-value token, ±Infinity for inf/Inf/Infinity; undefined if not numeric. */
function parseNumber(token: string): number | undefined {
  if (MISSING.has(token)) return Number.NaN;
  const value = parseDecimal(token);
  if (value !== undefined) return value;
  const lower = token.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** Numbers and overflowing decimals (so that `1e999` is reported as too large, not taken for a header or a label column). */
function looksNumeric(token: string): boolean {
  return parseNumber(token) !== undefined || isOverflowingDecimal(token);
}

/** Tab for .tsv names, comma otherwise. */
function delimiterOf(options: CsvOptions, name: string): string {
  return options.delimiter ?? (name.toLowerCase().endsWith('.tsv') ? '\t' : ',');
}

/**
 * The layout of a delimited file, decided from its first non-blank line and the one after it
 * (the same rules for a whole text and for a stream):
 *
 * - The first row is a header when any of its fields is not a number, unless it mixes text and
 *   numbers exactly as the second row does (a label column without a header).
 * - Without `columns`, columns whose first data value is not a number are skipped; every other
 *   field must be numeric.
 * - A hexadecimal, binary or octal literal in either row is refused (it would otherwise make a
 *   header or a label column out of numbers).
 */
class CsvLayout {
  readonly columnCount: number;
  readonly names: readonly string[] | undefined;
  readonly hasHeader: boolean;
  readonly selected: readonly number[];
  readonly skipped: readonly string[];
  readonly skippedIndices: readonly number[];

  constructor(
    readonly source: string,
    readonly delimiter: string,
    first: { readonly line: string; readonly lineNumber: number },
    second: { readonly line: string; readonly lineNumber: number } | undefined,
    columns: string | undefined,
  ) {
    const firstFields = splitLine(first.line, delimiter, source, first.lineNumber);
    refuseNonDecimal(firstFields, source, first.lineNumber);
    const secondFields = second === undefined ? undefined : splitLine(second.line, delimiter, source, second.lineNumber);
    this.hasHeader = isHeader(firstFields, secondFields);
    this.columnCount = firstFields.length;
    this.names = this.hasHeader ? firstFields.map((field) => field.trim()) : undefined;
    const firstData = this.hasHeader ? second : first;
    const firstDataFields = this.hasHeader ? secondFields : firstFields;
    if (firstData === undefined || firstDataFields === undefined) {
      throw new InvalidDataError(`${source} has a header but no data rows.`, 'Add rows of numbers below the header.');
    }
    const skipped: string[] = [];
    const skippedIndices: number[] = [];
    if (columns !== undefined) {
      this.selected = resolveColumns(columns, this.columnCount, this.names, source);
    } else {
      refuseNonDecimal(firstDataFields, source, firstData.lineNumber);
      const selected: number[] = [];
      for (let j = 0; j < this.columnCount; j++) {
        if (looksNumeric((firstDataFields[j] ?? '').trim())) selected.push(j);
        else {
          skipped.push(this.names?.[j] ?? `column ${j}`);
          skippedIndices.push(j);
        }
      }
      if (selected.length === 0) {
        throw new InvalidDataError(`${source}: no column holds numbers (first data row, line ${firstData.lineNumber}).`, 'Pass a file with numeric columns, or choose them with --columns.');
      }
      this.selected = selected;
    }
    this.skipped = skipped;
    this.skippedIndices = skippedIndices;
  }

  /** The columns read, for CsvColumns. */
  columnsInfo(): CsvColumns {
    const names = this.names;
    return {
      columnIndices: this.selected,
      ...(names === undefined ? {} : { columnNames: this.selected.map((j) => names[j] as string) }),
      ...(this.skipped.length === 0 ? {} : { skippedColumns: this.skipped, skippedColumnIndices: this.skippedIndices }),
    };
  }

  /** Parses one data line into `values` at `offset`; returns the line's fields (for labels). */
  parseRow(line: string, lineNumber: number, values: Float64Array, offset: number): string[] {
    const fields = splitLine(line, this.delimiter, this.source, lineNumber);
    if (fields.length !== this.columnCount) {
      throw new InvalidDataError(
        `${this.source}, line ${lineNumber}: found ${fields.length} fields, expected ${this.columnCount} (the width of the first line).`,
        'Give every row the same number of fields.',
        { line: lineNumber },
      );
    }
    const selected = this.selected;
    for (let j = 0; j < selected.length; j++) {
      const column = selected[j] as number;
      const token = (fields[column] as string).trim();
      const value = parseNumber(token);
      if (value === undefined) throw this.notANumber(token, lineNumber, column);
      values[offset + j] = value;
    }
    return fields;
  }

  private notANumber(token: string, lineNumber: number, column: number): InvalidDataError {
    const columnLabel = this.names === undefined ? `column ${column}` : `column ${JSON.stringify(this.names[column])} (index ${column})`;
    const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
    if (isOverflowingDecimal(token)) {
      return new InvalidDataError(
        `${this.source}, line ${lineNumber}, ${columnLabel}: ${shown} is too large for a double (beyond ±1.8e308).`,
        'Rescale the column (e.g. to other units or a logarithm) before fitting.',
        { line: lineNumber, column },
      );
    }
    return new InvalidDataError(
      `${this.source}, line ${lineNumber}, ${columnLabel}: "${shown}" is not a number.`,
      'Write numbers in decimal (hexadecimal such as 0x10 is not read), or choose numeric columns with --columns.',
      { line: lineNumber, column },
    );
  }
}

/**
 * Reads a delimited text file held in memory (a string) into a matrix.
 *
 * - The header is optional (see the rules of the streaming reader, which are the same).
 * - Fields may be double-quoted (R's write.csv quotes the header); `""` inside quotes is a quote;
 *   a quoted field may not span lines.
 * - Empty lines are ignored. A line with a different number of fields is an InvalidDataError naming the line.
 * - Numbers are decimal (see parseDecimal); surrounding spaces are ignored (` 1 ` is 1);
 *   NA, NaN, null, N/A and empty fields are missing (NaN); inf / Infinity (any case, signed) are
 *   ±Infinity, left for the model to accept or refuse; `0x10`, `0b11`, `1e999` are refused.
 * - The table's size is checked against `memoryBudget` before it is allocated.
 * - With `labels: true`, the skipped (text) columns are returned too, by name.
 */
export function parseCsvText(text: string, options: CsvOptions & { readonly labels?: boolean } = {}): CsvTable {
  const source = options.name ?? 'CSV input';
  const delimiter = delimiterOf(options, source);
  const maxLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  // Lines are visited in place twice (count, then parse); see forEachLine.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let first: { line: string; lineNumber: number } | undefined;
  let second: { line: string; lineNumber: number } | undefined;
  let nonBlankLines = 0;
  forEachLine(
    body,
    source,
    (line, lineNumber) => {
      if (line.trim() === '') return;
      nonBlankLines++;
      if (first === undefined) first = { line, lineNumber };
      else second ??= { line, lineNumber };
    },
    maxLength,
  );
  if (first === undefined) throw new InvalidDataError(`${source} is empty.`, 'Give at least one row of numbers.');
  const layout = new CsvLayout(source, delimiter, first, second, options.columns);
  const headerLine = layout.hasHeader ? first.lineNumber : 0;
  const rowCount = layout.hasHeader ? nonBlankLines - 1 : nonBlankLines;
  const width = layout.selected.length;
  checkAllocation(
    float64Bytes(rowCount, width),
    options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
    `The ${rowCount} × ${width} table of ${source}`,
    'Select fewer columns with --columns, or pass fewer rows',
  );
  const values = new Float64Array(rowCount * width);
  const labels: string[][] | undefined = options.labels === true ? layout.skippedIndices.map(() => []) : undefined;
  let r = 0;
  forEachLine(
    body,
    source,
    (line, lineNumber) => {
      if (lineNumber === headerLine || line.trim() === '') return;
      const fields = layout.parseRow(line, lineNumber, values, r * width);
      if (labels !== undefined) layout.skippedIndices.forEach((j, k) => (labels[k] as string[]).push((fields[j] as string).trim()));
      r++;
    },
    maxLength,
  );
  return {
    matrix: new DenseMatrix(values, rowCount, width),
    source,
    ...layout.columnsInfo(),
    ...(labels === undefined ? {} : { labels: Object.fromEntries(layout.skipped.map((name, k) => [name, labels[k] as string[]])) }),
  };
}

/** A non-blank line and its number. */
interface NumberedLine {
  readonly line: string;
  readonly lineNumber: number;
}

/**
 * Opens a delimited text file (CSV/TSV) as a stream of row blocks with the same rules as
 * parseCsvText: the header and the columns are decided from the first two non-blank lines, read
 * when the source opens; each pass then reads the input from the start in blocks.
 *
 * Memory: one block (`blockRows` × columns float64) plus one chunk of the stream and the partial
 * line at its end (at most `maxLineLength` characters). A NUL byte or a line longer than the limit
 * (binary data, /dev/zero) is a FormatError; a row with another number of fields an
 * InvalidDataError naming its line; a non-number an InvalidDataError naming line and column.
 */
export async function openCsvSource(input: ByteInput, options: CsvOptions = {}): Promise<CsvSource> {
  const name = options.name ?? input.name;
  const delimiter = delimiterOf(options, name);
  const maxLength = options.maxLineLength ?? MAX_LINE_LENGTH;
  const budget = budgetOf(options);
  // Reader buffers: a stream chunk and its decoded text, plus a partial line of ≤ maxLength UTF-16 characters.
  const readerBytes = 3 * STREAM_CHUNK_BYTES + 2 * maxLength;
  let pending: { reader: LineReader; replay: NumberedLine[] } | undefined = { reader: new LineReader(input.open(), name, maxLength), replay: [] };
  const early: NumberedLine[] = [];
  try {
    const reader = pending.reader;
    while (early.length < 2) {
      const line = reader.nextLine();
      if (line === undefined) {
        if (!(await reader.fill())) break;
        continue;
      }
      if (line.trim() !== '') early.push({ line, lineNumber: reader.lineNumber });
    }
  } catch (error) {
    await pending.reader.cancel();
    throw error;
  }
  const [first, second] = early;
  if (first === undefined) {
    await pending.reader.cancel();
    throw new InvalidDataError(`${name} is empty.`, 'Give at least one row of numbers.');
  }
  let layout: CsvLayout;
  try {
    layout = new CsvLayout(name, delimiter, first, second, options.columns);
  } catch (error) {
    await pending.reader.cancel();
    throw error;
  }
  const headerLine = layout.hasHeader ? first.lineNumber : 0;
  pending.replay = early.filter((entry) => entry.lineNumber !== headerLine);
  const columns = layout.selected.length;
  blockRowsFor(columns, options.blockRows, budget, readerBytes, name);
  const guard = new PassGuard(name, input.reiterable);

  async function* pass(passOptions: PassOptions = {}): AsyncGenerator<SourceBlock<DenseMatrix>> {
    guard.begin();
    const blockRows = blockRowsFor(columns, passOptions.blockRows ?? options.blockRows, budget, readerBytes, name);
    const current = pending ?? { reader: new LineReader(input.open(), name, maxLength), replay: [] };
    pending = undefined;
    const { reader, replay } = current;
    const block = new BlockBuilder(columns, blockRows);
    try {
      for (const entry of replay) {
        layout.parseRow(entry.line, entry.lineNumber, block.values, block.claim());
        if (block.full) yield { ...block.take(), bytesRead: reader.bytesRead };
      }
      for (;;) {
        const line = reader.nextLine();
        if (line === undefined) {
          if (!(await reader.fill())) break;
          continue;
        }
        if (reader.lineNumber <= headerLine || line.trim() === '') continue;
        layout.parseRow(line, reader.lineNumber, block.values, block.claim());
        if (block.full) {
          passOptions.signal?.throwIfAborted();
          yield { ...block.take(), bytesRead: reader.bytesRead };
        }
      }
      if (block.rows > 0) yield { ...block.take(), bytesRead: reader.bytesRead };
    } finally {
      await reader.cancel();
    }
  }

  return {
    columns,
    ...layout.columnsInfo(),
    ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    reiterable: input.reiterable,
    description: `${name} (${delimiter === '\t' ? 'TSV' : 'CSV'})`,
    pass,
    async close() {
      if (!guard.close()) return;
      await pending?.reader.cancel();
      pending = undefined;
      await input.close?.();
    },
  };
}

/**
 * The first row is a header when one of its fields is not a number — unless it holds numbers too
 * and the next row has text in exactly the same columns: then it is a data row of a file without a
 * header whose text columns are labels (`a,1.5` then `b,2.5`), and reading it as names would drop it.
 */
function isHeader(first: readonly string[], second: readonly string[] | undefined): boolean {
  const firstNumeric = first.map((field) => looksNumeric(field.trim()));
  if (firstNumeric.every(Boolean)) return false;
  if (second === undefined || second.length !== first.length || !firstNumeric.some(Boolean)) return true;
  return !second.every((field, j) => looksNumeric(field.trim()) === firstNumeric[j]);
}

/**
 * A hexadecimal, binary or octal literal in the first row or the first data row would otherwise
 * make a header or a skipped label column out of numbers: refuse it instead.
 */
function refuseNonDecimal(fields: readonly string[], source: string, lineNumber: number): void {
  fields.forEach((field, column) => {
    const token = field.trim();
    if (isNonDecimalLiteral(token)) {
      throw new InvalidDataError(
        `${source}, line ${lineNumber}, column ${column}: "${token}" is a hexadecimal, binary or octal literal, not a decimal number.`,
        'Write the values in decimal (e.g. 16 rather than 0x10).',
        { line: lineNumber, column },
      );
    }
  });
}

/** Splits one line into fields, honouring double quotes. */
function splitLine(line: string, delimiter: string, source: string, lineNumber: number): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let position = 0;
  while (position <= line.length) {
    // Leading spaces before an opening quote are allowed.
    let start = position;
    while (start < line.length && line[start] === ' ') start++;
    if (line[start] === '"') {
      position = start + 1;
      field = '';
      let closed = false;
      while (position < line.length) {
        const character = line[position] as string;
        if (character === '"') {
          if (line[position + 1] === '"') {
            field += '"';
            position += 2;
            continue;
          }
          closed = true;
          position++;
          break;
        }
        field += character;
        position++;
      }
      if (!closed) {
        throw new FormatError(`${source}, line ${lineNumber}: a quoted field is not closed.`, 'Close every opening double quote on the same line (fields may not span lines).', {
          line: lineNumber,
        });
      }
      while (position < line.length && line[position] === ' ') position++;
      if (position < line.length && line[position] !== delimiter) {
        throw new FormatError(`${source}, line ${lineNumber}, offset ${position + 1}: unexpected text after a closing quote.`, `Put a "${delimiter}" right after the closing quote.`, {
          line: lineNumber,
        });
      }
      fields.push(field);
      position++;
    } else {
      const end = line.indexOf(delimiter, position);
      const stop = end < 0 ? line.length : end;
      fields.push(line.slice(position, stop));
      position = stop + 1;
    }
  }
  return fields;
}
