import { FormatError, InvalidDataError, MemoryBudgetError } from '@em/core';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { openArrowSource } from '../src/arrow.js';
import { openParquetSource } from '../src/parquet.js';
import { chunkedInput, collect } from './helpers.js';

const N = 10;
const x = Float64Array.from({ length: N }, (_, i) => i / 4 - 1);
const y = Int32Array.from({ length: N }, (_, i) => 100 - i);
const big = BigInt64Array.from({ length: N }, (_, i) => BigInt(i) * 1000n);
const label = Array.from({ length: N }, (_, i) => `row${i}`);
/** x, y, n row by row. */
const expected = Array.from({ length: N }, (_, i) => [x[i] as number, y[i] as number, i * 1000]).flat();

function parquetFile(rowGroupSize = 4): Uint8Array {
  const buffer = parquetWriteBuffer({
    rowGroupSize,
    columnData: [
      { name: 'x', data: x, type: 'DOUBLE' },
      { name: 'y', data: y, type: 'INT32' },
      { name: 'n', data: big, type: 'INT64' },
      { name: 'label', data: label, type: 'STRING' },
    ],
  });
  return new Uint8Array(buffer);
}

describe('openParquetSource', () => {
  it('reads the selected numeric columns row group by row group, in blocks of at most blockRows rows', async () => {
    const source = await openParquetSource(chunkedInput(parquetFile(), 'x.parquet'), { columns: 'x,y,n' });
    expect(source.rows).toBe(N);
    expect(source.rowGroups).toBe(3);
    expect(source.columnNames).toEqual(['x', 'y', 'n']);
    for (const blockRows of [1, 3, 100]) {
      const read = await collect(source, blockRows);
      expect(read.values).toEqual(expected);
      expect(read.largestBlock).toBeLessThanOrEqual(Math.min(blockRows, 4));
      expect(read.firstRows[0]).toBe(0);
    }
    await source.close();
  });

  it('refuses a text column unless the selection leaves it out, naming it', async () => {
    await expect(openParquetSource(chunkedInput(parquetFile(), 'x.parquet'))).rejects.toThrowError(InvalidDataError);
    await expect(openParquetSource(chunkedInput(parquetFile(), 'x.parquet'))).rejects.toThrowError(/x\.parquet: column "label" \(index 3\) is of type BYTE_ARRAY \(text\), not numbers/);
  });

  it('reads nulls as missing values', async () => {
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'v', data: [1.5, null, 3], type: 'DOUBLE' }] });
    const source = await openParquetSource(chunkedInput(new Uint8Array(buffer), 'null.parquet'));
    expect((await collect(source)).values).toEqual([1.5, Number.NaN, 3]);
  });

  it('refuses a file cut short, and one that is not Parquet, with a FormatError', async () => {
    const bytes = parquetFile();
    await expect(openParquetSource(chunkedInput(bytes.subarray(0, bytes.length - 100), 'cut.parquet'))).rejects.toThrowError(FormatError);
    await expect(openParquetSource(chunkedInput(bytes.subarray(0, bytes.length - 100), 'cut.parquet'))).rejects.toThrowError(/cut\.parquet: not a complete Parquet file \(it does not end with "PAR1"\)/);
    await expect(openParquetSource(chunkedInput('a,b\n1,2\n', 'text.parquet'))).rejects.toThrowError(/text\.parquet: not a complete Parquet file/);
    // The footer intact but the row groups cut out: reading a row group fails with the rows it holds.
    const footerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    const hollow = new Uint8Array(bytes.length);
    hollow.set(bytes.subarray(0, 4));
    hollow.set(bytes.subarray(bytes.length - 8 - footerLength), bytes.length - 8 - footerLength);
    const source = await openParquetSource(chunkedInput(hollow, 'hollow.parquet'), { columns: 'x' });
    await expect(collect(source)).rejects.toThrowError(/hollow\.parquet, row group 0 \(rows 0\.\.3\): cannot be decoded/);
  });

  it('checks the largest row group against the memory budget before reading any', async () => {
    const rows = 70_000;
    const buffer = parquetWriteBuffer({ rowGroupSize: rows, columnData: [{ name: 'v', data: new Float64Array(rows), type: 'DOUBLE' }] });
    await expect(openParquetSource(chunkedInput(new Uint8Array(buffer), 'wide.parquet'), { memoryBudget: 1024 * 1024 })).rejects.toThrowError(MemoryBudgetError);
    await expect(openParquetSource(chunkedInput(new Uint8Array(buffer), 'wide.parquet'), { memoryBudget: 1024 * 1024 })).rejects.toThrowError(/Row group 0 of wide\.parquet \(70000 rows × 1 columns, decoded\)/);
  });
});

describe('openArrowSource', () => {
  const table = tableFromArrays({ x, y, n: big, label });

  it('reads IPC files and streams record batch by record batch, equal to the columns written', async () => {
    const batched = table.slice(0, 4).concat(table.slice(4, 7), table.slice(7));
    for (const format of ['file', 'stream'] as const) {
      const bytes = tableToIPC(batched, format);
      const source = await openArrowSource(chunkedInput(bytes, `x.${format === 'file' ? 'arrow' : 'arrows'}`, 50), { columns: 'x,y,n' });
      expect(source.columnNames).toEqual(['x', 'y', 'n']);
      let lastBytes = 0;
      for await (const block of source.pass()) lastBytes = block.bytesRead ?? 0;
      expect(lastBytes).toBeGreaterThan(0);
      expect(lastBytes).toBeLessThanOrEqual(bytes.length);
      for (const blockRows of [1, 2, 100]) {
        const read = await collect(source, blockRows);
        expect(read.values).toEqual(expected);
        expect(read.largestBlock).toBeLessThanOrEqual(Math.min(blockRows, 4));
      }
      await source.close();
    }
  });

  it('reads an IPC file whole from an input without a file handle only within the budget, and refuses one from a pipe', async () => {
    const bytes = tableToIPC(table.slice(0, 4).concat(table.slice(4)), 'file');
    await expect(openArrowSource(chunkedInput(bytes, 'x.arrow'), { columns: 'x', memoryBudget: 2 ** 20 })).resolves.toBeDefined();
    const large = tableToIPC(tableFromArrays({ v: new Float64Array(70_000) }), 'file');
    await expect(openArrowSource(chunkedInput(large, 'large.arrow'), { memoryBudget: 2 ** 20 })).rejects.toThrowError(/The Arrow IPC file large\.arrow, which is read whole here .* more than the memory budget/);
    const { read: _read, ...pipe } = chunkedInput(bytes, 'pipe.arrow', 64, false);
    await expect(openArrowSource(pipe, { columns: 'x' })).rejects.toThrowError(/pipe\.arrow: an Arrow IPC file \(not stream\) cannot be read from a pipe/);
    // The stream format is read from a pipe, a record batch at a time.
    const { read: _streamRead, ...streamPipe } = chunkedInput(tableToIPC(table, 'stream'), 'pipe.arrows', 64, false);
    expect((await collect(await openArrowSource(streamPipe, { columns: 'x,y,n' }))).values).toEqual(expected);
  });

  it('refuses a text column unless left out, reads nulls as NaN, and refuses a file cut short', async () => {
    const bytes = tableToIPC(table, 'file');
    await expect(openArrowSource(chunkedInput(bytes, 'x.arrow'))).rejects.toThrowError(/x\.arrow: column "label" \(index 3\) is of type Dictionary<Int32, Utf8>, not numbers/);
    const withNull = tableToIPC(tableFromArrays({ v: [1.5, null, 3] as unknown as Float64Array }), 'stream');
    expect((await collect(await openArrowSource(chunkedInput(withNull, 'null.arrows')))).values).toEqual([1.5, Number.NaN, 3]);
    for (const format of ['file', 'stream'] as const) {
      const whole = tableToIPC(table, format);
      await expect(openArrowSource(chunkedInput(whole.subarray(0, whole.length - 40), 'cut.arrow'), { columns: 'x' })).rejects.toThrowError(/cut\.arrow: not a complete Arrow IPC file or stream/);
    }
  });
});
