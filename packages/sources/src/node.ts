/**
 * The Node entry of @em/sources: files and standard input as byte inputs, and `openDataSource`,
 * which picks a reader by file extension or `format`.
 *
 * @packageDocumentation
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkAllocation, type CsrMatrix, type DataSource, DEFAULT_MEMORY_BUDGET, type DenseMatrix, type DenseSource, float64Bytes, FormatError, formatBytes, InvalidDataError, InvalidOptionsError, parseByteSize, type PassOptions, type SparseSource } from '@em/core';
import { type ReaderOptions, STREAM_CHUNK_BYTES } from './blocks.js';
import { openArrowSource } from './arrow.js';
import { openCsvSource } from './csv.js';
import type { ByteInput } from './input.js';
import { openMatrixMarketSource } from './matrix-market.js';
import { openNdjsonSource } from './ndjson.js';
import { openNpySource } from './npy.js';
import { openParquetSource } from './parquet.js';

export * from './columnar.js';
export * from './index.js';
export { type NpyFile, readNpyFile, type ReadNpyFileOptions } from './npy-file.js';

/** Default disk allowance for spooling standard input to a temporary file: 4 GiB. */
export const DEFAULT_DISK_BUDGET = 4 * 1024 ** 3;

/** A file on disk as a re-readable input (streamed in 64 KiB chunks; Parquet reads it by offset). */
export function fileInput(path: string, options: { readonly name?: string; readonly bytes?: number; readonly onClose?: () => Promise<void> } = {}): ByteInput {
  let handle: Promise<FileHandle> | undefined;
  let closed = false;
  const readInto = async (target: Uint8Array, position: number): Promise<number> => {
    handle ??= open(path, 'r');
    const file = await handle;
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await file.read(target, filled, target.length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  };
  return {
    name: options.name ?? basename(path),
    ...(options.bytes === undefined ? {} : { bytes: options.bytes }),
    reiterable: true,
    open: () => Readable.toWeb(createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) as ReadableStream<Uint8Array>,
    openFileHandle: () => open(path, 'r'),
    async read(start, end) {
      const out = new Uint8Array(Math.max(0, end - start));
      return out.subarray(0, await readInto(out, start));
    },
    readInto,
    async close() {
      if (closed) return;
      closed = true;
      if (handle !== undefined) await (await handle).close().catch(() => undefined);
      await options.onClose?.();
    },
  };
}

/** Data formats `openDataSource` reads. */
export type DataFormat = 'csv' | 'tsv' | 'npy' | 'mtx' | 'ndjson' | 'parquet' | 'arrow';

/** Every format name, for messages and option parsing. */
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'npy', 'mtx', 'ndjson', 'parquet', 'arrow'];

const EXTENSIONS: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.txt': 'csv',
  '.tsv': 'tsv',
  '.npy': 'npy',
  '.mtx': 'mtx',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

/** The format a file name implies: by extension (.csv, .tsv, .npy, .mtx, .ndjson/.jsonl, .parquet, .arrow/.feather); delimited text otherwise. */
export function dataFormatOf(path: string): DataFormat {
  return EXTENSIONS[extname(path).toLowerCase()] ?? 'csv';
}

/**
 * The format of a spooled input from its first bytes: .npy, Parquet and Arrow magic numbers, the
 * Matrix Market banner, a `[` or `{` (newline-delimited JSON); delimited text otherwise.
 */
export function sniffFormat(head: Uint8Array): DataFormat {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 64));
  if (text.startsWith('\x93NUMPY')) return 'npy';
  if (text.startsWith('PAR1')) return 'parquet';
  if (text.startsWith('ARROW1') || (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff)) return 'arrow';
  if (/^%%matrixmarket/i.test(text)) return 'mtx';
  if (/^\s*[[{]/.test(text)) return 'ndjson';
  return 'csv';
}

/** Options of `openDataSource`. */
export interface OpenDataSourceOptions extends ReaderOptions {
  /** The format (default: from the extension; for `-`, from the first bytes). */
  readonly format?: DataFormat;
  /** Columns to read: names or 0-based indices, comma-separated (as `--columns`); not for .mtx. */
  readonly columns?: string;
  /** Field separator of delimited text (default: tab for .tsv, comma otherwise). */
  readonly delimiter?: string;
  /** Longest line of a CSV/TSV or NDJSON file, in characters (default MAX_LINE_LENGTH). */
  readonly maxLineLength?: number;
  /**
   * Bytes standard input may take on disk when spooled (default DEFAULT_DISK_BUDGET, 4 GiB; a
   * number or a size such as '10GiB'). Larger input is refused with a typed error.
   */
  readonly diskBudget?: number | string;
  /**
   * For `-`: spool standard input to a temporary file so that it can be read again (default true);
   * false reads it once as it arrives (for single-pass, stepwise fits; Parquet needs the spool).
   */
  readonly spool?: boolean;
  /** The stream read for `-` (default process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Directory of the temporary spool (default os.tmpdir()). */
  readonly tempDirectory?: string;
}

/** A source opened by `openDataSource`: dense rows, or sparse counts from a .mtx file. */
export type OpenedSource = (DenseSource & { readonly format: Exclude<DataFormat, 'mtx'>; readonly sparse: false }) | (SparseSource & { readonly format: 'mtx'; readonly sparse: true });

/** The disk allowance in bytes. */
function diskBudgetOf(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_DISK_BUDGET;
  if (typeof value === 'string') return parseByteSize(value, 'diskBudget');
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(`diskBudget must be a finite number of bytes ≥ 0; got ${String(value)}.`, "Pass e.g. { diskBudget: '10GiB' }.", { option: 'diskBudget' });
  }
  return value;
}

/**
 * Copies standard input to a file in a new temporary directory, refusing more than `diskBudget`
 * bytes; the directory is removed on error, and when the returned input is closed.
 */
async function spoolStdin(stdin: NodeJS.ReadableStream, diskBudget: number, directory: string): Promise<ByteInput> {
  const dir = await mkdtemp(join(directory, 'em-stdin-'));
  const path = join(dir, 'stdin');
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  let written = 0;
  try {
    await pipeline(
      stdin,
      async function* limit(chunks: AsyncIterable<Buffer | string>) {
        for await (const chunk of chunks) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          written += bytes.length;
          if (written > diskBudget) {
            throw new InvalidDataError(
              `Standard input is larger than the disk budget of ${formatBytes(diskBudget)} for spooling it to a temporary file.`,
              'Raise the disk budget (diskBudget / --disk-budget), pass a file instead of -, or read the input once (a single-pass, stepwise fit).',
              { bytes: written, diskBudget },
            );
          }
          yield bytes;
        }
      },
      createWriteStream(path),
    );
  } catch (error) {
    await remove();
    throw error;
  }
  return fileInput(path, { name: 'stdin', bytes: (await stat(path)).size, onClose: remove });
}

/** Standard input read once, as it arrives; `head()` looks at its first chunk without consuming it. */
function pipeInput(stdin: NodeJS.ReadableStream): ByteInput & { head(): Promise<Uint8Array> } {
  let opened = false;
  const reader = (Readable.toWeb(Readable.from(stdin)) as ReadableStream<Uint8Array>).getReader();
  let first: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  return {
    name: 'stdin',
    reiterable: false,
    async head() {
      first ??= reader.read();
      const result = await first;
      return result.done ? new Uint8Array(0) : result.value;
    },
    open() {
      if (opened) throw new InvalidDataError('stdin can be read only once.', 'Spool it (the default for -) to read it again.');
      opened = true;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          const result = first ?? reader.read();
          first = undefined;
          const { done, value } = await result;
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      });
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/** The first bytes of an input (to recognise its format). */
async function headOf(input: ByteInput): Promise<Uint8Array> {
  if (input.read !== undefined) return input.read(0, 64);
  return new Uint8Array(0);
}

/**
 * Opens a data file, or standard input for `-`, as a stream of row blocks, choosing the reader by
 * `format`, else by the file's extension (`-`: by its first bytes). Standard input is spooled to a
 * temporary file within `diskBudget` so that batch EM can read it once per iteration, unless
 * `spool: false`. `close()` releases the file and removes the spool; a failure while opening
 * releases them too.
 */
export async function openDataSource(path: string, options: OpenDataSourceOptions = {}): Promise<OpenedSource> {
  let input: ByteInput;
  let pipeHead: (() => Promise<Uint8Array>) | undefined;
  if (path === '-') {
    const stdin = options.stdin ?? process.stdin;
    if (options.spool === false) {
      const pipe = pipeInput(stdin);
      pipeHead = () => pipe.head();
      input = pipe;
    } else input = await spoolStdin(stdin, diskBudgetOf(options.diskBudget), options.tempDirectory ?? tmpdir());
  } else {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new InvalidDataError(`Cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`, 'Check the path.', { path });
    });
    if (info.isDirectory()) throw new InvalidDataError(`${path} is a directory, not a data file.`, 'Pass a file.', { path });
    input = fileInput(path, info.isFile() ? { bytes: info.size } : {});
  }
  try {
    const format = options.format ?? (path === '-' ? sniffFormat(pipeHead === undefined ? await headOf(input) : await pipeHead()) : dataFormatOf(path));
    const common: ReaderOptions = {
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.memoryBudget === undefined ? {} : { memoryBudget: options.memoryBudget }),
      ...(options.blockRows === undefined ? {} : { blockRows: options.blockRows }),
    };
    const columns = { ...(options.columns === undefined ? {} : { columns: options.columns }), ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }) };
    switch (format) {
      case 'csv':
      case 'tsv': {
        const delimiter = options.delimiter ?? (format === 'tsv' ? '\t' : undefined);
        const source = await openCsvSource(input, { ...common, ...columns, ...(delimiter === undefined ? {} : { delimiter }) });
        return Object.assign(source, { format, sparse: false as const });
      }
      case 'npy':
        return Object.assign(await openNpySource(input, { ...common, ...columns }), { format, sparse: false as const });
      case 'ndjson':
        return Object.assign(await openNdjsonSource(input, { ...common, ...columns }), { format, sparse: false as const });
      case 'parquet':
        return Object.assign(await openParquetSource(input, { ...common, ...columns }), { format, sparse: false as const });
      case 'arrow':
        return Object.assign(await openArrowSource(input, { ...common, ...columns }), { format, sparse: false as const });
      case 'mtx':
        if (options.columns !== undefined) {
          throw new FormatError(`--columns cannot be applied to the Matrix Market file ${input.name}.`, 'Drop --columns, or pass a dense file.');
        }
        return Object.assign(await openMatrixMarketSource(input, common), { format, sparse: true as const });
      default:
        throw new InvalidOptionsError(`Unknown data format "${String(format)}".`, `Pass one of ${DATA_FORMATS.join(', ')}.`, { option: 'format' });
    }
  } catch (error) {
    await input.close?.();
    throw error;
  }
}

/** A dense or sparse source, for code that handles both. */
export type AnySource = DataSource<DenseMatrix> | DataSource<CsrMatrix>;

/** A source opened by `openDenseSource`: always dense rows. */
export type OpenedDenseSource = DenseSource & { readonly format: DataFormat };

/**
 * Opens a data file as dense row blocks, whatever its format: as `openDataSource`, but a Matrix
 * Market file's CSR blocks are handed out densified, one block at a time (each dense block,
 * blockRows × columns float64, is checked against the memory budget), for models that need
 * dense rows (a Gaussian mixture on counts).
 */
export async function openDenseSource(path: string, options: OpenDataSourceOptions = {}): Promise<OpenedDenseSource> {
  const opened = await openDataSource(path, options);
  if (!opened.sparse) return opened;
  const sparse = opened;
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  return {
    format: 'mtx',
    columns: sparse.columns,
    ...(sparse.rows === undefined ? {} : { rows: sparse.rows }),
    ...(sparse.bytes === undefined ? {} : { bytes: sparse.bytes }),
    reiterable: sparse.reiterable,
    description: `${sparse.description}, densified`,
    async *pass(passOptions: PassOptions = {}) {
      for await (const block of sparse.pass(passOptions)) {
        checkAllocation(float64Bytes(block.data.rows, block.data.cols), budget, `The dense ${block.data.rows} × ${block.data.cols} form of a block of ${sparse.description}`, 'Ask for fewer rows per block (blockRows)');
        yield { data: block.data.toDense(), firstRow: block.firstRow, ...(block.bytesRead === undefined ? {} : { bytesRead: block.bytesRead }) };
      }
    },
    close: () => sparse.close(),
  };
}
