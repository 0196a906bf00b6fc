import { DenseMatrix, Random } from '@em/core';

/** Side of the square binary images, in pixels. */
export const GLYPH_SIZE = 12;

/** The shapes the images are drawn from ('#' = ink), defined here so no dataset licence is involved. */
export const GLYPHS: readonly { readonly name: string; readonly rows: readonly string[] }[] = [
  {
    name: 'ring',
    rows: ['............', '....####....', '...#....#...', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '...#....#...', '....####....', '............'],
  },
  {
    name: 'bar',
    rows: ['............', '.....##.....', '....###.....', '.....##.....', '.....##.....', '.....##.....', '.....##.....', '.....##.....', '.....##.....', '.....##.....', '....####....', '............'],
  },
  {
    name: 'seven',
    rows: ['............', '..########..', '.........#..', '........#...', '........#...', '.......#....', '.......#....', '......#.....', '......#.....', '.....#......', '.....#......', '............'],
  },
  {
    name: 'cross',
    rows: ['............', '.#........#.', '..#......#..', '...#....#...', '....#..#....', '.....##.....', '.....##.....', '....#..#....', '...#....#...', '..#......#..', '.#........#.', '............'],
  },
  {
    name: 'box',
    rows: ['............', '............', '..########..', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '..#......#..', '..########..', '............', '............'],
  },
];

export interface GlyphImageOptions {
  readonly count: number;
  readonly seed: number;
  /** Probability that a pixel is flipped (0 … 0.5). */
  readonly noise: number;
  /** How many of GLYPHS to draw from (the first ones). */
  readonly shapes: number;
  /** Probability that an image is shifted by one pixel (default SHIFT_PROBABILITY). */
  readonly shiftProbability?: number;
}

/** Shifts make the prototypes grey at the edges; too many and EM clusters by position rather than shape. */
export const SHIFT_PROBABILITY = 0.25;

export interface GlyphImages {
  /** count × GLYPH_SIZE², row-major 0/1 pixels. */
  readonly pixels: DenseMatrix;
  /** The shape each image was drawn from (hidden from EM; shown for comparison). */
  readonly labels: Int32Array;
}

/**
 * Seeded noisy renderings: a shape chosen uniformly, with probability `shiftProbability` shifted by
 * −1, 0 or +1 pixel in each direction, then every pixel flipped with probability `noise`.
 */
export function generateGlyphImages(options: GlyphImageOptions): GlyphImages {
  const random = new Random(options.seed);
  const area = GLYPH_SIZE * GLYPH_SIZE;
  const data = new Float64Array(options.count * area);
  const labels = new Int32Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const shape = random.integer(options.shapes);
    const glyph = GLYPHS[shape] as (typeof GLYPHS)[number];
    const shifted = random.next() < (options.shiftProbability ?? SHIFT_PROBABILITY);
    const dx = shifted ? random.integer(3) - 1 : 0;
    const dy = shifted ? random.integer(3) - 1 : 0;
    labels[i] = shape;
    for (let row = 0; row < GLYPH_SIZE; row++) {
      for (let column = 0; column < GLYPH_SIZE; column++) {
        const sourceRow = row - dy;
        const sourceColumn = column - dx;
        const inside = sourceRow >= 0 && sourceRow < GLYPH_SIZE && sourceColumn >= 0 && sourceColumn < GLYPH_SIZE;
        const ink = inside && (glyph.rows[sourceRow] as string)[sourceColumn] === '#';
        const flipped = random.next() < options.noise;
        data[i * area + row * GLYPH_SIZE + column] = ink !== flipped ? 1 : 0;
      }
    }
  }
  return { pixels: DenseMatrix.fromArray(data, options.count, area), labels };
}
