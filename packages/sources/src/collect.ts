import { checkAllocation, DenseMatrix, type DenseSource, float64Bytes } from '@em/core';

/**
 * Reads every row of a dense source into one matrix (one pass), for code that needs the data in
 * memory. With the row count known in advance the matrix is checked against `memoryBudget` before
 * it is allocated; otherwise it grows by doubling, each step checked, and is trimmed at the end.
 */
export async function collectDense(source: DenseSource, memoryBudget: number, remedy = 'Select fewer columns, or pass fewer rows'): Promise<DenseMatrix> {
  const cols = source.columns;
  const what = (rows: number): string => `The ${rows} × ${cols} table of ${source.description}`;
  let capacity = source.rows ?? 1024;
  checkAllocation(float64Bytes(capacity, cols), memoryBudget, what(capacity), remedy);
  let values = new Float64Array(capacity * cols);
  let rows = 0;
  for await (const block of source.pass()) {
    const needed = rows + block.data.rows;
    if (needed > capacity) {
      capacity = Math.max(needed, 2 * capacity);
      checkAllocation(float64Bytes(capacity, cols), memoryBudget, what(capacity), remedy);
      const grown = new Float64Array(capacity * cols);
      grown.set(values.subarray(0, rows * cols));
      values = grown;
    }
    values.set(block.data.data, rows * cols);
    rows = needed;
  }
  return new DenseMatrix(rows * cols === values.length ? values : values.slice(0, rows * cols), rows, cols);
}
