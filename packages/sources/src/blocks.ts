import { checkAllocation, DEFAULT_MEMORY_BUDGET, DenseMatrix, formatBytes, InvalidOptionsError } from '@em/core';

/** Bytes a dense block aims at when the caller gives no `blockRows`: 4 MiB (a few hundred thousand values). */
export const DEFAULT_BLOCK_BYTES = 4 * 1024 * 1024;

/** Bytes per chunk read from a file stream (Node's default); a text reader holds a chunk and its decoded text (3 × this). */
export const STREAM_CHUNK_BYTES = 64 * 1024;

/** Largest number of rows in one block (the row index stays a small integer). */
const MAX_BLOCK_ROWS = 1 << 24;

/** Options every reader takes. */
export interface ReaderOptions {
  /** Name of the input in messages (default: the input's name). */
  readonly name?: string;
  /** Bytes the reader may hold at once: a block plus its own buffers (default DEFAULT_MEMORY_BUDGET). */
  readonly memoryBudget?: number;
  /** Rows per block when a pass does not ask for a number (default: about DEFAULT_BLOCK_BYTES of float64). */
  readonly blockRows?: number;
}

/**
 * Rows per block of `columns` float64 values: the pass's request, else the reader's, else
 * about DEFAULT_BLOCK_BYTES (less when the budget is small); checked with the reader's own buffers (`extraBytes`) against the
 * budget before anything is allocated.
 */
export function blockRowsFor(columns: number, requested: number | undefined, budget: number, extraBytes: number, what: string): number {
  if (requested !== undefined && (!Number.isSafeInteger(requested) || requested < 1)) {
    throw new InvalidOptionsError(`blockRows must be a positive integer; got ${String(requested)}.`, 'Pass e.g. { blockRows: 10000 }.', { option: 'blockRows' });
  }
  // Without a request: about DEFAULT_BLOCK_BYTES, or half of what the budget leaves beside the reader's buffers.
  const target = Math.min(DEFAULT_BLOCK_BYTES, Math.max(0, (budget - extraBytes) / 2));
  const rows = Math.min(MAX_BLOCK_ROWS, requested ?? Math.max(1, Math.floor(target / (8 * Math.max(1, columns)))));
  checkAllocation(
    8 * rows * Math.max(1, columns) + extraBytes,
    budget,
    `A block of ${rows} × ${columns} values of ${what} (with ${formatBytes(extraBytes)} of reader buffers)`,
    'Ask for fewer rows per block (blockRows)',
  );
  return rows;
}

/** The memory budget of a reader's options. */
export function budgetOf(options: ReaderOptions): number {
  return options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
}

/**
 * Fills row blocks of a fixed width: `row()` hands out the next row's slot, `take()` returns the
 * full block (a view that is valid until the next row is written) and starts the next one.
 */
export class BlockBuilder {
  private readonly buffer: Float64Array;
  private count = 0;
  private first = 0;

  constructor(
    readonly columns: number,
    readonly capacity: number,
  ) {
    this.buffer = new Float64Array(columns * capacity);
  }

  /** Offset of the next row in `values` (counts the row); the caller writes `columns` values there. */
  claim(): number {
    return this.count++ * this.columns;
  }

  /** The buffer rows are written to. */
  get values(): Float64Array {
    return this.buffer;
  }

  /** True when the block holds `capacity` rows. */
  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Rows written since the last take. */
  get rows(): number {
    return this.count;
  }

  /** The rows written since the last take, as a block (a view of the shared buffer), and the index of its first row. */
  take(): { readonly data: DenseMatrix; readonly firstRow: number } {
    const data = new DenseMatrix(this.buffer.subarray(0, this.count * this.columns), this.count, this.columns);
    const firstRow = this.first;
    this.first += this.count;
    this.count = 0;
    return { data, firstRow };
  }
}
