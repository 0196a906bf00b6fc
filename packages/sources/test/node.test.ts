import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DataSource, DenseMatrix } from '@em/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFormatOf, openDataSource, sniffFormat } from '../src/node.js';
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
  });

  it('names a missing file', async () => {
    await expect(openDataSource(join(dir, 'missing.csv'))).rejects.toThrowError(/no such file/);
  });
});
