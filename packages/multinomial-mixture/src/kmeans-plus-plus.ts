import type { DenseMatrix, Random } from '@em/core';
import { isSparse, type CountMatrix } from './count-matrix.js';

/** Rows as sparse vectors in the space the seeding measures distances in. */
export interface SeedingRows {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** How much of each row's initial responsibility is spread evenly over all components. */
export const SEEDING_SMOOTHING = 0.01;

/** Count rows divided by their totals (proportions); `normalize: false` keeps the values (binary data). */
export function seedingRowsFromCounts(x: CountMatrix, normalize: boolean): SeedingRows {
  const rows = x.rows;
  const indptr = new Int32Array(rows + 1);
  if (isSparse(x)) {
    const base = x.indptr[0] as number;
    for (let i = 0; i <= rows; i++) indptr[i] = (x.indptr[i] as number) - base;
    const nnz = indptr[rows] as number;
    const indices = x.indices.slice(base, base + nnz);
    const values = x.values.slice(base, base + nnz);
    if (normalize) normalizeRows(indptr, values, rows);
    return { rows, cols: x.cols, indptr, indices, values };
  }
  const { data, cols } = x;
  let nnz = 0;
  for (let t = 0; t < data.length; t++) if (data[t] !== 0) nnz++;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < cols; f++) {
      const value = data[i * cols + f] as number;
      if (value !== 0) {
        indices[p] = f;
        values[p] = value;
        p++;
      }
    }
    indptr[i + 1] = p;
  }
  if (normalize) normalizeRows(indptr, values, rows);
  return { rows, cols, indptr, indices, values };
}

/** Integer codes as one-hot blocks (distance = 2 × number of disagreeing variables). */
export function seedingRowsFromCodes(x: DenseMatrix, offsets: Int32Array): SeedingRows {
  const rows = x.rows;
  const variables = x.cols;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(rows * variables);
  const values = new Float64Array(rows * variables).fill(1);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < variables; j++) indices[i * variables + j] = (offsets[j] as number) + (x.data[i * variables + j] as number);
    indptr[i + 1] = (i + 1) * variables;
  }
  return { rows, cols: offsets[variables] as number, indptr, indices, values };
}

function normalizeRows(indptr: Int32Array, values: Float64Array, rows: number): void {
  for (let i = 0; i < rows; i++) {
    let total = 0;
    for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) total += values[p] as number;
    if (total > 0) for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) values[p] = (values[p] as number) / total;
  }
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007) on the seeding rows: the first centre is a
 * row drawn with probability ∝ its sample weight, each next one with probability ∝ weight ×
 * squared distance to the nearest centre. Empty rows are never centres. Returns n×K initial
 * responsibilities: each row's nearest centre gets 1 − ε + ε/K, every other ε/K (ε = 0.01), so no
 * component starts from an exactly-zero estimate. Cost O(K·nnz).
 */
export function kmeansPlusPlusResponsibilities(seeding: SeedingRows, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  const { rows } = seeding;
  const squaredNorms = squaredRowNorms(seeding);
  const eligible = seedingEligibility(seeding, sampleWeights);

  const nearest = new Int32Array(rows);
  const distances = new Float64Array(rows).fill(Infinity);
  const center = new Float64Array(seeding.cols);
  const toCenter = new Float64Array(rows);
  const draw = new Float64Array(rows);
  for (let c = 0; c < k; c++) {
    let chosen: number;
    if (c === 0) chosen = random.categorical(eligible);
    else {
      let total = 0;
      for (let i = 0; i < rows; i++) {
        const d = (eligible[i] as number) * (distances[i] as number);
        draw[i] = d;
        total += d;
      }
      chosen = total > 0 ? random.categorical(draw) : random.categorical(eligible);
    }
    squaredDistancesTo(seeding, squaredNorms, chosen, center, toCenter);
    for (let i = 0; i < rows; i++) {
      const d = toCenter[i] as number;
      if (d < (distances[i] as number)) {
        distances[i] = d;
        nearest[i] = c;
      }
    }
  }
  const responsibilities = new Float64Array(rows * k).fill(SEEDING_SMOOTHING / k);
  for (let i = 0; i < rows; i++) responsibilities[i * k + (nearest[i] as number)] = 1 - SEEDING_SMOOTHING + SEEDING_SMOOTHING / k;
  return responsibilities;
}

/** |x_i|² of every seeding row. */
export function squaredRowNorms(seeding: SeedingRows): Float64Array {
  const { rows, indptr, values } = seeding;
  const squaredNorms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) norm += (values[p] as number) * (values[p] as number);
    squaredNorms[i] = norm;
  }
  return squaredNorms;
}

/**
 * Which rows may be drawn as centres, as draw weights: the sample weight of every non-empty row
 * (an empty row is no prototype); all ones when no row qualifies.
 */
export function seedingEligibility(seeding: SeedingRows, sampleWeights?: Float64Array): Float64Array {
  const { rows, indptr } = seeding;
  const eligible = new Float64Array(rows);
  let anyEligible = false;
  for (let i = 0; i < rows; i++) {
    const w = sampleWeights === undefined ? 1 : (sampleWeights[i] as number);
    eligible[i] = indptr[i + 1] === indptr[i] ? 0 : w;
    if ((eligible[i] as number) > 0) anyEligible = true;
  }
  if (!anyEligible) eligible.fill(1);
  return eligible;
}

/**
 * Squared distance of every seeding row to row `chosen` into `out`: the centre is densified into
 * `center` (length cols, overwritten), then d(i) = |x_i|² + |c|² − 2 x_i·c over each row's non-zeros.
 */
export function squaredDistancesTo(seeding: SeedingRows, squaredNorms: Float64Array, chosen: number, center: Float64Array, out: Float64Array): void {
  const { rows, indptr, indices, values } = seeding;
  center.fill(0);
  for (let p = indptr[chosen] as number; p < (indptr[chosen + 1] as number); p++) center[indices[p] as number] = values[p] as number;
  const centerNorm = squaredNorms[chosen] as number;
  for (let i = 0; i < rows; i++) {
    let dot = 0;
    for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) dot += (values[p] as number) * (center[indices[p] as number] as number);
    out[i] = Math.max(0, (squaredNorms[i] as number) + centerNorm - 2 * dot);
  }
}
