import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openNpySource, parseNpy } from '../src/npy.js';
import { chunkedInput, collect } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

describe('parseNpy', () => {
  it('reads big-endian and 2-byte integer arrays (refused before the streaming readers)', () => {
    expect(Array.from(parseNpy(npyBytes('>f8', [2], [1.5, -3]), 'b.npy').matrix.data)).toEqual([1.5, -3]);
    expect(Array.from(parseNpy(npyBytes('<i2', [2], [-300, 7]), 'i.npy').matrix.data)).toEqual([-300, 7]);
  });

  it('rejects Fortran order and other dtypes with what was expected', () => {
    expect(() => parseNpy(npyBytes('<f8', [2, 2], [1, 2, 3, 4], { fortran: true }), 'f.npy')).toThrowError(/f\.npy, header at byte 10: .*Fortran .*expected C \(row-major\) order/);
    // The header of a complex64 array: '<f8' with the f turned into a c.
    const complex = npyBytes('<f8', [1], [1]).map((byte, i, all) => (i > 10 && all[i - 1] === 0x3c && byte === 0x66 ? 0x63 : byte));
    expect(() => parseNpy(complex, 'c.npy')).toThrowError(/dtype "<c8" is not supported; expected float64/);
  });
});

describe('openNpySource', () => {
  const values = Array.from({ length: 7 * 3 }, (_, i) => i * 0.5 - 3);

  it('streams the same matrix as parseNpy, at every chunk size and block size, for each dtype', async () => {
    for (const descr of ['<f8', '>f8', '<f4', '<i4', '<i8', '<i2'] as const) {
      const ints = values.map((value) => Math.round(value * 2));
      const data = descr.includes('i') ? ints : values;
      const bytes = npyBytes(descr, [7, 3], data);
      const whole = Array.from(parseNpy(bytes, 'x.npy').matrix.data);
      for (const chunk of [1, 5, 1000]) {
        const source = await openNpySource(chunkedInput(bytes, 'x.npy', chunk));
        expect(source.rows).toBe(7);
        expect(source.columns).toBe(3);
        for (const blockRows of [1, 3, 7, 100]) {
          const read = await collect(source, blockRows);
          expect(read.values).toEqual(whole);
          expect(read.largestBlock).toBeLessThanOrEqual(blockRows);
        }
        await source.close();
      }
    }
  });

  it('selects columns by index', async () => {
    const source = await openNpySource(chunkedInput(npyBytes('<f8', [2, 3], [1, 2, 3, 4, 5, 6]), 'x.npy'), { columns: '2,0' });
    expect((await collect(source)).values).toEqual([3, 1, 6, 4]);
  });

  it('names the byte and row where a truncated body ends, after the blocks before it', async () => {
    const bytes = npyBytes('<f8', [7, 3], values);
    const cut = bytes.subarray(0, bytes.length - 30);
    const source = await openNpySource(chunkedInput(cut, 't.npy', 16));
    const seen: number[] = [];
    const error = await (async () => {
      for await (const block of source.pass({ blockRows: 2 })) seen.push(block.firstRow);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/t\.npy: file is truncated at byte 266 \(row 5 of 7\); expected 296 bytes to hold 7×3 float64 values/);
    expect(seen).toEqual([0, 2]);
    await expect(openNpySource(chunkedInput(bytes.subarray(0, 9), 'h.npy'))).rejects.toThrowError(/truncated/);
    await expect(openNpySource(chunkedInput(new TextEncoder().encode('1,2,3\n'), 'text.npy'))).rejects.toThrowError(/text\.npy, byte 0: not a NumPy \.npy file/);
  });

  it('refuses int64 values a double cannot hold, naming the row and column', async () => {
    const bytes = npyBytes('<i8', [2, 2], [1, 2, 3, 4]);
    new DataView(bytes.buffer).setBigInt64(bytes.length - 8, 2n ** 60n, true);
    const source = await openNpySource(chunkedInput(bytes, 'big.npy'));
    await expect(collect(source)).rejects.toThrowError(/big\.npy, byte \d+ \(row 1, column 1\): int64 value 1152921504606846976 does not fit a double exactly/);
  });

  it('streams a file much larger than a small memory budget in blocks within it', async () => {
    const rows = 50_000;
    const big = npyBytes('<f8', [rows, 4], Array.from({ length: rows * 4 }, (_, i) => i));
    const budget = 1024 * 1024;
    expect(big.length).toBeGreaterThan(budget);
    const source = await openNpySource(chunkedInput(big, 'big.npy', 65536), { memoryBudget: budget, blockRows: 4096 });
    let largest = 0;
    let sum = 0;
    let count = 0;
    for await (const block of source.pass()) {
      largest = Math.max(largest, block.data.data.byteLength);
      for (const value of block.data.data) sum += value;
      count += block.data.rows;
    }
    expect(count).toBe(rows);
    expect(sum).toBe(((rows * 4 - 1) * rows * 4) / 2);
    expect(largest).toBe(4096 * 4 * 8);
    expect(largest).toBeLessThan(budget);
    await expect(openNpySource(chunkedInput(big, 'big.npy'), { memoryBudget: budget, blockRows: 40_000 })).rejects.toThrowError(/memory budget/);
  });
});
