import { open, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_MEMORY_BUDGET, FormatError, formatBytes, MemoryBudgetError } from '@em/core';
import { MAX_LINE_LENGTH } from '../io/text-lines.js';

/**
 * Everything a command touches outside itself. Commands never use `process` or `console`
 * directly, so tests run them in-process with captured output and a chosen working directory.
 */
export interface CliIo {
  /** Writes to standard output (the command's result only). */
  stdout(text: string): void;
  /** Writes to standard error (progress, notes, errors). */
  stderr(text: string): void;
  /** True when standard error is an interactive terminal (progress then redraws one line). */
  readonly stderrIsTerminal: boolean;
  /** Directory that relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Bytes this invocation may allocate on the strength of its input (`--memory-budget`; default
   * @em/core's DEFAULT_MEMORY_BUDGET). Readers check declared shapes against it before allocating.
   */
  readonly memoryBudget?: number;
  /** Standard input, for `--data -` (default: the process's). */
  readonly stdin?: NodeJS.ReadableStream;
}

/** The memory budget of an invocation (the default when the io does not carry one). */
export function memoryBudgetOf(io: CliIo): number {
  return io.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
}

/** The process's real streams. */
export function createProcessIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    stderrIsTerminal: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}

/** Output captured in memory (for tests and for embedding the CLI in other programs). */
export interface CapturedIo extends CliIo {
  readonly captured: { stdout: string; stderr: string };
}

export function createCapturedIo(cwd: string = process.cwd()): CapturedIo {
  const captured = { stdout: '', stderr: '' };
  return {
    captured,
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
    stderrIsTerminal: false,
    cwd,
  };
}

export function resolvePath(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}

/** Bytes read per call while reading a file whose size is not known in advance (a pipe, /dev/zero). */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a whole file, but never more than the memory budget: a regular file larger than the
 * budget is refused from its size before reading, and a stream without a size (a pipe, a device
 * such as /dev/zero that never ends) is read in chunks and refused as soon as it passes the budget.
 * A missing or unreadable file becomes a CliInputError naming the flag.
 */
export async function readInputFile(io: CliIo, path: string, flag: string, kind: 'text' | 'binary' = 'binary'): Promise<Buffer> {
  const limit = memoryBudgetOf(io);
  const textCheck = kind === 'text' ? createTextCheck(path, flag) : undefined;
  const refuse = (bytes: number, whole: boolean): void => {
    if (bytes <= limit) return;
    throw new MemoryBudgetError(
      `${flag} file "${path}" is larger than the memory budget of ${formatBytes(limit)} (${whole ? `${formatBytes(bytes)}` : `more than ${formatBytes(limit)} read and not at its end`}).`,
      `Pass a smaller file (a regular file, not an endless stream), or raise the memory budget with --memory-budget (e.g. --memory-budget 4GiB) if the machine has the memory.`,
      { bytes, budget: limit },
    );
  };
  let handle;
  try {
    handle = await open(resolvePath(io, path), 'r');
  } catch (error) {
    throw new CliInputError(`Cannot read ${flag} file "${path}": ${describeFileError(error)}.`, `Check the path given to ${flag}.`);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new CliInputError(`Cannot read ${flag} file "${path}": it is a directory.`, `Check the path given to ${flag}.`);
    if (stat.isFile()) refuse(stat.size, true);
    // A regular file is read in one piece (one byte more notices a file that grows meanwhile).
    let chunkBytes = stat.isFile() ? Math.min(stat.size + 1, limit + 1) : READ_CHUNK_BYTES;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, limit - total + 1));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      refuse(total, false);
      const read = bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
      textCheck?.(read, total - bytesRead);
      chunks.push(read);
      chunkBytes = Math.min(chunkBytes, READ_CHUNK_BYTES);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof MemoryBudgetError || error instanceof CliInputError || error instanceof FormatError) throw error;
    throw new CliInputError(`Cannot read ${flag} file "${path}": ${describeFileError(error)}.`, `Check the path given to ${flag}.`);
  } finally {
    await handle.close();
  }
}

/**
 * Checks a text file while it is read, so that an endless binary stream (/dev/zero) or a line
 * without end is refused after one chunk rather than at the memory budget: a NUL byte never occurs
 * in text, and no line may pass MAX_LINE_LENGTH bytes.
 */
function createTextCheck(path: string, flag: string): (chunk: Buffer, offset: number) => void {
  let lineBytes = 0;
  return (chunk, offset) => {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      throw new FormatError(`${flag} file "${path}", byte ${offset + nul}: a NUL byte, so this is not a text file.`, `Pass a .csv/.tsv/.txt, .mtx or .json text file to ${flag} (NumPy arrays need the .npy extension).`, {
        offset: offset + nul,
      });
    }
    const firstNewline = chunk.indexOf(10);
    const longest = firstNewline < 0 ? lineBytes + chunk.length : lineBytes + firstNewline;
    if (longest > MAX_LINE_LENGTH) {
      throw new FormatError(`${flag} file "${path}": a line is longer than ${MAX_LINE_LENGTH} bytes (by byte ${offset + chunk.length}).`, 'Check that the file is text with one record per line.', {
        offset: offset + chunk.length,
      });
    }
    lineBytes = firstNewline < 0 ? longest : chunk.length - 1 - chunk.lastIndexOf(10);
  };
}

export async function writeOutputFile(io: CliIo, path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(resolvePath(io, path), text);
  } catch (error) {
    throw new CliInputError(`Cannot write ${flag} file "${path}": ${describeFileError(error)}.`, `Check that the directory of ${flag} exists and is writable.`);
  }
}

function describeFileError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/** A problem with a file named on the command line (missing, unreadable). Exit code 1. */
export class CliInputError extends Error {
  readonly remedy: string;
  constructor(problem: string, remedy: string) {
    super(`${problem} ${remedy}`);
    this.name = 'CliInputError';
    this.remedy = remedy;
  }
}
