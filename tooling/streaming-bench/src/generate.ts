import { closeSync, openSync, writeSync } from 'node:fs';
import { Random } from '@em/core';
import { fileWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer';

/** Rows generated and written at a time (bounded memory while writing GBs). */
const CHUNK_ROWS = 100_000;

/**
 * Rows of a 3-component, 10-D Gaussian mixture with correlated coordinates, rounded to 1e-6 so the
 * CSV text (`String(x)`) reads back to the same doubles: the .npy, CSV and Parquet files hold
 * exactly the same data. Deterministic for a seed; produced in chunks.
 */
export function* gaussianChunks(rows: number, columns: number, seed: number): Generator<Float64Array> {
  const random = new Random(seed);
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    const chunk = new Float64Array(n * columns);
    for (let i = 0; i < n; i++) {
      const k = random.categorical([0.5, 0.3, 0.2]);
      const shared = random.normal();
      for (let j = 0; j < columns; j++) {
        const value = 2.5 * k * (j % 3 === 0 ? 1 : -0.5) + (0.6 + 0.2 * k) * shared + random.normal();
        chunk[i * columns + j] = Math.round(value * 1e6) / 1e6;
      }
    }
    yield chunk;
  }
}

/** numpy's .npy v1.0 header for a C-order float64 matrix. */
function npyHeader(rows: number, columns: number): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 11, ' ')}\n`;
  const bytes = new Uint8Array(total);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  return bytes;
}

export function writeNpy(path: string, rows: number, columns: number, seed: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader(rows, columns));
    for (const chunk of gaussianChunks(rows, columns, seed)) writeSync(fd, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  } finally {
    closeSync(fd);
  }
}

export function writeCsv(path: string, rows: number, columns: number, seed: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${Array.from({ length: columns }, (_, j) => `x${j}`).join(',')}\n`);
    for (const chunk of gaussianChunks(rows, columns, seed)) {
      const lines: string[] = [];
      for (let i = 0; i < chunk.length; i += columns) lines.push(Array.from(chunk.subarray(i, i + columns), String).join(','));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

export function writeParquet(path: string, rows: number, columns: number, seed: number): void {
  const names = Array.from({ length: columns }, (_, j) => `x${j}`);
  const schema = schemaFromColumnData({ columnData: names.map((name) => ({ name, data: new Float64Array(1), type: 'DOUBLE' as const })) });
  const writer = new ParquetWriter({ writer: fileWriter(path), schema });
  for (const chunk of gaussianChunks(rows, columns, seed)) {
    const n = chunk.length / columns;
    const columnData = names.map((name, j) => {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = chunk[i * columns + j] as number;
      return { name, data, type: 'DOUBLE' as const };
    });
    // One row group per chunk: a reader holds one row group at a time.
    writer.write({ columnData, rowGroupSize: n });
  }
  writer.finish();
}

/**
 * A Matrix Market coordinate file of `rows` documents over a `vocabulary`, from 4 topics (each
 * document ~`words` tokens drawn from its topic's quarter of the vocabulary, plus noise).
 */
export function writeMatrixMarket(path: string, rows: number, vocabulary: number, words: number, seed: number): number {
  const random = new Random(seed);
  const fd = openSync(path, 'w');
  let entries = 0;
  // The header's entry count is only known at the end: reserve a fixed-width line and rewrite it.
  const header = (count: number): string => `%%MatrixMarket matrix coordinate integer general\n${rows} ${vocabulary} ${String(count).padStart(14, ' ')}\n`;
  try {
    writeSync(fd, header(0));
    const counts = new Map<number, number>();
    let lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const topic = random.integer(4);
      counts.clear();
      for (let w = 0; w < words; w++) {
        const word = random.next() < 0.8 ? topic * (vocabulary / 4) + random.integer(vocabulary / 4) : random.integer(vocabulary);
        counts.set(word, (counts.get(word) ?? 0) + 1);
      }
      for (const [word, count] of counts) {
        lines.push(`${i + 1} ${word + 1} ${count}`);
        entries++;
      }
      if (lines.length > 200_000) {
        writeSync(fd, `${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
    writeSync(fd, header(entries), 0);
  } finally {
    closeSync(fd);
  }
  return entries;
}
