import { FormatError, InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openNdjsonSource } from '../src/ndjson.js';
import { chunkedInput, collect } from './helpers.js';

describe('openNdjsonSource', () => {
  it('reads arrays of numbers, null as missing, at every chunk and block size, pass after pass', async () => {
    const text = '[1, 2.5]\n\n[-3e2, null]\r\n[0, 4]';
    for (const chunk of [1, 3, 100]) {
      const source = await openNdjsonSource(chunkedInput(text, 'a.ndjson', chunk));
      expect(source.shape).toBe('array');
      for (const blockRows of [1, 2, 10]) {
        const read = await collect(source, blockRows);
        expect(read.values).toEqual([1, 2.5, -300, Number.NaN, 0, 4]);
        expect(read.largestBlock).toBeLessThanOrEqual(blockRows);
      }
    }
  });

  it('reads objects by the first row’s fields (any order, extra fields ignored) and selects columns', async () => {
    const text = '{"x": 1, "y": 2, "label": "a"}\n{"y": 4, "x": 3, "label": "b", "extra": true}\n';
    const source = await openNdjsonSource(chunkedInput(text, 'o.jsonl'), { columns: 'y,x' });
    expect(source.columnNames).toEqual(['y', 'x']);
    expect((await collect(source)).values).toEqual([2, 1, 4, 3]);
    const all = await openNdjsonSource(chunkedInput(text, 'o.jsonl'));
    await expect(collect(all)).rejects.toThrowError(/o\.jsonl, line 1, field "label": "a" is not a number/);
  });

  it('names the line of a changed length, a missing field, malformed JSON and a non-number', async () => {
    await expect(collect(await openNdjsonSource(chunkedInput('[1,2]\n[3]\n', 'a.ndjson')))).rejects.toThrowError(InvalidDataError);
    await expect(collect(await openNdjsonSource(chunkedInput('[1,2]\n[3]\n', 'a.ndjson')))).rejects.toThrowError(/a\.ndjson, line 2: found 1 values, expected an array of 2 values/);
    await expect(collect(await openNdjsonSource(chunkedInput('{"x":1}\n{"y":2}\n', 'o.ndjson')))).rejects.toThrowError(/o\.ndjson, line 2: field "x" is missing/);
    await expect(collect(await openNdjsonSource(chunkedInput('[1]\n[0x10]\n', 'h.ndjson')))).rejects.toThrowError(FormatError);
    await expect(collect(await openNdjsonSource(chunkedInput('[1]\n[0x10]\n', 'h.ndjson')))).rejects.toThrowError(/h\.ndjson, line 2: not valid JSON/);
    await expect(collect(await openNdjsonSource(chunkedInput('[1]\n["2"]\n', 's.ndjson')))).rejects.toThrowError(/s\.ndjson, line 2, value 0: "2" is not a number/);
    await expect(openNdjsonSource(chunkedInput('3\n', 'n.ndjson'))).rejects.toThrowError(/n\.ndjson, line 1: expected a JSON array or object, found 3/);
    await expect(openNdjsonSource(chunkedInput('\n', 'e.ndjson'))).rejects.toThrowError(/e\.ndjson is empty/);
  });
});
