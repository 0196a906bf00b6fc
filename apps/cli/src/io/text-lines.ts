import { FormatError } from '@em/core';

/**
 * Longest line a text reader accepts, in characters (16 Mi: about a million numeric columns). A
 * longer line is almost always a binary file or a stream without line breaks (such as /dev/zero);
 * it is refused before it is cut out of the text and split into fields.
 */
export const MAX_LINE_LENGTH = 16 * 1024 * 1024;

/**
 * Calls `visit` with each line (without its \n or \r\n) and its 1-based number; `visit` returns
 * false to stop. Lines are visited in place rather than split into an array, which would cost some
 * 40 bytes per line on top of the text — twenty times the file for a column of digits.
 */
export function forEachLine(text: string, source: string, visit: (line: string, lineNumber: number) => boolean | void, maxLength = MAX_LINE_LENGTH): void {
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    if (end - start > maxLength) {
      throw new FormatError(
        `${source}, line ${lineNumber}: the line is longer than ${maxLength} characters (${end - start}); this is not a text file of the expected format.`,
        'Check that the file is text with one row per line (binary arrays belong in .npy files).',
        { line: lineNumber },
      );
    }
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (visit(text.slice(start, stop), lineNumber) === false) return;
    start = end + 1;
  }
}

/** Number of lines forEachLine visits (newlines + 1), counted without cutting any out. */
export function countLines(text: string): number {
  let count = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
