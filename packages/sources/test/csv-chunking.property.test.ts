import { describe, expect, it } from 'vitest';
import { openCsvSource, parseCsvText } from '../src/csv.js';
import { chunkedInput, collect, generator, propertySeed } from './helpers.js';

const TOKENS = ['1', '-2.5', '.5', '3.', '1e-3', ' 7 ', 'NA', '', 'inf', '"4"', 'x', '0x10', '1e999', 'é', '"a,b"'];

/** A small delimited file: a header or not, CRLF or LF, blank lines, sometimes a ragged row or a bad token. */
function randomCsv(next: () => number): string {
  const columns = 1 + Math.floor(next() * 4);
  const rows = 1 + Math.floor(next() * 12);
  const newline = next() < 0.5 ? '\n' : '\r\n';
  const lines: string[] = [];
  if (next() < 0.5) lines.push(Array.from({ length: columns }, (_, j) => (next() < 0.5 ? `"c${j}"` : `c${j}`)).join(','));
  for (let r = 0; r < rows; r++) {
    if (next() < 0.1) lines.push('');
    const width = next() < 0.05 ? columns + 1 : columns;
    lines.push(Array.from({ length: width }, () => (next() < 0.9 ? String(Math.round((next() - 0.5) * 1e4) / 100) : (TOKENS[Math.floor(next() * TOKENS.length)] as string))).join(','));
  }
  return lines.join(newline) + (next() < 0.7 ? newline : '');
}

describe('openCsvSource against parseCsvText (property)', () => {
  it('streams the same values, or fails with the same message, for any chunking and block size', async () => {
    const seed = propertySeed('EM_CSV_PROPERTY_SEED', 'csv chunking property');
    const next = generator(seed);
    for (let trial = 0; trial < 300; trial++) {
      const text = randomCsv(next);
      const chunk = 1 + Math.floor(next() * 16);
      const blockRows = 1 + Math.floor(next() * 5);
      let expected: { values: number[] } | { error: string };
      try {
        expected = { values: Array.from(parseCsvText(text, { name: 'p.csv' }).matrix.data) };
      } catch (error) {
        expected = { error: (error as Error).message };
      }
      let actual: { values: number[] } | { error: string };
      try {
        const source = await openCsvSource(chunkedInput(text, 'p.csv', chunk));
        actual = { values: (await collect(source, blockRows)).values };
        await source.close();
      } catch (error) {
        actual = { error: (error as Error).message };
      }
      expect(actual, `seed ${seed}, trial ${trial}, chunk ${chunk}, blockRows ${blockRows}, text ${JSON.stringify(text)}`).toEqual(expected);
    }
  });
});
