// Read speed of each @em/sources reader: one pass over the same N × 10 float64 table written as
// CSV, .npy, NDJSON, Parquet (Snappy, 100 000-row groups) and Arrow IPC (100 000-row batches),
// through openDenseSource, blocks of the default size. Each file is read in a child process of its
// own, so its peak RSS is the reader's (plus Node's baseline), not the generator's.
// Run: pnpm --filter @em/sources run bench [-- --rows=1000000]
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { openDenseSource } from '../src/node.js';

const readArgument = process.argv.find((argument) => argument.startsWith('--read='));
if (readArgument !== undefined) {
  // Child: one pass over one file; prints seconds, rows, checksum and peak RSS as JSON.
  const source = await openDenseSource(readArgument.slice('--read='.length));
  let peak = process.memoryUsage().rss;
  let rows = 0;
  let checksum = 0;
  const started = performance.now();
  for await (const block of source.pass()) {
    rows += block.data.rows;
    for (const value of block.data.data) checksum += value;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  await source.close();
  console.log(JSON.stringify({ seconds, rows, checksum, peak }));
  process.exit(0);
}

const rowsArgument = process.argv.find((argument) => argument.startsWith('--rows='));
const N = rowsArgument === undefined ? 1_000_000 : Number(rowsArgument.slice('--rows='.length));
const D = 10;
const columns: Float64Array[] = [];
let state = 1;
for (let j = 0; j < D; j++) {
  const column = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    state = (state * 16807) % 2147483647;
    column[i] = Math.round(((state / 2147483647) * 10 - 5) * 1e6) / 1e6;
  }
  columns.push(column);
}

function npy(): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${N}, ${D}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 11, ' ')}\n`;
  const bytes = new Uint8Array(total + 8 * N * D);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const body = new Float64Array(bytes.buffer, total, N * D);
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) body[i * D + j] = columns[j]?.[i] as number;
  return bytes;
}

function textRows(format: (row: number[]) => string): string {
  const lines: string[] = [];
  const row: number[] = new Array<number>(D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) row[j] = columns[j]?.[i] as number;
    lines.push(format(row));
  }
  return `${lines.join('\n')}\n`;
}

const directory = await mkdtemp(join(tmpdir(), 'em-sources-bench-'));
try {
  const names = columns.map((_, j) => `x${j}`);
  const files: Record<string, string | Uint8Array> = {
    'data.csv': `${names.join(',')}\n${textRows((row) => row.join(','))}`,
    'data.npy': npy(),
    'data.ndjson': textRows((row) => JSON.stringify(row)),
    'data.parquet': new Uint8Array(parquetWriteBuffer({ rowGroupSize: 100_000, columnData: columns.map((data, j) => ({ name: names[j] as string, data, type: 'DOUBLE' as const })) })),
    'data.arrow': (() => {
      const table = tableFromArrays(Object.fromEntries(names.map((name, j) => [name, columns[j] as Float64Array])));
      const batches = [];
      for (let start = 0; start < N; start += 100_000) batches.push(...table.slice(start, start + 100_000).batches);
      return tableToIPC(new Table(batches), 'file');
    })(),
  };
  console.log(`@em/sources readers, one pass over ${N} × ${D} float64 (Node ${process.version}):`);
  for (const [file, content] of Object.entries(files)) await writeFile(join(directory, file), content);
  for (const [file, content] of Object.entries(files)) {
    const output = execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, `--read=${join(directory, file)}`], { encoding: 'utf8' });
    const { seconds, rows, checksum, peak } = JSON.parse(output) as { seconds: number; rows: number; checksum: number; peak: number };
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    console.log(
      `  ${file.padEnd(13)} ${(size / 1e6).toFixed(0).padStart(5)} MB  ${(rows / seconds / 1e6).toFixed(2).padStart(6)} M rows/s  (${seconds.toFixed(2)} s, peak RSS of the reading process ${(peak / 2 ** 20).toFixed(0)} MiB, checksum ${checksum.toFixed(3)})`,
    );
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
