import { FormatError, InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads a file without a header as all-numeric rows', () => {
    const table = parseCsv('1,2\n3,4.5\n-1e3,0\n', { source: 'plain.csv' });
    expect(table.matrix.rows).toBe(3);
    expect(table.matrix.cols).toBe(2);
    expect(Array.from(table.matrix.data)).toEqual([1, 2, 3, 4.5, -1000, 0]);
    expect(table.columnNames).toBeUndefined();
  });

  it('detects a quoted header as written by R (faithful.csv)', () => {
    const table = parseCsv('"eruptions","waiting"\r\n3.6,79\r\n1.8,54\r\n', { source: 'faithful.csv' });
    expect(table.columnNames).toEqual(['eruptions', 'waiting']);
    expect(table.matrix.toArrays()).toEqual([
      [3.6, 79],
      [1.8, 54],
    ]);
  });

  it('skips a non-numeric label column and reports it', () => {
    const table = parseCsv('"a","b","Species"\n1,2,"setosa"\n3,4,"virginica"\n', { source: 'iris.csv' });
    expect(table.skippedColumns).toEqual(['Species']);
    expect(table.columnNames).toEqual(['a', 'b']);
    expect(table.matrix.toArrays()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('selects columns by name and by 0-based index, in the given order', () => {
    const text = 'x,y,z\n1,2,3\n4,5,6\n';
    expect(parseCsv(text, { columns: 'z,x' }).matrix.toArrays()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(parseCsv(text, { columns: '1' }).matrix.toArrays()).toEqual([[2], [5]]);
    expect(parseCsv('1,2,3\n', { columns: '2,0' }).matrix.toArrays()).toEqual([[3, 1]]);
  });

  it('reads missing-value tokens as NaN and inf as Infinity', () => {
    const table = parseCsv('1,NA\n,inf\n');
    expect(Array.from(table.matrix.data)).toEqual([1, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('handles escaped quotes inside quoted fields and ignores blank lines', () => {
    const table = parseCsv('"say ""hi""",b\n\n1,2\n\n');
    expect(table.columnNames).toEqual(['say "hi"', 'b']);
    expect(table.matrix.rows).toBe(1);
  });

  it('rejects a ragged row naming the file and line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 'bad.csv' })).toThrowError(FormatError);
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 'bad.csv' })).toThrowError(/bad\.csv, line 3: found 1 fields, expected 2/);
  });

  it('rejects a non-numeric value in a numeric column naming line and column', () => {
    expect(() => parseCsv('a,b\n1,2\n3,x\n', { source: 'bad.csv' })).toThrowError(InvalidDataError);
    expect(() => parseCsv('a,b\n1,2\n3,x\n', { source: 'bad.csv' })).toThrowError(/bad\.csv, line 3, column "b" \(index 1\): "x" is not a number/);
  });

  it('rejects an unclosed quote, an empty file, a header without rows and unknown columns', () => {
    expect(() => parseCsv('"a,b\n1,2\n', { source: 'q.csv' })).toThrowError(/q\.csv, line 1: a quoted field is not closed/);
    expect(() => parseCsv('\n\n', { source: 'e.csv' })).toThrowError(/e\.csv is empty/);
    expect(() => parseCsv('a,b\n', { source: 'h.csv' })).toThrowError(/h\.csv has a header but no data rows/);
    expect(() => parseCsv('a,b\n1,2\n', { source: 'c.csv', columns: 'c' })).toThrowError(/c\.csv has no column "c"/);
    expect(() => parseCsv('a,b\n1,2\n', { source: 'c.csv', columns: '5' })).toThrowError(/has no column "5"/);
    expect(() => parseCsv('a\nx\n', { source: 'w.csv' })).toThrowError(/no column holds numbers/);
  });

  it('reads tab-separated files by extension', () => {
    expect(parseCsv('1\t2\n', { source: 'x.tsv' }).matrix.toArrays()).toEqual([[1, 2]]);
  });

  it('reads decimal numbers only: 0x10, 0b11, 0o7 are refused, not read as 16, 3 and 7 (issue 10)', () => {
    expect(() => parseCsv('1,2\n0x10,0b11\n', { source: 'hex.csv' })).toThrowError(/hex\.csv, line 2, column 0: "0x10" is not a number/);
    expect(() => parseCsv('1,2\n3,0b11\n', { source: 'bin.csv' })).toThrowError(InvalidDataError);
    expect(() => parseCsv('1,2\n3,0o7\n', { source: 'oct.csv' })).toThrowError(InvalidDataError);
    // In the first row or the first data row they would otherwise become a header or a skipped label column.
    expect(() => parseCsv('0x10,0b11\n1,2\n', { source: 'first.csv' })).toThrowError(/first\.csv, line 1, column 0: "0x10" is a hexadecimal, binary or octal literal/);
    expect(() => parseCsv('a,b\n0x10,1\n2,3\n', { source: 'label.csv' })).toThrowError(/label\.csv, line 2, column 0: "0x10" is a hexadecimal/);
  });

  it('documents the rest of the grammar: padding, signs, fractions, exponents, missing values, infinities (issue 10)', () => {
    const table = parseCsv(' 1 , +2.5 \n-.5,3.\n1e3,-2E-2\nNA,\ninf,-Infinity\n');
    expect(Array.from(table.matrix.data)).toEqual([1, 2.5, -0.5, 3, 1000, -0.02, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    for (const token of ['1_000', '1e', '.', '+', '--1', '1.2.3', '١٢', '0x', '1 2']) {
      expect(() => parseCsv(`1,2\n3,${token}\n`, { source: 'bad.csv' })).toThrowError(/is not a number/);
    }
    expect(() => parseCsv('1,2\n3,1e999\n', { source: 'huge.csv' })).toThrowError(/huge\.csv, line 2, column 1: 1e999 is too large for a double/);
  });

  it('checks the table against the memory budget before allocating it, and refuses a line past the line limit', () => {
    const rows = `${'1,2\n'.repeat(70_000)}`;
    expect(() => parseCsv(rows, { source: 'rows.csv', memoryBudget: 1024 * 1024 })).toThrowError(/The 70000 × 2 table of rows\.csv needs 1\.07 MiB, more than the memory budget of 1\.00 MiB/);
    expect(parseCsv(rows, { source: 'rows.csv', memoryBudget: 2 * 1024 * 1024 }).matrix.rows).toBe(70_000);
    expect(() => parseCsv(`1,2\n${'3'.repeat(16 * 1024 * 1024 + 1)}\n`, { source: 'long.csv' })).toThrowError(/long\.csv, line 2: the line is longer than 16777216 characters/);
  });

  it('a file without a header whose first column holds labels keeps its first row (issue 10)', () => {
    const table = parseCsv('a,1.5\nb,2.5\nc,3\n', { source: 'unnamed.csv' });
    expect(table.columnNames).toBeUndefined();
    expect(Array.from(table.matrix.data)).toEqual([1.5, 2.5, 3]);
    expect(table.skippedColumns).toEqual(['column 0']);
    expect(table.columnIndices).toEqual([1]);
    // A header over the same columns is still a header.
    expect(parseCsv('label,x\na,1.5\nb,2.5\n').columnNames).toEqual(['x']);
  });
});
