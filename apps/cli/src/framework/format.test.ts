import { describe, expect, it } from 'vitest';
import { formatMatrix, formatNumber, formatTable, toJsonText } from './format.js';

describe('format', () => {
  it('formats numbers compactly with full precision kept for JSON', () => {
    expect(formatNumber(0.356103456)).toBe('0.356103');
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(-1130.2658478, 10)).toBe('-1130.265848');
    expect(formatNumber(1.5e-7)).toBe('1.5e-7');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('aligns matrices and tables', () => {
    expect(formatMatrix([[1, 22], [333, 4]], '  ')).toEqual(['  [  1   22]', '  [333    4]']);
    expect(formatTable(['K', 'BIC'], [['1', '10.5'], ['12', '3']])).toEqual(['K    BIC', '1   10.5', '12     3']);
  });

  it('writes typed arrays as arrays and non-finite numbers as null', () => {
    expect(toJsonText({ a: new Float64Array([1, 2.5]), b: Number.NaN, c: Number.POSITIVE_INFINITY, d: 0.1 })).toBe('{"a":[1,2.5],"b":null,"c":null,"d":0.1}');
  });
});
