// Seconds per Baum–Welch iteration and peak memory, next to hmmlearn 0.3's published figures
// for the same problems on this project's 2-core machines. Run: pnpm --filter @em/hmm bench
// The worker case needs the built package (turbo runs build before bench).
// (BENCH_ITERATIONS=N to change the iterations per case, BENCH_ONLY=casino,… to pick cases;
// BENCH_ONLY=time-to-solution runs only the plain-vs-SQUAREM time-to-solution case).
import { DenseMatrix, type FitResult, Random, Sequences, fitEm, fitEmAsync } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { gaussianFamily } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import { createHmmModel, type HmmParameters } from '../src/index.js';
import { runHmmTimeToSolution } from './time-to-solution.js';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 5);
const ONLY = process.env['BENCH_ONLY']?.split(',');

/** hmmlearn 0.3 seconds per iteration: [scaling, log]. */
const HMMLEARN: Record<string, [number, number]> = {
  casino: [0.162, 0.336],
  '10x50': [0.796, 3.12],
  '1000x100': [0.093, 0.35],
  'gaussian-5x4-full': [0.625, 1.29],
};

let peak = 0;
let lastCpu = process.cpuUsage();
let cpuSeconds: number[] = [];
/** Called after every E-step: peak memory, and CPU seconds of this process (all threads) per iteration. */
function sampleMemory(info: { iteration: number }): void {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  const cpu = process.cpuUsage(lastCpu);
  if (info.iteration > 0) cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  lastCpu = process.cpuUsage();
}
function resetCounters(): void {
  peak = 0;
  cpuSeconds = [];
  lastCpu = process.cpuUsage();
}
function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[(sorted.length - 1) >> 1] as number);
}

interface Row {
  readonly name: string;
  readonly reference: string;
  readonly seconds: number;
  readonly cpu: number;
  readonly peakMegabytes: number;
  readonly bytesPerStep: number;
}
const rows: Row[] = [];

function chain(k: number, random: Random): { start: Float64Array; transition: Float64Array } {
  const start = random.dirichlet(new Float64Array(k).fill(1));
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    const row = random.dirichlet(new Float64Array(k).fill(1));
    row[i] = (row[i] as number) + 4;
    const total = row.reduce((a, b) => a + b, 0);
    transition.set(row.map((v) => v / total), i * k);
  }
  return { start, transition };
}

function categoricalProblem(k: number, m: number, lengths: number[], seed: number) {
  const random = new Random(seed);
  const family = categoricalFamily({ categories: [m], pseudocount: 0 });
  const model = createHmmModel(family, { states: k });
  const { start, transition } = chain(k, random);
  const probabilities = new Float64Array(k * m);
  for (let j = 0; j < k; j++) probabilities.set(random.dirichlet(new Float64Array(m).fill(0.5)).map((p) => 0.9 * p + 0.1 / m), j * m);
  const truth: HmmParameters<ReturnType<typeof family.componentsFromJSON>> = { startProbabilities: start, transitionMatrix: transition, emissions: { probabilities, categories: [m], components: k } };
  const total = lengths.reduce((a, b) => a + b, 0);
  const x = new Float64Array(total);
  let offset = 0;
  for (const length of lengths) {
    x.set(model.sample(truth, length, random).observations, offset);
    offset += length;
  }
  const data = new Sequences(new DenseMatrix(x, total, 1), lengths);
  // Start from a perturbed truth (as a user's warm start would be).
  const initial = { ...truth, emissions: { ...truth.emissions, probabilities: perturbRows(probabilities, m, random) }, transitionMatrix: perturbRows(transition, k, random) };
  return { model, data, initial };
}

function perturbRows(values: Float64Array, width: number, random: Random): Float64Array {
  const out = values.map((v) => v * Math.exp(0.3 * random.normal()));
  for (let r = 0; r < values.length / width; r++) {
    let total = 0;
    for (let j = 0; j < width; j++) total += out[r * width + j] as number;
    for (let j = 0; j < width; j++) out[r * width + j] = (out[r * width + j] as number) / total;
  }
  return out;
}

function gaussianProblem(seed: number) {
  const k = 5;
  const d = 4;
  const t = 1_000_000;
  const random = new Random(seed);
  const family = gaussianFamily({ covariance: 'full', regCovar: 0 });
  const model = createHmmModel(family, { states: k });
  const { start, transition } = chain(k, random);
  const means = new Float64Array(k * d).map(() => 3 * random.normal());
  const covariances = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) covariances[j * d * d + a * d + a] = 0.5 + random.next();
  const truth = { startProbabilities: start, transitionMatrix: transition, emissions: { covarianceType: 'full' as const, dimension: d, means, covariances } };
  const drawn = model.sample(truth, t, random);
  const data = new Sequences(new DenseMatrix(drawn.observations, t, d));
  const initial = { ...truth, emissions: { ...truth.emissions, means: means.map((m) => m + 0.5 * random.normal()) } };
  return { model, data, initial };
}

/** `tabulated`: categorical densities read from a per-symbol table (3 ≤ K ≤ 16): no T×K emission buffer. */
function report(name: string, result: FitResult<unknown>, k: number, steps: number, extraBytesPerStep = 0, tabulated = false): void {
  const [scaling, log] = HMMLEARN[name.split(' ')[0] as string] as [number, number];
  const seconds = result.secondsPerIteration;
  // Per time step: emission densities (unless tabulated) and forward variables/posteriors (K
  // doubles each), the per-step normaliser and shift (2 doubles), plus the observation row itself.
  const bytesPerStep = 8 * ((tabulated ? 1 : 2) * k + 2) + extraBytesPerStep;
  const cpu = medianOf(cpuSeconds);
  rows.push({ name, reference: `${scaling.toFixed(3)} / ${log.toFixed(3)}`, seconds, cpu, peakMegabytes: peak / 2 ** 20, bytesPerStep });
  console.log(
    `${name.padEnd(28)} ${seconds.toFixed(3).padStart(7)} s/iter (CPU ${cpu.toFixed(3)} s)   hmmlearn scaling/log ${scaling.toFixed(3)}/${log.toFixed(3)}   ` +
      `speed-up ×${(scaling / seconds).toFixed(2)} / ×${(log / seconds).toFixed(2)}   peak RSS ${(peak / 2 ** 20).toFixed(0)} MB   ` +
      `state ${bytesPerStep} B/step (${((bytesPerStep * steps) / 2 ** 20).toFixed(0)} MB for ${steps} steps)`,
  );
}

const run = (name: string): boolean => ONLY === undefined || ONLY.some((o) => name.startsWith(o));
const options = { maxIterations: ITERATIONS, tolerance: 0, onIteration: sampleMemory } as const;

console.log(`@em/hmm Baum–Welch benchmark: ${ITERATIONS} iterations per case (median seconds per iteration), node ${process.version}\n`);

if (run('casino')) {
  const { model, data, initial } = categoricalProblem(2, 6, [1_000_000], 1);
  resetCounters();
  report('casino (2×6, T=10^6)', fitEm(model, data, { ...options, initialParameters: initial }), 2, 1_000_000, 8);
}
if (run('10x50')) {
  const { model, data, initial } = categoricalProblem(10, 50, [1_000_000], 2);
  resetCounters();
  report('10x50 (T=10^6)', fitEm(model, data, { ...options, initialParameters: initial }), 10, 1_000_000, 8, true);
}
if (run('1000x100')) {
  const { model, data, initial } = categoricalProblem(10, 50, Array.from({ length: 1000 }, () => 100), 3);
  // Both measured warm (see below): an untimed short fit first.
  fitEm(model, data, { maxIterations: 3, tolerance: 0, initialParameters: initial });
  resetCounters();
  const inProcess = fitEm(model, data, { ...options, initialParameters: initial });
  report('1000x100 (in process)', inProcess, 10, 100, 8, true);
  const executor = createWorkerExecutor({ workerUrl: new URL('../dist/worker.js', import.meta.url), workers: 2 });
  try {
    // Each worker thread starts cold (its first E-steps run 2–3× slower, before V8 has optimised
    // them; the in-process case also gets code the 10x50 case has optimised): an untimed short fit
    // first here too, so both figures are steady-state seconds per iteration.
    await fitEmAsync(model, data, { maxIterations: 3, tolerance: 0, initialParameters: initial, executor });
    const warmUpTasks = executor.tasksSent;
    resetCounters();
    const result = await fitEmAsync(model, data, { ...options, initialParameters: initial, executor });
    report('1000x100 (2 workers)', result, 10, 100, 8, true);
    const worst = Math.max(...result.history.map((v, i) => Math.abs(v - (inProcess.history[i] as number)) / Math.abs(v)));
    console.log(`  2 workers vs in process: ${executor.tasksSent - warmUpTasks} E-step tasks (after ${warmUpTasks} warm-up tasks), max relative history difference ${worst.toExponential(2)}`);
  } catch (error) {
    console.log(`1000x100 (2 workers): could not run workers (${(error as Error).message.split('\n')[0]})`);
  } finally {
    await executor.close();
  }
}
if (run('gaussian')) {
  const { model, data, initial } = gaussianProblem(4);
  resetCounters();
  report('gaussian-5x4-full (T=10^6)', fitEm(model, data, { ...options, initialParameters: initial }), 5, 1_000_000, 32);
}
if (run('time-to-solution')) runHmmTimeToSolution();

/**
 * The design choice, measured: one forward pass in the scaled recursion (what @em/hmm uses) against
 * a log-space recursion (log-sum-exp over K predecessors for each of K states: K² exp per step).
 */
function logSpaceForward(k: number, length: number, logStart: Float64Array, logTransition: Float64Array, logEmission: Float64Array): number {
  let previous = new Float64Array(k);
  let current = new Float64Array(k);
  for (let j = 0; j < k; j++) previous[j] = (logStart[j] as number) + (logEmission[j] as number);
  for (let t = 1; t < length; t++) {
    for (let j = 0; j < k; j++) {
      let max = -Infinity;
      for (let i = 0; i < k; i++) max = Math.max(max, (previous[i] as number) + (logTransition[i * k + j] as number));
      let sum = 0;
      for (let i = 0; i < k; i++) sum += Math.exp((previous[i] as number) + (logTransition[i * k + j] as number) - max);
      current[j] = max + Math.log(sum) + (logEmission[t * k + j] as number);
    }
    const swap = previous;
    previous = current;
    current = swap;
  }
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, previous[j] as number);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp((previous[j] as number) - max);
  return max + Math.log(sum);
}

if (run('forward')) {
  console.log('\nforward pass only, T = 10^6 (scaled vs log-space; seconds, best of 3):');
  for (const [k, m] of [
    [2, 6],
    [10, 50],
  ] as const) {
    const { model, data, initial } = categoricalProblem(k, m, [1_000_000], 5);
    const prepared = model.family.prepare(initial.emissions);
    const logEmission = new Float64Array(1_000_000 * k);
    model.family.logDensities(prepared, data.observations, 0, 1_000_000, logEmission);
    const logStart = initial.startProbabilities.map(Math.log);
    const logTransition = initial.transitionMatrix.map(Math.log);
    let scaled = Infinity;
    let logSpace = Infinity;
    let a = 0;
    let b = 0;
    for (let r = 0; r < 3; r++) {
      let started = performance.now();
      a = model.logLikelihood(initial, data);
      scaled = Math.min(scaled, (performance.now() - started) / 1000);
      started = performance.now();
      b = logSpaceForward(k, 1_000_000, logStart, logTransition, logEmission);
      logSpace = Math.min(logSpace, (performance.now() - started) / 1000);
    }
    console.log(`  K=${k}, M=${m}: scaled ${scaled.toFixed(3)} s (incl. emission densities), log-space ${logSpace.toFixed(3)} s (densities precomputed); ×${(logSpace / scaled).toFixed(1)}; log p agree to ${(Math.abs(a - b) / Math.abs(b)).toExponential(1)}`);
  }
}

console.log('\nsummary (seconds per iteration; hmmlearn 0.3 scaling / log):');
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores (wall time is inflated when the machine is shared)`);
for (const r of rows) console.log(`  ${r.name.padEnd(28)} ${r.seconds.toFixed(3)} (CPU ${r.cpu.toFixed(3)})   vs ${r.reference}   peak RSS ${r.peakMegabytes.toFixed(0)} MB, ${r.bytesPerStep} B per time step`);
