import { InvalidDataError } from '@em/core';
import type { CliIo } from '../framework/io.js';
import { readDenseData } from '../io/read-data.js';
import type { NumericTable } from '../io/table.js';

/**
 * Rejects NaN entries (missing values in the file) with the row, the column and the flag that
 * would accept them — the model's own message cannot mention command-line flags.
 */
export function rejectMissingValues(table: NumericTable): void {
  const { data, cols } = table.matrix;
  for (let index = 0; index < data.length; index++) {
    if (Number.isNaN(data[index] as number)) {
      const row = Math.floor(index / cols);
      const column = index % cols;
      const name = table.columnNames?.[column];
      throw new InvalidDataError(
        `${table.source}: data row ${row} (0-based), column ${name === undefined ? column : JSON.stringify(name)} is missing (NA/NaN/empty).`,
        'Pass --missing-values to marginalise missing entries, or remove that row.',
        { row, column },
      );
    }
  }
}

/** Reads `--sample-weights`: one column with one non-negative finite weight per data row. */
export async function readSampleWeights(io: CliIo, path: string | undefined, rows: number): Promise<Float64Array | undefined> {
  if (path === undefined) return undefined;
  const table = await readDenseData(io, path, { flag: '--sample-weights' });
  if (table.matrix.cols !== 1 || table.matrix.rows !== rows) {
    throw new InvalidDataError(
      `--sample-weights ${table.source} is ${table.matrix.rows}×${table.matrix.cols}; expected one column of ${rows} weights (one per data row).`,
      'Give one weight per data row in a single column.',
    );
  }
  const weights = table.matrix.data;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] as number;
    if (!Number.isFinite(weight) || weight < 0) {
      throw new InvalidDataError(`--sample-weights ${table.source}: weight ${weight} at row ${i} is not a finite number ≥ 0.`, 'Use non-negative finite weights.', { row: i });
    }
  }
  return weights;
}
