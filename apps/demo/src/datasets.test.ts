import { FormatError, InvalidDataError, MemoryBudgetError } from '@em/core';
import { describe, expect, it } from 'vitest';
import faithfulText from './data/faithful.csv?raw';
import irisText from './data/iris.csv?raw';
import { datasetById, datasets, loadCsvFile, parseTable, selectColumns } from './datasets.js';

// The demo reads CSV with @em/sources's parser (the CLI's); these were the assertions of the
// demo's own parser, kept where the shared parser agrees and noted where it differs.
describe('parseTable (the shared CSV parser)', () => {
  it('splits quoted headers, numbers and LF/CRLF line ends, skipping blank lines', () => {
    const table = parseTable('"a","b"\r\n1,2\n\n3,4\n', 'x.csv');
    expect(table.columnNames).toEqual(['a', 'b']);
    expect(Array.from(table.values)).toEqual([1, 2, 3, 4]);
  });

  it('keeps commas and doubled quotes inside quoted fields; a quoted field may not span lines (the CLI’s rule)', () => {
    const table = parseTable('name,note,x\nx,"a, ""b""",1\n', 'q.csv');
    expect(table.labels['note']).toEqual(['a, "b"']);
    expect(() => parseTable('name,note\nx,"a, ""b""\nc"', 'q.csv')).toThrowError(/q\.csv, line 2: a quoted field is not closed/);
  });

  it('keeps a last row without a trailing newline; an empty cell is a missing value (NaN)', () => {
    expect(Array.from(parseTable('a,b\n1,', 'x.csv').values)).toEqual([1, Number.NaN]);
  });

  it('rejects ragged rows and unclosed quotes with the line and a remedy', () => {
    expect(() => parseTable('a,b\n1,2\n3', 'r.csv')).toThrowError(InvalidDataError);
    expect(() => parseTable('a,b\n1,2\n3', 'r.csv')).toThrowError(/r\.csv, line 3: found 1 fields, expected 2/);
    expect(() => parseTable('a,b\n"1,2\n', 'q.csv')).toThrowError(FormatError);
    expect(() => parseTable('', 'e.csv')).toThrowError(/empty/);
  });

  it('reads the embedded Old Faithful file: 272 rows of eruptions and waiting', () => {
    const table = parseTable(faithfulText, 'faithful.csv');
    expect(table.columnNames).toEqual(['eruptions', 'waiting']);
    expect(table.rowCount).toBe(272);
    expect(Array.from(table.values.subarray(0, 4))).toEqual([3.6, 79, 1.8, 54]);
  });

  it('reads iris: four numeric columns, the species as labels', () => {
    const table = parseTable(irisText, 'iris.csv');
    expect(table.columnNames).toEqual(['Sepal.Length', 'Sepal.Width', 'Petal.Length', 'Petal.Width']);
    expect(table.rowCount).toBe(150);
    const species = table.labels['Species'] ?? [];
    expect(new Set(species)).toEqual(new Set(['setosa', 'versicolor', 'virginica']));
    expect(selectColumns(table, [3, 0]).subarray(0, 2)).toEqual(new Float64Array([0.2, 5.1]));
  });

  it('names the bad cell of an otherwise numeric column', () => {
    expect(() => parseTable('x,y\n1,2\n3,oops\n', 'small.csv')).toThrowError(/small\.csv, line 3, column "y" \(index 1\): "oops" is not a number/);
    expect(() => parseTable('x\na\n', 'x.csv')).toThrowError(/no column holds numbers/);
  });

  it('reads decimal numbers only: 0x10 and 0b11 are not 16 and 3 (issue 10) — refused, not taken for text', () => {
    expect(Array.from(parseTable('x,y\n1,-2.5e1\n.5,3.\n', 'x.csv').values)).toEqual([1, -25, 0.5, 3]);
    expect(() => parseTable('x,y\n1,2\n0x10,0b11\n', 'hex.csv')).toThrowError(/hex\.csv, line 3, column "x" \(index 0\): "0x10" is not a number/);
    expect(() => parseTable('x,y\n1,2\n3,1e999\n', 'huge.csv')).toThrowError(/huge\.csv, line 3, column "y" \(index 1\): 1e999 is too large for a double/);
    // A column of hexadecimal literals is refused rather than kept as a text column.
    expect(() => parseTable('x,y\n1,0x10\n2,0x20\n', 'hex.csv')).toThrowError(/"0x10" is a hexadecimal, binary or octal literal/);
  });
});

describe('loadCsvFile', () => {
  it('streams a chosen file (File.stream()) into a new dataset, leaving text columns out', async () => {
    const file = new File(['x;y\n'.replace(';', ','), '1,2\n3,', '4\n5,6\n'], 'mine.csv', { type: 'text/csv' });
    const dataset = await loadCsvFile(file);
    expect(dataset.title).toBe('mine.csv');
    expect(dataset.table.columnNames).toEqual(['x', 'y']);
    expect(Array.from(dataset.table.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(datasets().at(-1)).toBe(dataset);
    expect(datasetById(dataset.id)).toBe(dataset);
    const labelled = await loadCsvFile(new File(['a,kind\n1,x\n2,y\n'], 'labelled.csv'));
    expect(labelled.description).toMatch(/Text columns left out: kind/);
  });

  it('refuses a file past the page’s budget and a malformed one with typed errors', async () => {
    await expect(loadCsvFile(new File(['a,b\n1,2\n3\n'], 'bad.csv'))).rejects.toThrowError(/bad\.csv, line 3: found 1 fields, expected 2/);
    const rows = 'x\n' + '1\n'.repeat(9_000_000);
    await expect(loadCsvFile(new File([rows], 'huge.csv'))).rejects.toThrowError(MemoryBudgetError);
  });
});
