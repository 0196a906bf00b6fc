import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accumulateInto,
  addScaled,
  addStatistics,
  cloneStatistics,
  isFiniteStatistics,
  maxAbsDifference,
  maxAbsValue,
  scaleStatistics,
  statisticsFromJSON,
  statisticsToJSON,
  zeroLike,
  type Statistics,
} from '../src/index.js';

const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

/** A nested statistics shape and two trees of that shape. */
type Shape = { kind: 'number' } | { kind: 'f64'; length: number } | { kind: 'array'; items: Shape[] } | { kind: 'record'; entries: Array<[string, Shape]> };

const shape: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    fc.constant<Shape>({ kind: 'number' }),
    fc.integer({ min: 0, max: 5 }).map<Shape>((length) => ({ kind: 'f64', length })),
    fc.array(tie('shape'), { maxLength: 3 }).map<Shape>((items) => ({ kind: 'array', items })),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'mass', 'sum', 'x'), tie('shape')), { maxLength: 3, selector: ([k]) => k })
      .map<Shape>((entries) => ({ kind: 'record', entries })),
  ),
})).shape;

function fill(s: Shape, next: () => number): Statistics {
  switch (s.kind) {
    case 'number':
      return next();
    case 'f64':
      return Float64Array.from({ length: s.length }, next);
    case 'array':
      return s.items.map((item) => fill(item, next));
    case 'record':
      return Object.fromEntries(s.entries.map(([k, item]) => [k, fill(item, next)]));
  }
}

/** Shape plus n trees of that shape. */
const trees = (n: number) =>
  shape.chain((s) => fc.array(value, { minLength: 64, maxLength: 64 }).map((pool) => {
    let i = 0;
    const next = () => pool[i++ % pool.length] as number;
    return Array.from({ length: n }, () => fill(s, next));
  }));

function leaves(s: Statistics): number {
  return maxAbsValue(s);
}

describe('statistics algebra on nested trees', () => {
  it('add is commutative and associative; zeroLike is its identity; scale(−1) its inverse', () => {
    fc.assert(
      fc.property(trees(3), ([a, b, c]) => {
        const scale = 1 + leaves(a as Statistics) + leaves(b as Statistics) + leaves(c as Statistics);
        const sa = a as Statistics;
        const sb = b as Statistics;
        const sc = c as Statistics;
        expect(maxAbsDifference(addStatistics(sa, sb), addStatistics(sb, sa))).toBe(0);
        expect(maxAbsDifference(addStatistics(addStatistics(sa, sb), sc), addStatistics(sa, addStatistics(sb, sc)))).toBeLessThanOrEqual(1e-12 * scale);
        expect(maxAbsDifference(addStatistics(sa, zeroLike(sa)), sa)).toBe(0);
        expect(maxAbsValue(addStatistics(sa, scaleStatistics(sa, -1)))).toBe(0);
        expect(maxAbsValue(addScaled(sa, sa, -1))).toBe(0);
        expect(maxAbsDifference(addScaled(sa, sb, 2.5), addStatistics(sa, scaleStatistics(sb, 2.5)))).toBeLessThanOrEqual(1e-12 * scale);
      }),
    );
  });

  it('returns new values and leaves inputs untouched', () => {
    fc.assert(
      fc.property(trees(2), ([a, b]) => {
        const sa = a as Statistics;
        const before = cloneStatistics(sa);
        const sum = addStatistics(sa, b as Statistics);
        scaleStatistics(sa, 3);
        zeroLike(sa);
        expect(maxAbsDifference(sa, before)).toBe(0);
        if (typeof sa === 'object' && typeof sum === 'object') expect(sum).not.toBe(sa);
      }),
    );
  });

  it('accumulateInto adds in place (Float64Array leaves keep their identity) and equals addScaled', () => {
    fc.assert(
      fc.property(trees(2), value, ([a, b], factor) => {
        const expected = addScaled(a as Statistics, b as Statistics, factor);
        const target = cloneStatistics(a as Statistics);
        const result = accumulateInto(target, b as Statistics, factor);
        if (typeof target !== 'number') expect(result).toBe(target);
        expect(maxAbsDifference(result, expected)).toBe(0);
      }),
    );
    const acc = { mass: new Float64Array(2), count: 0 };
    const leaf = acc.mass;
    accumulateInto(acc, { mass: Float64Array.of(1, 2), count: 3 });
    accumulateInto(acc, { mass: Float64Array.of(1, 2), count: 3 }, 2);
    expect(acc.mass).toBe(leaf);
    expect(Array.from(acc.mass)).toEqual([3, 6]);
    expect(acc.count).toBe(9);
  });

  it('cloneStatistics is a deep copy', () => {
    const s = { a: [Float64Array.of(1, 2)], b: 3 };
    const c = cloneStatistics(s);
    (c.a[0] as Float64Array)[0] = 99;
    expect(s.a[0]?.[0]).toBe(1);
    expect(c.b).toBe(3);
  });

  it('round-trips through JSON exactly, keeping Float64Array leaves', () => {
    fc.assert(
      fc.property(trees(1), ([a]) => {
        const text = JSON.stringify(statisticsToJSON(a as Statistics));
        const back = statisticsFromJSON(JSON.parse(text));
        // Same shape (Float64Array stays Float64Array) and same values; JSON writes −0 as 0.
        expect(maxAbsDifference(back, a as Statistics)).toBe(0);
        expect(JSON.stringify(statisticsToJSON(back))).toBe(text);
      }),
    );
    const awkward = { w: Float64Array.of(0.1 + 0.2, 1e-300, 5e-324, -1.7976931348623157e308), n: 1 / 3 };
    const back = statisticsFromJSON(JSON.parse(JSON.stringify(statisticsToJSON(awkward)))) as typeof awkward;
    expect(back.w).toBeInstanceOf(Float64Array);
    expect(Array.from(back.w)).toEqual(Array.from(awkward.w));
    expect(back.n).toBe(1 / 3);
  });

  it('reports finiteness and magnitudes', () => {
    expect(isFiniteStatistics({ a: Float64Array.of(1, 2), b: [3] })).toBe(true);
    expect(isFiniteStatistics({ a: Float64Array.of(1, Number.NaN) })).toBe(false);
    expect(isFiniteStatistics([Infinity])).toBe(false);
    expect(maxAbsValue({ a: Float64Array.of(1, -7), b: [3] })).toBe(7);
    expect(maxAbsDifference(Float64Array.of(1, Number.NaN), Float64Array.of(1, 2))).toBe(Infinity);
  });
});

describe('statistics shape mismatches are errors', () => {
  const cases: Array<[string, Statistics, Statistics]> = [
    ['number vs Float64Array', 1, Float64Array.of(1)],
    ['Float64Array lengths', Float64Array.of(1, 2), Float64Array.of(1)],
    ['Float64Array vs array', Float64Array.of(1), [1]],
    ['array lengths', [1, 2], [1]],
    ['array vs record', [1], { a: 1 }],
    ['record vs number', { a: 1 }, 1],
    ['missing key', { a: 1, b: 2 }, { a: 1 }],
    ['extra key', { a: 1 }, { a: 1, b: 2 }],
    ['nested', { a: [Float64Array.of(1, 2)] }, { a: [Float64Array.of(1)] }],
  ];
  it.each(cases)('%s', (_name, a, b) => {
    expect(() => addStatistics(a, b)).toThrow(/shapes differ/);
    expect(() => addScaled(a, b, -1)).toThrow(/shapes differ/);
    expect(() => accumulateInto(cloneStatistics(a), b)).toThrow(/shapes differ/);
    expect(() => maxAbsDifference(a, b)).toThrow(/shapes differ/);
  });
});
