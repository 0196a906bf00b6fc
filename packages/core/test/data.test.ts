import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsrMatrix, DenseMatrix, InvalidDataError, Sequences, splitRange } from '../src/index.js';

function thrown(f: () => unknown): InvalidDataError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDataError);
    return error as InvalidDataError;
  }
  throw new Error('expected an InvalidDataError');
}

const matrix = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 5 }))
  .chain(([rows, cols]) =>
    fc.array(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 9 })), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
  );

describe('DenseMatrix', () => {
  it('builds from nested arrays, a flat column, typed arrays, and is row-major', () => {
    const m = DenseMatrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.get(1, 2)).toBe(6);
    expect(Array.from(m.row(1))).toEqual([4, 5, 6]);
    expect(m.toArrays()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const column = DenseMatrix.from([1, 2, 3]);
    expect([column.rows, column.cols]).toEqual([3, 1]);
    const typed = DenseMatrix.from([Float64Array.of(1, 2), Float64Array.of(3, 4)]);
    expect(typed.get(1, 0)).toBe(3);
    expect(DenseMatrix.from(m)).toBe(m);
    expect(DenseMatrix.from([]).rows).toBe(0);
  });

  it('rejects ragged rows naming the row, and non-numbers naming row and column', () => {
    const ragged = thrown(() => DenseMatrix.from([[1, 2], [3, 4], [5]]));
    expect(ragged.message).toMatch(/Row 2 has 1 values but row 0 has 2/);
    expect(ragged.details['row']).toBe(2);
    expect(ragged.remedy).toMatch(/same number of columns/);
    const bad = thrown(() => DenseMatrix.from([[1, 2], [3, '4' as unknown as number]]));
    expect(bad.message).toMatch(/row 1, column 1/);
    expect(thrown(() => new DenseMatrix(new Float64Array(5), 2, 3)).message).toMatch(/5 values but the shape 2×3 needs 6/);
    expect(thrown(() => new DenseMatrix(new Float64Array(0), -1, 0)).message).toMatch(/non-negative integers/);
  });

  it.each([
    [Number.NaN, {}, /data\[1\]\[2\] = NaN is NaN/],
    [Infinity, {}, /data\[1\]\[2\] = Infinity is infinite/],
    [-Infinity, { allowNaN: true }, /is infinite/],
    [-3, { nonNegative: true }, /data\[1\]\[2\] = -3 is negative/],
    [2.5, { integer: true }, /data\[1\]\[2\] = 2.5 is not an integer/],
  ] as const)('validate names row and column: %s', (bad, options, pattern) => {
    const m = DenseMatrix.from([
      [0, 1, 2],
      [3, 4, bad],
    ]);
    const error = thrown(() => m.validate(options));
    expect(error.message).toMatch(pattern);
    expect(error.details['row']).toBe(1);
    expect(error.details['column']).toBe(2);
    expect(error.remedy.length).toBeGreaterThan(10);
  });

  it('validate accepts NaN when allowed and uses the given name', () => {
    const m = DenseMatrix.from([[Number.NaN, 1]]);
    expect(m.validate({ allowNaN: true })).toBe(m);
    expect(() => m.validate({ name: 'observations' })).toThrow(/observations\[0\]\[0\]/);
    expect(DenseMatrix.from([[0, 3]]).validate({ nonNegative: true, integer: true })).toBeInstanceOf(DenseMatrix);
  });

  it('sliceRows is a view sharing storage', () => {
    const m = DenseMatrix.from([[1, 2], [3, 4], [5, 6]]);
    const view = m.sliceRows(1, 3);
    expect(view.toArrays()).toEqual([[3, 4], [5, 6]]);
    view.data[0] = 30;
    expect(m.get(1, 0)).toBe(30);
    expect(view.data.buffer).toBe(m.data.buffer);
    expect(m.sliceRows(2, 2).rows).toBe(0);
  });

  it('sliceRows rejects ranges outside the matrix (typed-array views would clamp silently)', () => {
    const m = DenseMatrix.from([[1], [2], [3]]);
    expect(() => m.sliceRows(1, 4)).toThrow(/Rows \[1, 4\) are not a valid range of a 3-row matrix/);
    expect(() => m.sliceRows(2, 1)).toThrow(InvalidDataError);
    expect(() => m.sliceRows(-1, 1)).toThrow(InvalidDataError);
    const csr = CsrMatrix.fromDense([[1], [0], [2]]);
    expect(() => csr.sliceRows(1, 10)).toThrow(/not a valid range of a 3-row matrix/);
    expect(() => new Sequences(m, [1, 2]).slice(1, 3)).toThrow(/not a valid non-empty range of 2 sequences/);
  });

  it('toShared copies onto a SharedArrayBuffer with the same values', () => {
    const m = DenseMatrix.from([[1, 2]]);
    const shared = m.toShared();
    expect(shared.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.toArrays()).toEqual(m.toArrays());
    expect(shared.toShared()).toBe(shared);
  });
});

describe('CsrMatrix', () => {
  it('CSR ↔ dense round-trips for arbitrary matrices', () => {
    fc.assert(
      fc.property(matrix, (rows) => {
        if (rows.length === 0) return;
        const dense = DenseMatrix.from(rows);
        const csr = CsrMatrix.fromDense(rows);
        expect(csr.toDense().toArrays()).toEqual(dense.toArrays());
        expect(csr.nonZeros).toBe(Array.from(dense.data).filter((v) => v !== 0).length);
        for (let i = 0; i < dense.rows; i++) expect(csr.rowSum(i)).toBe(rows[i]!.reduce((s, v) => s + v, 0));
      }),
    );
  });

  it('sliceRows is a view with absolute offsets that agrees with the dense slice', () => {
    fc.assert(
      fc.property(matrix, fc.nat(), fc.nat(), (rows, x, y) => {
        if (rows.length === 0) return;
        const start = x % rows.length;
        const end = start + (y % (rows.length - start + 1));
        const csr = CsrMatrix.fromDense(rows);
        const slice = csr.sliceRows(start, end);
        expect(slice.rows).toBe(end - start);
        expect(slice.values).toBe(csr.values);
        expect(slice.toDense().toArrays()).toEqual(DenseMatrix.from(rows).sliceRows(start, end).toArrays());
        expect(slice.validate()).toBe(slice);
      }),
    );
  });

  it('fromTriplets sums duplicates, sorts columns, and equals the dense accumulation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 9 })), { maxLength: 30 }),
        (rows, cols, raw) => {
          const triplets = raw.map(([r, c, v]) => [r % rows, c % cols, v] as const);
          const csr = CsrMatrix.fromTriplets(rows, cols, triplets.map((t) => t[0]), triplets.map((t) => t[1]), triplets.map((t) => t[2]));
          const expected = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
          for (const [r, c, v] of triplets) expected[r]![c]! += v;
          expect(csr.toDense().toArrays()).toEqual(expected);
          for (let i = 0; i < rows; i++) {
            const columns = Array.from(csr.indices.subarray(csr.indptr[i], csr.indptr[i + 1]));
            expect(columns).toEqual([...new Set(columns)].sort((a, b) => a - b));
          }
        },
      ),
    );
    const merged = CsrMatrix.fromTriplets(2, 3, [1, 0, 1], [2, 1, 2], [4, 1, 5]);
    expect(merged.nonZeros).toBe(2);
    expect(merged.toDense().toArrays()).toEqual([[0, 1, 0], [0, 0, 9]]);
  });

  it('fromTriplets rejects an out-of-range entry naming it', () => {
    const error = thrown(() => CsrMatrix.fromTriplets(2, 2, [0, 2], [0, 0], [1, 1]));
    expect(error.message).toMatch(/Entry 1 at \(2, 0\) lies outside the 2×2 shape/);
    expect(error.details['entry']).toBe(1);
    expect(() => CsrMatrix.fromTriplets(2, 2, [0], [-1], [1])).toThrow(InvalidDataError);
    expect(() => CsrMatrix.fromTriplets(2, 2, [0.5], [0], [1])).toThrow(InvalidDataError);
  });

  it('validate names row and column of bad values and broken structure', () => {
    const negative = CsrMatrix.fromTriplets(3, 4, [0, 2], [1, 3], [2, -1]);
    expect(thrown(() => negative.validate({ nonNegative: true })).message).toMatch(/data\[2\]\[3\] = -1 is negative/);
    const fractional = CsrMatrix.fromTriplets(3, 4, [1], [2], [0.5]);
    const error = thrown(() => fractional.validate({ integer: true, name: 'counts' }));
    expect(error.message).toMatch(/counts\[1\]\[2\] = 0.5 is not an integer/);
    expect(error.details).toMatchObject({ row: 1, column: 2 });
    const infinite = new CsrMatrix(Int32Array.of(0, 1), Int32Array.of(0), Float64Array.of(Infinity), 2);
    expect(thrown(() => infinite.validate()).message).toMatch(/data\[0\]\[0\] = Infinity is not finite/);
    const badColumn = new CsrMatrix(Int32Array.of(0, 1), Int32Array.of(5), Float64Array.of(1), 2);
    expect(thrown(() => badColumn.validate()).message).toMatch(/column index 5 is outside \[0, 2\)/);
    const badPointer = new CsrMatrix(Int32Array.of(0, 2, 1), Int32Array.of(0, 1), Float64Array.of(1, 1), 2);
    expect(thrown(() => badPointer.validate()).message).toMatch(/not non-decreasing at row 1/);
    expect(() => new CsrMatrix(Int32Array.of(0, 1), Int32Array.of(0, 1), Float64Array.of(1), 2)).toThrow(InvalidDataError);
  });

  it('toShared keeps the values', () => {
    const csr = CsrMatrix.fromDense([[0, 2], [3, 0]]);
    const shared = csr.toShared();
    expect(shared.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.toDense().toArrays()).toEqual(csr.toDense().toArrays());
  });
});

describe('Sequences', () => {
  const rowsOf = (n: number) => DenseMatrix.fromArray(Float64Array.from({ length: n }, (_, i) => i), n, 1);

  it('defaults to one sequence and exposes offsets and views', () => {
    const one = new Sequences(rowsOf(4));
    expect(one.count).toBe(1);
    expect(Array.from(one.offsets)).toEqual([0, 4]);
    const s = new Sequences(rowsOf(6), [2, 3, 1]);
    expect(Array.from(s.offsets)).toEqual([0, 2, 5, 6]);
    expect(Array.from(s.sequence(1).data)).toEqual([2, 3, 4]);
    const slice = s.slice(1, 3);
    expect(Array.from(slice.lengths)).toEqual([3, 1]);
    expect(Array.from(slice.observations.data)).toEqual([2, 3, 4, 5]);
  });

  it('rejects bad lengths naming the sequence, and a total that does not match the rows', () => {
    expect(thrown(() => new Sequences(rowsOf(3), [1, 0, 2])).message).toMatch(/Sequence 1 has length 0/);
    expect(thrown(() => new Sequences(rowsOf(3), [1.5, 1.5])).details['sequence']).toBe(0);
    expect(thrown(() => new Sequences(rowsOf(3), [])).message).toMatch(/No sequences/);
    const total = thrown(() => new Sequences(rowsOf(3), [1, 1]));
    expect(total.message).toMatch(/sum to 2 but there are 3 observations/);
  });

  it('split gives min(parts, count) groups of whole sequences, in order, covering everything', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (lengths, parts) => {
        const total = lengths.reduce((s, v) => s + v, 0);
        const s = new Sequences(rowsOf(total), lengths);
        const groups = s.split(parts);
        expect(groups.length).toBe(Math.min(parts, lengths.length));
        // Balance: no group is longer than an equal share plus one sequence.
        const longest = Math.max(...lengths);
        for (const g of groups) expect(g.totalLength).toBeLessThanOrEqual(total / groups.length + longest);
        expect(groups.flatMap((g) => Array.from(g.lengths))).toEqual(lengths);
        expect(groups.flatMap((g) => Array.from(g.observations.data))).toEqual(Array.from(s.observations.data));
      }),
    );
  });
});

describe('Sequences.split balance (regression: groups were lost when one sequence was long)', () => {
  const rowsOf = (n: number) => DenseMatrix.fromArray(new Float64Array(n), n, 1);
  it('keeps a long sequence in its own group', () => {
    const lengths = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100];
    const groups = new Sequences(rowsOf(110), lengths).split(2);
    expect(groups.map((g) => g.totalLength)).toEqual([10, 100]);
  });
  it('spreads equal sequences evenly', () => {
    const groups = new Sequences(rowsOf(10), new Array<number>(10).fill(1)).split(3);
    const sizes = groups.map((g) => g.count);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });
});

describe('splitRange', () => {
  it('covers [0, n) with at most `parts` non-empty contiguous ranges of near-equal size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 50 }), (n, parts) => {
        const ranges = splitRange(n, parts);
        expect(ranges.length).toBe(Math.min(parts, n));
        let next = 0;
        const sizes = ranges.map(([start, end]) => {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          next = end;
          return end - start;
        });
        expect(next).toBe(n);
        if (sizes.length > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
