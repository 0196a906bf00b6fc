import { InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { openNdjsonSource } from '../src/ndjson.js';
import { openNpySource } from '../src/npy.js';
import { PassGuard } from '../src/pass-guard.js';
import { chunkedInput, collect } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

describe('PassGuard', () => {
  it('refuses a pass after close, and a second pass over a one-shot input, with the fix in the message', () => {
    const pipe = new PassGuard('stdin', false);
    pipe.begin();
    expect(() => pipe.begin()).toThrowError(new InvalidDataError('stdin can be read only once (it is a pipe), and a pass was already made.', 'Spool it to a file (the default for --data -), or use a single-pass fit.'));
    const file = new PassGuard('x.csv', true);
    file.begin();
    file.begin();
    expect(file.close()).toBe(true);
    expect(file.close()).toBe(false);
    expect(() => file.begin()).toThrowError(/^x\.csv is closed\. Open the source again for another pass\.$/);
  });

  it('guards the readers: no pass after close', async () => {
    const ndjson = await openNdjsonSource(chunkedInput('[1,2]\n[3,4]\n', 'a.ndjson'));
    expect((await collect(ndjson)).values).toEqual([1, 2, 3, 4]);
    await ndjson.close();
    await ndjson.close();
    await expect(collect(ndjson)).rejects.toThrowError(/^a\.ndjson is closed\. Open the source again for another pass\.$/);
    const npy = await openNpySource(chunkedInput(npyBytes('<f8', [1, 2], [1, 2]), 'a.npy'));
    await npy.close();
    await expect(collect(npy)).rejects.toThrowError(/^a\.npy is closed\. Open the source again for another pass\.$/);
  });
});
