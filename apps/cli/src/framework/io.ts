import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

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

/** Reads a whole file; a missing or unreadable file becomes a CliInputError naming the flag. */
export async function readInputFile(io: CliIo, path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(resolvePath(io, path));
  } catch (error) {
    throw new CliInputError(`Cannot read ${flag} file "${path}": ${describeFileError(error)}.`, `Check the path given to ${flag}.`);
  }
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
