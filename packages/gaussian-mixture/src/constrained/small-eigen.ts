import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** A symmetric D×D matrix's eigen-decomposition, eigenvalues in decreasing order. */
export interface SymmetricEigen {
  /** λ_1 ≥ … ≥ λ_D. */
  readonly values: Float64Array;
  /** Row-major D×D; column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

function toMatrix(a: Float64Array, d: number, offset = 0): Matrix {
  const m = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m.set(i, j, a[offset + i * d + j] as number);
  return m;
}

/** Eigen-decomposition of the symmetric D×D matrix at `offset` (ml-matrix's symmetric QL), sorted decreasing. */
export function symmetricEigen(a: Float64Array, d: number, offset = 0): SymmetricEigen {
  const decomposition = new EigenvalueDecomposition(toMatrix(a, d, offset), { assumeSymmetric: true });
  const raw = decomposition.realEigenvalues;
  const v = decomposition.eigenvectorMatrix;
  const order = raw.map((_, i) => i).sort((x, y) => (raw[y] as number) - (raw[x] as number));
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((source, j) => {
    values[j] = raw[source] as number;
    for (let i = 0; i < d; i++) vectors[i * d + j] = v.get(i, source);
  });
  return { values, vectors };
}
