import { InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../src/csv.js';

describe('parseCsvText', () => {
  it('reads a file without a header as all-numeric rows', () => {
    const table = parseCsvText('1,2\n3,4.5\n-1e3,0\n', { name: 'plain.csv' });
    expect(table.matrix.rows).toBe(3);
    expect(table.matrix.cols).toBe(2);
    expect(Array.from(table.matrix.data)).toEqual([1, 2, 3, 4.5, -1000, 0]);
    expect(table.columnNames).toBeUndefined();
  });

  it('detects a quoted header as written by R (faithful.csv)', () => {
    const table = parseCsvText('"eruptions","waiting"\r\n3.6,79\r\n1.8,54\r\n', { name: 'faithful.csv' });
    expect(table.columnNames).toEqual(['eruptions', 'waiting']);
    expect(table.matrix.toArrays()).toEqual([
      [3.6, 79],
      [1.8, 54],
    ]);
  });

  it('skips a non-numeric label column and reports it', () => {
    const table = parseCsvText('"a","b","Species"\n1,2,"setosa"\n3,4,"virginica"\n', { name: 'iris.csv' });
    expect(table.skippedColumns).toEqual(['Species']);
    expect(table.columnNames).toEqual(['a', 'b']);
    expect(table.matrix.toArrays()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('selects columns by name and by 0-based index, in the given order', () => {
    const text = 'x,y,z\n1,2,3\n4,5,6\n';
    expect(parseCsvText(text, { columns: 'z,x' }).matrix.toArrays()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(parseCsvText(text, { columns: '1' }).matrix.toArrays()).toEqual([[2], [5]]);
    expect(parseCsvText('1,2,3\n', { columns: '2,0' }).matrix.toArrays()).toEqual([[3, 1]]);
  });

  it('reads missing-value tokens as NaN and inf as Infinity', () => {
    const table = parseCsvText('1,NA\n,inf\n');
    expect(Array.from(table.matrix.data)).toEqual([1, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('handles escaped quotes inside quoted fields and ignores blank lines', () => {
    const table = parseCsvText('"say ""hi""",b\n\n1,2\n\n');
    expect(table.columnNames).toEqual(['say "hi"', 'b']);
    expect(table.matrix.rows).toBe(1);
  });

  it('rejects a ragged row naming the file and line (an InvalidDataError, as the DataSource contract says)', () => {
    expect(() => parseCsvText('a,b\n1,2\n3\n', { name: 'bad.csv' })).toThrowError(InvalidDataError);
    expect(() => parseCsvText('a,b\n1,2\n3\n', { name: 'bad.csv' })).toThrowError(/bad\.csv, line 3: found 1 fields, expected 2/);
  });

  it('rejects a non-numeric value in a numeric column naming line and column', () => {
    expect(() => parseCsvText('a,b\n1,2\n3,x\n', { name: 'bad.csv' })).toThrowError(InvalidDataError);
    expect(() => parseCsvText('a,b\n1,2\n3,x\n', { name: 'bad.csv' })).toThrowError(/bad\.csv, line 3, column "b" \(index 1\): "x" is not a number/);
  });

  it('rejects an unclosed quote, an empty file, a header without rows and unknown columns', () => {
    expect(() => parseCsvText('"a,b\n1,2\n', { name: 'q.csv' })).toThrowError(/q\.csv, line 1: a quoted field is not closed/);
    expect(() => parseCsvText('\n\n', { name: 'e.csv' })).toThrowError(/e\.csv is empty/);
    expect(() => parseCsvText('a,b\n', { name: 'h.csv' })).toThrowError(/h\.csv has a header but no data rows/);
    expect(() => parseCsvText('a,b\n1,2\n', { name: 'c.csv', columns: 'c' })).toThrowError(/c\.csv has no column "c"/);
    expect(() => parseCsvText('a,b\n1,2\n', { name: 'c.csv', columns: '5' })).toThrowError(/has no column "5"/);
    expect(() => parseCsvText('a\nx\n', { name: 'w.csv' })).toThrowError(/no column holds numbers/);
  });

  it('reads tab-separated files by extension', () => {
    expect(parseCsvText('1\t2\n', { name: 'x.tsv' }).matrix.toArrays()).toEqual([[1, 2]]);
  });

  it('reads decimal numbers only: 0x10, 0b11, 0o7 are refused, not read as 16, 3 and 7 (issue 10)', () => {
    expect(() => parseCsvText('1,2\n0x10,0b11\n', { name: 'hex.csv' })).toThrowError(/hex\.csv, line 2, column 0: "0x10" is not a number/);
    expect(() => parseCsvText('1,2\n3,0b11\n', { name: 'bin.csv' })).toThrowError(InvalidDataError);
    expect(() => parseCsvText('1,2\n3,0o7\n', { name: 'oct.csv' })).toThrowError(InvalidDataError);
    // In the first row or the first data row they would otherwise become a header or a skipped label column.
    expect(() => parseCsvText('0x10,0b11\n1,2\n', { name: 'first.csv' })).toThrowError(/first\.csv, line 1, column 0: "0x10" is a hexadecimal, binary or octal literal/);
    expect(() => parseCsvText('a,b\n0x10,1\n2,3\n', { name: 'label.csv' })).toThrowError(/label\.csv, line 2, column 0: "0x10" is a hexadecimal/);
  });

  it('documents the rest of the grammar: padding, signs, fractions, exponents, missing values, infinities (issue 10)', () => {
    const table = parseCsvText(' 1 , +2.5 \n-.5,3.\n1e3,-2E-2\nNA,\ninf,-Infinity\n');
    expect(Array.from(table.matrix.data)).toEqual([1, 2.5, -0.5, 3, 1000, -0.02, Number.NaN, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    for (const token of ['1_000', '1e', '.', '+', '--1', '1.2.3', '١٢', '0x', '1 2']) {
      expect(() => parseCsvText(`1,2\n3,${token}\n`, { name: 'bad.csv' })).toThrowError(/is not a number/);
    }
    expect(() => parseCsvText('1,2\n3,1e999\n', { name: 'huge.csv' })).toThrowError(/huge\.csv, line 2, column 1: 1e999 is too large for a double/);
  });

  it('checks the table against the memory budget before allocating it, and refuses a line past the line limit', () => {
    const rows = `${'1,2\n'.repeat(70_000)}`;
    expect(() => parseCsvText(rows, { name: 'rows.csv', memoryBudget: 1024 * 1024 })).toThrowError(/The 70000 × 2 table of rows\.csv needs 1\.07 MiB, more than the memory budget of 1\.00 MiB/);
    expect(parseCsvText(rows, { name: 'rows.csv', memoryBudget: 2 * 1024 * 1024 }).matrix.rows).toBe(70_000);
    expect(() => parseCsvText(`1,2\n${'3'.repeat(16 * 1024 * 1024 + 1)}\n`, { name: 'long.csv' })).toThrowError(/long\.csv, line 2: the line is longer than 16777216 characters/);
  });

  it('a file without a header whose first column holds labels keeps its first row (issue 10)', () => {
    const table = parseCsvText('a,1.5\nb,2.5\nc,3\n', { name: 'unnamed.csv' });
    expect(table.columnNames).toBeUndefined();
    expect(Array.from(table.matrix.data)).toEqual([1.5, 2.5, 3]);
    expect(table.skippedColumns).toEqual(['column 0']);
    expect(table.columnIndices).toEqual([1]);
    // A header over the same columns is still a header.
    expect(parseCsvText('label,x\na,1.5\nb,2.5\n').columnNames).toEqual(['x']);
  });
});
