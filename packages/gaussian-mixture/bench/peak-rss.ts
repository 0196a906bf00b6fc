// Peak resident memory of a whole `em fit gmm` process (issue #12: ≤ 160 MB on the 80 MB
// (1e6, 10, 10) float64 .npy file, with the defaults and in process). Each run is a fresh
// process spawned under /usr/bin/time -v (its "Maximum resident set size", which counts the
// worker threads too, as they are threads of the process); without /usr/bin/time, a Node wrapper
// reports the child's peak from process.resourceUsage() of a `node` that runs the CLI in itself.
//
//   node --import tsx bench/peak-rss.ts                   (1e6, 10, 10) full, defaults and --workers 1
//   node --import tsx bench/peak-rss.ts --rss-n=100000    a smaller file
//   node --import tsx bench/peak-rss.ts --rss-csv         also the same data as CSV (2.4× the bytes)
//   (bench.ts can call runPeakRss() as one more section)
//
// Runs on the built CLI (pnpm turbo run build --filter=@em/cli...). The data are written once to
// the temporary directory (well-separated clusters, seeded) and removed afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@em/core';
import { correlatedClusters } from './correlated-clusters.js';
import { EM_LAUNCHER, emUnavailable, writeNpy } from './whole-process.js';

/** Peak RSS of one process in MB (10^6 bytes, as the issue counts), or why it could not be measured. */
function peakOf(args: readonly string[]): { readonly megabytes: number; readonly seconds: number } | string {
  const time = '/usr/bin/time';
  const start = performance.now();
  if (existsSync(time)) {
    const run = spawnSync(time, ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const seconds = (performance.now() - start) / 1000;
    if (run.status !== 0) return run.stderr.split('\n').find((line) => /error/i.test(line)) ?? `exit code ${run.status}`;
    const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1];
    return kilobytes === undefined ? 'no "Maximum resident set size" from /usr/bin/time' : { megabytes: (1024 * Number(kilobytes)) / 1e6, seconds };
  }
  // ru_maxrss of children (in KiB on Linux): only this one child is waited for.
  const wrapper = `const r = require('node:child_process').spawnSync(process.execPath, ${JSON.stringify(args)}, { stdio: ['ignore', 'ignore', 'inherit'] }); if (r.status !== 0) process.exit(r.status ?? 1); console.log(process.resourceUsage().maxRSS);`;
  const run = spawnSync(process.execPath, ['-e', wrapper], { encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) return run.stderr.trim().split('\n').pop() ?? `exit code ${run.status}`;
  return { megabytes: (1024 * Number(run.stdout.trim())) / 1e6, seconds };
}

/** Options of the peak-RSS case. */
export interface PeakRssOptions {
  /** Rows (default 1e6). */
  readonly n?: number;
  /** Also time the same data as a CSV file. */
  readonly csv?: boolean;
  /** EM iterations per run (default 5; the peak is reached while reading and initialising). */
  readonly iterations?: number;
}

/** Prints the peak RSS of `em fit gmm` on an n × 10 file, 10 components: defaults (--workers auto) and in process. */
export function runPeakRss(options: PeakRssOptions = {}): void {
  const n = options.n ?? 1e6;
  const d = 10;
  const k = 10;
  const iterations = options.iterations ?? 5;
  console.log(`\nPeak RSS of a whole \`em fit gmm\` process, (${n}, ${d}, ${k}) full, --max-iter ${iterations} --tol 0 (MB = 10^6 bytes; target on (1e6, 10, 10) .npy: ≤ 160 MB)`);
  const unavailable = emUnavailable();
  if (unavailable !== undefined) {
    console.log(`  (skipped: ${unavailable})`);
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), 'em-peak-rss-'));
  try {
    const x = correlatedClusters(n, d, k, 6, new Random(42));
    const files: Array<[string, string]> = [['.npy', join(directory, 'x.npy')]];
    writeNpy(files[0]?.[1] as string, x);
    if (options.csv === true) {
      const csv = join(directory, 'x.csv');
      const lines: string[] = [];
      for (let i = 0; i < n; i++) lines.push(Array.from(x.data.subarray(i * d, (i + 1) * d), (v) => String(v)).join(','));
      writeFileSync(csv, `${Array.from({ length: d }, (_, j) => `x${j}`).join(',')}\n${lines.join('\n')}\n`);
      files.push(['.csv', csv]);
    }
    const dataMegabytes = x.data.byteLength / 1e6;
    console.log(`  data as float64: ${dataMegabytes.toFixed(0)} MB`);
    console.log('  file  | workers        | peak RSS MB | peak − data MB | wall s');
    for (const [format, path] of files) {
      for (const workers of ['auto (default)', '1']) {
        const args = [EM_LAUNCHER, 'fit', 'gmm', '--data', path, '--components', String(k), '--max-iter', String(iterations), '--tol', '0', '--quiet', ...(workers === '1' ? ['--workers', '1'] : [])];
        const peak = peakOf(args);
        if (typeof peak === 'string') {
          console.log(`  ${format.padEnd(5)} | ${workers.padEnd(14)} | failed: ${peak}`);
          continue;
        }
        console.log(`  ${format.padEnd(5)} | ${workers.padEnd(14)} | ${peak.megabytes.toFixed(0).padStart(11)} | ${(peak.megabytes - dataMegabytes).toFixed(0).padStart(14)} | ${peak.seconds.toFixed(1)}`);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const flag = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = flag('rss-n');
  runPeakRss({ ...(n === undefined ? {} : { n: Number(n) }), csv: process.argv.includes('--rss-csv') });
}
