import { CsrMatrix, FormatError } from '@em/core';

/**
 * Reads a Matrix Market file in coordinate format (`%%MatrixMarket matrix coordinate
 * real|integer|pattern general`) into a CsrMatrix. Indices in the file are 1-based; duplicate
 * entries are summed. Anything else (array format, symmetric, complex) is a FormatError naming
 * the file, the line and what was expected.
 */
export function parseMatrixMarket(text: string, source = 'Matrix Market input'): CsrMatrix {
  const lines = text.split(/\r?\n/);
  const banner = (lines[0] ?? '').trim().split(/\s+/);
  if ((banner[0] ?? '').toLowerCase() !== '%%matrixmarket' || (banner[1] ?? '').toLowerCase() !== 'matrix') {
    throw new FormatError(`${source}, line 1: expected the banner "%%MatrixMarket matrix coordinate real general".`, 'Write the file with scipy.io.mmwrite or Matrix::writeMM.', { line: 1 });
  }
  const layout = (banner[2] ?? '').toLowerCase();
  const field = (banner[3] ?? '').toLowerCase();
  const symmetry = (banner[4] ?? '').toLowerCase();
  if (layout !== 'coordinate') {
    throw new FormatError(`${source}, line 1: format "${layout}" is not supported; expected "coordinate".`, 'Save the sparse matrix in coordinate format (or pass dense data as .csv/.npy).', { line: 1 });
  }
  if (field !== 'real' && field !== 'integer' && field !== 'pattern') {
    throw new FormatError(`${source}, line 1: field "${field}" is not supported; expected real, integer or pattern.`, 'Store real or integer counts.', { line: 1 });
  }
  if (symmetry !== 'general') {
    throw new FormatError(`${source}, line 1: symmetry "${symmetry}" is not supported; expected "general".`, 'Save all entries explicitly (symmetry general).', { line: 1 });
  }

  let index = 1;
  while (index < lines.length && ((lines[index] as string).trim() === '' || (lines[index] as string).trimStart().startsWith('%'))) index++;
  const sizeLine = lines[index];
  if (sizeLine === undefined) throw new FormatError(`${source}: no size line after the banner.`, 'Add a line "rows columns entries".', { line: index + 1 });
  const size = sizeLine.trim().split(/\s+/).map(Number);
  if (size.length !== 3 || size.some((value) => !Number.isSafeInteger(value) || value < 0)) {
    throw new FormatError(`${source}, line ${index + 1}: expected "rows columns entries" as three non-negative integers, found "${sizeLine.trim()}".`, 'Fix the size line.', { line: index + 1 });
  }
  const [rows, cols, entries] = size as [number, number, number];
  if (entries > rows * cols) {
    throw new FormatError(`${source}, line ${index + 1}: ${entries} entries cannot fit a ${rows}×${cols} matrix.`, 'Fix the size line.', { line: index + 1 });
  }
  const rowIndex = new Int32Array(entries);
  const colIndex = new Int32Array(entries);
  const values = new Float64Array(entries);
  const perEntry = field === 'pattern' ? 2 : 3;
  let count = 0;
  for (index++; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === '' || line.startsWith('%')) continue;
    const lineNumber = index + 1;
    if (count >= entries) {
      throw new FormatError(`${source}, line ${lineNumber}: more entries than the ${entries} declared on the size line.`, 'Fix the entry count or remove the extra lines.', { line: lineNumber });
    }
    const parts = line.split(/\s+/);
    const row = Number(parts[0]);
    const col = Number(parts[1]);
    const value = perEntry === 2 ? 1 : Number(parts[2]);
    if (parts.length !== perEntry || !Number.isSafeInteger(row) || !Number.isSafeInteger(col) || !Number.isFinite(value)) {
      const expected = perEntry === 2 ? '"row column"' : `"row column value" with a finite ${field} value`;
      throw new FormatError(`${source}, line ${lineNumber}: expected ${expected}, found "${line}".`, 'Fix or remove that line.', { line: lineNumber });
    }
    if (field === 'integer' && !Number.isInteger(value)) {
      throw new FormatError(`${source}, line ${lineNumber}: value ${parts[2]} is not an integer but the banner says "integer".`, 'Declare the field as real, or store integers.', { line: lineNumber });
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
  }
  if (count !== entries) {
    throw new FormatError(`${source}: found ${count} entries but the size line declares ${entries}.`, 'Fix the entry count or add the missing lines.', { entries: count });
  }
  return CsrMatrix.fromTriplets(rows, cols, rowIndex, colIndex, values);
}
