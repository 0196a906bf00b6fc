/**
 * Whole sequences from a row stream: a core DataSource of dense rows plus where the sequences
 * begin and end (a lengths list, a sequence-id column, or one sequence for the whole source),
 * handed out in blocks of whole sequences up to a row budget. A sequence is never split between
 * blocks: a sequence longer than the largest block the memory budget allows is refused with a
 * MemoryBudgetError that says how long it is and what its forward–backward tables need.
 *
 * Sequence-id column rule: consecutive rows with the same id form a sequence, a change of id
 * starts a new one, and an id that comes back after another id is an InvalidDataError naming the
 * row (the file is not grouped by sequence: a silently split sequence would fit a different
 * model). The ids seen are kept in a set to check that, one number per sequence, bounded by the
 * memory budget (more distinct ids than it allows: use a lengths file instead).
 */
import {
  type DataSource,
  DenseMatrix,
  EmError,
  InvalidDataError,
  InvalidOptionsError,
  MemoryBudgetError,
  Sequences,
  formatBytes,
} from '@em/core';

/** Where the sequences of a row stream begin and end. */
export type SequenceBoundaries =
  /** The whole source is one sequence. */
  | { readonly kind: 'single' }
  /** Consecutive sequences of these lengths (they must add up to the source's rows). */
  | { readonly kind: 'lengths'; readonly lengths: ArrayLike<number> }
  /** Column `column` (0-based) of the source holds a numeric sequence id; it is not an observation. */
  | { readonly kind: 'column'; readonly column: number; readonly name?: string };

/** One block of whole sequences. */
export interface SequenceBlock {
  /** The block's sequences (views into a buffer that is reused for the next block). */
  readonly sequences: Sequences<DenseMatrix>;
  /** 0-based row of the source where the block's first sequence starts. */
  readonly firstRow: number;
  /** 0-based index (in the source) of the block's first sequence. */
  readonly firstSequence: number;
  /** Bytes of the underlying file read so far in this pass, when the source reports them. */
  readonly bytesRead?: number;
}

/** How a pass cuts the rows into blocks. */
export interface SequencePassOptions {
  /** Rows a block aims at: a block is handed out once it holds at least this many rows of whole sequences. */
  readonly targetRows: number;
  /** Most rows a block of several sequences may hold (rows and forward–backward tables within the budget). */
  readonly maxRows: number;
  /** Bytes per row the caller counted against the budget for `maxRows`. */
  readonly bytesPerRow: number;
  /**
   * Most rows of one sequence alone in a block (default `maxRows`): larger when its forward–backward
   * runs checkpointed, with only its rows in the block. A longer sequence is a MemoryBudgetError.
   */
  readonly maxSequenceRows?: number;
  /** Bytes per row counted for `maxSequenceRows` (default `bytesPerRow`), for the refusal's message. */
  readonly sequenceBytesPerRow?: number;
  /** The budget behind `maxRows` (for the refusal's message). */
  readonly memoryBudget: number;
  /** Most distinct ids a sequence-id column may have (the set that checks an id does not come back). */
  readonly maxIds?: number;
  /** Aborts the pass. */
  readonly signal?: AbortSignal;
}

/** Counts of one finished pass. */
export interface SequencePassTally {
  /** Rows read so far. */
  rows: number;
  /** Sequences handed out so far. */
  sequences: number;
  /** Bytes of the file read so far, when the source reports them. */
  bytes: number | undefined;
}

/** Observation columns of a source under these boundaries (the id column is not one). */
export function observationColumns(source: DataSource<DenseMatrix>, boundaries: SequenceBoundaries): number {
  return boundaries.kind === 'column' ? source.columns - 1 : source.columns;
}

/** Checks the boundaries against the source's shape before any row is read. */
export function checkBoundaries(source: DataSource<DenseMatrix>, boundaries: SequenceBoundaries): void {
  if (boundaries.kind === 'column') {
    const { column } = boundaries;
    if (!Number.isInteger(column) || column < 0 || column >= source.columns) {
      throw new InvalidOptionsError(
        `The sequence-id column ${boundaries.name === undefined ? String(column) : `"${boundaries.name}"`} is not one of the ${source.columns} columns of ${source.description}.`,
        'Name a column of the file (its header), or give the sequence lengths instead.',
        { option: 'sequenceColumn' },
      );
    }
    if (source.columns < 2) {
      throw new InvalidDataError(`${source.description} has only the sequence-id column: no observations.`, 'Give a file with the id column and at least one observation column.', {
        columns: source.columns,
      });
    }
  } else if (boundaries.kind === 'lengths') {
    const { lengths } = boundaries;
    if (lengths.length === 0) throw new InvalidDataError('No sequences were given (lengths is empty).', 'Pass at least one sequence of length ≥ 1.');
    let total = 0;
    for (let s = 0; s < lengths.length; s++) {
      const l = lengths[s] as number;
      if (!Number.isInteger(l) || l < 1) {
        throw new InvalidDataError(`Sequence ${s + 1} has length ${l}; every sequence needs an integer length ≥ 1.`, 'Remove empty sequences from lengths (they carry no information).', {
          sequence: s,
          length: l,
        });
      }
      total += l;
    }
    if (source.rows !== undefined && total !== source.rows) {
      throw new InvalidDataError(
        `The sequence lengths sum to ${total} but ${source.description} has ${source.rows} rows.`,
        'Make the lengths add up to the number of rows (omit them for a single sequence).',
        { lengthsSum: total, rows: source.rows },
      );
    }
  }
}

/**
 * One pass over `source` in blocks of whole sequences. Blocks are handed out once they hold at
 * least `targetRows` rows (the last one when the source ends); a sequence that does not fit in
 * `maxRows` rows is a MemoryBudgetError naming it. Every block's buffers are reused for the next
 * block. `tally` receives the pass's counts as it goes.
 */
export async function* sequenceBlocks(
  source: DataSource<DenseMatrix>,
  boundaries: SequenceBoundaries,
  options: SequencePassOptions,
  tally: SequencePassTally = { rows: 0, sequences: 0, bytes: undefined },
): AsyncGenerator<SequenceBlock> {
  const columns = observationColumns(source, boundaries);
  const sourceColumns = source.columns;
  const idColumn = boundaries.kind === 'column' ? boundaries.column : -1;
  const lengths = boundaries.kind === 'lengths' ? boundaries.lengths : undefined;
  const maxIds = options.maxIds ?? Number.MAX_SAFE_INTEGER;
  const seen = idColumn >= 0 ? new Set<number>() : undefined;
  // Twice the target: a block usually reaches the target with whole sequences before the buffer is full.
  let capacity = Math.min(options.maxRows, 2 * Math.max(1, options.targetRows));
  let buffer = new Float64Array(capacity * columns);
  let filled = 0;
  // Lengths of the finished sequences at the front of the buffer; the current sequence follows them.
  let finished: number[] = [];
  let currentStart = 0;
  let blockFirstRow = 0;
  let blockFirstSequence = 0;
  let sequence = -1;
  let currentId = NaN;
  let remaining = 0;
  let row = 0;
  let bytes: number | undefined;

  const maxSequenceRows = Math.max(options.maxRows, options.maxSequenceRows ?? options.maxRows);
  const sequenceBytesPerRow = options.sequenceBytesPerRow ?? options.bytesPerRow;
  const refuse = (): MemoryBudgetError => {
    const startRow = blockFirstRow + currentStart;
    const checkpointed = maxSequenceRows > options.maxRows;
    return new MemoryBudgetError(
      `${source.description}: sequence ${sequence + 1} (from row ${startRow + 1}) is longer than ${maxSequenceRows} rows, the most one block may hold: ` +
        `${checkpointed ? 'its rows alone (forward–backward checkpointed)' : 'its rows and forward–backward tables'} need ${formatBytes(sequenceBytesPerRow)} a row, ` +
        `${formatBytes(sequenceBytesPerRow * (maxSequenceRows + 1))} or more in all, and the memory budget is ${formatBytes(options.memoryBudget)}.`,
      'Raise the memory budget (--memory-budget), split the sequence into shorter ones (--lengths or the id column), or select fewer columns.',
      { sequence, row: startRow, maxRows: maxSequenceRows, bytesPerRow: sequenceBytesPerRow, memoryBudget: options.memoryBudget },
    );
  };
  const block = (count: number): SequenceBlock => {
    let rows = 0;
    for (let s = 0; s < count; s++) rows += finished[s] as number;
    const data = new DenseMatrix(buffer.subarray(0, rows * columns), rows, columns);
    return {
      sequences: new Sequences(data, finished.slice(0, count)),
      firstRow: blockFirstRow,
      firstSequence: blockFirstSequence,
      ...(bytes === undefined ? {} : { bytesRead: bytes }),
    };
  };

  for await (const chunk of source.pass({ blockRows: Math.min(capacity, 65_536), ...(options.signal === undefined ? {} : { signal: options.signal }) })) {
    const { data, rows, cols } = chunk.data;
    if (cols !== sourceColumns) {
      throw new InvalidDataError(`${source.description}: the block starting at row ${chunk.firstRow + 1} has ${cols} columns, but the source has ${sourceColumns}.`, 'Give every row the same number of columns.', {
        row: chunk.firstRow,
      });
    }
    if (chunk.bytesRead !== undefined) bytes = chunk.bytesRead;
    for (let r = 0; r < rows; r++, row++) {
      const base = r * cols;
      // Does this row start a new sequence?
      let starts: boolean;
      if (idColumn >= 0) {
        const id = data[base + idColumn] as number;
        if (!Number.isFinite(id)) {
          throw new InvalidDataError(`${source.description}, row ${row + 1}: the sequence id is ${String(id)}.`, 'Give every row a numeric sequence id.', { row });
        }
        starts = sequence < 0 || id !== currentId;
        if (starts) {
          const ids = seen as Set<number>;
          if (ids.has(id)) {
            throw new InvalidDataError(
              `${source.description}, row ${row + 1}: sequence id ${id} appears again after other ids — the rows of a sequence must be consecutive.`,
              'Sort the file by sequence id, keeping the time order within each id (a stable sort), or give each separate run its own id.',
              { row, id },
            );
          }
          if (ids.size >= maxIds) {
            throw new MemoryBudgetError(
              `${source.description}, row ${row + 1}: more than ${maxIds} distinct sequence ids; checking that no id comes back keeps one per sequence, beyond the memory budget's share.`,
              'Give the sequence lengths instead (--lengths), or raise the memory budget.',
              { row, maxIds },
            );
          }
          ids.add(id);
          currentId = id;
        }
      } else if (lengths !== undefined) {
        starts = remaining === 0;
        if (starts) {
          if (sequence + 1 >= lengths.length) {
            throw new InvalidDataError(
              `${source.description}, row ${row + 1}: the ${lengths.length} sequence lengths cover only ${row} rows, but the source has more.`,
              'Make the lengths add up to the number of rows.',
              { row, sequences: lengths.length },
            );
          }
          remaining = lengths[sequence + 1] as number;
        }
        remaining--;
      } else starts = sequence < 0;
      if (starts) {
        if (sequence >= 0) finished.push(filled - currentStart);
        sequence++;
        currentStart = filled;
        // Hand out the finished sequences once they reach the target.
        if (filled >= options.targetRows && finished.length > 0) {
          yield block(finished.length);
          tally.sequences += finished.length;
          finished = [];
          blockFirstRow = row;
          blockFirstSequence = sequence;
          filled = 0;
          currentStart = 0;
        }
      }
      if (filled === capacity) {
        // The buffer is full: hand out the finished sequences and move the current one to the front, or grow.
        if (finished.length > 0) {
          yield block(finished.length);
          tally.sequences += finished.length;
          const moved = filled - currentStart;
          buffer.copyWithin(0, currentStart * columns, filled * columns);
          blockFirstRow += currentStart;
          blockFirstSequence = sequence;
          finished = [];
          filled = moved;
          currentStart = 0;
        }
        if (filled === capacity) {
          // Only the current sequence is in the buffer: it may grow past maxRows, up to maxSequenceRows.
          if (capacity >= maxSequenceRows) throw refuse();
          capacity = Math.min(maxSequenceRows, 2 * capacity);
          const grown = new Float64Array(capacity * columns);
          grown.set(buffer.subarray(0, filled * columns));
          buffer = grown;
        }
      }
      const to = filled * columns;
      if (idColumn < 0) buffer.set(data.subarray(base, base + cols), to);
      else {
        let c = 0;
        for (let j = 0; j < cols; j++) if (j !== idColumn) buffer[to + c++] = data[base + j] as number;
      }
      filled++;
      tally.rows = row + 1;
    }
    tally.bytes = bytes;
  }
  if (sequence < 0) throw new InvalidDataError(`${source.description} has no rows.`, 'Check the file: a fit needs at least one observation.', { rows: 0 });
  if (lengths !== undefined && (remaining > 0 || sequence + 1 < lengths.length)) {
    let total = 0;
    for (let s = 0; s < lengths.length; s++) total += lengths[s] as number;
    throw new InvalidDataError(`The sequence lengths sum to ${total} but ${source.description} has ${row} rows.`, 'Make the lengths add up to the number of rows (omit them for a single sequence).', {
      lengthsSum: total,
      rows: row,
    });
  }
  finished.push(filled - currentStart);
  yield block(finished.length);
  tally.sequences += finished.length;
}

/**
 * An EmError raised on a block, with its row and sequence numbers made the source's (a model's
 * errors count rows and sequences from the block's start): same class, message prefixed with the
 * source and the 1-based row.
 */
export function locateInSource(error: unknown, description: string, block: Pick<SequenceBlock, 'firstRow' | 'firstSequence'>): unknown {
  if (!(error instanceof EmError) || error.constructor === EmError) return error;
  const row = error.details['row'];
  const sequence = error.details['sequence'];
  const details = {
    ...error.details,
    ...(typeof row === 'number' ? { row: block.firstRow + row } : {}),
    ...(typeof sequence === 'number' ? { sequence: block.firstSequence + sequence } : {}),
    blockFirstRow: block.firstRow,
  };
  const where =
    typeof row === 'number'
      ? `row ${block.firstRow + row + 1}${typeof sequence === 'number' ? ` (sequence ${block.firstSequence + sequence + 1})` : ''}`
      : `the block of sequences from row ${block.firstRow + 1}`;
  const Kind = error.constructor as new (problem: string, remedy: string, details: EmError['details']) => EmError;
  return new Kind(`${description}, ${where} (1-based; the message below counts within the block): ${error.message}`, '', details);
}
