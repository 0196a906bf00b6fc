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
});
