// When do worker threads pay for a sparse multinomial mixture fit? Wall-clock time of a whole fit
// (10 iterations, tolerance 0, same seed) in process and on 2 workers, pool start and close included
// (what `workers: 'auto'` pays), across corpus sizes. Feeds core's WORKERS_MIN_WORK; the figures are
// in contributing/architecture.md ("When workers pay").
//
//   node --import tsx bench/workers-threshold.ts [--sizes=2e3,2e4,6e4] [--repeats=3]
//
// Needs the built worker entry (pnpm build): worker threads cannot load TypeScript sources.
import { existsSync } from 'node:fs';
import { Random } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { MultinomialMixture } from '../src/index.js';
import { topicDocuments } from './topic-documents.js';

const argument = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = argument('sizes')?.split(',').map(Number) ?? [2e3, 2e4, 6e4];
const repeats = Number(argument('repeats') ?? 3);
const ITERATIONS = 10;
const V = 2000;
const K = 10;
const TOKENS = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const workerUrl = new URL('../dist/worker.js', import.meta.url);
if (!existsSync(workerUrl)) throw new Error('dist/worker.js not found: run pnpm build first.');
console.log(`sparse multinomial, V = ${V}, K = ${K}, ${TOKENS} tokens a document; whole fit, ${ITERATIONS} iterations, median of ${repeats}; node ${process.version}`);
console.log('N        nnz       nnz·K + N·K·20   in process s   2 workers s (of which start)   workers/in process');
for (const n of sizes) {
  const x = topicDocuments(n, V, K, TOKENS, 0.65, new Random(3));
  const nnz = x.values.length;
  const inProcess: number[] = [];
  const onWorkers: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const model = new MultinomialMixture({ components: K, maxIterations: ITERATIONS, tolerance: 0, seed: 1 });
    let t = performance.now();
    model.fit(x);
    inProcess.push((performance.now() - t) / 1e3);
    t = performance.now();
    const executor = createWorkerExecutor({ workerUrl, workers: 2 });
    try {
      await model.fitAsync(x, { executor });
      onWorkers.push((performance.now() - t) / 1e3);
      t = performance.now();
      await model.fitAsync(x, { executor });
      warm.push((performance.now() - t) / 1e3);
    } finally {
      await executor.close();
    }
  }
  const a = median(inProcess);
  const b = median(onWorkers);
  console.log(`${String(n).padEnd(8)} ${String(nnz).padEnd(9)} ${(nnz * K + n * K * 20).toExponential(1).padEnd(16)} ${a.toFixed(3).padStart(12)}   ${b.toFixed(3).padStart(11)} (${(b - median(warm)).toFixed(3)})   ${(b / a).toFixed(2)}`);
}
