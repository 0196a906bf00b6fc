import type { CsrMatrix, DataSource } from '@em/core';
import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openMatrixMarketSource, parseMatrixMarket } from '../src/matrix-market.js';
import { chunkedInput } from './helpers.js';

const banner = '%%MatrixMarket matrix coordinate integer general\n';

/** One pass as dense rows, with the blocks' first rows and sizes. */
async function dense(source: DataSource<CsrMatrix>, blockRows?: number): Promise<{ rows: number[][]; firstRows: number[]; sizes: number[] }> {
  const rows: number[][] = [];
  const firstRows: number[] = [];
  const sizes: number[] = [];
  for await (const block of source.pass(blockRows === undefined ? {} : { blockRows })) {
    firstRows.push(block.firstRow);
    sizes.push(block.data.rows);
    rows.push(...block.data.toDense().toArrays());
  }
  return { rows, firstRows, sizes };
}

describe('openMatrixMarketSource', () => {
  const text = `${banner}% a comment\n5 3 6\n1 1 2\n1 3 1\n2 2 4\n4 1 1\n4 1 2\n5 3 7\n`;

  it('streams CSR row blocks equal to parseMatrixMarket, empty rows and duplicates included, at every chunk and block size', async () => {
    const whole = parseMatrixMarket(text, 'x.mtx').toDense().toArrays();
    for (const chunk of [1, 4, 100]) {
      const source = await openMatrixMarketSource(chunkedInput(text, 'x.mtx', chunk));
      expect(source.rows).toBe(5);
      expect(source.columns).toBe(3);
      expect(source.entries).toBe(6);
      for (const blockRows of [1, 2, 5, 50]) {
        const read = await dense(source, blockRows);
        expect(read.rows).toEqual(whole);
        expect(Math.max(...read.sizes)).toBeLessThanOrEqual(blockRows);
        expect(read.firstRows[0]).toBe(0);
      }
      await source.close();
    }
  });

  it('reads pattern files, and keeps the whole reader checks of banner, size line and entries', async () => {
    const pattern = await openMatrixMarketSource(chunkedInput('%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n', 'p.mtx'));
    expect((await dense(pattern)).rows).toEqual([
      [0, 1],
      [1, 0],
    ]);
    await expect(openMatrixMarketSource(chunkedInput('1 2 3\n', 'n.mtx'))).rejects.toThrowError(/n\.mtx, line 1: expected the banner/);
    await expect(openMatrixMarketSource(chunkedInput(`${banner}0x10 2 1\n1 1 1\n`, 'hex.mtx'))).rejects.toThrowError(/hex\.mtx, line 2: expected "rows columns entries"/);
    await expect(openMatrixMarketSource(chunkedInput(`${banner}1000000000 1000000000 1000000000\n1 1 1\n`, 'entries.mtx'))).rejects.toThrowError(/declares 1000000000 entries but the \d+-byte file can hold at most/);
    const head = `${banner}2 2 2\n`;
    const outside = await openMatrixMarketSource(chunkedInput(`${head}1 1 1\n3 1 1\n`, 'o.mtx'));
    await expect(dense(outside)).rejects.toThrowError(/o\.mtx, line 4: entry \(3, 1\) lies outside the declared 2×2 shape/);
    const notInteger = await openMatrixMarketSource(chunkedInput(`${head}1 1 1.5\n2 2 1\n`, 'i.mtx'));
    await expect(dense(notInteger)).rejects.toThrowError(/line 3: value 1\.5 is not an integer/);
    const extra = await openMatrixMarketSource(chunkedInput(`${head}1 1 1\n2 2 1\n1 2 1\n`, 'm.mtx'));
    await expect(dense(extra)).rejects.toThrowError(/m\.mtx, line 5: more entries than the 2 declared/);
  });

  it('names a file cut short (fewer entries than declared) after handing out the blocks before it', async () => {
    const cut = text.slice(0, text.indexOf('4 1 2'));
    const source = await openMatrixMarketSource(chunkedInput(cut, 'cut.mtx', 3));
    const firstRows: number[] = [];
    const error = await (async () => {
      for await (const block of source.pass({ blockRows: 1 })) firstRows.push(block.firstRow);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/cut\.mtx: found 4 entries but the size line declares 6 \(the file ends at line 7\)/);
    expect(firstRows).toEqual([0, 1, 2]);
  });

  it('refuses entries out of row order across blocks, naming the line; within a block any order is read', async () => {
    const columnMajor = `${banner}3 2 3\n1 1 1\n3 1 1\n2 2 1\n`;
    const source = await openMatrixMarketSource(chunkedInput(columnMajor, 'r.mtx'));
    expect((await dense(source, 3)).rows).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    await expect(dense(source, 1)).rejects.toThrowError(/r\.mtx, line 5: entry \(2, 2\) comes after rows 2 and later were read — the entries are not in row order/);
  });

  it('bounds a block by the memory budget as it grows', async () => {
    const rows = 3000;
    const lines = Array.from({ length: rows * 20 }, (_, t) => `${1 + Math.floor(t / 20)} ${1 + (t % 20)} 1`).join('\n');
    const big = `${banner}${rows} 20 ${rows * 20}\n${lines}\n`;
    const source = await openMatrixMarketSource(chunkedInput(big, 'big.mtx', 65536), { memoryBudget: 1024 * 1024 });
    let total = 0;
    let largest = 0;
    for await (const block of source.pass({ blockRows: 100 })) {
      total += block.data.values.length;
      largest = Math.max(largest, block.data.values.length);
    }
    expect(total).toBe(rows * 20);
    expect(largest).toBe(2000);
    await expect(dense(source, rows)).rejects.toThrowError(/entries of one 3000-row block of big\.mtx .* more than the memory budget/);
  });
});
