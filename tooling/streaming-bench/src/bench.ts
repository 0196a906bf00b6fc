// Larger-than-memory benchmark (#15). Generates the data into a temporary directory (deleted after,
// also on failure), runs every fit in its own process and reads that process's peak RSS.
//
//   node --import tsx src/bench.ts [--rows 2e7] [--csv-rows N] [--parquet-rows N] [--mtx-rows 3e6]
//     [--iterations 3] [--budget 256MiB] [--workers N] [--skip-memory] [--skip-csv] [--skip-parquet] [--skip-mtx]
// (--workers N adds a streamed fit with N worker threads; they run the built dist/, so `pnpm build` first)
//
// EM_BENCH_SKIP_STREAMING=1 (or --skip) skips the whole benchmark: it writes several GB.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCsv, writeMatrixMarket, writeNpy, writeParquet } from './generate.js';

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const value = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(argv[at + 1]);
};
const text = (name: string, fallback: string): string => {
  const at = argv.indexOf(`--${name}`);
  return at < 0 ? fallback : (argv[at + 1] ?? fallback);
};

if (process.env['EM_BENCH_SKIP_STREAMING'] === '1' || flag('skip')) {
  console.log('streaming bench: skipped (EM_BENCH_SKIP_STREAMING=1 or --skip).');
  process.exit(0);
}

const COLUMNS = 10;
const rows = value('rows', 2e7);
const csvRows = value('csv-rows', rows);
const parquetRows = value('parquet-rows', rows);
const mtxRows = value('mtx-rows', 3e6);
const iterations = value('iterations', 3);
const budget = text('budget', '256MiB');
const caseScript = fileURLToPath(new URL('./case.ts', import.meta.url));

interface CaseReport {
  readonly model: string;
  readonly mode: string;
  readonly path: string;
  readonly rows: number;
  readonly logLikelihoodHistory: number[];
  readonly eSteps: number;
  readonly loadSeconds: number;
  readonly fitSeconds: number;
  readonly rowsPerSecond: number;
  readonly cpuSeconds: number;
  readonly rowsPerCpuSecond: number;
  readonly maxRssMiB: number;
  readonly workers?: number;
}

function runCase(model: 'gmm' | 'multinomial', mode: 'stream' | 'memory', path: string, memoryBudget = budget, workers = 0): Promise<CaseReport> {
  const request = JSON.stringify({ model, mode, path, iterations, memoryBudget, workers });
  return new Promise((resolve, reject) => {
    // Worker threads inherit the process's flags and cannot load TypeScript: a case with workers runs on the built dist/ throughout.
    const conditions = workers > 0 ? [] : ['--conditions=@em/source'];
    execFile(process.execPath, [...conditions, '--import', 'tsx', caseScript, request], { maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${model} ${mode} ${path} failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as CaseReport);
    });
  });
}

function relativeGap(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

function timed<T>(label: string, work: () => T): T {
  const t = performance.now();
  const out = work();
  console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return out;
}

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const line = (r: CaseReport, extra = ''): string =>
  `| ${r.model} ${r.mode}${(r.workers ?? 0) > 0 ? `, ${r.workers} workers` : ''} | ${r.path.split('.').pop()} | ${r.rows.toExponential(2)} | ${r.eSteps} | ${r.fitSeconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${Math.round(r.rowsPerSecond).toLocaleString('en')} | ${Math.round(r.rowsPerCpuSecond).toLocaleString('en')} | ${r.maxRssMiB.toFixed(0)} MiB | ${extra} |`;

const directory = mkdtempSync(join(tmpdir(), 'em-streaming-bench-'));
const table: string[] = [];
try {
  const free = (() => {
    const s = statfsSync(directory);
    return s.bavail * s.bsize;
  })();
  const largest = Math.max(rows, csvRows) * COLUMNS * 8 * 2.3;
  console.log(`streaming bench in ${directory} (${gib(free)} free; the largest file needs about ${gib(largest)}), budget ${budget}, ${iterations} iterations`);
  if (free < largest * 1.2) throw new Error(`Not enough disk in ${tmpdir()} for ${rows} rows: pass a smaller --rows.`);

  // GMM full on .npy: streamed vs in memory (same file, same start).
  const npy = join(directory, 'gmm.npy');
  timed(`wrote ${rows} × ${COLUMNS} .npy`, () => writeNpy(npy, rows, COLUMNS, 7));
  console.log(`  file ${gib(statSync(npy).size)}`);
  const streamed = await runCase('gmm', 'stream', npy);
  table.push(line(streamed));
  console.log(`  ${table.at(-1)}`);
  if (!flag('skip-memory')) {
    const memory = await runCase('gmm', 'memory', npy, '64GiB');
    const gap = relativeGap(streamed.logLikelihoodHistory, memory.logLikelihoodHistory);
    // Streamed again after the in-memory fit: on a shared machine, load changes between runs.
    const again = await runCase('gmm', 'stream', npy);
    table.push(line(again, 'the same streamed fit, run after the in-memory one'));
    const wall = Math.max(streamed.rowsPerSecond, again.rowsPerSecond) / memory.rowsPerSecond;
    const cpu = Math.max(streamed.rowsPerCpuSecond, again.rowsPerCpuSecond) / memory.rowsPerCpuSecond;
    table.push(line(memory, `load ${memory.loadSeconds.toFixed(1)} s; streamed/in-memory rows/s ${wall.toFixed(2)} (wall), ${cpu.toFixed(2)} (CPU); trajectory gap ${gap.toExponential(2)}`));
    console.log(`  ${table.at(-1)}`);
    console.log(`  log-likelihood streamed  ${streamed.logLikelihoodHistory.join(', ')}`);
    console.log(`  log-likelihood in memory ${memory.logLikelihoodHistory.join(', ')}`);
  }
  if (value('workers', 0) > 0) {
    const threaded = await runCase('gmm', 'stream', npy, budget, value('workers', 0));
    table.push(line(threaded, `trajectory gap to the in-process stream ${relativeGap(threaded.logLikelihoodHistory, streamed.logLikelihoodHistory).toExponential(2)} (peak RSS of the main thread's process; workers share it)`));
    console.log(`  ${table.at(-1)}`);
  }
  rmSync(npy);

  if (!flag('skip-csv')) {
    const csv = join(directory, 'gmm.csv');
    timed(`wrote ${csvRows} × ${COLUMNS} CSV`, () => writeCsv(csv, csvRows, COLUMNS, 7));
    console.log(`  file ${gib(statSync(csv).size)}`);
    const report = await runCase('gmm', 'stream', csv);
    const same = csvRows === rows ? `; trajectory gap to .npy ${relativeGap(report.logLikelihoodHistory, streamed.logLikelihoodHistory).toExponential(2)}` : '';
    table.push(line(report, `CSV reader${same}`));
    console.log(`  ${table.at(-1)}`);
    rmSync(csv);
  }

  if (!flag('skip-parquet')) {
    const parquet = join(directory, 'gmm.parquet');
    timed(`wrote ${parquetRows} × ${COLUMNS} Parquet`, () => writeParquet(parquet, parquetRows, COLUMNS, 7));
    console.log(`  file ${gib(statSync(parquet).size)}`);
    const report = await runCase('gmm', 'stream', parquet);
    const same = parquetRows === rows ? `; trajectory gap to .npy ${relativeGap(report.logLikelihoodHistory, streamed.logLikelihoodHistory).toExponential(2)}` : '';
    table.push(line(report, `Parquet reader${same}`));
    console.log(`  ${table.at(-1)}`);
    rmSync(parquet);
  }

  if (!flag('skip-mtx')) {
    const mtx = join(directory, 'docs.mtx');
    const entries = timed(`wrote ${mtxRows} documents .mtx`, () => writeMatrixMarket(mtx, mtxRows, 2000, 40, 11));
    const size = statSync(mtx).size;
    console.log(`  file ${gib(size)}, ${entries} entries (budget ${budget})`);
    const report = await runCase('multinomial', 'stream', mtx);
    const memory = await runCase('multinomial', 'memory', mtx, '64GiB');
    const gap = relativeGap(report.logLikelihoodHistory, memory.logLikelihoodHistory);
    table.push(line(report, `file ${gib(size)} > budget ${budget}`));
    table.push(line(memory, `trajectory gap ${gap.toExponential(2)}`));
    console.log(`  ${table.at(-2)}\n  ${table.at(-1)}`);
    rmSync(mtx);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
console.log('\n| case | format | rows | passes | fit time | CPU time | rows/s (rows × passes / fit time) | rows per CPU second | peak RSS | notes |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
console.log(table.join('\n'));
