import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@em/core';
import { describe, expect, it } from 'vitest';
import type { ByteInput } from '../src/input.js';
import { fileInput } from '../src/node.js';
import { openNpySource } from '../src/npy.js';
import { chunkedInput, collect } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

/** The same bytes without positional reads: only the stream path can read them. */
function streamOnly(input: ByteInput): ByteInput {
  const { read: _read, ...rest } = input;
  return rest;
}

describe('openNpySource by positional reads (files, Blobs)', () => {
  const values = Array.from({ length: 11 * 4 }, (_, i) => Math.sin(i) * 1e3);

  it('gives the same blocks as the stream path, for each dtype, block size and column selection', async () => {
    for (const descr of ['<f8', '>f8', '<f4', '<i4'] as const) {
      const data = descr.includes('i') ? values.map(Math.round) : values;
      const bytes = npyBytes(descr, [11, 4], data);
      for (const columns of [undefined, '2,0']) {
        const options = columns === undefined ? {} : { columns };
        const positional = await openNpySource(chunkedInput(bytes, 'x.npy', 5), options);
        const streamed = await openNpySource(streamOnly(chunkedInput(bytes, 'x.npy', 5)), options);
        for (const blockRows of [1, 4, 11, 50]) {
          const a = await collect(positional, blockRows);
          const b = await collect(streamed, blockRows);
          expect(a.values, `${descr} ${columns} ${blockRows}`).toEqual(b.values);
          expect(a.largestBlock).toBe(b.largestBlock);
        }
        await positional.close();
        await streamed.close();
      }
    }
  });

  it('names the byte and row where a truncated body ends, as the stream path does', async () => {
    const bytes = npyBytes('<f8', [11, 4], values);
    const cut = bytes.subarray(0, bytes.length - 8 * 4 * 3 - 5);
    const positional = await openNpySource(chunkedInput(cut, 'cut.npy', 64));
    const streamed = await openNpySource(streamOnly(chunkedInput(cut, 'cut.npy', 64)));
    const a = await collect(positional, 4).catch((error: unknown) => error);
    const b = await collect(streamed, 4).catch((error: unknown) => error);
    expect(a).toBeInstanceOf(FormatError);
    expect((a as Error).message).toMatch(/cut\.npy: file is truncated at byte \d+ \(row 7 of 11\)/);
    expect((b as Error).message).toMatch(/\(row 7 of 11\)/);
  });

  it('reads a file straight into the block (readInto): the same blocks and truncation error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'em-npy-'));
    const bytes = npyBytes('<f8', [11, 4], values);
    writeFileSync(join(dir, 'x.npy'), bytes);
    writeFileSync(join(dir, 'cut.npy'), bytes.subarray(0, bytes.length - 8 * 4 * 3 - 5));
    const fromFile = await openNpySource(fileInput(join(dir, 'x.npy')));
    const streamed = await openNpySource(streamOnly(chunkedInput(bytes, 'x.npy', 5)));
    for (const blockRows of [1, 4, 11]) expect((await collect(fromFile, blockRows)).values).toEqual((await collect(streamed, blockRows)).values);
    await fromFile.close();
    await streamed.close();
    const cut = await openNpySource(fileInput(join(dir, 'cut.npy')));
    const error = await collect(cut, 4).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/cut\.npy: file is truncated at byte \d+ \(row 7 of 11\)/);
    await cut.close();
  });
});
