import { InvalidOptionsError } from '../errors.js';
import { CsrMatrix } from './csr-matrix.js';
import { DenseMatrix } from './dense-matrix.js';
import type { DataSource, PassOptions, SourceBlock } from './source.js';

/** Options of `arraySource`. */
export interface ArraySourceOptions {
  /** Largest block the source hands out, whatever a pass asks for (default: the pass's `blockRows`, else 4096). */
  readonly blockRows?: number;
  /** False makes the source refuse a second pass, like stdin read without spooling (default true). */
  readonly reiterable?: boolean;
  /** For progress lines and errors (default "in-memory N × D matrix"). */
  readonly description?: string;
}

const DEFAULT_ARRAY_BLOCK_ROWS = 4096;

/**
 * A DataSource over a matrix already in memory: blocks are row slices (views, no copy). Useful to
 * run the streamed fits (`fitStream`, `fitStreamStepwise`) on data in memory — e.g. to check that
 * they follow the in-memory fit — and as the reference source in tests of readers.
 */
export function arraySource<B extends DenseMatrix | CsrMatrix>(matrix: B, options: ArraySourceOptions = {}): DataSource<B> {
  if (!(matrix instanceof DenseMatrix) && !(matrix instanceof CsrMatrix)) {
    throw new InvalidOptionsError('arraySource(matrix) needs a DenseMatrix or a CsrMatrix.', 'Convert the rows first, e.g. arraySource(DenseMatrix.from(rows)).', { option: 'matrix' });
  }
  const cap = checkBlockRows(options.blockRows, 'blockRows');
  const reiterable = options.reiterable ?? true;
  let passes = 0;
  const bytes = matrix instanceof DenseMatrix ? matrix.data.byteLength : matrix.values.byteLength + matrix.indices.byteLength + matrix.indptr.byteLength;
  const bytesPerRow = matrix.rows === 0 ? 0 : bytes / matrix.rows;
  return {
    columns: matrix.cols,
    rows: matrix.rows,
    bytes,
    reiterable,
    description: options.description ?? `in-memory ${matrix.rows} × ${matrix.cols} ${matrix instanceof DenseMatrix ? 'dense' : 'sparse'} matrix`,
    pass(passOptions: PassOptions = {}): AsyncIterable<SourceBlock<B>> {
      if (!reiterable && passes > 0) {
        throw new InvalidOptionsError('This source can be read only once.', 'Read it in one pass (stepwise EM), or spool it to a file for batch EM.', { option: 'passes' });
      }
      passes++;
      const asked = checkBlockRows(passOptions.blockRows, 'pass blockRows') ?? cap ?? DEFAULT_ARRAY_BLOCK_ROWS;
      const size = Math.min(asked, cap ?? asked);
      return {
        async *[Symbol.asyncIterator]() {
          for (let start = 0; start < matrix.rows; start += size) {
            passOptions.signal?.throwIfAborted();
            const end = Math.min(matrix.rows, start + size);
            yield { data: matrix.sliceRows(start, end) as B, firstRow: start, bytesRead: Math.round(end * bytesPerRow) };
          }
        },
      };
    },
    close: () => Promise.resolve(),
  };
}

function checkBlockRows(value: number | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidOptionsError(`${option} must be an integer ≥ 1; got ${String(value)}.`, 'Pass e.g. { blockRows: 4096 }.', { option });
  }
  return value;
}
