import { describe, expect, it } from 'vitest';
import { greyOf, imageMarkup } from './prototype-image.js';

describe('prototype images', () => {
  it('maps probability 1 to black, 0 to white and clamps outside [0, 1]', () => {
    expect(greyOf(1)).toBe('rgb(0, 0, 0)');
    expect(greyOf(0)).toBe('rgb(255, 255, 255)');
    expect(greyOf(2)).toBe(greyOf(1));
    expect(greyOf(-1)).toBe(greyOf(0));
  });

  it('draws side² pixels of the right row-major values', () => {
    const values = Float64Array.from({ length: 2 * 9 }, (_, j) => j / 17);
    const markup = imageMarkup(values, 9, 3, 5, 'second', 'prototype');
    const pixels = [...markup.matchAll(/data-value="([^"]+)"/g)].map((match) => Number(match[1]));
    expect(pixels).toEqual(Array.from(values.subarray(9)));
    expect(markup).toContain('viewBox="0 0 15 15"');
  });
});
