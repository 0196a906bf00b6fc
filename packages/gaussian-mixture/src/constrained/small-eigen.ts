import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A symmetric D×D matrix's eigen-decomposition, eigenvalues in decreasing order. */
export interface SymmetricEigen {
  /** λ_1 ≥ … ≥ λ_D. */
  readonly values: Float64Array;
  /** Row-major D×D; column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

function toMatrix(a: Float64Array, d: number, offset: number, scale: number): Matrix {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, (a[offset + i * d + j] as number) * scale);
  return m;
}

/**
 * Eigen-decomposition of the symmetric D×D matrix at `offset` (ml-matrix's symmetric QL), sorted
 * decreasing. The matrix is scaled by a power of two to a largest entry near 1 first (exact), so
 * covariances of data near ±2^480 do not overflow the QL iteration's squares.
 */
export function symmetricEigen(a: Float64Array, d: number, offset = 0): SymmetricEigen {
  let largest = 0;
  for (let i = 0; i < d * d; i++) largest = Math.max(largest, Math.abs(a[offset + i] as number));
  const exponent = largest > 0 && Number.isFinite(largest) ? Math.round(Math.log2(largest)) : 0;
  const decomposition = new EigenvalueDecomposition(toMatrix(a, d, offset, 2 ** -exponent), { assumeSymmetric: true });
  const raw = decomposition.realEigenvalues;
  const v = decomposition.eigenvectorMatrix;
  const order = raw.map((_, i) => i).sort((x, y) => (raw[y] as number) - (raw[x] as number));
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((source, j) => {
    values[j] = (raw[source] as number) * 2 ** exponent;
    for (let i = 0; i < d; i++) vectors[i * d + j] = v.get(i, source);
  });
  return { values, vectors };
}
