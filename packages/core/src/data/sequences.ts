import { InvalidDataError } from '../errors.js';

/** What a sequence container needs from its observation store: a length and row slices. */
export interface RowSliceable<X> {
  readonly rows: number;
  sliceRows(start: number, end: number): X;
}

/**
 * Several sequences stored back to back: `observations` holds all time steps (rows), `lengths`
 * the length of each sequence. Slicing by sequence gives whole sequences (what a parallel
 * E-step chunk must be).
 */
export class Sequences<X extends RowSliceable<X>> {
  readonly observations: X;
  readonly lengths: Int32Array;
  /** offsets[s] = first row of sequence s; offsets[count] = total rows. */
  readonly offsets: Float64Array;

  constructor(observations: X, lengths?: ArrayLike<number>) {
    const lens = lengths === undefined ? [observations.rows] : lengths;
    this.observations = observations;
    this.lengths = new Int32Array(lens.length);
    this.offsets = new Float64Array(lens.length + 1);
    if (lens.length === 0) {
      throw new InvalidDataError('No sequences were given (lengths is empty).', 'Pass at least one sequence of length ≥ 1.');
    }
    let total = 0;
    for (let s = 0; s < lens.length; s++) {
      const l = lens[s] as number;
      if (!Number.isInteger(l) || l < 1) {
        throw new InvalidDataError(
          `Sequence ${s} has length ${l}; every sequence needs an integer length ≥ 1.`,
          'Remove empty sequences from lengths (they carry no information).',
          { sequence: s, length: l },
        );
      }
      this.lengths[s] = l;
      this.offsets[s] = total;
      total += l;
    }
    this.offsets[lens.length] = total;
    if (total !== observations.rows) {
      throw new InvalidDataError(
        `The sequence lengths sum to ${total} but there are ${observations.rows} observations.`,
        'Make lengths add up to the number of rows (omit lengths for a single sequence).',
        { lengthsSum: total, rows: observations.rows },
      );
    }
  }

  get count(): number {
    return this.lengths.length;
  }

  get totalLength(): number {
    return this.observations.rows;
  }

  /** Observations of sequence s (a view). */
  sequence(s: number): X {
    return this.observations.sliceRows(this.offsets[s] as number, this.offsets[s + 1] as number);
  }

  /** Sequences [start, end) as a new container over a view of their rows. */
  slice(start: number, end: number): Sequences<X> {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > this.count) {
      throw new InvalidDataError(`Sequences [${start}, ${end}) are not a valid non-empty range of ${this.count} sequences.`, `Use integers with 0 ≤ start < end ≤ ${this.count}.`, {
        start,
        end,
      });
    }
    const first = this.offsets[start] as number;
    const last = this.offsets[end] as number;
    return new Sequences(this.observations.sliceRows(first, last), this.lengths.subarray(start, end));
  }

  /**
   * Splits into min(parts, count) groups of whole sequences, in order, with roughly equal total
   * length: each group aims at (rows left) / (groups left), and a sequence that would overshoot
   * that target by more than stopping short undershoots it starts the next group.
   */
  split(parts: number): Sequences<X>[] {
    const n = this.count;
    const p = Math.max(1, Math.min(parts, n));
    const total = this.totalLength;
    const out: Sequences<X>[] = [];
    let start = 0;
    let s = 0;
    // Each pass either moves s forward or closes a group, so this ends within 2n passes.
    while (s < n && out.length < p - 1) {
      const first = this.offsets[start] as number;
      const target = (total - first) / (p - out.length);
      const before = (this.offsets[s] as number) - first;
      const after = (this.offsets[s + 1] as number) - first;
      if (s > start && after - target > target - before) {
        out.push(this.slice(start, s));
        start = s;
        continue;
      }
      s++;
      // Close when the target is reached, or when the sequences left are just enough for one per group left.
      if (after >= target || n - s <= p - out.length - 1) {
        out.push(this.slice(start, s));
        start = s;
      }
    }
    if (start < n) out.push(this.slice(start, n));
    return out;
  }
}

/** Splits [0, n) into at most `parts` contiguous ranges of near-equal size. */
export function splitRange(n: number, parts: number): Array<[number, number]> {
  const p = Math.max(1, Math.min(parts, n));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < p; i++) {
    const start = Math.floor((i * n) / p);
    const end = Math.floor(((i + 1) * n) / p);
    if (end > start) out.push([start, end]);
  }
  return out;
}
