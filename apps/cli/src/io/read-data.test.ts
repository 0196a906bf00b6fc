import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureDirectory } from '../../test/helpers.js';
import { npyBytes } from '../../test/npy-bytes.js';
import { createCapturedIo } from '../framework/io.js';
import { dataFormatOf, readData, readDenseData } from './read-data.js';

describe('readData', () => {
  const directory = fixtureDirectory({
    'x.npy': npyBytes('<f8', [2, 3], [1, 2, 3, 4, 5, 6]),
    'x.csv': 'a,b,c\n1,2,3\n4,5,6\n',
    'x.mtx': '%%MatrixMarket matrix coordinate integer general\n2 3 2\n1 3 7\n2 1 1\n',
    'x.ndjson': '{"a": 1, "b": 2, "c": 3}\n{"a": 4, "b": 5, "c": 6}\n',
  });
  const io = createCapturedIo(directory);

  it('chooses the reader by extension', () => {
    expect(dataFormatOf('a/b.NPY')).toBe('npy');
    expect(dataFormatOf('counts.mtx')).toBe('mtx');
    expect(dataFormatOf('data.csv')).toBe('csv');
    expect(dataFormatOf('data.tsv')).toBe('csv');
    expect(dataFormatOf('data.jsonl')).toBe('ndjson');
    expect(dataFormatOf('data.parquet')).toBe('parquet');
    expect(dataFormatOf('data.feather')).toBe('arrow');
  });

  it('reads newline-delimited JSON whole through the streaming reader, with --columns by field name', async () => {
    const table = await readDenseData(io, 'x.ndjson', { columns: 'c,a' });
    expect(table.matrix.toArrays()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect(table.columnNames).toEqual(['c', 'a']);
    await expect(readData(io, 'absent.ndjson')).rejects.toThrowError(/Cannot read --data file "absent\.ndjson": no such file or directory/);
  });

  it('applies --columns to .npy by index and to CSV by name, resolving paths against the working directory', async () => {
    expect((await readDenseData(io, 'x.npy', { columns: '2,0' })).matrix.toArrays()).toEqual([
      [3, 1],
      [6, 4],
    ]);
    expect((await readDenseData(io, join(directory, 'x.csv'), { columns: 'b' })).matrix.toArrays()).toEqual([[2], [5]]);
  });

  it('keeps .mtx sparse in readData and densifies it in readDenseData', async () => {
    const loaded = await readData(io, 'x.mtx');
    expect(loaded.format).toBe('mtx');
    if (loaded.format === 'mtx') expect(loaded.matrix.nonZeros).toBe(2);
    expect((await readDenseData(io, 'x.mtx')).matrix.toArrays()).toEqual([
      [0, 0, 7],
      [1, 0, 0],
    ]);
    await expect(readData(io, 'x.mtx', { columns: '0' })).rejects.toThrowError(/--columns cannot be applied to the Matrix Market file x\.mtx/);
  });

  it('names the flag when a file is missing', async () => {
    await expect(readData(io, 'absent.csv', { flag: '--lengths' })).rejects.toThrowError(/Cannot read --lengths file "absent\.csv": no such file or directory/);
  });
});
