import type { CsrMatrix, DataSource } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openMatrixMarketSource, parseMatrixMarket } from '../src/matrix-market.js';
import { chunkedInput, generator, propertySeed } from './helpers.js';

/** A small coordinate file with entries in row order (duplicates, comments, blank lines; sometimes a bad line or a wrong count). */
function randomMtx(next: () => number): string {
  const rows = 1 + Math.floor(next() * 8);
  const cols = 1 + Math.floor(next() * 5);
  const entries: string[] = [];
  for (let r = 1; r <= rows; r++) {
    const count = Math.floor(next() * 3);
    for (let k = 0; k < count; k++) entries.push(`${r} ${1 + Math.floor(next() * cols)} ${1 + Math.floor(next() * 9)}`);
    if (next() < 0.1) entries.push(next() < 0.5 ? '% a comment' : '');
  }
  const declared = entries.filter((line) => line !== '' && !line.startsWith('%')).length + (next() < 0.1 ? 1 : 0);
  if (next() < 0.05) entries.push('1 x 1');
  return `%%MatrixMarket matrix coordinate integer general\n% generated\n${rows} ${cols} ${declared}\n${entries.join('\n')}\n`;
}

async function denseRows(source: DataSource<CsrMatrix>, blockRows: number): Promise<number[][]> {
  const rows: number[][] = [];
  for await (const block of source.pass({ blockRows })) rows.push(...block.data.toDense().toArrays());
  return rows;
}

describe('openMatrixMarketSource against parseMatrixMarket (property)', () => {
  it('streams the same matrix for any chunking and block size, and refuses what the whole reader refuses', async () => {
    const seed = propertySeed('EM_MTX_PROPERTY_SEED', 'mtx chunking property');
    const next = generator(seed);
    for (let trial = 0; trial < 200; trial++) {
      const text = randomMtx(next);
      const chunk = 1 + Math.floor(next() * 16);
      const blockRows = 1 + Math.floor(next() * 4);
      let expected: number[][] | 'error';
      try {
        expected = parseMatrixMarket(text, 'p.mtx').toDense().toArrays();
      } catch {
        expected = 'error';
      }
      let actual: number[][] | 'error';
      try {
        actual = await denseRows(await openMatrixMarketSource(chunkedInput(text, 'p.mtx', chunk)), blockRows);
      } catch {
        actual = 'error';
      }
      expect(actual, `seed ${seed}, trial ${trial}, chunk ${chunk}, blockRows ${blockRows}, text ${JSON.stringify(text)}`).toEqual(expected);
    }
  });
});
