import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, MemoryBudgetError } from '@em/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy, readNpyFile } from '../src/node.js';
import { type Dtype, npyBytes } from './npy-bytes.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'em-npy-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = Array.from({ length: 7 * 3 }, (_, i) => (i % 5) - 2 + i / 8);

describe('readNpyFile', () => {
  it('reads every dtype and byte order as parseNpy does, on a SharedArrayBuffer when asked', async () => {
    for (const descr of ['<f8', '>f8', '<f4', '<i4', '<i8', '<i2'] as Dtype[]) {
      const integers = descr.includes('i');
      const body = integers ? values.map((v) => Math.round(v * 3)) : values;
      const bytes = npyBytes(descr, [7, 3], body);
      const path = join(dir, `a${descr.replace(/[<>]/, '')}.npy`);
      await writeFile(path, bytes);
      const expected = parseNpy(bytes, 'a.npy').matrix;
      for (const shared of [false, true]) {
        const { matrix, header } = await readNpyFile(path, { shared });
        expect(header.descr).toBe(descr);
        expect([matrix.rows, matrix.cols]).toEqual([7, 3]);
        expect(Array.from(matrix.data), descr).toEqual(Array.from(expected.data));
        expect(matrix.data.buffer instanceof SharedArrayBuffer).toBe(shared);
      }
    }
  });

  it('selects columns (all of them in order is the straight read)', async () => {
    const path = join(dir, 'columns.npy');
    await writeFile(path, npyBytes('<f8', [7, 3], values));
    const picked = await readNpyFile(path, { columns: '2,0' });
    expect(picked.matrix.cols).toBe(2);
    expect(Array.from(picked.matrix.data)).toEqual(Array.from({ length: 7 }, (_, r) => [values[r * 3 + 2], values[r * 3]]).flat());
    const all = await readNpyFile(path, { columns: '0,1,2' });
    expect(Array.from(all.matrix.data)).toEqual(values);
  });

  it('refuses a truncated body naming the byte and row, a bad magic, and a matrix beyond the budget', async () => {
    const bytes = npyBytes('<f8', [7, 3], values);
    const path = join(dir, 'short.npy');
    await writeFile(path, bytes.subarray(0, bytes.length - 30));
    const error = await readNpyFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/truncated at byte \d+ \(row 5 of 7\)/);
    await writeFile(path, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    await expect(readNpyFile(path)).rejects.toThrow(/not a NumPy \.npy file/);
    await writeFile(path, bytes);
    await expect(readNpyFile(path, { memoryBudget: 100 })).rejects.toBeInstanceOf(MemoryBudgetError);
  });

  // The regression this reader exists for (issue #12): reading the file into a Buffer and decoding
  // it held the data twice (file bytes + float64). A child process reads a 24 MB float64 file and
  // reports how much its peak RSS grew: the data plus a bounded overhead, well under twice the data.
  it('peaks at the matrix plus bounded overhead, not the file bytes as well (24 MB file, child process)', async () => {
    const rows = 300_000;
    const cols = 10;
    const header = npyBytes('<f8', [rows, cols], []);
    const body = new Float64Array(rows * cols);
    for (let i = 0; i < body.length; i++) body[i] = (i % 97) / 7;
    const path = join(dir, 'big.npy');
    const small = join(dir, 'small.npy');
    await writeFile(path, Buffer.concat([header, new Uint8Array(body.buffer)]));
    await writeFile(small, npyBytes('<f8', [2, 2], [1, 2, 3, 4]));
    const source = join(dirname(fileURLToPath(import.meta.url)), '../src/node.ts');
    // Warm up on a small file first, so module loading is not counted.
    const script = `
      const { readNpyFile } = await import(${JSON.stringify(source)});
      await readNpyFile(${JSON.stringify(small)});
      const before = process.resourceUsage().maxRSS * 1024;
      const { matrix } = await readNpyFile(${JSON.stringify(path)}, { shared: true });
      const after = process.resourceUsage().maxRSS * 1024;
      let sum = 0; for (let i = 0; i < matrix.data.length; i += 1000) sum += matrix.data[i];
      console.log(JSON.stringify({ growth: after - before, bytes: matrix.data.byteLength, sum }));`;
    const child = spawnSync(process.execPath, ['--conditions=@em/source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    const { growth, bytes } = JSON.parse(child.stdout) as { growth: number; bytes: number };
    console.log(`readNpyFile: peak RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB for ${(bytes / 2 ** 20).toFixed(1)} MiB of data`);
    expect(bytes).toBe(8 * rows * cols);
    expect(growth).toBeLessThan(bytes + 10 * 2 ** 20);
  }, 150_000);
});
