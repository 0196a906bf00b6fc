// Speed and memory of the multinomial mixture EM on synthetic bag-of-words data (seeded).
//   flock /tmp/em-bench.lock pnpm --filter @em/multinomial-mixture bench      (in process, then 2 worker threads)
//   BENCH_ITERATIONS=20 BENCH_REPEATS=5 BENCH_WORKERS=0 pnpm ... bench        (more iterations / fits; skip workers)
//   BENCH_SIMD=0 pnpm ... bench                                                (TypeScript kernels only, in process)
//   BENCH_TIME_TO_SOLUTION=only|skip pnpm ... bench                            (only / without plain EM vs SQUAREM to convergence)
//   EM_PYTHON=/path/to/python3 pnpm ... bench                                   (the Python of the NumPy + scipy.sparse side; default /usr/bin/python3)
// Side by side, same run (issue #12): bench/numpy-reference.py runs the same EM, vectorised with
// NumPy + scipy.sparse, on the same CSR matrix from the same initial parameters, timed the same way
// (median wall-clock seconds per iteration of each fit, and process CPU per E-step), and its
// log-likelihood trajectory is checked against ours. Skipped, saying so, without numpy/scipy.
// Historical figures (issue #4, this project's 2-core machines, another day): NumPy + scipy.sparse
// 0.023 s/iteration, R mixtools (dense) 0.70 s/iteration, for N=20000, V=2000, K=10 with ≈1.79 M
// non-zeros. Target then: ≤ 0.012 s; issue #12: ≥ 3× the same-run NumPy + scipy figure.
import { Random, fitEm, fitEmAsync, type CsrMatrix, type FitResult, type MixtureParameters } from '@em/core';
import { createMultinomialMixtureModel, MultinomialMixture, type MultinomialComponents } from '../src/index.js';
import { probabilityRows } from '../src/multinomial-family.js';
import { topicDocuments } from './topic-documents.js';
import { runMultinomialTimeToSolution } from './time-to-solution.js';
import { simdKernelsAvailable, simdMemoryBytes, useSimdKernels } from '../src/simd-arena.js';
import { findNumpyPython, maxRelativeDifference, runNumpyReference } from './numpy-reference.js';

const HISTORICAL_NUMPY_SECONDS = 0.023;
const MIXTOOLS_SECONDS = 0.7;
const TARGET_SECONDS = 0.012;
const REQUIRED_SPEED_UP = 3;
const iterations = Number(process.env['BENCH_ITERATIONS'] ?? 10);
const repeats = Math.max(1, Number(process.env['BENCH_REPEATS'] ?? 3));
const workerCount = Number(process.env['BENCH_WORKERS'] ?? 2);
if (process.env['BENCH_SIMD'] === '0') useSimdKernels(false);

interface Case {
  readonly rows: number;
  readonly features: number;
  readonly components: number;
  readonly tokens: number;
}

/**
 * Documents of `tokens` tokens from K topics: 0.65·Dirichlet(0.1) over V blended with 0.35 of a
 * flat background, which gives ≈ 89 distinct words per 100-token document (≈ 1.78 M non-zeros
 * for the large case, as in the issue's reference).
 */
function synthesize({ rows, features, components, tokens }: Case, seed: number): CsrMatrix {
  return topicDocuments(rows, features, components, tokens, 0.65, new Random(seed));
}

function startingPoint(k: number, v: number, seed: number): MixtureParameters<MultinomialComponents> {
  const random = new Random(seed);
  const probabilities = new Float64Array(k * v);
  for (let j = 0; j < k; j++) random.dirichlet(new Float64Array(v).fill(1), probabilities.subarray(j * v, (j + 1) * v));
  return { weights: new Float64Array(k).fill(1 / k), components: { probabilities, components: k, features: v } };
}

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

function comparison(seconds: number): string {
  return `historical (issue #4): vs NumPy+scipy ${HISTORICAL_NUMPY_SECONDS} s ×${(seconds / HISTORICAL_NUMPY_SECONDS).toFixed(2)}, vs mixtools ${MIXTOOLS_SECONDS} s ×${(seconds / MIXTOOLS_SECONDS).toFixed(3)}, target ${TARGET_SECONDS} s ${seconds <= TARGET_SECONDS ? 'met' : 'missed'}`;
}

/** Full collection before a memory snapshot when node runs with --expose-gc (the bench script does). */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface Timing {
  /** Median wall-clock seconds per iteration of each fit (the fit's own secondsPerIteration). */
  readonly walls: number[];
  /** Process CPU seconds (all threads) per E-step + M-step of each fit, θ_0 evaluation included. */
  readonly cpus: number[];
  /** Process CPU seconds of each fit's iterations (onIteration 0 to the last) / iterations: no set-up, validation or θ_0 evaluation. */
  readonly iterationCpus: number[];
  readonly last: FitResult<MixtureParameters<MultinomialComponents>>;
}

/** The fit's progress callback: the bench reads the CPU clock at each iteration. */
type IterationClock = (info: { readonly iteration: number }) => void;

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function timeFits(fit: (onIteration: IterationClock) => Promise<{ readonly secondsPerIteration: number; readonly iterations: number }>): Promise<Omit<Timing, 'last'>> {
  const walls: number[] = [];
  const cpus: number[] = [];
  const iterationCpus: number[] = [];
  for (let r = 0; r < repeats; r++) {
    let atFirst = 0;
    let atLast = 0;
    let lastIteration = 0;
    const onIteration: IterationClock = ({ iteration }) => {
      const now = cpuSeconds();
      if (iteration === 0) atFirst = now;
      atLast = now;
      lastIteration = iteration;
    };
    const before = cpuSeconds();
    const result = await fit(onIteration);
    const cpu = cpuSeconds() - before;
    walls.push(result.secondsPerIteration);
    cpus.push(cpu / (result.iterations + 1));
    iterationCpus.push(lastIteration > 0 ? (atLast - atFirst) / lastIteration : Number.NaN);
  }
  return { walls, cpus, iterationCpus };
}

/** timeFits for the core fit functions, keeping the last result. */
async function timeCoreFits(fit: (onIteration: IterationClock) => Promise<FitResult<MixtureParameters<MultinomialComponents>>>): Promise<Timing> {
  let last: FitResult<MixtureParameters<MultinomialComponents>> | undefined;
  const timing = await timeFits(async (onIteration) => (last = await fit(onIteration)));
  return { ...timing, last: last as FitResult<MixtureParameters<MultinomialComponents>> };
}

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
const median = (values: number[]): number => sorted(values)[values.length >> 1] as number;
const best = (values: number[]): number => sorted(values)[0] as number;

function report(label: string, timing: Omit<Timing, 'last'>, reference: boolean): void {
  const wall = best(timing.walls);
  const all = timing.walls.map((w) => w.toFixed(4)).join(', ');
  console.log(`  ${label.padEnd(19)} best ${wall.toFixed(4)} s/iter (fits: ${all})${reference ? `   ${comparison(wall)}` : ''}`);
  console.log(`  ${''.padEnd(19)} CPU, all threads: median ${median(timing.iterationCpus).toFixed(4)} s/iter (iterations only), ${median(timing.cpus).toFixed(4)} s per E-step over the whole fit`);
}

/**
 * What a user's defaults run (the estimator's fitAsync, workers 'auto'; the CLI's fit does the same)
 * from the same start, then the same EM in NumPy + scipy.sparse (bench/numpy-reference.py) on the
 * same data and start in this run, and the speed-ups: wall clock best fit ÷ best fit, CPU median ÷ median.
 */
async function defaultsAndNumpy(c: Case, data: CsrMatrix, start: MixtureParameters<MultinomialComponents>, local: Timing): Promise<void> {
  const estimator = new MultinomialMixture({ components: c.components, maxIterations: iterations, tolerance: 0 });
  const plainStart = { weights: Array.from(start.weights), probabilities: probabilityRows(start.components.probabilities, c.components, c.features) };
  let execution = '';
  let ours: readonly number[] = local.last.logLikelihoodHistory;
  const defaults = await timeFits(async (onIteration) => {
    const summary = await estimator.fitAsync(data, { initialParameters: plainStart, onIteration });
    execution = summary.execution?.reason ?? '';
    ours = summary.logLikelihoodHistory;
    return summary;
  });
  report('defaults (fitAsync)', defaults, false);
  console.log(`  ${''.padEnd(19)} ${execution}`);
  const found = findNumpyPython();
  if ('missing' in found) {
    console.log(`  NumPy+scipy here    skipped: ${found.missing} (set EM_PYTHON to a Python with numpy and scipy)`);
    return;
  }
  const numpy = runNumpyReference(found.python, data, start, { pseudocount: 0.01, iterations, fits: repeats });
  if (typeof numpy === 'string') {
    console.log(`  NumPy+scipy here    failed: ${numpy}`);
    return;
  }
  const numpyWall = best(numpy.secondsPerIteration);
  const numpyCpu = median(numpy.iterationCpuSeconds);
  const numpyFitCpu = median(numpy.cpuSecondsPerIteration);
  console.log(`  NumPy+scipy here    best ${numpyWall.toFixed(4)} s/iter (fits: ${numpy.secondsPerIteration.map((w) => w.toFixed(4)).join(', ')})   (${found.python}: numpy ${numpy.numpy}, scipy ${numpy.scipy})`);
  console.log(`  ${''.padEnd(19)} CPU: median ${numpyCpu.toFixed(4)} s/iter (iterations only), ${numpyFitCpu.toFixed(4)} s per E-step over the whole fit`);
  const speedUp = (label: string, timing: Omit<Timing, 'last'>): string =>
    `${label} wall ×${(numpyWall / best(timing.walls)).toFixed(2)}, CPU ×${(numpyCpu / median(timing.iterationCpus)).toFixed(2)} (whole fit ×${(numpyFitCpu / median(timing.cpus)).toFixed(2)})`;
  console.log(`  speed-up here       ${speedUp('in process:', local)};  ${speedUp('defaults:', defaults)}   (required ≥ ${REQUIRED_SPEED_UP}×)`);
  console.log(`  ${''.padEnd(19)} log-likelihood θ_0…θ_${iterations} vs NumPy+scipy: max relative difference ${maxRelativeDifference(ours, numpy.logLikelihoods).toExponential(1)}`);
}

async function runCase(c: Case, reference: boolean): Promise<void> {
  collect();
  const data = synthesize(c, 1);
  const model = createMultinomialMixtureModel({ components: c.components, pseudocount: 0.01 });
  const initialParameters = startingPoint(c.components, c.features, 2);
  const options = { initialParameters, maxIterations: iterations, tolerance: 0 };
  console.log(`\nN=${c.rows} V=${c.features} K=${c.components}, ${c.tokens} tokens/doc: nnz=${data.nonZeros} (${(data.nonZeros / c.rows).toFixed(1)} distinct words/doc), ${iterations} iterations × ${repeats} fits`);
  const dataBytes = data.indptr.byteLength + data.indices.byteLength + data.values.byteLength;
  console.log(`  data: ${megabytes(dataBytes)} of typed arrays (CSR: 12 bytes/nnz); dense N×V would be ${megabytes(c.rows * c.features * 8)}`);
  const local = await timeCoreFits((onIteration) => Promise.resolve(fitEm(model, { observations: data }, { ...options, onIteration })));
  report('in process', local, reference);
  if (reference) {
    await defaultsAndNumpy(c, data, initialParameters, local);
  }
  // Live memory: a separate short fit with a full collection before each reading (not timed).
  collect();
  const baseline = process.memoryUsage().arrayBuffers;
  let peakLive = baseline;
  fitEm(model, { observations: data }, {
    ...options,
    maxIterations: 3,
    onIteration: () => {
      collect();
      peakLive = Math.max(peakLive, process.memoryUsage().arrayBuffers);
    },
  });
  console.log(
    `  live memory: peak ${megabytes(peakLive - baseline)} of typed arrays during a fit, on top of the data and this thread's WebAssembly memory (${megabytes(simdMemoryBytes())}); K·V = ${c.components * c.features} entries = ${megabytes(c.components * c.features * 8)} per table`,
  );
  if (workerCount < 1) return;
  const parallel = await import('@em/core/parallel');
  const executor = parallel.createWorkerExecutor({ workerUrl: new URL('./worker-entry.mjs', import.meta.url), workers: workerCount });
  try {
    // One untimed fit warms the workers up (module loading, JIT, WebAssembly compilation).
    await fitEmAsync(model, { observations: data }, { ...options, maxIterations: 2, executor });
    const viaWorkers = await timeCoreFits((onIteration) => fitEmAsync(model, { observations: data }, { ...options, executor, onIteration }));
    report(`${workerCount} worker threads`, viaWorkers, reference);
    const drift = Math.abs((viaWorkers.last.logLikelihood - local.last.logLikelihood) / local.last.logLikelihood);
    console.log(`  ${''.padEnd(19)} log-likelihood vs in process: ${drift.toExponential(1)} relative`);
  } finally {
    await executor.close();
  }
}

const { loadavg, cpus } = await import('node:os');
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall-clock figures; a loaded machine inflates them)`);
console.log(`kernels: ${simdKernelsAvailable() ? 'WebAssembly SIMD' : 'TypeScript'}`);
const timeToSolution = process.env['BENCH_TIME_TO_SOLUTION'] ?? 'after';
if (timeToSolution !== 'only') {
  await runCase({ rows: 20000, features: 2000, components: 10, tokens: 100 }, true);
  await runCase({ rows: 2000, features: 500, components: 5, tokens: 100 }, false);
}
if (timeToSolution !== 'skip') runMultinomialTimeToSolution();
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
