import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Small dense symmetric matrices stored row-major in Float64Arrays (n×n at `offset`).
 * Only the lower triangle is read by the factorisation.
 */

/**
 * Cholesky factorisation A = L·Lᵀ written into `out` (lower triangle; the upper triangle is zeroed).
 * Returns −1 on success, otherwise the index of the first non-positive pivot (A not positive definite).
 * Allocation-free: meant for per-iteration use on every component.
 */
export function choleskyInPlace(
  a: Float64Array,
  n: number,
  out: Float64Array,
  aOffset = 0,
  outOffset = 0,
): number {
  for (let i = 0; i < n; i++) {
    const rowI = outOffset + i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = outOffset + j * n;
      let sum = a[aOffset + i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (out[rowI + k] as number) * (out[rowJ + k] as number);
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return i;
        out[rowI + i] = Math.sqrt(sum);
      } else {
        out[rowI + j] = sum / (out[rowJ + j] as number);
      }
    }
    for (let j = i + 1; j < n; j++) out[rowI + j] = 0;
  }
  return -1;
}

/** log det(A) = 2 Σ log L_ii from a Cholesky factor. */
export function logDeterminantFromCholesky(l: Float64Array, n: number, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(l[offset + i * n + i] as number);
  return 2 * sum;
}

/** Solves L·y = b (forward substitution) into `out` (may alias b). */
export function solveLower(
  l: Float64Array,
  n: number,
  b: ArrayLike<number>,
  out: Float64Array,
  lOffset = 0,
  bOffset = 0,
  outOffset = 0,
): void {
  for (let i = 0; i < n; i++) {
    const row = lOffset + i * n;
    let sum = b[bOffset + i] as number;
    for (let k = 0; k < i; k++) sum -= (l[row + k] as number) * (out[outOffset + k] as number);
    out[outOffset + i] = sum / (l[row + i] as number);
  }
}

/** Solves Lᵀ·x = y (back substitution) into `out` (may alias y). */
export function solveLowerTransposed(
  l: Float64Array,
  n: number,
  y: ArrayLike<number>,
  out: Float64Array,
  lOffset = 0,
  yOffset = 0,
  outOffset = 0,
): void {
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[yOffset + i] as number;
    for (let k = i + 1; k < n; k++) sum -= (l[lOffset + k * n + i] as number) * (out[outOffset + k] as number);
    out[outOffset + i] = sum / (l[lOffset + i * n + i] as number);
  }
}

/** A⁻¹ from its Cholesky factor (n×n, row-major), into `out`. Used off the hot path only. */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array = new Float64Array(n * n)): Float64Array {
  const column = new Float64Array(n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    solveLower(l, n, e, column);
    solveLowerTransposed(l, n, column, column);
    for (let i = 0; i < n; i++) out[i * n + j] = column[i] as number;
  }
  return out;
}

/** Largest |A_ij − A_ji| relative to the largest |A_ij|, for symmetry checks with a tolerance. */
export function asymmetry(a: ArrayLike<number>, n: number, offset = 0): number {
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a[offset + i * n + j] as number;
      maxAbs = Math.max(maxAbs, Math.abs(v));
      if (j < i) maxDiff = Math.max(maxDiff, Math.abs(v - (a[offset + j * n + i] as number)));
    }
  }
  return maxAbs === 0 ? maxDiff : maxDiff / maxAbs;
}

/** A small symmetric matrix's eigenvalues (ascending) and eigenvectors. */
export interface SymmetricEigenDecomposition {
  /** λ_1 ≤ … ≤ λ_n. */
  readonly values: Float64Array;
  /** Row-major n×n; column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition of a small symmetric matrix (ml-matrix's symmetric QL), eigenvalues
 * ascending. Off the hot path.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, offset = 0): SymmetricEigenDecomposition {
  // Decompose A / s with s = 2^⌊log2 max|a_ij|⌋ (a power of two, so the scaling is exact): entries
  // near ±1.8e308 would otherwise overflow inside the decomposition (NaN, then a TypeError deep in
  // ml-matrix). The eigenvalues of A are s times those of A / s (they may overflow to ±∞ then,
  // which is the truth in floating point); the eigenvectors are those of A / s.
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(a[offset + i] as number));
  const scale = largest > 0 && Number.isFinite(largest) ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const scaled = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled.set(i, j, (a[offset + i * n + j] as number) / scale);
  const decomposition = new EigenvalueDecomposition(scaled, { assumeSymmetric: true });
  const raw = decomposition.realEigenvalues;
  const v = decomposition.eigenvectorMatrix;
  const order = raw.map((_, i) => i).sort((x, y) => (raw[x] as number) - (raw[y] as number));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, j) => {
    values[j] = (raw[source] as number) * scale;
    for (let i = 0; i < n; i++) vectors[i * n + j] = v.get(i, source);
  });
  return { values, vectors };
}

/**
 * Eigenvalues of a small symmetric matrix (ascending). Off the hot path: used to explain *why* a
 * matrix is not positive definite (its smallest eigenvalue) in error messages.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number, offset = 0): number[] {
  // Non-finite entries give NaN eigenvalues (ml-matrix would fail on them); a zero matrix, zeros.
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(a[offset + i] as number));
  if (!Number.isFinite(largest)) return new Array<number>(n).fill(Number.NaN);
  if (largest === 0) return new Array<number>(n).fill(0);
  return Array.from(symmetricEigen(a, n, offset).values);
}
