import { basename } from 'node:path';
import { FormatError } from '@em/core';
import { type CliIo, readInputFile } from '../framework/io.js';
import { jsonNestingDepth, MAX_JSON_DEPTH } from './json-nesting.js';

/** Reads and parses a JSON file named by a flag; invalid JSON is a FormatError naming the file and position. */
export async function readJsonFile(io: CliIo, path: string, flag: string): Promise<unknown> {
  const text = (await readInputFile(io, path, flag, 'text')).toString('utf8');
  if (jsonNestingDepth(text) > MAX_JSON_DEPTH) {
    throw new FormatError(`${flag} file ${basename(path)} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`, 'Pass a model or parameter file written by em (they nest a few levels).');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FormatError(`${flag} file ${basename(path)} is not valid JSON (${detail}).`, 'Check the file with a JSON validator.');
  }
}
