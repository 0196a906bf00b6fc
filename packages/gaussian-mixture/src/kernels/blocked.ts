/**
 * Building blocks of the blocked kernels. A block of rows is held coordinate-major
 * (work[a·rows + i] = coordinate a of row i), so every inner loop runs over rows: independent
 * iterations without a dependency chain, contiguous loads, no allocation.
 */

/** Weights below this fraction of a row's total weight are skipped by the accumulate kernels (2⁻⁵³). */
export const NEGLIGIBLE_WEIGHT = 2 ** -53;

/**
 * One pass over the block's weights, row by row: the rows whose weight for component c exceeds
 * 2⁻⁵³ of their total (NEGLIGIBLE_WEIGHT) go, in order, to componentRows[c·capacity …], their
 * number to counts[c]. Weights row-major (weights[i·k + c]) or component-major (`byComponent`:
 * weights[c·rows + i]).
 */
export function bucketRows(weights: Float64Array, rows: number, k: number, componentRows: Int32Array, capacity: number, counts: Int32Array, byComponent = false): void {
  counts.fill(0);
  const rowStep = byComponent ? 1 : k;
  const componentStep = byComponent ? rows : 1;
  for (let i = 0, base = 0; i < rows; i++, base += rowStep) {
    let total = 0;
    for (let c = 0, o = base; c < k; c++, o += componentStep) total += weights[o] as number;
    const threshold = NEGLIGIBLE_WEIGHT * total;
    for (let c = 0; c < k; c++) {
      if (!((weights[base + c * componentStep] as number) > threshold)) continue;
      const n = counts[c] as number;
      componentRows[c * capacity + n] = i;
      counts[c] = n + 1;
    }
  }
}

/** work[a·count + j] = x[rowIndex[j]·d + a] − mean[a] for the listed rows. */
export function gatherCenteredRows(x: Float64Array, rowIndex: Int32Array, count: number, d: number, mean: Float64Array, meanOffset: number, work: Float64Array): void {
  for (let a = 0; a < d; a++) {
    const m = mean[meanOffset + a] as number;
    const column = a * count;
    for (let j = 0; j < count; j++) work[column + j] = (x[(rowIndex[j] as number) * d + a] as number) - m;
  }
}

/** out[a·rows + i] = x[(start + i)·d + a]: the block coordinate-major, read once for all components. */
export function transposeBlock(x: Float64Array, start: number, rows: number, d: number, out: Float64Array): void {
  let source = start * d;
  for (let i = 0; i < rows; i++) for (let a = 0; a < d; a++) out[a * rows + i] = x[source++] as number;
}

/**
 * The TypeScript counterpart of componentDensitiesInArena (simd-arena.ts): for every component c,
 * out[c·componentStep + i·rowStep] = constants[c] − scaleFactor·scales[c]·Σ_a (x_ia − μ_ca)²·τ_ca over
 * the coordinate-major block (D × rows), τ from `precisions` (K·D) or 1, scales 1 when undefined;
 * `squares` (≥ rows) is work space.
 */
export function blockDensities(
  block: Float64Array,
  rows: number,
  d: number,
  k: number,
  means: Float64Array,
  precisions: Float64Array | undefined,
  constants: Float64Array,
  scales: Float64Array | undefined,
  scaleFactor: number,
  out: Float64Array,
  rowStep: number,
  componentStep: number,
  squares: Float64Array,
): void {
  for (let c = 0; c < k; c++) {
    squares.fill(0, 0, rows);
    for (let a = 0; a < d; a++) {
      const m = means[c * d + a] as number;
      const source = a * rows;
      if (precisions === undefined) {
        for (let i = 0; i < rows; i++) {
          const v = (block[source + i] as number) - m;
          squares[i] = (squares[i] as number) + v * v;
        }
      } else {
        const precision = precisions[c * d + a] as number;
        for (let i = 0; i < rows; i++) {
          const v = (block[source + i] as number) - m;
          squares[i] = (squares[i] as number) + v * v * precision;
        }
      }
    }
    const constant = constants[c] as number;
    const scale = scaleFactor * (scales === undefined ? 1 : (scales[c] as number));
    for (let i = 0, o = c * componentStep; i < rows; i++, o += rowStep) out[o] = constant - scale * (squares[i] as number);
  }
}

/** work[a·rows + i] = x[(start + i)·d + a] − mean[a] for a block of `rows` rows. */
export function centerBlock(x: Float64Array, start: number, rows: number, d: number, mean: Float64Array, meanOffset: number, work: Float64Array): void {
  for (let a = 0; a < d; a++) {
    const m = mean[meanOffset + a] as number;
    const column = a * rows;
    let source = start * d + a;
    for (let i = 0; i < rows; i++, source += d) work[column + i] = (x[source] as number) - m;
  }
}

/**
 * Forward substitution L·y = z on every row at once, in place (z → y), four columns of L per
 * pass; squares[i] = ‖y_i‖². L is row-major lower triangular at `factorOffset`, with 1/L_aa in
 * `inverseDiagonals` at `diagonalOffset`.
 */
export function whitenBlock(
  work: Float64Array,
  rows: number,
  d: number,
  factors: Float64Array,
  factorOffset: number,
  inverseDiagonals: Float64Array,
  diagonalOffset: number,
  squares: Float64Array,
): void {
  squares.fill(0, 0, rows);
  for (let a = 0; a < d; a++) {
    const ra = a * rows;
    const factorRow = factorOffset + a * d;
    let b = 0;
    for (; b + 3 < a; b += 4) {
      const l0 = factors[factorRow + b] as number;
      const l1 = factors[factorRow + b + 1] as number;
      const l2 = factors[factorRow + b + 2] as number;
      const l3 = factors[factorRow + b + 3] as number;
      const r0 = b * rows;
      const r1 = r0 + rows;
      const r2 = r1 + rows;
      const r3 = r2 + rows;
      for (let i = 0; i < rows; i++) {
        work[ra + i] = (work[ra + i] as number) - (l0 * (work[r0 + i] as number) + l1 * (work[r1 + i] as number) + l2 * (work[r2 + i] as number) + l3 * (work[r3 + i] as number));
      }
    }
    // The last 0–3 columns of L share one pass with the division and the squares.
    const inverse = inverseDiagonals[diagonalOffset + a] as number;
    const remaining = a - b;
    const l0 = remaining > 0 ? (factors[factorRow + b] as number) : 0;
    const l1 = remaining > 1 ? (factors[factorRow + b + 1] as number) : 0;
    const l2 = remaining > 2 ? (factors[factorRow + b + 2] as number) : 0;
    const r0 = (remaining > 0 ? b : 0) * rows;
    const r1 = (remaining > 1 ? b + 1 : 0) * rows;
    const r2 = (remaining > 2 ? b + 2 : 0) * rows;
    for (let i = 0; i < rows; i++) {
      const v = ((work[ra + i] as number) - (l0 * (work[r0 + i] as number) + l1 * (work[r1 + i] as number) + l2 * (work[r2 + i] as number))) * inverse;
      work[ra + i] = v;
      squares[i] = (squares[i] as number) + v * v;
    }
  }
}

/**
 * scatter[a·d + b] += Σ_i weighted[a·rows + i]·centered[b·rows + i] for every b ≤ a (lower
 * triangle at `offset`), as dot products over rows four columns at a time (four independent sums
 * in flight). Groups of four run past the diagonal into the upper triangle rather than breaking
 * into remainder passes; those entries are valid sums too, and only the lower triangle is read.
 */
export function addScatter(weighted: Float64Array, centered: Float64Array, rows: number, d: number, scatter: Float64Array, offset: number): void {
  for (let a = 0; a < d; a++) {
    const ra = a * rows;
    const scatterRow = offset + a * d;
    for (let b = 0; b <= a; b += 4) {
      const width = Math.min(4, d - b);
      const r0 = b * rows;
      if (width === 4) {
        const r1 = r0 + rows;
        const r2 = r1 + rows;
        const r3 = r2 + rows;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < rows; i++) {
          const w = weighted[ra + i] as number;
          s0 += w * (centered[r0 + i] as number);
          s1 += w * (centered[r1 + i] as number);
          s2 += w * (centered[r2 + i] as number);
          s3 += w * (centered[r3 + i] as number);
        }
        scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + s0;
        scatter[scatterRow + b + 1] = (scatter[scatterRow + b + 1] as number) + s1;
        scatter[scatterRow + b + 2] = (scatter[scatterRow + b + 2] as number) + s2;
        scatter[scatterRow + b + 3] = (scatter[scatterRow + b + 3] as number) + s3;
      } else if (width === 2 || width === 3) {
        const r1 = r0 + rows;
        const r2 = width === 3 ? r1 + rows : r1;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        for (let i = 0; i < rows; i++) {
          const w = weighted[ra + i] as number;
          s0 += w * (centered[r0 + i] as number);
          s1 += w * (centered[r1 + i] as number);
          s2 += w * (centered[r2 + i] as number);
        }
        scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + s0;
        scatter[scatterRow + b + 1] = (scatter[scatterRow + b + 1] as number) + s1;
        if (width === 3) scatter[scatterRow + b + 2] = (scatter[scatterRow + b + 2] as number) + s2;
      } else {
        let s0 = 0;
        let s1 = 0;
        let i = 0;
        for (; i + 1 < rows; i += 2) {
          s0 += (weighted[ra + i] as number) * (centered[r0 + i] as number);
          s1 += (weighted[ra + i + 1] as number) * (centered[r0 + i + 1] as number);
        }
        if (i < rows) s0 += (weighted[ra + i] as number) * (centered[r0 + i] as number);
        scatter[scatterRow + b] = (scatter[scatterRow + b] as number) + s0 + s1;
      }
    }
  }
}
