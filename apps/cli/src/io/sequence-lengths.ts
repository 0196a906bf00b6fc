import { InvalidDataError } from '@em/core';
import type { CliIo } from '../framework/io.js';
import type { OptionDefinition } from '../framework/options.js';
import { readDenseData } from './read-data.js';

/** The `--lengths` flag of sequence commands (em fit hmm, em decode, em predict). */
export const lengthsOption = {
  type: 'value',
  valueName: 'FILE',
  description: 'Sequence lengths (.npy or CSV of integers summing to the number of rows; absent: one sequence).',
} as const satisfies OptionDefinition;

/**
 * Reads `--lengths FILE` (integer .npy or CSV, one length per row or all in one row). `rows`
 * undefined: the sum is not checked here (a streamed fit checks it against the rows as it reads).
 */
export async function readLengths(io: CliIo, path: string | undefined, rows: number | undefined): Promise<number[] | undefined> {
  if (path === undefined) return undefined;
  const table = await readDenseData(io, path, { flag: '--lengths' });
  const lengths = Array.from(table.matrix.data);
  lengths.forEach((length, s) => {
    if (!Number.isInteger(length) || length < 1) {
      throw new InvalidDataError(`--lengths ${table.source}: entry ${s} is ${length}; every sequence needs an integer length ≥ 1.`, 'Remove empty sequences and write lengths as whole numbers.', {
        sequence: s,
      });
    }
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  if (rows !== undefined && total !== rows) {
    throw new InvalidDataError(`--lengths ${table.source} sums to ${total} but the data has ${rows} rows.`, 'Make the lengths add up to the number of data rows (omit --lengths for one sequence).', {
      lengthsSum: total,
      rows,
    });
  }
  return lengths;
}
