import { describe, expect, it } from 'vitest';
import { generateGlyphImages, GLYPH_SIZE, GLYPHS } from './glyphs.js';

describe('generateGlyphImages', () => {
  it('every glyph is a GLYPH_SIZE × GLYPH_SIZE grid of "." and "#"', () => {
    for (const glyph of GLYPHS) {
      expect(glyph.rows).toHaveLength(GLYPH_SIZE);
      for (const row of glyph.rows) expect(row).toMatch(new RegExp(`^[.#]{${GLYPH_SIZE}}$`));
    }
  });

  it('is seeded: the same seed gives the same images, another seed others', () => {
    const a = generateGlyphImages({ count: 50, seed: 4, noise: 0.1, shapes: 3 });
    const b = generateGlyphImages({ count: 50, seed: 4, noise: 0.1, shapes: 3 });
    const c = generateGlyphImages({ count: 50, seed: 5, noise: 0.1, shapes: 3 });
    expect(Array.from(a.pixels.data)).toEqual(Array.from(b.pixels.data));
    expect(Array.from(a.pixels.data)).not.toEqual(Array.from(c.pixels.data));
  });

  it('gives binary pixels, labels among the chosen shapes, and flips pixels at about the asked rate', () => {
    const noise = 0.1;
    const count = 300;
    const images = generateGlyphImages({ count, seed: 1, noise, shapes: 2 });
    const area = GLYPH_SIZE * GLYPH_SIZE;
    expect(images.pixels.cols).toBe(area);
    for (const value of images.pixels.data) expect(value === 0 || value === 1).toBe(true);
    for (const label of images.labels) expect(label === 0 || label === 1).toBe(true);
    // Each image against the clean rendering of its shape under the best of the nine shifts.
    let flipped = 0;
    for (let i = 0; i < count; i++) {
      const glyph = GLYPHS[images.labels[i] as number] as (typeof GLYPHS)[number];
      let fewest = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          let mismatches = 0;
          for (let row = 0; row < GLYPH_SIZE; row++) {
            for (let column = 0; column < GLYPH_SIZE; column++) {
              const ink = (glyph.rows[row - dy] ?? '')[column - dx] === '#' ? 1 : 0;
              if (ink !== images.pixels.data[i * area + row * GLYPH_SIZE + column]) mismatches++;
            }
          }
          fewest = Math.min(fewest, mismatches);
        }
      }
      flipped += fewest;
    }
    // The best shift can only explain away a few flips, so the rate is slightly below `noise`.
    const rate = flipped / (count * area);
    expect(rate).toBeGreaterThan(0.8 * noise);
    expect(rate).toBeLessThan(1.1 * noise);
  });
});
