import { checkAllocation, DEFAULT_MEMORY_BUDGET, DenseMatrix, float64Bytes, FormatError, InvalidDataError } from '@em/core';
import { isNonDecimalLiteral, isOverflowingDecimal, parseDecimal } from './decimal-number.js';
import { forEachLine } from './text-lines.js';
import { resolveColumns, type NumericTable } from './table.js';

export interface CsvOptions {
  /** File name used in messages. */
  readonly source?: string;
  /** Field separator (default: tab for .tsv sources, comma otherwise). */
  readonly delimiter?: string;
  /** `--columns`: names or 0-based indices, comma-separated. */
  readonly columns?: string;
  /** Bytes the table may take (default @em/core's DEFAULT_MEMORY_BUDGET); checked before allocating it. */
  readonly memoryBudget?: number;
}


/** Tokens read as a missing value (NaN): models with missing-value support marginalise them, others reject them. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'NAN', 'N/A', 'null']);

/**
 * Reads a delimited text file of numbers.
 *
 * - The header is optional: the first row is a header when any of its fields is not a number,
 *   unless it mixes text and numbers exactly as the second row does (a label column without a header).
 * - Fields may be double-quoted (R's write.csv quotes the header); `""` inside quotes is a quote.
 * - Without `columns`, columns whose first data value is not a number (labels such as iris's
 *   Species) are skipped and listed in `skippedColumns`; every other field must be numeric.
 * - Empty lines are ignored. A line with a different number of fields is an error naming the line.
 * - Numbers are decimal (see decimal-number.ts); surrounding spaces are ignored (` 1 ` is 1);
 *   NA, NaN, null, N/A and empty fields are missing (NaN); inf / Infinity (any case, signed) are
 *   ±Infinity, left for the model to accept or refuse; `0x10`, `0b11`, `1e999` are refused.
 * - The table's size is checked against `memoryBudget` before it is allocated.
 */
export function parseCsv(text: string, options: CsvOptions = {}): NumericTable {
  const source = options.source ?? 'CSV input';
  const delimiter = options.delimiter ?? (source.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  // Lines are visited in place twice (count, then parse); see forEachLine.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let first: { line: string; lineNumber: number } | undefined;
  let firstDataCandidate: { line: string; lineNumber: number } | undefined;
  let nonBlankLines = 0;
  forEachLine(body, source, (line, lineNumber) => {
    if (line.trim() === '') return;
    nonBlankLines++;
    if (first === undefined) first = { line, lineNumber };
    else if (firstDataCandidate === undefined) firstDataCandidate = { line, lineNumber };
  });
  if (first === undefined) throw new InvalidDataError(`${source} is empty.`, 'Give at least one row of numbers.');

  const firstFields = splitLine(first.line, delimiter, source, first.lineNumber);
  refuseNonDecimal(firstFields, source, first.lineNumber);
  const hasHeader = isHeader(firstFields, firstDataCandidate === undefined ? undefined : splitLine(firstDataCandidate.line, delimiter, source, firstDataCandidate.lineNumber));
  const columnCount = firstFields.length;
  const names = hasHeader ? firstFields.map((field) => field.trim()) : undefined;
  const headerLine = hasHeader ? first.lineNumber : 0;
  const rowCount = hasHeader ? nonBlankLines - 1 : nonBlankLines;
  const firstData = hasHeader ? firstDataCandidate : first;
  if (rowCount === 0 || firstData === undefined) throw new InvalidDataError(`${source} has a header but no data rows.`, 'Add rows of numbers below the header.');

  let selected: number[];
  let skipped: string[] = [];
  const skippedIndices: number[] = [];
  if (options.columns !== undefined) {
    selected = resolveColumns(options.columns, columnCount, names, source);
  } else {
    const firstDataFields = splitLine(firstData.line, delimiter, source, firstData.lineNumber);
    refuseNonDecimal(firstDataFields, source, firstData.lineNumber);
    selected = [];
    skipped = [];
    for (let j = 0; j < columnCount; j++) {
      const token = (firstDataFields[j] ?? '').trim();
      if (looksNumeric(token)) selected.push(j);
      else {
        skipped.push(names?.[j] ?? `column ${j}`);
        skippedIndices.push(j);
      }
    }
    if (selected.length === 0) {
      throw new InvalidDataError(`${source}: no column holds numbers (first data row, line ${firstData.lineNumber}).`, 'Pass a file with numeric columns, or choose them with --columns.');
    }
  }

  const width = selected.length;
  checkAllocation(
    float64Bytes(rowCount, width),
    options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
    `The ${rowCount} × ${width} table of ${source}`,
    'Select fewer columns with --columns, or pass fewer rows',
  );
  const values = new Float64Array(rowCount * width);
  let r = -1;
  forEachLine(body, source, (line, lineNumber) => {
    if (lineNumber === headerLine || line.trim() === '') return;
    r++;
    const fields = splitLine(line, delimiter, source, lineNumber);
    if (fields.length !== columnCount) {
      throw new FormatError(
        `${source}, line ${lineNumber}: found ${fields.length} fields, expected ${columnCount} (the width of the first line).`,
        'Give every row the same number of fields.',
        { line: lineNumber },
      );
    }
    for (let j = 0; j < width; j++) {
      const column = selected[j] as number;
      const token = (fields[column] as string).trim();
      const value = parseNumber(token);
      if (value === undefined) {
        const columnLabel = names === undefined ? `column ${column}` : `column ${JSON.stringify(names[column])} (index ${column})`;
        const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
        if (isOverflowingDecimal(token)) {
          throw new InvalidDataError(
            `${source}, line ${lineNumber}, ${columnLabel}: ${shown} is too large for a double (beyond ±1.8e308).`,
            'Rescale the column (e.g. to other units or a logarithm) before fitting.',
            { line: lineNumber, column },
          );
        }
        throw new InvalidDataError(
          `${source}, line ${lineNumber}, ${columnLabel}: "${shown}" is not a number.`,
          'Write numbers in decimal (hexadecimal such as 0x10 is not read), or choose numeric columns with --columns.',
          { line: lineNumber, column },
        );
      }
      values[r * width + j] = value;
    }
  });
  const matrix = new DenseMatrix(values, rowCount, width);
  return {
    matrix,
    source,
    columnIndices: selected,
    ...(names === undefined ? {} : { columnNames: selected.map((j) => names[j] as string) }),
    ...(skipped.length === 0 ? {} : { skippedColumns: skipped, skippedColumnIndices: skippedIndices }),
  };
}

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

/** Numbers and overflowing decimals (so that `1e999` is reported as too large, not taken for a header or a label column). */
function looksNumeric(token: string): boolean {
  return parseNumber(token) !== undefined || isOverflowingDecimal(token);
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
