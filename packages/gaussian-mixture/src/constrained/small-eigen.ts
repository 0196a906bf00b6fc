import { symmetricEigen as symmetricEigenAscending } from '@em/core';

/** A symmetric D×D matrix's eigen-decomposition, eigenvalues in decreasing order. */
export interface SymmetricEigen {
  /** λ_1 ≥ … ≥ λ_D. */
  readonly values: Float64Array;
  /** Row-major D×D; column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric D×D matrix at `offset` (core's, which scales by a power of
 * two first so covariances of data near ±2^480 do not overflow), reordered decreasing.
 */
export function symmetricEigen(a: Float64Array, d: number, offset = 0): SymmetricEigen {
  const ascending = symmetricEigenAscending(a, d, offset);
  // A stable sort, so equal eigenvalues keep the decomposition's order.
  const order = Array.from(ascending.values.keys()).sort((x, y) => (ascending.values[y] as number) - (ascending.values[x] as number));
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((source, j) => {
    values[j] = ascending.values[source] as number;
    for (let i = 0; i < d; i++) vectors[i * d + j] = ascending.vectors[i * d + source] as number;
  });
  return { values, vectors };
}
