import { checkAllocation, CsrMatrix, DEFAULT_MEMORY_BUDGET, FormatError, InvalidDataError, type PassOptions, type SourceBlock, type SparseSource } from '@em/core';
import { budgetOf, DEFAULT_BLOCK_BYTES, type ReaderOptions, STREAM_CHUNK_BYTES } from './blocks.js';
import { parseDecimal } from './decimal-number.js';
import type { ByteInput } from './input.js';
import { PassGuard } from './pass-guard.js';
import { countLines, forEachLine, LineReader } from './text-lines.js';

/** Largest row or column count: CsrMatrix indexes with Int32Array. */
const MAX_EXTENT = 2 ** 31 - 2;

/** Bytes of the sparse matrix built from `entries` triplets: the triplets, then the CSR arrays (indptr twice while building). */
function sparseBytes(rows: number, entries: number): number {
  return 2 * (4 + 4 + 8) * entries + 2 * 4 * (rows + 1);
}

/**
 * Reads a Matrix Market file in coordinate format (`%%MatrixMarket matrix coordinate
 * real|integer|pattern general`) into a CsrMatrix. Indices in the file are 1-based; duplicate
 * entries are summed. Anything else (array format, symmetric, complex) is a FormatError naming
 * the file, the line and what was expected.
 */
export function parseMatrixMarket(text: string, source = 'Matrix Market input', memoryBudget = DEFAULT_MEMORY_BUDGET): CsrMatrix {
  // Lines are visited in place (see forEachLine): the banner and size line first, then the entries.
  let bannerLine = '';
  let sizeLine: string | undefined;
  let sizeLineNumber = 0;
  forEachLine(text, source, (line, lineNumber) => {
    if (lineNumber === 1) {
      bannerLine = line;
      return true;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('%')) return true;
    sizeLine = line;
    sizeLineNumber = lineNumber;
    return false;
  });
  const { rows, cols, entries, field } = readHeader(bannerLine, sizeLine, sizeLineNumber, source, countLines(text));
  const index = sizeLineNumber - 1;
  // Every entry takes a line of its own, so the file's length bounds the count before anything is allocated.
  const linesLeft = countLines(text) - sizeLineNumber;
  if (entries > linesLeft) {
    throw new FormatError(`${source}, line ${index + 1}: the size line declares ${entries} entries but only ${linesLeft} lines follow.`, 'Fix the entry count on the size line.', {
      line: index + 1,
    });
  }
  checkAllocation(sparseBytes(rows, entries), memoryBudget, `The sparse ${rows} × ${cols} matrix of ${source} (${entries} entries)`, 'Pass a smaller matrix');
  const rowIndex = new Int32Array(entries);
  const colIndex = new Int32Array(entries);
  const values = new Float64Array(entries);
  const header: MatrixMarketHeader = { rows, cols, entries, field };
  const entry: [number, number, number] = [0, 0, 0];
  let count = 0;
  forEachLine(text, source, (rawLine, lineNumber) => {
    if (lineNumber <= sizeLineNumber) return;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('%')) return;
    if (count >= entries) {
      throw new FormatError(`${source}, line ${lineNumber}: more entries than the ${entries} declared on the size line.`, 'Fix the entry count or remove the extra lines.', { line: lineNumber });
    }
    parseEntry(line, lineNumber, header, source, entry);
    const [row, col, value] = entry;
    rowIndex[count] = row - 1;
    colIndex[count] = col - 1;
    values[count] = value;
    count++;
  });
  if (count !== entries) {
    throw new FormatError(`${source}: found ${count} entries but the size line declares ${entries}.`, 'Fix the entry count or add the missing lines.', { entries: count });
  }
  return CsrMatrix.fromTriplets(rows, cols, rowIndex, colIndex, values);
}

/**
 * Reads one entry line (trimmed, not blank, not a comment) into `out` as 1-based row, column and
 * value; a malformed line is a FormatError naming it.
 */
function parseEntry(line: string, lineNumber: number, header: MatrixMarketHeader, source: string, out: [number, number, number]): void {
  const { field, rows, cols } = header;
  const perEntry = field === 'pattern' ? 2 : 3;
  const parts = line.split(/\s+/, perEntry + 1);
  const row = /^\d+$/.test(parts[0] ?? '') ? Number(parts[0]) : Number.NaN;
  const col = /^\d+$/.test(parts[1] ?? '') ? Number(parts[1]) : Number.NaN;
  const value = perEntry === 2 ? 1 : (parseDecimal(parts[2] ?? '') ?? Number.NaN);
  if (parts.length !== perEntry || !Number.isSafeInteger(row) || !Number.isSafeInteger(col) || !Number.isFinite(value)) {
    const expected = perEntry === 2 ? '"row column"' : `"row column value" with a finite decimal ${field} value`;
    throw new FormatError(`${source}, line ${lineNumber}: expected ${expected}, found "${shorten(line)}".`, 'Fix or remove that line.', { line: lineNumber });
  }
  if (field === 'integer' && !Number.isInteger(value)) {
    throw new FormatError(`${source}, line ${lineNumber}: value ${shorten(parts[2] ?? '')} is not an integer but the banner says "integer".`, 'Declare the field as real, or store integers.', { line: lineNumber });
  }
  if (row < 1 || row > rows || col < 1 || col > cols) {
    throw new FormatError(`${source}, line ${lineNumber}: entry (${row}, ${col}) lies outside the declared ${rows}×${cols} shape (indices are 1-based).`, 'Fix the index or the size line.', {
      line: lineNumber,
    });
  }
  out[0] = row;
  out[1] = col;
  out[2] = value;
}

/** A streamed Matrix Market file: sparse row blocks; rows, columns and entries are known from the size line. */
export interface MatrixMarketSource extends SparseSource {
  readonly rows: number;
  /** Stored entries declared on the size line. */
  readonly entries: number;
}

/** Bytes per accumulated entry while a block is built: the triplet, then the CSR arrays. */
const ENTRY_BYTES = 2 * (4 + 4 + 8);

/** Longest line of a streamed Matrix Market file (an entry line is a few dozen characters; comments may be longer). */
const MAX_MTX_LINE = 64 * 1024;

/** A streamed Matrix Market reader's own buffers: a stream chunk, its decoded text and a partial line. */
const MTX_READER_BYTES = 3 * STREAM_CHUNK_BYTES + 2 * MAX_MTX_LINE;

/**
 * Opens a Matrix Market coordinate file as a stream of CSR row blocks (for the multinomial and
 * other count models). The banner and size line are read and checked when the source opens, as by
 * parseMatrixMarket; each pass then reads the entries, which must come grouped by row block — in
 * row order, as scipy.io.mmwrite writes a CSR matrix (entries within a block may come in any order;
 * duplicates are summed). An entry for a row before the current block is a FormatError naming its
 * line (sort the file by row, or read it whole); fewer entries than declared (a truncated file) or
 * more are FormatErrors naming the count and the line.
 *
 * Memory: the entries of one block (16 bytes each, twice while the block is built) plus a chunk of
 * the stream, checked against the memory budget as the block grows.
 */
export async function openMatrixMarketSource(input: ByteInput, options: ReaderOptions = {}): Promise<MatrixMarketSource> {
  const name = options.name ?? input.name;
  const budget = budgetOf(options);
  const opening = new LineReader(input.open(), name, MAX_MTX_LINE);
  let bannerLine: string | undefined;
  let sizeLine: string | undefined;
  let sizeLineNumber = 0;
  let header: MatrixMarketHeader;
  try {
    while (sizeLine === undefined) {
      const line = opening.nextLine();
      if (line === undefined) {
        if (!(await opening.fill())) break;
        continue;
      }
      if (opening.lineNumber === 1) {
        bannerLine = line;
        continue;
      }
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('%')) continue;
      sizeLine = line;
      sizeLineNumber = opening.lineNumber;
    }
    header = readHeader(bannerLine ?? '', sizeLine, sizeLineNumber, name, Math.max(1, opening.lineNumber));
    if (input.bytes !== undefined) {
      // Every entry takes at least "1 1\n" (4 bytes): the file's size bounds the count before anything is allocated.
      const most = Math.floor(input.bytes / 4);
      if (header.entries > most) {
        throw new FormatError(`${name}, line ${sizeLineNumber}: the size line declares ${header.entries} entries but the ${input.bytes}-byte file can hold at most ${most}.`, 'Fix the entry count on the size line.', {
          line: sizeLineNumber,
        });
      }
    }
  } catch (error) {
    await opening.cancel();
    throw error;
  }
  const { rows, cols, entries } = header;
  const perRow = rows === 0 ? 1 : Math.max(1, entries / rows);
  const defaultRows = Math.max(1, Math.min(rows, Math.floor(DEFAULT_BLOCK_BYTES / (ENTRY_BYTES * perRow + 8))));
  let pending: LineReader | undefined = opening;
  const guard = new PassGuard(name, input.reiterable);

  async function* pass(passOptions: PassOptions = {}): AsyncGenerator<SourceBlock<CsrMatrix>> {
    guard.begin();
    const blockRows = passOptions.blockRows ?? options.blockRows ?? defaultRows;
    if (!Number.isSafeInteger(blockRows) || blockRows < 1) {
      throw new InvalidDataError(`blockRows must be a positive integer; got ${String(blockRows)}.`, 'Pass e.g. { blockRows: 10000 }.');
    }
    checkAllocation(8 * (blockRows + 1) + MTX_READER_BYTES, budget, `A block of ${blockRows} rows of ${name}`, 'Ask for fewer rows per block (blockRows)');
    const reader = pending ?? new LineReader(input.open(), name, MAX_MTX_LINE);
    pending = undefined;
    let capacity = Math.min(Math.max(1, entries), 4096);
    let rowIndex = new Int32Array(capacity);
    let colIndex = new Int32Array(capacity);
    let values = new Float64Array(capacity);
    let held = 0;
    let count = 0;
    let firstRow = 0;
    const entry: [number, number, number] = [0, 0, 0];
    const emit = (): SourceBlock<CsrMatrix> => {
      const size = Math.min(blockRows, rows - firstRow);
      const data = CsrMatrix.fromTriplets(size, cols, rowIndex.subarray(0, held), colIndex.subarray(0, held), values.subarray(0, held));
      const block = { data, firstRow, bytesRead: reader.bytesRead };
      firstRow += size;
      held = 0;
      return block;
    };
    try {
      for (;;) {
        const raw = reader.nextLine();
        if (raw === undefined) {
          if (!(await reader.fill())) break;
          continue;
        }
        if (reader.lineNumber <= sizeLineNumber) continue;
        const line = raw.trim();
        if (line === '' || line.startsWith('%')) continue;
        const lineNumber = reader.lineNumber;
        if (count >= entries) {
          throw new FormatError(`${name}, line ${lineNumber}: more entries than the ${entries} declared on the size line.`, 'Fix the entry count or remove the extra lines.', { line: lineNumber });
        }
        parseEntry(line, lineNumber, header, name, entry);
        count++;
        const row = entry[0] - 1;
        if (row < firstRow) {
          throw new FormatError(
            `${name}, line ${lineNumber}: entry (${entry[0]}, ${entry[1]}) comes after rows ${firstRow} and later were read — the entries are not in row order, which a stream in blocks of ${blockRows} rows needs.`,
            'Sort the entries by row (scipy.io.mmwrite of a CSR matrix writes them so), or read the file whole.',
            { line: lineNumber },
          );
        }
        while (row >= firstRow + blockRows) {
          passOptions.signal?.throwIfAborted();
          yield emit();
        }
        if (held === capacity) {
          capacity *= 2;
          checkAllocation(ENTRY_BYTES * capacity + 8 * (blockRows + 1) + MTX_READER_BYTES, budget, `The ${capacity} entries of one ${blockRows}-row block of ${name}`, 'Ask for fewer rows per block (blockRows)');
          const grow = <T extends Int32Array | Float64Array>(from: T, to: T): T => {
            to.set(from);
            return to;
          };
          rowIndex = grow(rowIndex, new Int32Array(capacity));
          colIndex = grow(colIndex, new Int32Array(capacity));
          values = grow(values, new Float64Array(capacity));
        }
        rowIndex[held] = row - firstRow;
        colIndex[held] = entry[1] - 1;
        values[held] = entry[2];
        held++;
      }
      if (count !== entries) {
        throw new FormatError(`${name}: found ${count} entries but the size line declares ${entries} (the file ends at line ${reader.lineNumber}).`, 'Fix the entry count or add the missing lines (is the file cut short?).', {
          entries: count,
          line: reader.lineNumber,
        });
      }
      while (firstRow < rows) yield emit();
    } finally {
      await reader.cancel();
    }
  }

  return {
    columns: cols,
    rows,
    entries,
    ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    reiterable: input.reiterable,
    description: `${name} (Matrix Market, ${rows}×${cols}, ${entries} entries)`,
    pass,
    async close() {
      if (!guard.close()) return;
      await pending?.cancel();
      pending = undefined;
      await input.close?.();
    },
  };
}

/** The banner and size line of a Matrix Market file, checked. */
interface MatrixMarketHeader {
  readonly rows: number;
  readonly cols: number;
  readonly entries: number;
  readonly field: 'real' | 'integer' | 'pattern';
}

function readHeader(bannerLine: string, sizeLine: string | undefined, sizeLineNumber: number, source: string, lastLine: number): MatrixMarketHeader {
  const banner = bannerLine.trim().split(/\s+/, 5);
  if ((banner[0] ?? '').toLowerCase() !== '%%matrixmarket' || (banner[1] ?? '').toLowerCase() !== 'matrix') {
    throw new FormatError(`${source}, line 1: expected the banner "%%MatrixMarket matrix coordinate real general".`, 'Write the file with scipy.io.mmwrite or Matrix::writeMM.', { line: 1 });
  }
  const layout = (banner[2] ?? '').toLowerCase();
  const field = (banner[3] ?? '').toLowerCase();
  const symmetry = (banner[4] ?? '').toLowerCase();
  if (layout !== 'coordinate') {
    throw new FormatError(`${source}, line 1: format "${shorten(layout)}" is not supported; expected "coordinate".`, 'Save the sparse matrix in coordinate format (or pass dense data as .csv/.npy).', { line: 1 });
  }
  if (field !== 'real' && field !== 'integer' && field !== 'pattern') {
    throw new FormatError(`${source}, line 1: field "${shorten(field)}" is not supported; expected real, integer or pattern.`, 'Store real or integer counts.', { line: 1 });
  }
  if (symmetry !== 'general') {
    throw new FormatError(`${source}, line 1: symmetry "${shorten(symmetry)}" is not supported; expected "general".`, 'Save all entries explicitly (symmetry general).', { line: 1 });
  }

  if (sizeLine === undefined) throw new FormatError(`${source}: no size line after the banner.`, 'Add a line "rows columns entries".', { line: lastLine });
  const index = sizeLineNumber - 1;
  // Decimal digits only (Number() would also read 0x10 or 1e9).
  const size = sizeLine
    .trim()
    .split(/\s+/, 4)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (size.length !== 3 || size.some((value) => !Number.isSafeInteger(value) || value < 0)) {
    throw new FormatError(`${source}, line ${index + 1}: expected "rows columns entries" as three non-negative integers, found "${shorten(sizeLine.trim())}".`, 'Fix the size line.', { line: index + 1 });
  }
  const [rows, cols, entries] = size as [number, number, number];
  if (entries > rows * cols) {
    throw new FormatError(`${source}, line ${index + 1}: ${entries} entries cannot fit a ${rows}×${cols} matrix.`, 'Fix the size line.', { line: index + 1 });
  }
  if (rows > MAX_EXTENT || cols > MAX_EXTENT) {
    throw new FormatError(`${source}, line ${index + 1}: a ${rows}×${cols} matrix is larger than the ${MAX_EXTENT + 1} rows or columns a sparse matrix can index.`, 'Fix the size line.', {
      line: index + 1,
    });
  }
  return { rows, cols, entries, field };
}

/** A line quoted in a message, cut to a readable length. */
function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
