// Speed and memory of the multinomial mixture EM on synthetic bag-of-words data (seeded).
//   pnpm --filter @em/multinomial-mixture bench            (in process, then 2 worker threads)
//   BENCH_ITERATIONS=20 BENCH_WORKERS=0 pnpm ... bench     (more iterations; skip workers)
// Reference figures (issue #4, this project's 2-core machines): vectorised NumPy + scipy.sparse EM
// 0.023 s/iteration, R mixtools (dense) 0.70 s/iteration, for N=20000, V=2000, K=10. Target ≤ 0.012 s.
import { CsrMatrix, Random, fitEm, fitEmAsync, type MixtureParameters } from '@em/core';
import { createMultinomialMixtureModel, sampleMultinomial, type MultinomialComponents } from '../src/index.js';

const NUMPY_SECONDS = 0.023;
const MIXTOOLS_SECONDS = 0.7;
const TARGET_SECONDS = 0.012;
const iterations = Number(process.env['BENCH_ITERATIONS'] ?? 10);
const workerCount = Number(process.env['BENCH_WORKERS'] ?? 2);

interface Case {
  readonly rows: number;
  readonly features: number;
  readonly components: number;
  readonly tokens: number;
}

/** Documents of `tokens` tokens from K topics (Dirichlet(0.05) over V) blended with a flat background. */
function synthesize({ rows, features, components, tokens }: Case, seed: number): CsrMatrix {
  const random = new Random(seed);
  const topics: Float64Array[] = [];
  for (let k = 0; k < components; k++) {
    const topic = random.dirichlet(new Float64Array(features).fill(0.05));
    for (let f = 0; f < features; f++) topic[f] = 0.7 * (topic[f] as number) + 0.3 / features;
    topics.push(topic);
  }
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const row = new Float64Array(features);
  for (let i = 0; i < rows; i++) {
    sampleMultinomial(topics[random.integer(components)] as Float64Array, 0, features, tokens, random, row);
    for (let f = 0; f < features; f++) {
      if (row[f] !== 0) {
        indices.push(f);
        values.push(row[f] as number);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return new CsrMatrix(indptr, Int32Array.from(indices), Float64Array.from(values), features);
}

function startingPoint(k: number, v: number, seed: number): MixtureParameters<MultinomialComponents> {
  const random = new Random(seed);
  const probabilities = new Float64Array(k * v);
  for (let j = 0; j < k; j++) random.dirichlet(new Float64Array(v).fill(1), probabilities.subarray(j * v, (j + 1) * v));
  return { weights: new Float64Array(k).fill(1 / k), components: { probabilities, components: k, features: v } };
}

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

function line(label: string, seconds: number, reference: boolean): string {
  const base = `  ${label.padEnd(26)} ${seconds.toFixed(4)} s/iter`;
  if (!reference) return base;
  return `${base}   vs NumPy+scipy ${NUMPY_SECONDS} s: ×${(seconds / NUMPY_SECONDS).toFixed(2)}   vs mixtools ${MIXTOOLS_SECONDS} s: ×${(seconds / MIXTOOLS_SECONDS).toFixed(3)}   target ${TARGET_SECONDS} s: ${seconds <= TARGET_SECONDS ? 'met' : 'missed'}`;
}

/** Full collection before a memory snapshot when node runs with --expose-gc (the bench script does). */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function runCase(c: Case, reference: boolean): Promise<void> {
  collect();
  const before = process.memoryUsage();
  const data = synthesize(c, 1);
  collect();
  const afterData = process.memoryUsage();
  const model = createMultinomialMixtureModel({ components: c.components, pseudocount: 0.01 });
  const initialParameters = startingPoint(c.components, c.features, 2);
  console.log(`\nN=${c.rows} V=${c.features} K=${c.components}, ${c.tokens} tokens/doc: nnz=${data.nonZeros} (${(data.nonZeros / c.rows).toFixed(1)} distinct words/doc), ${iterations} iterations`);
  console.log(`  data: ${megabytes(afterData.arrayBuffers - before.arrayBuffers)} of typed arrays (CSR: 12 bytes/nnz); dense N×V would be ${megabytes(c.rows * c.features * 8)}`);
  let peakArrayBuffers = 0;
  const cpuBefore = process.cpuUsage();
  const result = fitEm(model, { observations: data }, {
    initialParameters,
    maxIterations: iterations,
    tolerance: 0,
    onIteration: () => (peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers)),
  });
  const cpu = process.cpuUsage(cpuBefore);
  console.log(line('in process', result.secondsPerIteration, reference));
  // CPU time per iteration (incl. the θ_0 evaluation) is less sensitive to other processes on a shared machine.
  console.log(`  CPU time in process: ${((cpu.user + cpu.system) / 1e6 / (result.iterations + 1)).toFixed(4)} s/iter (E-step + M-step, this thread)`);
  console.log(`  memory during the fit: typed arrays ${megabytes(peakArrayBuffers - afterData.arrayBuffers)} above the data (K·V = ${c.components * c.features} entries = ${megabytes(c.components * c.features * 8)} per table)`);
  if (workerCount < 1) return;
  const parallel = await import('@em/core/parallel').catch((error: unknown) => {
    console.log(`  workers: skipped (@em/core/parallel unavailable: ${(error as Error).message})`);
    return undefined;
  });
  if (parallel === undefined) return;
  const executor = parallel.createWorkerExecutor({ workerUrl: new URL('./worker-entry.mjs', import.meta.url), workers: workerCount });
  try {
    const viaWorkers = await fitEmAsync(model, { observations: data }, { initialParameters, maxIterations: iterations, tolerance: 0, executor });
    const drift = Math.abs((viaWorkers.logLikelihood - result.logLikelihood) / result.logLikelihood);
    console.log(`${line(`${workerCount} worker threads`, viaWorkers.secondsPerIteration, reference)}   (log-likelihood vs in process: ${drift.toExponential(1)} relative)`);
  } finally {
    await executor.close();
  }
}

const { loadavg, cpus } = await import('node:os');
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (figures are wall-clock medians; a loaded machine inflates them)`);
await runCase({ rows: 20000, features: 2000, components: 10, tokens: 100 }, true);
await runCase({ rows: 2000, features: 500, components: 5, tokens: 100 }, false);
