import type { DenseMatrix } from '@em/core';

/**
 * A copy of the data with NaN entries replaced by their column's mean (columns with no value: 0).
 * Used only to start a fit with missing values; the E-step itself marginalises them.
 */
export function imputeColumnMeans(x: DenseMatrix): Float64Array {
  const { rows: n, cols: d } = x;
  const sums = new Float64Array(d);
  const counts = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = x.data[i * d + a] as number;
      if (Number.isNaN(v)) continue;
      sums[a] = (sums[a] as number) + v;
      counts[a] = (counts[a] as number) + 1;
    }
  }
  const out = new Float64Array(x.data);
  for (let i = 0; i < n * d; i++) {
    if (Number.isNaN(out[i] as number)) {
      const a = i % d;
      out[i] = (counts[a] as number) > 0 ? (sums[a] as number) / (counts[a] as number) : 0;
    }
  }
  return out;
}
