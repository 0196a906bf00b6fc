import { checkAllocation, DEFAULT_MEMORY_BUDGET, DenseMatrix, float64Bytes, FormatError } from '@em/core';
import type { NumericTable } from './table.js';

/** Element types accepted in .npy files, by NumPy `descr` string (little-endian only). */
const DTYPES: Readonly<Record<string, { readonly bytes: number; readonly name: string }>> = {
  '<f8': { bytes: 8, name: 'float64' },
  '<f4': { bytes: 4, name: 'float32' },
  '<i4': { bytes: 4, name: 'int32' },
  '<i8': { bytes: 8, name: 'int64' },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const EXPECTED_TYPES = 'little-endian float64, float32, int32 or int64 (descr <f8, <f4, <i4, <i8)';

/**
 * Reads a NumPy .npy file (format versions 1–3) holding a 1-D (n values → n×1) or 2-D (n×d)
 * array in C order. Everything else — Fortran order, big-endian or other dtypes, other ranks, a
 * truncated body — is a FormatError naming the file, the byte offset and what was expected.
 */
export function parseNpy(bytes: Uint8Array, source = 'NPY input', memoryBudget = DEFAULT_MEMORY_BUDGET): NumericTable {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw new FormatError(`${source}, byte ${i}: not a NumPy .npy file (it must start with "\\x93NUMPY").`, 'Save the array with numpy.save, or pass a .csv file.', { offset: i });
    }
  }
  const major = bytes[6];
  if (major === undefined || bytes.length < 10) throw truncated(source, 10, bytes.length, 'the header length');
  if (major < 1 || major > 3) {
    throw new FormatError(`${source}, byte 6: unsupported .npy format version ${major}.`, 'Save with a NumPy version that writes format 1.0, 2.0 or 3.0.', { offset: 6 });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + headerLengthSize) throw truncated(source, 8 + headerLengthSize, bytes.length, 'the header length');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + headerLengthSize;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw truncated(source, dataStart, bytes.length, 'the header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new FormatError(`${source}, header at byte ${headerStart}: cannot read descr, fortran_order and shape from ${JSON.stringify(header.trim())}.`, 'Save the array with numpy.save.', {
      offset: headerStart,
    });
  }
  const dtype = DTYPES[descr];
  if (dtype === undefined) {
    const hint = descr.startsWith('>') ? ' (big-endian)' : '';
    throw new FormatError(`${source}, header at byte ${headerStart}: dtype "${descr}"${hint} is not supported; expected ${EXPECTED_TYPES}.`, 'Convert first, e.g. numpy.save(path, array.astype("<f8")).', {
      offset: headerStart,
    });
  }
  if (fortran === 'True') {
    throw new FormatError(`${source}, header at byte ${headerStart}: the array is stored in Fortran (column-major) order; expected C (row-major) order.`, 'Save numpy.ascontiguousarray(array) instead.', {
      offset: headerStart,
    });
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    // Extents are written in decimal digits by NumPy; Number() would also take 0x64 or 1e3.
    .map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (shape.length < 1 || shape.length > 2 || shape.some((extent) => !Number.isSafeInteger(extent) || extent < 0)) {
    throw new FormatError(`${source}, header at byte ${headerStart}: shape (${shapeText.trim()}) is not supported; expected a 1-D or 2-D array.`, 'Reshape to (rows,) or (rows, columns) before saving.', {
      offset: headerStart,
    });
  }
  const rows = shape[0] as number;
  const cols = shape.length === 2 ? (shape[1] as number) : 1;
  const count = rows * cols;
  const needed = dataStart + count * dtype.bytes;
  if (bytes.length < needed) throw truncated(source, needed, bytes.length, `${rows}×${cols} ${dtype.name} values`);
  checkAllocation(float64Bytes(rows, Math.max(cols, 1)), memoryBudget, `The ${rows} × ${cols} array of ${source} (as float64)`, 'Pass a smaller array');

  const values = new Float64Array(count);
  // DataView reads do not require the body to be aligned in memory.
  switch (descr) {
    case '<f8':
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(dataStart + 8 * i, true);
      break;
    case '<f4':
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(dataStart + 4 * i, true);
      break;
    case '<i4':
      for (let i = 0; i < count; i++) values[i] = view.getInt32(dataStart + 4 * i, true);
      break;
    default:
      for (let i = 0; i < count; i++) {
        const value = view.getBigInt64(dataStart + 8 * i, true);
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new FormatError(`${source}, byte ${dataStart + 8 * i}: int64 value ${value} does not fit a double exactly.`, 'Keep integers within ±2^53.', {
            offset: dataStart + 8 * i,
          });
        }
        values[i] = Number(value);
      }
  }
  return { matrix: new DenseMatrix(values, rows, cols), source };
}

function truncated(source: string, needed: number, actual: number, what: string): FormatError {
  return new FormatError(`${source}: file is truncated at byte ${actual}; expected ${needed} bytes to hold ${what}.`, 'Re-save the array with numpy.save.', {
    offset: actual,
  });
}
