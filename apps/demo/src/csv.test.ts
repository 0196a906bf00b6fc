import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { parseCsv, selectColumns, toNumericTable } from './csv.js';
import faithfulText from './data/faithful.csv?raw';
import irisText from './data/iris.csv?raw';

describe('parseCsv', () => {
  it('splits quoted headers, numbers and LF/CRLF line ends, skipping blank lines', () => {
    const table = parseCsv('"a","b"\r\n1,2\n\n3,4\n');
    expect(table.header).toEqual(['a', 'b']);
    expect(table.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    const table = parseCsv('name,note\nx,"a, ""b""\nc"');
    expect(table.rows).toEqual([['x', 'a, "b"\nc']]);
  });

  it('keeps a last row without a trailing newline and empty cells', () => {
    expect(parseCsv('a,b\n1,').rows).toEqual([['1', '']]);
  });

  it('rejects ragged rows and unclosed quotes with the row and a remedy', () => {
    expect(() => parseCsv('a,b\n1,2\n3')).toThrow(FormatError);
    expect(() => parseCsv('a,b\n1,2\n3')).toThrow(/data row 2 has 1 fields but the header has 2/);
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/never closed/);
    expect(() => parseCsv('')).toThrow(/empty/);
  });
});

describe('toNumericTable', () => {
  it('reads the embedded Old Faithful file: 272 rows of eruptions and waiting', () => {
    const table = toNumericTable(parseCsv(faithfulText));
    expect(table.columnNames).toEqual(['eruptions', 'waiting']);
    expect(table.rowCount).toBe(272);
    expect(Array.from(table.values.subarray(0, 4))).toEqual([3.6, 79, 1.8, 54]);
  });

  it('reads iris: four numeric columns, the species as labels', () => {
    const table = toNumericTable(parseCsv(irisText));
    expect(table.columnNames).toEqual(['Sepal.Length', 'Sepal.Width', 'Petal.Length', 'Petal.Width']);
    expect(table.rowCount).toBe(150);
    const species = table.labels['Species'] ?? [];
    expect(new Set(species)).toEqual(new Set(['setosa', 'versicolor', 'virginica']));
    expect(selectColumns(table, [3, 0]).subarray(0, 2)).toEqual(new Float64Array([0.2, 5.1]));
  });

  it('names the bad cell of an otherwise numeric column', () => {
    expect(() => toNumericTable(parseCsv('x,y\n1,2\n3,oops\n'), 'small.csv')).toThrow(/column "y" is numeric except row 2, which holds "oops"/);
    expect(() => toNumericTable(parseCsv('x\na\n'))).toThrow(/no numeric column/);
  });

  it('reads decimal numbers only: 0x10 and 0b11 are not 16 and 3 (issue 10)', () => {
    const table = toNumericTable(parseCsv('x,y\n1,-2.5e1\n.5,3.\n'));
    expect(Array.from(table.values)).toEqual([1, -25, 0.5, 3]);
    expect(() => toNumericTable(parseCsv('x,y\n1,2\n0x10,0b11\n'), 'hex.csv')).toThrow(/hex\.csv: column "x" is numeric except row 2, which holds "0x10"/);
    expect(() => toNumericTable(parseCsv('x,y\n1,2\n3,1e999\n'), 'huge.csv')).toThrow(/column "y" is numeric except row 2/);
    // A column of hexadecimal literals only is text, not numbers.
    expect(toNumericTable(parseCsv('x,y\n1,0x10\n2,0x20\n')).labels['y']).toEqual(['0x10', '0x20']);
  });
});
