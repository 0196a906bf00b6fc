import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { checkAllocation, DEFAULT_MEMORY_BUDGET, DenseMatrix, float64Bytes, FormatError, InvalidDataError } from '@em/core';
import { STREAM_CHUNK_BYTES } from './blocks.js';
import { resolveColumns } from './columns.js';
import type { ByteInput } from './input.js';
import { type NpyHeader, openNpySource, parseNpyHeader } from './npy.js';

/** Bytes read per call when a float64 body is read straight into the matrix (16 MiB). */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** Options of `readNpyFile`. */
export interface ReadNpyFileOptions {
  /** Name of the file in messages (default: its base name). */
  readonly name?: string;
  /** Bytes the matrix may take (default DEFAULT_MEMORY_BUDGET); checked before it is allocated. */
  readonly memoryBudget?: number;
  /** Columns to keep: 0-based indices, comma-separated (as `--columns`). Default: every column. */
  readonly columns?: string;
  /**
   * Put the matrix on a SharedArrayBuffer (where there is one), so that worker threads read it
   * without the copy `DenseMatrix.toShared()` would make (default false).
   */
  readonly shared?: boolean;
}

/** A .npy file read whole. */
export interface NpyFile {
  /** The rows × selected columns as float64 (on a SharedArrayBuffer with `shared: true`). */
  readonly matrix: DenseMatrix;
  /** The file's header (element type, byte order, shape). */
  readonly header: NpyHeader;
}

/** True when float64 values of this header are stored in this platform's byte order. */
function nativeFloat64(header: NpyHeader): boolean {
  const littleEndianPlatform = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;
  return header.kind === 'f' && header.itemBytes === 8 && header.littleEndian === littleEndianPlatform;
}

/** `bytes` bytes of storage: shared when asked for and available. */
function storage(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared && typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Fills `out` from the file at `position`; returns the bytes read (fewer only at the end of the file). */
async function readFully(file: FileHandle, out: Uint8Array, position: number): Promise<number> {
  let filled = 0;
  while (filled < out.length) {
    const { bytesRead } = await file.read(out, filled, Math.min(READ_CHUNK_BYTES, out.length - filled), position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** The header of an open .npy file (its first 10–12 bytes say how long it is). */
async function readHeader(file: FileHandle, name: string): Promise<NpyHeader> {
  const first = new Uint8Array(12);
  const got = await readFully(file, first, 0);
  const major = first[6] as number;
  let size: number | undefined;
  if (got >= 12 && major >= 1 && major <= 3) {
    const view = new DataView(first.buffer);
    size = (major === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true));
  }
  // parseNpyHeader refuses a wrong magic, version, overlong or truncated header with its own messages.
  if (size === undefined || size > 1024 * 1024 + 12) return parseNpyHeader(first.subarray(0, got), name);
  const head = new Uint8Array(size);
  const length = await readFully(file, head, 0);
  return parseNpyHeader(head.subarray(0, length), name);
}

/**
 * Reads a whole NumPy .npy file into one float64 matrix with no other copy of the data: a
 * float64 body in the platform's byte order, all columns, is read from the file straight into the
 * matrix's bytes (16 MiB per call), so the peak is the matrix itself — not the file's bytes plus
 * the matrix, as reading the file into a Buffer and then decoding it would be. Other element
 * types, byte orders and column selections are decoded block by block through `openNpySource`
 * (one block of raw bytes and one of float64 beside the matrix). The matrix is checked against
 * `memoryBudget` before it is allocated; a body shorter than the header says is a FormatError
 * naming the byte and the row where it ends.
 */
export async function readNpyFile(path: string, options: ReadNpyFileOptions = {}): Promise<NpyFile> {
  const name = options.name ?? basename(path);
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidDataError(`Cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`, 'Check the path.', { path });
  });
  try {
    const header = await readHeader(file, name);
    const selected = options.columns === undefined ? undefined : resolveColumns(options.columns, header.cols, undefined, name);
    const allColumns = selected === undefined || (selected.length === header.cols && selected.every((column, index) => column === index));
    const columns = allColumns ? header.cols : (selected as number[]).length;
    const { rows } = header;
    checkAllocation(float64Bytes(rows, Math.max(columns, 1)), budget, `The ${rows} × ${columns} array of ${name} (as float64)`, 'Select fewer columns with --columns, or pass a smaller array');
    const values = new Float64Array(storage(8 * rows * columns, options.shared === true));
    if (allColumns && nativeFloat64(header)) {
      const body = new Uint8Array(values.buffer, 0, values.byteLength);
      const filled = await readFully(file, body, header.dataStart);
      if (filled < body.length) {
        const actual = header.dataStart + filled;
        const row = Math.floor(filled / (8 * Math.max(1, header.cols)));
        throw new FormatError(
          `${name}: file is truncated at byte ${actual} (row ${row} of ${rows}); expected ${header.dataStart + body.length} bytes to hold ${rows}×${header.cols} ${header.typeName} values.`,
          'Re-save the array with numpy.save (or copy the whole file).',
          { offset: actual, row },
        );
      }
      return { matrix: new DenseMatrix(values, rows, columns), header };
    }
    const source = await openNpySource(fileByteInput(path, name, file), { name, memoryBudget: budget, ...(allColumns || options.columns === undefined ? {} : { columns: options.columns }) });
    for await (const block of source.pass()) values.set(block.data.data, block.firstRow * columns);
    return { matrix: new DenseMatrix(values, rows, columns), header };
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** The open file as a byte input for the block reader (positional reads on the same handle). */
function fileByteInput(path: string, name: string, file: FileHandle): ByteInput {
  return {
    name,
    reiterable: true,
    open: () => Readable.toWeb(createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES })) as ReadableStream<Uint8Array>,
    async read(start, end) {
      const out = new Uint8Array(Math.max(0, end - start));
      return out.subarray(0, await readFully(file, out, start));
    },
  };
}
