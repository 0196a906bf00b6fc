import { InvalidDataError, InvalidOptionsError } from '../errors.js';
import { checkAllocation, float64Bytes, formatBytes } from '../memory-budget.js';
import type { Random } from '../random.js';
import { CsrMatrix } from './csr-matrix.js';
import { DenseMatrix } from './dense-matrix.js';
import type { DataSource, SourceBlock } from './source.js';

/** Options of `reservoirSample`. */
export interface ReservoirOptions {
  /** Rows to keep (k ≥ 1): the sample is every row when the source has at most k rows. */
  readonly rows: number;
  /** Draws the replacements (seeded: the same seed and source give the same sample). */
  readonly random: Random;
  /** Bytes the sample may take (checked before allocating; sparse rows are counted as they arrive). */
  readonly memoryBudget: number;
  /** Rows per block asked of the source. */
  readonly blockRows?: number;
  /** Stops the pass (an AbortError from the source) when it fires. */
  readonly signal?: AbortSignal;
  /** Called after each block with the rows and bytes read so far in this pass. */
  readonly onBlock?: (rowsRead: number, bytesRead: number | undefined) => void;
  /** Called with each block before it is sampled (e.g. to validate it); throwing stops the pass. */
  readonly inspect?: (block: SourceBlock<DenseMatrix | CsrMatrix>) => void;
}

/** A uniform sample of a source's rows, and what the pass that drew it read. */
export interface ReservoirSample<B> {
  /** min(k, rows) rows, drawn uniformly without replacement (in reservoir-slot order, not file order). */
  readonly sample: B;
  /** Rows in the source (counted by this pass). */
  readonly rowsRead: number;
  /** Bytes the pass consumed, when the source reports them. */
  readonly bytesRead: number | undefined;
}

/**
 * One pass over a source keeping a uniform random sample of k rows (reservoir sampling, Vitter's
 * Algorithm R): row i (0-based) enters the reservoir with probability k/(i+1), replacing a uniformly
 * chosen slot, so after n rows every row is in the sample with probability k/n. Memory is k rows,
 * whatever the source's length; one random draw per row past the k-th. Deterministic for a seed.
 */
export async function reservoirSample<B extends DenseMatrix | CsrMatrix>(source: DataSource<B>, options: ReservoirOptions): Promise<ReservoirSample<B>> {
  const k = options.rows;
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidOptionsError(`The reservoir size must be an integer ≥ 1; got ${String(k)}.`, 'Pass e.g. { reservoirRows: 10000 }.', { option: 'reservoirRows' });
  }
  const d = source.columns;
  const random = options.random;
  let dense: Float64Array | undefined;
  const sparseRows: Array<{ readonly indices: Int32Array; readonly values: Float64Array }> = [];
  let sparseBytes = 0;
  let kind: 'dense' | 'sparse' | undefined;
  let seen = 0;
  let bytesRead: number | undefined;
  const pass = source.pass({ ...(options.blockRows === undefined ? {} : { blockRows: options.blockRows }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  for await (const block of pass) {
    options.signal?.throwIfAborted();
    options.inspect?.(block);
    const data = block.data;
    if (data instanceof DenseMatrix) {
      if (kind === 'sparse') throw mixedBlocks(source.description);
      kind = 'dense';
      if (dense === undefined) {
        const capacity = source.rows === undefined ? k : Math.max(1, Math.min(k, source.rows));
        checkAllocation(float64Bytes(capacity, d), options.memoryBudget, `a reservoir sample of ${capacity} rows × ${d} columns`, 'Pass a smaller reservoirRows');
        dense = new Float64Array(capacity * d);
      }
      for (let r = 0; r < data.rows; r++, seen++) {
        const slot = seen < k ? seen : random.integer(seen + 1);
        if (slot >= k) continue;
        if (slot * d >= dense.length) dense = grow(dense, d, k);
        dense.set(data.data.subarray(r * d, (r + 1) * d), slot * d);
      }
    } else {
      if (kind === 'dense') throw mixedBlocks(source.description);
      kind = 'sparse';
      for (let r = 0; r < data.rows; r++, seen++) {
        const slot = seen < k ? seen : random.integer(seen + 1);
        if (slot >= k) continue;
        const from = data.indptr[r] as number;
        const to = data.indptr[r + 1] as number;
        const row = { indices: data.indices.slice(from, to), values: data.values.slice(from, to) };
        const old = sparseRows[slot];
        sparseBytes += 12 * (to - from) - (old === undefined ? 0 : 12 * old.values.length);
        if (sparseBytes > options.memoryBudget) {
          throw new InvalidOptionsError(
            `A reservoir sample of ${k} sparse rows of ${source.description} needs more than its memory share of ${formatBytes(options.memoryBudget)}.`,
            'Pass a smaller reservoirRows, or raise the memory budget.',
            { option: 'reservoirRows' },
          );
        }
        sparseRows[slot] = row;
      }
    }
    if (block.bytesRead !== undefined) bytesRead = block.bytesRead;
    options.onBlock?.(seen, bytesRead);
  }
  if (seen === 0) {
    throw new InvalidDataError(`${source.description} has no rows.`, 'Check the file: a fit needs at least one observation.', { rows: 0 });
  }
  const kept = Math.min(k, seen);
  if (kind === 'sparse') {
    const indptr = new Int32Array(kept + 1);
    for (let i = 0; i < kept; i++) indptr[i + 1] = (indptr[i] as number) + (sparseRows[i] as { values: Float64Array }).values.length;
    const indices = new Int32Array(indptr[kept] as number);
    const values = new Float64Array(indptr[kept] as number);
    for (let i = 0; i < kept; i++) {
      const row = sparseRows[i] as { indices: Int32Array; values: Float64Array };
      indices.set(row.indices, indptr[i] as number);
      values.set(row.values, indptr[i] as number);
    }
    return { sample: new CsrMatrix(indptr, indices, values, d) as B, rowsRead: seen, bytesRead };
  }
  const values = (dense as Float64Array).length === kept * d ? (dense as Float64Array) : (dense as Float64Array).slice(0, kept * d);
  return { sample: new DenseMatrix(values, kept, d) as B, rowsRead: seen, bytesRead };
}

/** Doubles a dense reservoir that started smaller than k (a source with an unknown or wrong row count). */
function grow(values: Float64Array, d: number, k: number): Float64Array {
  const bigger = new Float64Array(Math.min(k, Math.max(1, (2 * values.length) / Math.max(1, d))) * d);
  bigger.set(values);
  return bigger;
}

function mixedBlocks(description: string): InvalidDataError {
  return new InvalidDataError(`${description} returned both dense and sparse blocks.`, 'A source must return one kind of block; this is a bug in its reader.');
}
