import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type DataSource, type DenseMatrix, FormatError } from '@em/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDense, dataFormatOf, openDataSource, openDenseSource, parseCsvText, sniffFormat } from '../src/node.js';
import { collect } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'em-sources-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openDataSource', () => {
  it('picks the reader by extension and reads files in blocks', async () => {
    await writeFile(join(dir, 'a.csv'), 'x,y\n1,2\n3,4\n');
    await writeFile(join(dir, 'a.npy'), npyBytes('<f8', [2, 2], [1, 2, 3, 4]));
    for (const name of ['a.csv', 'a.npy']) {
      const source = await openDataSource(join(dir, name));
      expect(source.sparse).toBe(false);
      expect((await collect(source as DataSource<DenseMatrix>, 1)).values).toEqual([1, 2, 3, 4]);
      await source.close();
    }
    expect(dataFormatOf('x.PARQUET')).toBe('parquet');
    expect(dataFormatOf('x.jsonl')).toBe('ndjson');
    expect(sniffFormat(npyBytes('<f8', [1], [1]))).toBe('npy');
  });

  it('spools standard input to a temporary file, re-readable, and removes it on close', async () => {
    const spoolDir = await mkdtemp(join(dir, 'spool-'));
    const source = await openDataSource('-', { stdin: Readable.from([Buffer.from('a,b\n1,'), Buffer.from('2\n3,4\n')]), tempDirectory: spoolDir });
    expect(source.reiterable).toBe(true);
    expect(await readdir(spoolDir)).toHaveLength(1);
    expect((await collect(source as DataSource<DenseMatrix>)).values).toEqual([1, 2, 3, 4]);
    expect((await collect(source as DataSource<DenseMatrix>)).values).toEqual([1, 2, 3, 4]);
    await source.close();
    expect(await readdir(spoolDir)).toHaveLength(0);
  });

  it('recognises a spooled .npy by its magic bytes, and refuses stdin past the disk budget, leaving no spool', async () => {
    const spoolDir = await mkdtemp(join(dir, 'spool-'));
    const npy = await openDataSource('-', { stdin: Readable.from([Buffer.from(npyBytes('<f8', [1, 2], [5, 6]))]), tempDirectory: spoolDir });
    expect(npy.format).toBe('npy');
    await npy.close();
    await expect(openDataSource('-', { stdin: Readable.from([Buffer.alloc(5000, 0x31)]), diskBudget: 4096, tempDirectory: spoolDir })).rejects.toThrowError(/larger than the disk budget of 4\.00 KiB/);
    // A spool whose reader fails to open is removed too.
    await expect(openDataSource('-', { stdin: Readable.from([Buffer.from('\n')]), tempDirectory: spoolDir })).rejects.toThrowError(/stdin is empty/);
    expect(await readdir(spoolDir)).toHaveLength(0);
  });

  it('reads standard input once without spooling', async () => {
    const source = await openDataSource('-', { stdin: Readable.from([Buffer.from('1\n2\n')]), spool: false });
    expect(source.reiterable).toBe(false);
    expect((await collect(source as DataSource<DenseMatrix>)).values).toEqual([1, 2]);
    await expect(collect(source as DataSource<DenseMatrix>)).rejects.toThrowError(/can be read only once/);
    // The format of a pipe is recognised from its first chunk, which is still read.
    const npy = await openDataSource('-', { stdin: Readable.from([Buffer.from(npyBytes('<f8', [2, 1], [7, 8]))]), spool: false });
    expect(npy.format).toBe('npy');
    expect((await collect(npy as DataSource<DenseMatrix>)).values).toEqual([7, 8]);
    const ndjson = await openDataSource('-', { stdin: Readable.from([Buffer.from('[1, 2]\n'), Buffer.from('[3, 4]\n')]), spool: false });
    expect(ndjson.format).toBe('ndjson');
    expect((await collect(ndjson as DataSource<DenseMatrix>)).values).toEqual([1, 2, 3, 4]);
  });

  it('streams the CLI’s example files to the same matrices as the whole-text parser', async () => {
    for (const name of ['faithful.csv', 'iris.csv']) {
      const path = join(__dirname, '../../../apps/cli/data', name);
      const whole = parseCsvText(await readFile(path, 'utf8'), { name });
      const source = await openDenseSource(path, { blockRows: 17 });
      expect(source.columnNames).toEqual(whole.columnNames);
      expect(Array.from((await collectDense(source, 2 ** 24)).data)).toEqual(Array.from(whole.matrix.data));
      await source.close();
    }
  });

  it('streams a CSV file larger than a 1 MiB budget in blocks within it', async () => {
    const rows = 60_000;
    const path = join(dir, 'big.csv');
    await writeFile(path, `a,b,c\n${Array.from({ length: rows }, (_, i) => `${i},${i / 8},-${i}`).join('\n')}\n`);
    const source = await openDataSource(path, { memoryBudget: 2 ** 20, maxLineLength: 1024 });
    expect(source.bytes).toBeGreaterThan(2 ** 20);
    if (source.sparse) throw new Error('a CSV file is dense');
    let largest = 0;
    let count = 0;
    let sum = 0;
    for await (const block of source.pass()) {
      largest = Math.max(largest, block.data.data.byteLength);
      count += block.data.rows;
      for (let r = 0; r < block.data.rows; r++) sum += block.data.data[r * 3] as number;
    }
    await source.close();
    expect(count).toBe(rows);
    expect(sum).toBe((rows * (rows - 1)) / 2);
    expect(largest).toBeLessThan(2 ** 20 / 2);
  });

  it('refuses /dev/zero (an endless device) with a typed error instead of reading on', async () => {
    await expect(openDataSource('/dev/zero')).rejects.toThrowError(FormatError);
    await expect(openDataSource('/dev/zero', { format: 'ndjson' })).rejects.toThrowError(/zero, line 1: a NUL byte/);
  });

  it('hands out a Matrix Market file densified by openDenseSource, block by block', async () => {
    const path = join(dir, 'c.mtx');
    await writeFile(path, '%%MatrixMarket matrix coordinate integer general\n3 2 3\n1 1 4\n2 2 5\n3 1 6\n');
    const source = await openDenseSource(path);
    expect(source.format).toBe('mtx');
    expect((await collect(source, 2)).values).toEqual([4, 0, 0, 5, 6, 0]);
    await source.close();
  });

  it('reads an Arrow IPC file by offset (a file handle: footer, then one record batch at a time) and closes the handle', async () => {
    const { Table, tableFromArrays, tableToIPC } = await import('apache-arrow');
    const whole = tableFromArrays({ a: Float64Array.from({ length: 10 }, (_, i) => i), b: Int32Array.from({ length: 10 }, (_, i) => -i) });
    const path = join(dir, 'x.arrow');
    await writeFile(path, tableToIPC(new Table([...whole.slice(0, 3).batches, ...whole.slice(3).batches]), 'file'));
    const source = await openDenseSource(path, { memoryBudget: 2 ** 20 });
    const read = await collect(source, 2);
    expect(read.values).toEqual(Array.from({ length: 10 }, (_, i) => [i, i === 0 ? 0 : -i]).flat());
    expect(read.largestBlock).toBe(2);
    expect((await collect(source)).rows).toBe(10);
    await source.close();
  });

  it('names a missing file', async () => {
    await expect(openDataSource(join(dir, 'missing.csv'))).rejects.toThrowError(/no such file/);
  });
});
