import { CsrMatrix, DenseMatrix, Random } from '@em/core';

/** Relative closeness: |a − b| ≤ tolerance · max(1, |b|). */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

/** Synthetic bag-of-words counts from a K-topic mixture (seeded), with some empty documents when asked. */
export function syntheticCounts(options: { rows: number; features: number; components: number; tokens: number; seed: number; emptyEvery?: number }): {
  counts: number[][];
  labels: number[];
} {
  const random = new Random(options.seed);
  const { rows, features, components, tokens } = options;
  const topics: Float64Array[] = [];
  for (let k = 0; k < components; k++) topics.push(random.dirichlet(new Float64Array(features).fill(0.3)));
  const counts: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const k = random.integer(components);
    const row = new Array<number>(features).fill(0);
    const length = options.emptyEvery !== undefined && i % options.emptyEvery === options.emptyEvery - 1 ? 0 : 1 + random.integer(tokens);
    for (let t = 0; t < length; t++) {
      const f = random.categorical(topics[k] as Float64Array);
      row[f] = (row[f] as number) + 1;
    }
    counts.push(row);
    labels.push(k);
  }
  return { counts, labels };
}

/** Random binary rows from K prototypes (seeded). */
export function syntheticBinary(rows: number, features: number, components: number, seed: number): number[][] {
  const random = new Random(seed);
  const prototypes = Array.from({ length: components }, () => Array.from({ length: features }, () => 0.05 + 0.9 * random.next()));
  return Array.from({ length: rows }, () => {
    const p = prototypes[random.integer(components)] as number[];
    return p.map((q) => (random.next() < q ? 1 : 0));
  });
}

/** Random categorical codes from K latent classes (seeded). */
export function syntheticCodes(rows: number, categories: number[], components: number, seed: number): number[][] {
  const random = new Random(seed);
  const classes = Array.from({ length: components }, () => categories.map((m) => random.dirichlet(new Float64Array(m).fill(1))));
  return Array.from({ length: rows }, () => {
    const c = classes[random.integer(components)] as Float64Array[];
    return c.map((p) => random.categorical(p));
  });
}

/** A random start: weights and probability rows drawn from Dirichlet(1) (seeded). */
export function randomStart(components: number, widths: number[], seed: number): { weights: number[]; blocks: number[][][] } {
  const random = new Random(seed);
  const weights = Array.from(random.dirichlet(new Float64Array(components).fill(2)));
  const blocks = Array.from({ length: components }, () => widths.map((m) => Array.from(random.dirichlet(new Float64Array(m).fill(2)))));
  return { weights, blocks };
}

export const dense = (rows: number[][]): DenseMatrix => DenseMatrix.from(rows);
export const sparse = (rows: number[][]): CsrMatrix => CsrMatrix.fromDense(rows);
