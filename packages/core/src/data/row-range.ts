import { InvalidDataError } from '../errors.js';

/** Throws InvalidDataError unless 0 ≤ start ≤ end ≤ rows are integers (typed-array views would clamp silently). */
export function checkRowRange(start: number, end: number, rows: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > rows) {
    throw new InvalidDataError(`Rows [${start}, ${end}) are not a valid range of a ${rows}-row matrix.`, `Use integers with 0 ≤ start ≤ end ≤ ${rows}.`, {
      start,
      end,
      rows,
    });
  }
}
