// When do worker threads pay for a Gaussian mixture fit? Wall-clock time of a whole fit (10
// iterations, tolerance 0, from the same start) in process and on 2 workers, pool start and close
// included (what `workers: 'auto'` pays), across data sizes, for each covariance storage. The
// `auto` threshold (core's WORKERS_MIN_WORK) comes from these figures; see contributing/architecture.md.
//
//   node --import tsx bench/workers-threshold.ts [--types=full,diagonal] [--repeats=3]
//
// Needs the built worker entry (pnpm build): worker threads cannot load TypeScript sources.
// --sizes=1e4,1e5 --shapes=2x3,10x10 (D×K) choose the grid.
import { existsSync } from 'node:fs';
import { Random, type DenseMatrix } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { correlatedClusters } from './correlated-clusters.js';
import { GaussianMixture, type CovarianceType, type GaussianMixtureInitialParameters } from '../src/index.js';

const argument = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const types = (argument('types')?.split(',') ?? ['full', 'diagonal', 'spherical', 'tied']) as CovarianceType[];
const repeats = Number(argument('repeats') ?? 3);
const ITERATIONS = 10;
const SHAPES = (argument('shapes')?.split(',').map((t) => ({ d: Number(t.split('x')[0]), k: Number(t.split('x')[1]) }))) ?? [
  { d: 2, k: 3 },
  { d: 10, k: 10 },
];
const SIZES = (argument('sizes')?.split(',').map(Number)) ?? [1e4, 1e5, 3e5, 1e6];

function start(x: DenseMatrix, k: number, type: CovarianceType): GaussianMixtureInitialParameters {
  const random = new Random(1);
  const d = x.cols;
  const means = Array.from({ length: k }, () => Array.from(x.row(random.integer(x.rows))));
  const identity = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
  const covariances = type === 'full' ? means.map(() => identity) : type === 'tied' ? identity : type === 'diagonal' ? means.map(() => new Array<number>(d).fill(1)) : new Array<number>(k).fill(1);
  return { weights: new Array<number>(k).fill(1 / k), means, covariances };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const workerUrl = new URL('../dist/worker.js', import.meta.url);
if (!existsSync(workerUrl)) throw new Error('dist/worker.js not found: run pnpm build first.');
console.log(`whole fit, ${ITERATIONS} iterations, median of ${repeats}; node ${process.version}`);
console.log('type       n        D   K   N·K·D²      in process s   2 workers s (of which start)   workers/in process');
for (const type of types) {
  for (const { d, k } of SHAPES) {
    for (const n of SIZES) {
      const x = correlatedClusters(n, d, k, 4, new Random(7));
      const init = start(x, k, type);
      const inProcess: number[] = [];
      const onWorkers: number[] = [];
      const warm: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const model = new GaussianMixture({ components: k, covariance: type, init, maxIterations: ITERATIONS, tolerance: 0 });
        let t = performance.now();
        model.fit(x);
        inProcess.push((performance.now() - t) / 1e3);
        t = performance.now();
        const executor = createWorkerExecutor({ workerUrl, workers: 2 });
        try {
          await model.fitAsync(x, { executor });
          onWorkers.push((performance.now() - t) / 1e3);
          // A second fit on the same pool: the same work without starting the threads.
          t = performance.now();
          await model.fitAsync(x, { executor });
          warm.push((performance.now() - t) / 1e3);
        } finally {
          await executor.close();
        }
      }
      const a = median(inProcess);
      const b = median(onWorkers);
      const started = b - median(warm);
      console.log(`${type.padEnd(10)} ${String(n).padEnd(8)} ${String(d).padEnd(3)} ${String(k).padEnd(3)} ${(n * k * d * d).toExponential(1).padEnd(11)} ${a.toFixed(3).padStart(12)}   ${b.toFixed(3).padStart(11)} (${started.toFixed(3)})   ${(b / a).toFixed(2)}`);
    }
  }
}
