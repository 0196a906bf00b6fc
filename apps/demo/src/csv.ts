import { FormatError } from '@em/core';

/** A CSV file as text cells: the header row and the data rows. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The numeric columns of a table, row-major, plus the text columns kept as labels. */
export interface NumericTable {
  readonly columnNames: readonly string[];
  /** rows × columnNames.length, row-major. */
  readonly values: Float64Array;
  readonly rowCount: number;
  /** Text columns by name (e.g. iris species), one entry per row. */
  readonly labels: Readonly<Record<string, readonly string[]>>;
}

/**
 * Splits CSV text (RFC 4180 quoting: "a,b", doubled "" inside quotes, CRLF or LF line ends) into
 * cells. Blank lines are skipped. Every row must have as many cells as the header.
 */
export function parseCsv(text: string, name = 'CSV'): CsvTable {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let cellStarted = false;
  const endRecord = (): void => {
    if (cellStarted || record.length > 0) {
      record.push(cell);
      records.push(record);
    }
    record = [];
    cell = '';
    cellStarted = false;
  };
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    if (quoted) {
      if (character === '"') {
        if (text[index + 1] === '"') {
          cell += '"';
          index++;
        } else quoted = false;
      } else {
        if (character === '\n') line++;
        cell += character;
      }
      continue;
    }
    if (character === '"') {
      quoted = true;
      cellStarted = true;
    } else if (character === ',') {
      record.push(cell);
      cell = '';
      cellStarted = true;
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index++;
      endRecord();
      line++;
    } else {
      cell += character;
      cellStarted = true;
    }
  }
  if (quoted) {
    throw new FormatError(`${name}: a quoted field opened before line ${line} is never closed.`, 'Close the quote with a matching " character.', { line });
  }
  endRecord();
  const [header, ...rows] = records;
  if (header === undefined) throw new FormatError(`${name} is empty.`, 'Give a header line followed by data rows.');
  rows.forEach((row, index) => {
    if (row.length !== header.length) {
      throw new FormatError(
        `${name}: data row ${index + 1} has ${row.length} fields but the header has ${header.length}.`,
        'Give every row one value per header column (quote values that contain commas).',
        { row: index + 1 },
      );
    }
  });
  return { header: header.map((h) => h.trim()), rows };
}

/**
 * Keeps the columns whose every cell is a finite number as numeric data; the other columns become
 * labels. A column that is mostly numeric but has one bad cell is an error naming that cell.
 */
export function toNumericTable(table: CsvTable, name = 'CSV'): NumericTable {
  const numericIndices: number[] = [];
  const labels: Record<string, string[]> = {};
  table.header.forEach((column, j) => {
    const cells = table.rows.map((row) => (row[j] as string).trim());
    const bad = cells.findIndex((cell) => decimalValue(cell) === undefined);
    if (bad < 0) {
      numericIndices.push(j);
    } else if (cells.some((cell) => decimalValue(cell) !== undefined)) {
      throw new FormatError(
        `${name}: column "${column}" is numeric except row ${bad + 1}, which holds "${cells[bad] as string}".`,
        'Fix or remove that value so the column is all numbers.',
        { row: bad + 1, column },
      );
    } else {
      labels[column] = cells;
    }
  });
  if (numericIndices.length === 0) throw new FormatError(`${name} has no numeric column.`, 'Give at least one column of numbers.');
  const rowCount = table.rows.length;
  const width = numericIndices.length;
  const values = new Float64Array(rowCount * width);
  table.rows.forEach((row, i) => {
    numericIndices.forEach((j, c) => {
      values[i * width + c] = decimalValue((row[j] as string).trim()) as number;
    });
  });
  return { columnNames: numericIndices.map((j) => table.header[j] as string), values, rowCount, labels };
}

/** Decimal numbers only (sign, digits, fraction, exponent): Number() would also read 0x10 as 16 and 0b11 as 3. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The finite value of a decimal cell, or undefined (empty, hexadecimal, text, beyond the range of a double). */
function decimalValue(cell: string): number | undefined {
  if (!DECIMAL.test(cell)) return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** Columns `picked` (indices into columnNames) of a numeric table, row-major. */
export function selectColumns(table: NumericTable, picked: readonly number[]): Float64Array {
  const width = table.columnNames.length;
  const out = new Float64Array(table.rowCount * picked.length);
  for (let i = 0; i < table.rowCount; i++) {
    for (let c = 0; c < picked.length; c++) out[i * picked.length + c] = table.values[i * width + (picked[c] as number)] as number;
  }
  return out;
}
