import { FormatError, InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openCsvSource, parseCsvText } from '../src/csv.js';
import { chunkedInput, collect, endlessInput } from './helpers.js';

const IRIS_LIKE = '"a","b","Species"\r\n1,2,"setosa"\r\n\r\n3,4.5,"virginica"\r\n-1e3,0,"x"\r\n';

describe('openCsvSource', () => {
  it('streams the same matrix as parseCsvText, at every chunk size and block size', async () => {
    const table = parseCsvText(IRIS_LIKE, { name: 'iris.csv' });
    for (const chunk of [1, 2, 3, 5, 64]) {
      for (const blockRows of [1, 2, 10]) {
        const source = await openCsvSource(chunkedInput(IRIS_LIKE, 'iris.csv', chunk));
        expect(source.columns).toBe(2);
        expect(source.columnNames).toEqual(['a', 'b']);
        expect(source.skippedColumns).toEqual(['Species']);
        const { values, rows, largestBlock, firstRows } = await collect(source, blockRows);
        expect(values).toEqual(Array.from(table.matrix.data));
        expect(rows).toBe(3);
        expect(largestBlock).toBeLessThanOrEqual(blockRows);
        expect(firstRows[0]).toBe(0);
        // A second pass reads the same rows.
        expect((await collect(source, blockRows)).values).toEqual(values);
        await source.close();
      }
    }
  });

  it('keeps the first row of a file without a header, and reads multi-byte UTF-8 names split across chunks', async () => {
    const source = await openCsvSource(chunkedInput('1,2\n3,4\n', 'plain.csv', 1));
    expect(source.columnNames).toBeUndefined();
    expect((await collect(source)).values).toEqual([1, 2, 3, 4]);
    const named = await openCsvSource(chunkedInput('\uFEFFlängd,größe\n1,2\n', 'utf8.csv', 1));
    expect(named.columnNames).toEqual(['längd', 'größe']);
  });

  it('selects columns, reads TSV by name, and reports bytes and rows per block', async () => {
    const source = await openCsvSource(chunkedInput('x\ty\tz\n1\t2\t3\n4\t5\t6\n', 'x.tsv'), { columns: 'z,x' });
    const blocks = [];
    for await (const block of source.pass({ blockRows: 1 })) blocks.push({ rows: block.data.toArrays(), firstRow: block.firstRow, bytesRead: block.bytesRead });
    expect(blocks.map((block) => block.rows)).toEqual([[[3, 1]], [[6, 4]]]);
    expect(blocks.map((block) => block.firstRow)).toEqual([0, 1]);
    expect(blocks.at(-1)?.bytesRead).toBe(source.bytes);
  });

  it('names the line of a changed column count and of a non-number, and the line of an unclosed quote', async () => {
    const ragged = await openCsvSource(chunkedInput(`a,b\n${'1,2\n'.repeat(100)}3\n`, 'bad.csv', 5));
    await expect(collect(ragged, 7)).rejects.toThrowError(InvalidDataError);
    await expect(collect(ragged, 7)).rejects.toThrowError(/bad\.csv, line 102: found 1 fields, expected 2/);
    const text = await openCsvSource(chunkedInput('a,b\n1,2\n3,x\n', 'bad.csv'));
    await expect(collect(text)).rejects.toThrowError(/bad\.csv, line 3, column "b" \(index 1\): "x" is not a number/);
    const quote = await openCsvSource(chunkedInput('a,b\n1,2\n"3,4\n', 'q.csv'));
    await expect(collect(quote)).rejects.toThrowError(/q\.csv, line 3: a quoted field is not closed/);
  });

  it('counts a blank line that ends a stream chunk (regression: the line numbers after it were one short)', async () => {
    // The first 9-byte chunk is "a,b\n1,2\n\n": it ends with the blank line 3.
    const source = await openCsvSource(chunkedInput('a,b\n1,2\n\n3\n', 'blank.csv', 9));
    await expect(collect(source)).rejects.toThrowError(/blank\.csv, line 4: found 1 fields, expected 2/);
  });

  it('refuses an empty input, a header without rows, hexadecimal literals and unknown columns when opening', async () => {
    await expect(openCsvSource(chunkedInput('\n\n', 'e.csv'))).rejects.toThrowError(/e\.csv is empty/);
    await expect(openCsvSource(chunkedInput('a,b\n', 'h.csv'))).rejects.toThrowError(/h\.csv has a header but no data rows/);
    await expect(openCsvSource(chunkedInput('0x10,0b11\n1,2\n', 'first.csv'))).rejects.toThrowError(/first\.csv, line 1, column 0: "0x10" is a hexadecimal/);
    await expect(openCsvSource(chunkedInput('a,b\n1,2\n', 'c.csv'), { columns: 'c' })).rejects.toThrowError(/c\.csv has no column "c"/);
    const later = await openCsvSource(chunkedInput('1,2\n0x10,3\n', 'hex.csv'));
    await expect(collect(later)).rejects.toThrowError(/hex\.csv, line 2, column 0: "0x10" is not a number/);
  });

  it('refuses an endless stream of NUL bytes (/dev/zero) at once, and a line past the limit without reading on', async () => {
    const zero = endlessInput(0, 'zero');
    const error = await openCsvSource(zero).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/zero, line 1: a NUL byte/);
    expect(zero.delivered()).toBeLessThanOrEqual(2 * 65536);
    const ones = endlessInput(0x31, 'ones');
    await expect(openCsvSource(ones, { maxLineLength: 1000 })).rejects.toThrowError(/ones, line 1: the line is longer than 1000 characters/);
    // The stream reads one chunk ahead.
    expect(ones.delivered()).toBeLessThanOrEqual(2 * 65536);
    const late = await openCsvSource(chunkedInput(`1,2\n3,4\n${'5'.repeat(2000)}\n`, 'long.csv', 100), { maxLineLength: 1000 });
    await expect(collect(late)).rejects.toThrowError(/long\.csv, line 3: the line is longer than 1000 characters/);
  });

  it('checks the block against the memory budget, and a pipe allows one pass', async () => {
    await expect(openCsvSource(chunkedInput('1,2\n', 'x.csv'), { memoryBudget: 1024 * 1024, blockRows: 1e6 })).rejects.toThrowError(/A block of 1000000 × 2 values of x\.csv .* more than the memory budget/);
    const pipe = await openCsvSource(chunkedInput('a\n1\n2\n', 'stdin', 1, false));
    expect((await collect(pipe)).values).toEqual([1, 2]);
    await expect(collect(pipe)).rejects.toThrowError(/can be read only once/);
  });
});
