import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { npyBytes } from './npy-bytes.js';
import { parseNpy } from '../src/npy.js';

describe('parseNpy', () => {
  it('reads float64 matrices in C order', () => {
    const table = parseNpy(npyBytes('<f8', [2, 3], [1, 2, 3, 4, 5, 6.5]), 'x.npy');
    expect(table.matrix.rows).toBe(2);
    expect(table.matrix.cols).toBe(3);
    expect(table.matrix.toArrays()).toEqual([
      [1, 2, 3],
      [4, 5, 6.5],
    ]);
  });

  it('reads float32, int32 and int64, and 1-D arrays as one column', () => {
    expect(Array.from(parseNpy(npyBytes('<f4', [2], [0.5, -2])).matrix.data)).toEqual([0.5, -2]);
    expect(parseNpy(npyBytes('<f4', [2], [0.5, -2])).matrix.cols).toBe(1);
    expect(Array.from(parseNpy(npyBytes('<i4', [1, 2], [-7, 9])).matrix.data)).toEqual([-7, 9]);
    expect(Array.from(parseNpy(npyBytes('<i8', [3, 1], [1, 2 ** 40, -3])).matrix.data)).toEqual([1, 2 ** 40, -3]);
  });

  it('reads format version 2 headers', () => {
    expect(Array.from(parseNpy(npyBytes('<f8', [1, 1], [3], { version: 2 })).matrix.data)).toEqual([3]);
  });

  it('reads a body that is not 8-byte aligned in memory', () => {
    const bytes = npyBytes('<f8', [2], [1.25, 2.5]);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(Array.from(parseNpy(shifted.subarray(1)).matrix.data)).toEqual([1.25, 2.5]);
  });

  it('rejects Fortran order with what was expected (big-endian and int16 are read since the streaming readers: see npy.test.ts)', () => {
    expect(() => parseNpy(npyBytes('<f8', [2, 2], [1, 2, 3, 4], { fortran: true }), 'f.npy')).toThrowError(FormatError);
    expect(() => parseNpy(npyBytes('<f8', [2, 2], [1, 2, 3, 4], { fortran: true }), 'f.npy')).toThrowError(/f\.npy, header at byte 10: .*Fortran .*expected C \(row-major\) order/);
  });

  it('rejects files that are not .npy, truncated bodies and 3-D shapes', () => {
    expect(() => parseNpy(new TextEncoder().encode('1,2,3\n'), 'text.npy')).toThrowError(/text\.npy, byte 0: not a NumPy \.npy file/);
    const full = npyBytes('<f8', [4], [1, 2, 3, 4]);
    expect(() => parseNpy(full.subarray(0, full.length - 3), 't.npy')).toThrowError(/t\.npy: file is truncated at byte \d+; expected \d+ bytes to hold 4×1 float64 values/);
    expect(() => parseNpy(full.subarray(0, 9), 't.npy')).toThrowError(/truncated/);
    expect(() => parseNpy(npyBytes('<f8', [1, 1, 1], [1]), 'r.npy')).toThrowError(/shape \(1, 1, 1\) is not supported; expected a 1-D or 2-D array/);
  });

  it('reads shape extents in decimal only: (0x64, 2), (1e2, 2) and (+100, 2) are refused (issue 10)', () => {
    const values = Array.from({ length: 200 }, (_, i) => i);
    expect(parseNpy(npyBytes('<f8', [100, 2], values), 'x.npy').matrix.rows).toBe(100);
    for (const shapeText of ['(0x64, 2)', '(1e2, 2)', '(+100, 2)', '(100, 0b10)', '(100.0, 2)']) {
      expect(() => parseNpy(npyBytes('<f8', [100, 2], values, { shapeText }), 'hex.npy')).toThrowError(FormatError);
      expect(() => parseNpy(npyBytes('<f8', [100, 2], values, { shapeText }), 'hex.npy')).toThrowError(/shape .* is not supported/);
    }
  });

  it('checks the array against the memory budget before allocating it', () => {
    const values = Array.from({ length: 4 }, (_, i) => i);
    // 2^17 float32 values take 512 KiB in the file and 1 MiB as float64: over a 768 KiB budget.
    const big = npyBytes('<f4', [1 << 17], Array.from({ length: 1 << 17 }, () => 1));
    expect(() => parseNpy(big, 'big.npy', 768 * 1024)).toThrowError(/The 131072 × 1 array of big\.npy \(as float64\) needs 1\.00 MiB, more than the memory budget/);
    expect(parseNpy(npyBytes('<f8', [2, 2], values), 'small.npy', 768 * 1024).matrix.rows).toBe(2);
  });
});
