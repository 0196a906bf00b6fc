import type { CsrMatrix } from './csr-matrix.js';
import type { DenseMatrix } from './dense-matrix.js';

/**
 * One block of a streamed data source: a slice of consecutive rows, in the same shape the models'
 * E-steps take (a DenseMatrix for dense data, a CsrMatrix for sparse counts).
 */
export interface SourceBlock<B> {
  /** The rows of this block. Valid until the consumer asks for the next block (readers may reuse buffers). */
  readonly data: B;
  /** 0-based index, within the whole source, of this block's first row. */
  readonly firstRow: number;
  /** Bytes of the underlying file or stream consumed so far in this pass (for progress), when known. */
  readonly bytesRead?: number;
}

/** Options for one pass over a source. */
export interface PassOptions {
  /** Upper bound on rows per block (the reader may return fewer). */
  readonly blockRows?: number;
  readonly signal?: AbortSignal;
}

/**
 * Data that need not sit in memory at once: an async iterable of row blocks with a known column
 * count. `pass()` may be called again for a new pass over the same rows in the same order
 * (re-iterable, for batch EM); a source that can be read only once (a pipe) says so with
 * `reiterable: false`. Every block of every pass has exactly `columns` columns; a reader that meets
 * a row with another count throws an InvalidDataError naming the line or row.
 */
export interface DataSource<B = DenseMatrix> {
  /** Columns of every block (known before the first block). */
  readonly columns: number;
  /** Column names when the source has a header. */
  readonly columnNames?: readonly string[];
  /** Total rows when the format says so in advance (.npy, Matrix Market, Parquet, Arrow); otherwise undefined. */
  readonly rows?: number;
  /** Total bytes of the underlying file when known (for progress). */
  readonly bytes?: number;
  /** False when only one pass is possible (e.g. stdin read without spooling). */
  readonly reiterable: boolean;
  /** A short description for progress lines and errors, e.g. the file name and format. */
  readonly description: string;
  /** Starts one pass over every row, in blocks. */
  pass(options?: PassOptions): AsyncIterable<SourceBlock<B>>;
  /** Releases files, temporary spools and readers; safe to call more than once. */
  close(): Promise<void>;
}

/** A dense streamed source (CSV/TSV, .npy, NDJSON, Parquet, Arrow). */
export type DenseSource = DataSource<DenseMatrix>;
/** A sparse streamed source (Matrix Market counts). */
export type SparseSource = DataSource<CsrMatrix>;
