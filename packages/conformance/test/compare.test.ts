import { DenseMatrix } from '@em/core';
import { describe, expect, it } from 'vitest';
import { deepClone, expectClose, expectDeepEqual, firstDifference, isClose } from '../src/index.js';

describe('firstDifference', () => {
  it('names the first differing leaf with its path', () => {
    expect(firstDifference({ a: Float64Array.of(1, 2) }, { a: Float64Array.of(1, 3) }, 'θ')).toBe('θ.a[1]: 2 ≠ 3 (difference 1.000e+0)');
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    expect(firstDifference({ a: 1 }, { a: 1, b: 2 }, 'x')).toBe('x.b: missing');
    expect(firstDifference({ a: 1, c: 3 }, { a: 1 }, 'x')).toMatch(/x.c: unexpected/);
  });

  it('distinguishes types: number[] vs Float64Array, class instances, lengths', () => {
    expect(firstDifference([1, 2], Float64Array.of(1, 2), 'v')).toBe('v: array where Float64Array was expected');
    expect(firstDifference(Float32Array.of(1), Float64Array.of(1), 'v')).toBe('v: Float32Array where Float64Array was expected');
    const matrix = DenseMatrix.from([[1], [2]]);
    expect(firstDifference({ rows: 2, cols: 1, data: matrix.data }, matrix, 'm')).toBe('m: object where DenseMatrix was expected');
    expect(firstDifference(Float64Array.of(1), Float64Array.of(1, 2), 'v')).toBe('v: length 1 ≠ 2');
  });

  it('is exact by default (NaN equals NaN, 0 equals −0) and relative on request', () => {
    expect(firstDifference(Number.NaN, Number.NaN)).toBeUndefined();
    expect(firstDifference(0, -0)).toBeUndefined();
    expect(firstDifference(1, 1 + 1e-15)).toBeDefined();
    expect(firstDifference(1, 1 + 1e-15, 'v', { relative: 1e-12 })).toBeUndefined();
    expect(firstDifference(1e6, 1e6 + 1e-4, 'v', { relative: 1e-12 })).toBeDefined();
  });
});

describe('deepClone', () => {
  it('copies typed-array views onto fresh buffers and keeps prototypes', () => {
    const buffer = Float64Array.of(1, 2, 3, 4);
    const view = buffer.subarray(1, 3);
    const matrix = DenseMatrix.from([[5, 6]]);
    const original = { view, matrix, nested: [new Map([['k', Float64Array.of(7)]])] };
    const copy = deepClone(original);
    expect(copy.matrix).toBeInstanceOf(DenseMatrix);
    expect(copy.view.buffer).not.toBe(buffer.buffer);
    expect(copy.view.length).toBe(2);
    expectDeepEqual(copy, original, 'copy');
    view[0] = 99;
    expect(firstDifference(original, copy, 'original')).toBe('original.view[0]: 99 ≠ 2 (difference 9.700e+1)');
    view[0] = 2;
    matrix.data[1] = 0;
    expect(firstDifference(original, copy, 'original')).toBe('original.matrix.data[1]: 0 ≠ 6 (difference 6.000e+0)');
  });
});

describe('expectClose', () => {
  it('accepts round-off and rejects real differences with both values in the message', () => {
    expect(isClose(1000, 1000 + 1e-7)).toBe(true);
    expect(isClose(1000, 1000.01)).toBe(false);
    expect(isClose(-Infinity, -Infinity)).toBe(true);
    expect(isClose(Number.NaN, 1)).toBe(false);
    expect(() => expectClose(1, 1 + 1e-12, 'log-likelihood')).not.toThrow();
    expect(() => expectClose(1, 1.1, 'log-likelihood')).toThrow(/log-likelihood: expected 1.1, got 1/);
    expect(() => expectClose(1, 1.05, 'x', { absolute: 0.1 })).not.toThrow();
  });
});
