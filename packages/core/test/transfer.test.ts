import { describe, expect, it } from 'vitest';
import { prepareTransfer } from '../src/executor/transfer.js';
import { DenseMatrix } from '../src/index.js';

describe('prepareTransfer (what a task message copies)', () => {
  it('trims a view on part of an ordinary ArrayBuffer to its own rows (postMessage would clone the whole buffer)', () => {
    const whole = DenseMatrix.fromArray(Float64Array.from({ length: 1000 }, (_, i) => i), 500, 2);
    const rows = whole.sliceRows(10, 20);
    const { value, copiedBytes } = prepareTransfer({ observations: rows });
    const sent = (value as { observations: { data: Float64Array; rows: number; cols: number } }).observations;
    expect(copiedBytes).toBe(10 * 2 * 8);
    expect(sent.data.buffer.byteLength).toBe(10 * 2 * 8);
    expect(Array.from(sent.data)).toEqual(Array.from(rows.data));
    expect([sent.rows, sent.cols]).toEqual([10, 2]);
    // The caller's data is untouched.
    expect(rows.data.buffer).toBe(whole.data.buffer);
  });

  it('leaves views on a SharedArrayBuffer alone and counts them as free', () => {
    const shared = DenseMatrix.fromArray(Float64Array.from({ length: 1000 }, (_, i) => i), 500, 2).toShared();
    const chunk = { observations: shared.sliceRows(0, 100) };
    const { value, copiedBytes } = prepareTransfer(chunk);
    expect(value).toBe(chunk);
    expect(copiedBytes).toBe(0);
  });

  it('counts a whole buffer once even when several views of it are sent, and returns the value itself when nothing is trimmed', () => {
    const buffer = new ArrayBuffer(64);
    const parameters = { a: new Float64Array(buffer), nested: [{ b: new Float64Array(buffer) }], label: 'x', count: 3 };
    const { value, copiedBytes } = prepareTransfer(parameters);
    expect(value).toBe(parameters);
    expect(copiedBytes).toBe(64);
  });
});
