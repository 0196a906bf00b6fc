// When do worker threads pay for a hidden Markov model fit? Wall-clock time of a whole Baum–Welch
// fit (10 iterations, tolerance 0, same seed) in process and on 2 workers, pool start and close
// included (what `workers: 'auto'` pays), across total lengths T split into 100 sequences (an HMM's
// E-step splits by whole sequences only: one long sequence cannot use workers). Feeds core's
// WORKERS_MIN_WORK; the figures are in contributing/architecture.md ("When workers pay").
//
//   node --import tsx bench/workers-threshold.ts [--sizes=1e4,1e5,1e6] [--repeats=3]
//
// Needs the built worker entry (pnpm build): worker threads cannot load TypeScript sources.
import { existsSync } from 'node:fs';
import { DenseMatrix, Random, Sequences } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { HiddenMarkovModel } from '../src/index.js';

const argument = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = argument('sizes')?.split(',').map(Number) ?? [1e4, 1e5, 1e6];
const repeats = Number(argument('repeats') ?? 3);
const ITERATIONS = 10;
const K = 10;
const M = 50;
const SEQUENCES = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Symbols from a sticky K-state chain, each state favouring a band of the M symbols. */
function symbols(t: number, random: Random): Sequences<DenseMatrix> {
  const x = new Float64Array(t);
  let state = 0;
  for (let i = 0; i < t; i++) {
    if (random.next() < 0.05) state = random.integer(K);
    x[i] = random.next() < 0.7 ? (state * 5 + random.integer(5)) % M : random.integer(M);
  }
  return new Sequences(new DenseMatrix(x, t, 1), new Array<number>(SEQUENCES).fill(t / SEQUENCES));
}

const workerUrl = new URL('../dist/worker.js', import.meta.url);
if (!existsSync(workerUrl)) throw new Error('dist/worker.js not found: run pnpm build first.');
console.log(`categorical HMM, K = ${K}, M = ${M}, ${SEQUENCES} sequences; whole fit, ${ITERATIONS} iterations, median of ${repeats}; node ${process.version}`);
console.log('T         T·K·(K + 20)   in process s   2 workers s (of which start)   workers/in process');
for (const t of sizes) {
  const data = symbols(t, new Random(5));
  const inProcess: number[] = [];
  const onWorkers: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const model = new HiddenMarkovModel({ states: K, emission: { type: 'categorical', symbols: M }, maxIterations: ITERATIONS, tolerance: 0, seed: 1 });
    let s = performance.now();
    model.fit(data);
    inProcess.push((performance.now() - s) / 1e3);
    s = performance.now();
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      await model.fitAsync(data, { executor });
      onWorkers.push((performance.now() - s) / 1e3);
      s = performance.now();
      await model.fitAsync(data, { executor });
      warm.push((performance.now() - s) / 1e3);
    } finally {
      await executor.close();
    }
  }
  const a = median(inProcess);
  const b = median(onWorkers);
  console.log(`${String(t).padEnd(9)} ${(t * K * (K + 20)).toExponential(1).padEnd(14)} ${a.toFixed(3).padStart(12)}   ${b.toFixed(3).padStart(11)} (${(b - median(warm)).toFixed(3)})   ${(b / a).toFixed(2)}`);
}
