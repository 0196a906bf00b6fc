import { checkAllocation, CsrMatrix, DEFAULT_MEMORY_BUDGET, FormatError } from '@em/core';
import { parseDecimal } from './decimal-number.js';
import { countLines, forEachLine } from './text-lines.js';

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

  if (sizeLine === undefined) throw new FormatError(`${source}: no size line after the banner.`, 'Add a line "rows columns entries".', { line: countLines(text) });
  const index = sizeLineNumber - 1;
  // Decimal digits only (Number() would also read 0x10 or 1e9).
  const size = (sizeLine as string)
    .trim()
    .split(/\s+/, 4)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (size.length !== 3 || size.some((value) => !Number.isSafeInteger(value) || value < 0)) {
    throw new FormatError(`${source}, line ${index + 1}: expected "rows columns entries" as three non-negative integers, found "${shorten((sizeLine as string).trim())}".`, 'Fix the size line.', { line: index + 1 });
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
  const perEntry = field === 'pattern' ? 2 : 3;
  let count = 0;
  forEachLine(text, source, (rawLine, lineNumber) => {
    if (lineNumber <= sizeLineNumber) return;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('%')) return;
    if (count >= entries) {
      throw new FormatError(`${source}, line ${lineNumber}: more entries than the ${entries} declared on the size line.`, 'Fix the entry count or remove the extra lines.', { line: lineNumber });
    }
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

/** A line quoted in a message, cut to a readable length. */
function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
