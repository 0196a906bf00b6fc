/**
 * Where a reader's bytes come from: a stream that can be opened once per pass, and, for formats
 * that need it (Parquet's footer comes first), random access. Browser `File`/`Blob`s and Node files
 * (`@em/sources/node`) both provide it; a pipe provides `open` once (`reiterable: false`).
 */
export interface ByteInput {
  /** A short name for messages and progress lines, e.g. the file's base name. */
  readonly name: string;
  /** Total bytes, when known (files and blobs; not a pipe). */
  readonly bytes?: number;
  /** False when `open` may be called only once (a pipe read without spooling). */
  readonly reiterable: boolean;
  /** A fresh stream of the bytes from the start. */
  open(): ReadableStream<Uint8Array>;
  /** Bytes `[start, end)`, for formats read by offset (Parquet); absent for pipes. */
  readonly read?: (start: number, end: number) => Promise<Uint8Array>;
  /**
   * Fills `target` with the bytes from `position` on and resolves to how many were read (fewer at
   * the end of the input): a positional read into the caller's buffer, without allocating (files).
   */
  readonly readInto?: (target: Uint8Array, position: number) => Promise<number>;
  /**
   * A Node `FileHandle` on the file, for readers that read by offset through a library taking one
   * (apache-arrow's IPC file reader); absent in browsers. The caller closes it.
   */
  readonly openFileHandle?: () => Promise<unknown>;
  /** Releases what the input holds (a file handle, a temporary spool); safe to call more than once. */
  close?(): Promise<void>;
}

/** A browser `Blob` or `File` (e.g. from `<input type="file">`) as a re-readable input. */
export function blobInput(blob: Blob, name = (blob as { name?: string }).name ?? 'blob'): ByteInput {
  return {
    name,
    bytes: blob.size,
    reiterable: true,
    open: () => blob.stream(),
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  };
}

/** Bytes already in memory as an input (tests, small embedded files). */
export function bytesInput(bytes: Uint8Array, name = 'input'): ByteInput {
  return {
    name,
    bytes: bytes.byteLength,
    reiterable: true,
    open: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
    read: (start, end) => Promise.resolve(bytes.subarray(start, Math.min(end, bytes.byteLength))),
  };
}
