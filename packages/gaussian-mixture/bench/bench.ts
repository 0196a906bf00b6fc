// Seconds per EM iteration and peak memory of the Gaussian mixture, in process and on worker
// threads, next to scikit-learn 1.2.1 reference figures measured on this project's 2-core machines.
//
//   pnpm bench                         every cell (large ones take minutes and several GB)
//   pnpm bench --quick                 the two small cells only
//   pnpm bench --cells=1e6x10x10 --types=full --workers=2 --iterations=3
//   pnpm bench --no-workers            in process only
//   pnpm bench --no-sklearn            without the side-by-side scikit-learn run
//   pnpm bench --python=/usr/bin/python3
//   pnpm bench --time-to-solution-only  only the time-to-solution case (plain EM, SQUAREM, scikit-learn)
//   pnpm bench --no-time-to-solution    without it
//   pnpm bench --mclust-models-only     only the fourteen covariance models at (1e5, 8, 8) (bench/covariance-models.ts)
//   pnpm bench --no-mclust-models       without them
//   pnpm bench --mclust-rounds=5        passes over the fourteen models, each keeping its fastest (default 3)
//   pnpm bench --sparse-only            only sparse vs full E-steps at K = 50 (bench/sparse-estep.ts; its own flags there)
//   pnpm bench --no-sparse              without it
//   pnpm bench --rss-only               only the peak RSS of whole `em fit gmm` processes (bench/peak-rss.ts; --rss-n=, --rss-csv)
//   pnpm bench --no-rss                 without it
//
// With a Python that has scikit-learn (`--python`, else python3 or /usr/bin/python3, whichever
// imports it), every row also gets scikit-learn timed on the same data from the same initial
// parameters in the same run (bench/sklearn-reference.py): on a shared machine whose speed drifts
// from run to run, that ratio is the robust one.
//
// Runs on the built packages (pnpm build): worker threads cannot load TypeScript sources, so the
// bench resolves @em/core to its dist/ like a user would, and workers load dist/worker.js.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Random, type DenseMatrix, type EStepExecutor } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { runCovarianceModelBench } from './covariance-models.js';
import { runPeakRss } from './peak-rss.js';
import { runTimeToSolution } from './time-to-solution.js';
import { runSparseEStepBench, type SparseBenchOptions } from './sparse-estep.js';
import { correlatedClusters } from './correlated-clusters.js';
import { runSklearnScript } from './sklearn-script.js';
import { COVARIANCE_TYPES, GaussianMixture, type CovarianceType, type GaussianMixtureInitialParameters } from '../src/index.js';

interface Cell {
  readonly n: number;
  readonly d: number;
  readonly k: number;
}

const CELLS: readonly Cell[] = [
  { n: 1e4, d: 2, k: 3 },
  { n: 1e5, d: 8, k: 8 },
  { n: 1e6, d: 10, k: 10 },
  { n: 2e5, d: 32, k: 16 },
];

/** scikit-learn 1.2.1 seconds per iteration on the project's 2-core machines (from the issue). */
const SKLEARN: Record<string, Partial<Record<CovarianceType, number>>> = {
  '1000000x10x10': { full: 1.82, tied: 1.04, diagonal: 0.45, spherical: 0.36 },
  '200000x32x16': { full: 1.55 },
};
/** A hand-written fused C loop, full covariance, (1e6, 10, 10): one core / two cores. */
const C_LOOP = { oneCore: 0.23, twoCores: 0.115 };

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const quick = process.argv.includes('--quick');
const noWorkers = process.argv.includes('--no-workers');
const noSklearn = process.argv.includes('--no-sklearn');
const timeToSolution = process.argv.includes('--no-time-to-solution') ? 'skip' : process.argv.includes('--time-to-solution-only') ? 'only' : 'after';
/** --tts-n=N: the time-to-solution case at a smaller N (its default is 2e5). */
const timeToSolutionSize = argument('tts-n') === undefined ? {} : { n: Number(argument('tts-n')) };
const workers = Number(argument('workers') ?? 2);
/** The sparse E-step section's flags (bench/sparse-estep.ts). */
const sparseOptions: SparseBenchOptions = {
  ...(argument('sparse-n') === undefined ? {} : { n: Number(argument('sparse-n')) }),
  ...(argument('sparse-d') === undefined ? {} : { d: Number(argument('sparse-d')) }),
  ...(argument('sparse-spread') === undefined ? {} : { spread: Number(argument('sparse-spread')) }),
  ...(argument('sparse-types') === undefined ? {} : { types: String(argument('sparse-types')).split(',') as CovarianceType[] }),
  ...(argument('sparse-every') === undefined ? {} : { every: String(argument('sparse-every')).split(',').map(Number) }),
  ...(argument('sparse-threshold') === undefined ? {} : { thresholds: String(argument('sparse-threshold')).split(',').map(Number) }),
};
const chunksArgument = argument('chunks');
const chunks = chunksArgument === undefined ? undefined : Number(chunksArgument);
const types = (argument('types')?.split(',') ?? COVARIANCE_TYPES) as CovarianceType[];
const selectedCells = argument('cells')
  ?.split(',')
  .map((text) => {
    const [n, d, k] = text.split('x').map(Number);
    return { n: n as number, d: d as number, k: k as number };
  });
const cells = selectedCells ?? (quick ? CELLS.slice(0, 2) : CELLS);

function key(cell: Cell): string {
  return `${cell.n}x${cell.d}x${cell.k}`;
}

/** Means at K random rows, unit covariances, equal weights: a start that costs nothing to compute. */
function initialParameters(x: DenseMatrix, k: number, type: CovarianceType, random: Random): GaussianMixtureInitialParameters {
  const d = x.cols;
  const means: number[][] = [];
  for (let c = 0; c < k; c++) means.push(Array.from(x.row(random.integer(x.rows))));
  const identity = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
  const covariances =
    type === 'full' ? means.map(() => identity) : type === 'tied' ? identity : type === 'diagonal' ? means.map(() => new Array<number>(d).fill(1)) : new Array<number>(k).fill(1);
  return { weights: new Array<number>(k).fill(1 / k), means, covariances };
}

interface Measurement {
  readonly secondsPerIteration: number;
  /**
   * CPU seconds (all threads of the process, workers included) per E-step of the fit: less
   * sensitive than wall-clock time to other jobs on a shared machine. Divide by the number of
   * threads for the wall-clock time on an idle machine.
   */
  readonly cpuSecondsPerIteration: number;
  readonly peakMegabytes: number;
  readonly heapMegabytes: number;
}

async function measure(x: DenseMatrix, cell: Cell, type: CovarianceType, iterations: number, executor: EStepExecutor | undefined): Promise<Measurement> {
  const init = initialParameters(x, cell.k, type, new Random(1));
  const model = new GaussianMixture({ components: cell.k, covariance: type, init, maxIterations: iterations, tolerance: 0 });
  globalThis.gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  try {
    const cpuStart = process.cpuUsage();
    const fit = executor === undefined ? model.fit(x, { onIteration: sample }) : await model.fitAsync(x, { executor, onIteration: sample, ...(chunks === undefined ? {} : { chunks }) });
    const cpu = process.cpuUsage(cpuStart);
    sample();
    return {
      secondsPerIteration: fit.secondsPerIteration,
      cpuSecondsPerIteration: (cpu.user + cpu.system) / 1e6 / (fit.iterations + 1),
      peakMegabytes: (peakRss - baseline.rss) / 2 ** 20,
      heapMegabytes: (peakHeap - baseline.heapUsed) / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}

function format(value: number | undefined, digits = 3): string {
  return value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
}

/** The first of the candidate Pythons that imports scikit-learn, with its version, or undefined. */
function findSklearnPython(): { python: string; version: string } | undefined {
  if (noSklearn) return undefined;
  const candidates = [argument('python'), 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined);
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

/** scikit-learn's seconds per iteration on x from `init` (bench/sklearn-reference.py), or undefined if it fails. */
function sklearnSecondsPerIteration(python: string, x: DenseMatrix, cell: Cell, type: CovarianceType, init: GaussianMixtureInitialParameters, iterations: number): number | undefined {
  const run = runSklearnScript<{ secondsPerIteration: number }>(python, 'sklearn-reference.py', x, { n: cell.n, d: cell.d, k: cell.k, covarianceType: type, ...init, iterations });
  if (typeof run === 'string') {
    console.log(`  (scikit-learn run failed: ${run})`);
    return undefined;
  }
  return run.secondsPerIteration;
}

/** Options of the peak-RSS section (bench/peak-rss.ts). */
const peakRssOptions = { ...(argument('rss-n') === undefined ? {} : { n: Number(argument('rss-n')) }), csv: process.argv.includes('--rss-csv') };

async function main(): Promise<void> {
  if (process.argv.includes('--sparse-only')) {
    runSparseEStepBench(sparseOptions);
    return;
  }
  if (process.argv.includes('--rss-only')) {
    runPeakRss(peakRssOptions);
    return;
  }
  if (process.argv.includes('--mclust-models-only')) {
    await runCovarianceModelBench();
    return;
  }
  if (timeToSolution === 'only') {
    runTimeToSolution({ python: findSklearnPython()?.python, ...timeToSolutionSize });
    return;
  }
  const workerUrl = new URL('../dist/worker.js', import.meta.url);
  const useWorkers = !noWorkers && existsSync(workerUrl);
  if (!noWorkers && !useWorkers) console.log('(dist/worker.js not found: run `pnpm build` for the worker-thread figures; in-process only)');
  const executor = useWorkers ? createWorkerExecutor({ workerUrl, workers }) : undefined;
  const rows: string[][] = [];
  const sklearn = findSklearnPython();
  const header = ['N', 'D', 'K', 'covariance', 'mode', 's/iter', 'CPU s/iter', 'sklearn s/iter', 'speed-up vs sklearn', 'sklearn here', 'speed-up here', 'vs C loop', 'peak RSS +MB', 'peak heap +MB'];
  console.log(`Gaussian mixture EM, seconds per iteration (median); node ${process.version}; ${useWorkers ? `${workers} worker threads` : 'in process'}`);
  console.log(sklearn === undefined ? '(no Python with scikit-learn found: no side-by-side column; see --python)' : `side by side: scikit-learn ${sklearn.version} (${sklearn.python}), same data and initial parameters, same run`);
  try {
    for (const cell of cells) {
      const x = correlatedClusters(cell.n, cell.d, cell.k, 6, new Random(42));
      const inputMegabytes = (x.data.byteLength / 2 ** 20).toFixed(0);
      const iterations = Number(argument('iterations') ?? (cell.n * cell.d * cell.k >= 1e8 ? 5 : 10));
      for (const type of types) {
        const here = sklearn === undefined ? undefined : sklearnSecondsPerIteration(sklearn.python, x, cell, type, initialParameters(x, cell.k, type, new Random(1)), iterations);
        const modes: Array<['in process' | `${number} workers`, EStepExecutor | undefined]> = [['in process', undefined]];
        if (executor !== undefined) modes.push([`${workers} workers`, executor]);
        for (const [mode, chosen] of modes) {
          const m = await measure(x, cell, type, iterations, chosen);
          const reference = SKLEARN[key(cell)]?.[type];
          const cLoop = key(cell) === '1000000x10x10' && type === 'full' ? (chosen === undefined ? C_LOOP.oneCore : C_LOOP.twoCores) : undefined;
          const row = [
            String(cell.n),
            String(cell.d),
            String(cell.k),
            type,
            mode,
            format(m.secondsPerIteration),
            format(m.cpuSecondsPerIteration),
            format(reference, 2),
            reference === undefined ? '—' : `${(reference / m.secondsPerIteration).toFixed(1)}×`,
            format(here),
            here === undefined ? '—' : `${(here / m.secondsPerIteration).toFixed(1)}×`,
            cLoop === undefined ? '—' : `${(m.secondsPerIteration / cLoop).toFixed(2)}× C`,
            m.peakMegabytes.toFixed(0),
            m.heapMegabytes.toFixed(0),
          ];
          rows.push(row);
          console.log(`  ${row.join('  ')}   (input ${inputMegabytes} MB)`);
        }
      }
    }
  } finally {
    await executor?.close();
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
  console.log('\nCPU s/iter = CPU seconds of every thread of the process per E-step (the fit\'s total over its iterations + 1 E-steps), robust to other jobs on the machine.');
  console.log('\nspeed-up = sklearn s/iter (the issue\'s reference figures) ÷ ours (target ≥ 4× on (1e6,10,10) and (2e5,32,16)); sklearn here / speed-up here = scikit-learn timed in this run on the same data; vs C loop = ours ÷ C (1 core in process, 2 cores with workers).');
  if (timeToSolution === 'after') runTimeToSolution({ python: sklearn?.python, ...timeToSolutionSize });
  if (!process.argv.includes('--no-mclust-models')) await runCovarianceModelBench();
  if (!process.argv.includes('--no-sparse')) runSparseEStepBench(sparseOptions);
  if (!process.argv.includes('--no-rss')) runPeakRss(peakRssOptions);
}

await main();
