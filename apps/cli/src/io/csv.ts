import { DenseMatrix, FormatError, InvalidDataError } from '@em/core';
import { resolveColumns, type NumericTable } from './table.js';

export interface CsvOptions {
  /** File name used in messages. */
  readonly source?: string;
  /** Field separator (default: tab for .tsv sources, comma otherwise). */
  readonly delimiter?: string;
  /** `--columns`: names or 0-based indices, comma-separated. */
  readonly columns?: string;
}

/** Tokens read as a missing value (NaN): models with missing-value support marginalise them, others reject them. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'NAN', 'N/A', 'null']);

/**
 * Reads a delimited text file of numbers.
 *
 * - The header is optional: the first row is a header when any of its fields is not a number.
 * - Fields may be double-quoted (R's write.csv quotes the header); `""` inside quotes is a quote.
 * - Without `columns`, columns whose first data value is not a number (labels such as iris's
 *   Species) are skipped and listed in `skippedColumns`; every other field must be numeric.
 * - Empty lines are ignored. A line with a different number of fields is an error naming the line.
 */
export function parseCsv(text: string, options: CsvOptions = {}): NumericTable {
  const source = options.source ?? 'CSV input';
  const delimiter = options.delimiter ?? (source.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  const lines = text.split(/\r?\n/);
  let lineIndex = 0;
  // Skip a UTF-8 byte-order mark and leading blank lines.
  if (lines[0] !== undefined && lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  while (lineIndex < lines.length && (lines[lineIndex] as string).trim() === '') lineIndex++;
  if (lineIndex >= lines.length) throw new InvalidDataError(`${source} is empty.`, 'Give at least one row of numbers.');

  const firstFields = splitLine(lines[lineIndex] as string, delimiter, source, lineIndex + 1);
  const hasHeader = firstFields.some((field) => parseNumber(field.trim()) === undefined);
  const columnCount = firstFields.length;
  const names = hasHeader ? firstFields.map((field) => field.trim()) : undefined;
  if (hasHeader) lineIndex++;

  // Collect the data lines first (their count sizes the output array).
  const dataLines: number[] = [];
  for (let i = lineIndex; i < lines.length; i++) if ((lines[i] as string).trim() !== '') dataLines.push(i);
  if (dataLines.length === 0) throw new InvalidDataError(`${source} has a header but no data rows.`, 'Add rows of numbers below the header.');

  let selected: number[];
  let skipped: string[] = [];
  if (options.columns !== undefined) {
    selected = resolveColumns(options.columns, columnCount, names, source);
  } else {
    const firstData = splitLine(lines[dataLines[0] as number] as string, delimiter, source, (dataLines[0] as number) + 1);
    selected = [];
    skipped = [];
    for (let j = 0; j < columnCount; j++) {
      const token = (firstData[j] ?? '').trim();
      if (parseNumber(token) !== undefined) selected.push(j);
      else skipped.push(names?.[j] ?? `column ${j}`);
    }
    if (selected.length === 0) {
      throw new InvalidDataError(`${source}: no column holds numbers (first data row, line ${(dataLines[0] as number) + 1}).`, 'Pass a file with numeric columns, or choose them with --columns.');
    }
  }

  const width = selected.length;
  const values = new Float64Array(dataLines.length * width);
  for (let r = 0; r < dataLines.length; r++) {
    const lineNumber = (dataLines[r] as number) + 1;
    const fields = splitLine(lines[dataLines[r] as number] as string, delimiter, source, lineNumber);
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
        throw new InvalidDataError(
          `${source}, line ${lineNumber}, ${columnLabel}: "${token}" is not a number.`,
          'Fix the value, or choose numeric columns with --columns.',
          { line: lineNumber, column },
        );
      }
      values[r * width + j] = value;
    }
  }
  const matrix = new DenseMatrix(values, dataLines.length, width);
  return {
    matrix,
    source,
    ...(names === undefined ? {} : { columnNames: selected.map((j) => names[j] as string) }),
    ...(skipped.length === 0 ? {} : { skippedColumns: skipped }),
  };
}

/** A number, NaN for a missing-value token, ±Infinity for inf/Inf/Infinity; undefined if not numeric. */
function parseNumber(token: string): number | undefined {
  if (MISSING.has(token)) return Number.NaN;
  const value = Number(token);
  if (!Number.isNaN(value)) return value;
  const lower = token.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
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
