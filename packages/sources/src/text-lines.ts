import { FormatError } from '@em/core';

/**
 * Longest line a text reader accepts, in characters (16 Mi: about a million numeric columns). A
 * longer line is almost always a binary file or a stream without line breaks (such as /dev/zero);
 * it is refused as soon as that many characters arrive without a line break.
 */
export const MAX_LINE_LENGTH = 16 * 1024 * 1024;

function tooLong(name: string, lineNumber: number, length: number, maxLength: number): FormatError {
  return new FormatError(
    `${name}, line ${lineNumber}: the line is longer than ${maxLength} characters (${length}${length > maxLength + 1 ? '' : ' or more'}); this is not a text file of the expected format.`,
    'Check that the file is text with one row per line (binary arrays belong in .npy files).',
    { line: lineNumber },
  );
}

/**
 * Calls `visit` with each line (without its \n or \r\n) and its 1-based number; `visit` returns
 * false to stop. Lines are visited in place rather than split into an array, which would cost some
 * 40 bytes per line on top of the text — twenty times the file for a column of digits.
 */
export function forEachLine(text: string, name: string, visit: (line: string, lineNumber: number) => boolean | void, maxLength = MAX_LINE_LENGTH): void {
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    if (end - start > maxLength) {
      throw new FormatError(
        `${name}, line ${lineNumber}: the line is longer than ${maxLength} characters (${end - start}); this is not a text file of the expected format.`,
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

/**
 * Lines of a UTF-8 byte stream, decoded a chunk at a time. `nextLine()` hands out the lines of the
 * chunk in hand; when it returns undefined, `fill()` reads the next chunk (false at the end).
 * Held at once: one chunk of the stream plus the partial line at its end, which may not grow past
 * `maxLength` characters; a NUL character (binary data, /dev/zero) is refused at once.
 */
export class LineReader {
  /** Bytes taken from the stream so far. */
  bytesRead = 0;
  /** 1-based number of the last line handed out. */
  lineNumber = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder('utf-8');
  private text = '';
  private position = 0;
  /** Index in `text` after the last complete line and its line break (the rest is a partial line carried to the next chunk). */
  private limit = 0;
  private carry = '';
  private ended = false;

  constructor(
    stream: ReadableStream<Uint8Array>,
    private readonly name: string,
    private readonly maxLength = MAX_LINE_LENGTH,
  ) {
    this.reader = stream.getReader();
  }

  /** The next line of the chunk in hand, without its line break; undefined when the chunk is used up. */
  nextLine(): string | undefined {
    if (this.position >= this.limit) return undefined;
    let end = this.text.indexOf('\n', this.position);
    if (end < 0 || end >= this.limit) end = this.limit;
    this.lineNumber++;
    if (end - this.position > this.maxLength) throw tooLong(this.name, this.lineNumber, end - this.position, this.maxLength);
    const stop = end > this.position && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = this.text.slice(this.position, stop);
    this.position = end + 1;
    return line;
  }

  /** Reads until at least one more line is complete; false when the stream has ended and every line was handed out. */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    for (;;) {
      const { done, value } = await this.reader.read();
      let decoded: string;
      if (done) {
        this.ended = true;
        decoded = this.decoder.decode();
      } else {
        this.bytesRead += value.byteLength;
        decoded = this.decoder.decode(value, { stream: true });
      }
      const nul = decoded.indexOf('\0');
      if (nul >= 0) {
        const before = this.carry + decoded.slice(0, nul);
        let line = this.lineNumber + 1;
        for (let at = before.indexOf('\n'); at >= 0; at = before.indexOf('\n', at + 1)) line++;
        throw new FormatError(
          `${this.name}, line ${line}: a NUL byte — this is binary data, not text (for example /dev/zero or a compressed file).`,
          'Pass a text file (decompress it first), or a binary format by its extension (.npy, .parquet, .arrow).',
          { line },
        );
      }
      const lastBreak = decoded.lastIndexOf('\n');
      if (lastBreak < 0 && !done) {
        this.carry += decoded;
        if (this.carry.length > this.maxLength) throw tooLong(this.name, this.lineNumber + 1, this.carry.length, this.maxLength);
        continue;
      }
      this.text = this.carry + decoded;
      this.position = 0;
      if (done) {
        // The last line has no line break; an empty remainder is not a line.
        this.limit = this.text.length;
        this.carry = '';
        if (this.text.length > this.maxLength && this.text.indexOf('\n') < 0) throw tooLong(this.name, this.lineNumber + 1, this.text.length, this.maxLength);
        return this.text.length > 0;
      }
      // Up to and including the last line break: a blank line just before it is still a line.
      this.limit = this.carry.length + lastBreak + 1;
      this.carry = decoded.slice(lastBreak + 1);
      if (this.carry.length > this.maxLength) {
        throw tooLong(this.name, this.lineNumber + countLines(this.text.slice(0, this.limit)), this.carry.length, this.maxLength);
      }
      return true;
    }
  }

  /** Stops reading and releases the stream. */
  async cancel(): Promise<void> {
    this.ended = true;
    await this.reader.cancel().catch(() => undefined);
  }
}
