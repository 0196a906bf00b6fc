
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

/** Sweeps of the cyclic Jacobi method before it stops (it converges quadratically: 6–10 in practice). */
const MAX_JACOBI_SWEEPS = 64;

/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method, eigenvalues
 * ascending. Off the hot path (the constrained Gaussian M-steps, hierarchical clustering's
 * transform, error messages). Only the lower triangle's mirror is assumed: entry (i, j) and (j, i)
 * are both read, as a symmetric matrix has them equal. Non-finite entries give NaN values and
 * vectors.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, offset = 0): SymmetricEigenDecomposition {
  // Decompose A / s with s = 2^⌊log2 max|a_ij|⌋ (a power of two, so the scaling is exact): entries
  // near ±1.8e308 would otherwise overflow in the rotations. The eigenvalues of A are s times those
  // of A / s (they may overflow to ±∞ then, which is the truth in floating point); the eigenvectors
  // are those of A / s.
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(a[offset + i] as number));
  if (!Number.isFinite(largest)) {
    return { values: new Float64Array(n).fill(Number.NaN), vectors: new Float64Array(n * n).fill(Number.NaN) };
  }
  const scale = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) m[i] = (a[offset + i] as number) / scale;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // Cyclic Jacobi (Golub & Van Loan, Matrix Computations, §8.5): each rotation J in the (p, q) plane
  // zeroes m_pq of Jᵀ M J; V accumulates the rotations, so M = V diag(λ) Vᵀ at the end. An entry is
  // skipped once |m_pq| ≤ ε √(|m_pp m_qq|) (relative to the diagonal, which keeps small eigenvalues
  // accurate to their own size), or ≤ ε² (absolute, |M| being ≤ 2 here: it cannot move any
  // eigenvalue by more than round-off). A sweep with no rotation ends the loop.
  const eps = Number.EPSILON;
  for (let sweep = 0; sweep < MAX_JACOBI_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const mpq = m[p * n + q] as number;
        const mpp = m[p * n + p] as number;
        const mqq = m[q * n + q] as number;
        if (Math.abs(mpq) <= eps * Math.sqrt(Math.abs(mpp * mqq)) || Math.abs(mpq) <= eps * eps) {
          m[p * n + q] = 0;
          m[q * n + p] = 0;
          continue;
        }
        rotated = true;
        // t = tan θ, the smaller root of t² + 2τt − 1 = 0 (|θ| ≤ π/4); τ² + 1 would overflow for
        // |τ| > 1e150, where t = 1/(2τ) to working precision.
        const tau = (mqq - mpp) / (2 * mpq);
        const t = Math.abs(tau) > 1e150 ? 1 / (2 * tau) : Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(tau * tau + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q of M J, then of V J.
          const mkp = m[k * n + p] as number;
          const mkq = m[k * n + q] as number;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
        for (let k = 0; k < n; k++) {
          // Rows p and q of Jᵀ (M J).
          const mpk = m[p * n + k] as number;
          const mqk = m[q * n + k] as number;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        // Zero in exact arithmetic; set so (the rotation's round-off stays out of later sweeps).
        m[p * n + q] = 0;
        m[q * n + p] = 0;
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (m[x * n + x] as number) - (m[y * n + y] as number));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, j) => {
    values[j] = (m[source * n + source] as number) * scale;
    for (let i = 0; i < n; i++) vectors[i * n + j] = v[i * n + source] as number;
  });
  return { values, vectors };
}

/**
 * Eigenvalues of a small symmetric matrix (ascending). Off the hot path: used to explain *why* a
 * matrix is not positive definite (its smallest eigenvalue) in error messages.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number, offset = 0): number[] {
  // Non-finite entries give NaN eigenvalues; a zero matrix, zeros.
  let largest = 0;
  for (let i = 0; i < n * n; i++) largest = Math.max(largest, Math.abs(a[offset + i] as number));
  if (!Number.isFinite(largest)) return new Array<number>(n).fill(Number.NaN);
  if (largest === 0) return new Array<number>(n).fill(0);
  return Array.from(symmetricEigen(a, n, offset).values);
}
