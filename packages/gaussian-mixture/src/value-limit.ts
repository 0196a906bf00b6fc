import { InvalidDataError, type DenseMatrix } from '@em/core';

/**
 * The largest magnitude a Gaussian data value may have: 2⁴⁸⁰ ≈ 3.1e144.
 *
 * Why this bound: every reference the kernels centre on (a mean, the tied centre) is a weighted
 * average of data, so |x − r| ≤ 2·2⁴⁸⁰ and (x − r)² ≤ 2⁹⁶². A sum of such squares over D coordinates
 * and a total row weight W — the scatter statistics, the k-means distances, the trace of a
 * spherical covariance — stays below 2⁹⁶²·D·W, which is finite in double precision (the largest
 * double is just under 2¹⁰²⁴) whenever D·W < 2⁶²: more rows than any memory holds with unit
 * weights. Past the bound, (1e160)² already overflows, and what the M-step then saw was an infinite
 * scatter reported as "the covariance is collapsing".
 *
 * The bound does not depend on the parameters: a quadratic form (x − μ)ᵀΣ⁻¹(x − μ) can still
 * overflow when a covariance is tiny against the data (below about D·2⁻⁶² in the data's units, squared).
 * The mixture reports such a row as a NumericalError naming it (the family's densities are positive,
 * so an all −∞ row is an overflow, not an impossible observation).
 */
export const LARGEST_DATA_VALUE = 2 ** 480;

/**
 * One pass over the data: finite values (NaN only with `allowNaN`) of magnitude ≤ LARGEST_DATA_VALUE.
 * The finiteness messages are DenseMatrix.validate's; a value past the bound is refused naming its
 * row and column, with the bound and the remedy.
 */
export function validateGaussianData(x: DenseMatrix, allowNaN: boolean): void {
  const { data, cols } = x;
  const limit = LARGEST_DATA_VALUE;
  for (let index = 0; index < data.length; index++) {
    const v = data[index] as number;
    // One comparison per value on the common path; NaN and ±∞ fail it too.
    if (Math.abs(v) <= limit) continue;
    if (Number.isNaN(v) && allowNaN) continue;
    if (!Number.isFinite(v)) x.validate({ name: 'data', allowNaN });
    const row = Math.floor(index / cols);
    const column = index % cols;
    throw new InvalidDataError(
      `data[${row}][${column}] = ${v} is too large: beyond ±2^480 (≈ ${limit.toExponential(2)}) the squared deviations of a Gaussian fit overflow double precision.`,
      `Rescale the data (e.g. standardise each column, or change units) so every value is below ${limit.toExponential(2)} in magnitude, or check row ${row} for a wrong value.`,
      { row, column, value: String(v), limit },
    );
  }
}
