import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { parseMatrixMarket } from '../src/matrix-market.js';

describe('parseMatrixMarket', () => {
  it('reads coordinate integer files into CSR (1-based indices, duplicates summed)', () => {
    const text = '%%MatrixMarket matrix coordinate integer general\n% a comment\n3 4 4\n1 1 2\n3 4 5\n1 1 1\n2 2 7\n';
    const matrix = parseMatrixMarket(text, 'counts.mtx');
    expect(matrix.rows).toBe(3);
    expect(matrix.cols).toBe(4);
    expect(matrix.toDense().toArrays()).toEqual([
      [3, 0, 0, 0],
      [0, 7, 0, 0],
      [0, 0, 0, 5],
    ]);
  });

  it('reads real and pattern files', () => {
    expect(parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n1 2 1\n1 2 0.5\n').toDense().toArrays()).toEqual([[0, 0.5]]);
    expect(parseMatrixMarket('%%MatrixMarket matrix coordinate pattern general\n2 1 1\n2 1\n').toDense().toArrays()).toEqual([[0], [1]]);
  });

  it('rejects other layouts and symmetries with the expected banner', () => {
    expect(() => parseMatrixMarket('%%MatrixMarket matrix array real general\n1 1\n1\n', 'a.mtx')).toThrowError(/a\.mtx, line 1: format "array" is not supported; expected "coordinate"/);
    expect(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real symmetric\n1 1 0\n', 's.mtx')).toThrowError(/symmetry "symmetric" is not supported/);
    expect(() => parseMatrixMarket('1 2 3\n', 'n.mtx')).toThrowError(/n\.mtx, line 1: expected the banner/);
  });

  it('rejects bad entries naming the line', () => {
    const head = '%%MatrixMarket matrix coordinate integer general\n2 2 2\n';
    expect(() => parseMatrixMarket(`${head}1 1 1\n3 1 1\n`, 'o.mtx')).toThrowError(/o\.mtx, line 4: entry \(3, 1\) lies outside the declared 2×2 shape/);
    expect(() => parseMatrixMarket(`${head}1 1 1\n2 2 x\n`, 'v.mtx')).toThrowError(/v\.mtx, line 4: expected "row column value"/);
    expect(() => parseMatrixMarket(`${head}1 1 1.5\n2 2 1\n`, 'i.mtx')).toThrowError(/line 3: value 1\.5 is not an integer/);
    expect(() => parseMatrixMarket(`${head}1 1 1\n`, 'c.mtx')).toThrowError(/found 1 entries but the size line declares 2/);
    expect(() => parseMatrixMarket(`${head}1 1 1\n2 2 1\n1 2 1\n`, 'm.mtx')).toThrowError(FormatError);
    expect(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n2 x 1\n', 's.mtx')).toThrowError(/line 2: expected "rows columns entries"/);
  });

  it('reads decimal numbers only: hexadecimal sizes, indices and values are refused (issue 10)', () => {
    const banner = '%%MatrixMarket matrix coordinate real general\n';
    expect(() => parseMatrixMarket(`${banner}0x10 2 1\n1 1 1\n`, 'hex.mtx')).toThrowError(/hex\.mtx, line 2: expected "rows columns entries" as three non-negative integers, found "0x10 2 1"/);
    expect(() => parseMatrixMarket(`${banner}1e1 2 1\n1 1 1\n`, 'exp.mtx')).toThrowError(FormatError);
    expect(() => parseMatrixMarket(`${banner}2 2 1\n0x1 1 1\n`, 'index.mtx')).toThrowError(/index\.mtx, line 3: expected "row column value"/);
    expect(() => parseMatrixMarket(`${banner}2 2 1\n1 1 0x10\n`, 'value.mtx')).toThrowError(/value\.mtx, line 3: expected "row column value" with a finite decimal real value/);
    expect(() => parseMatrixMarket(`${banner}2 2 1\n1 1 1e999\n`, 'huge.mtx')).toThrowError(FormatError);
    expect(parseMatrixMarket(`${banner}2 2 1\n1 1 -2.5e-1\n`).toDense().toArrays()).toEqual([
      [-0.25, 0],
      [0, 0],
    ]);
  });

  it('refuses declared shapes the file cannot hold before allocating (issue 10)', () => {
    const banner = '%%MatrixMarket matrix coordinate real general\n';
    // 10⁹ entries declared in a 60-byte file: each entry needs a line of its own.
    expect(() => parseMatrixMarket(`${banner}1000000000 1000000000 1000000000\n1 1 1\n`, 'entries.mtx')).toThrowError(/declares 1000000000 entries but only 2 lines follow/);
    // 10⁹ rows: the CSR row pointers alone exceed the budget.
    expect(() => parseMatrixMarket(`${banner}1000000000 2 1\n1 1 1\n`, 'rows.mtx')).toThrowError(/sparse 1000000000 × 2 matrix of rows\.mtx .* more than the memory budget of 256 MiB/);
    expect(() => parseMatrixMarket(`${banner}3000000000 2 1\n1 1 1\n`, 'wide.mtx', 2 ** 40)).toThrowError(/larger than the 2147483647 rows or columns/);
    // An entry line is a few numbers: a long one is refused before it is split.
    expect(() => parseMatrixMarket(`${banner}2 2 1\n1 1 ${'1 '.repeat(1000)}\n`, 'long.mtx')).toThrowError(/long\.mtx, line 3: expected "row column value"/);
  });
});
