// Seconds per EM iteration for each of mclust's fourteen covariance models at (n, D, K) =
// (1e5, 8, 8), in process, next to `full` (= VVV, the classic full-covariance path), from the
// same start: means at K random rows, K identity covariances (they satisfy every model's
// constraint), equal weights; tolerance 0 and a fixed number of iterations. The models run in
// `rounds` interleaved passes and each keeps its fastest pass: on a shared machine a single pass
// drifts by 2-3× between rows (the first row also pays for compiling the kernels), which would
// swamp the per-model differences this table is for.
//
//   pnpm bench --mclust-models-only     only this section
//   pnpm bench --no-mclust-models       everything but this section
//   --mclust-rounds=N                   passes over the models (default 3)
import { DenseMatrix, Random } from '@em/core';
import { COVARIANCE_MODELS, GaussianMixture, type CovarianceOption } from '../src/index.js';

const CELL = { n: 100_000, d: 8, k: 8 } as const;

/** K separated clusters of differing volume and shape, seeded. */
function makeData(random: Random): DenseMatrix {
  const { n, d, k } = CELL;
  const centers = Array.from({ length: k * d }, () => 5 * random.normal());
  const scales = Array.from({ length: k * d }, () => 0.3 + 1.5 * random.next());
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = random.integer(k);
    for (let a = 0; a < d; a++) data[i * d + a] = (centers[c * d + a] as number) + (scales[c * d + a] as number) * random.normal() + (a > 0 ? 0.5 * (data[i * d + a - 1] as number) : 0) * 0.2;
  }
  return new DenseMatrix(data, n, d);
}

function roundsFromArguments(): number {
  const value = process.argv.find((a) => a.startsWith('--mclust-rounds='))?.slice('--mclust-rounds='.length);
  const rounds = value === undefined ? 3 : Number(value);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--mclust-rounds=${value}: expected a positive integer.`);
  return rounds;
}

export async function runCovarianceModelBench(iterations = 5, rounds = roundsFromArguments()): Promise<void> {
  const x = makeData(new Random(7));
  const { d, k } = CELL;
  const random = new Random(1);
  const means = Array.from({ length: k }, () => Array.from(x.row(random.integer(x.rows))));
  const identity = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
  const init = { weights: new Array<number>(k).fill(1 / k), means, covariances: means.map(() => identity) };
  console.log(`\nmclust's fourteen covariance models, seconds per iteration (n, D, K) = (${CELL.n}, ${d}, ${k}), in process, ${iterations} iterations from one start, fastest of ${rounds} interleaved passes`);
  const models = ['full', ...COVARIANCE_MODELS] as CovarianceOption[];
  const fastest = new Map<CovarianceOption, { seconds: number; logLikelihood: number }>();
  for (let round = 0; round < rounds; round++) {
    for (const model of models) {
      const mixture = new GaussianMixture({ components: k, covariance: model, init, maxIterations: iterations, tolerance: 0, regCovar: 1e-6 });
      const fit = mixture.fit(x);
      await Promise.resolve();
      const best = fastest.get(model);
      if (best === undefined || fit.secondsPerIteration < best.seconds) fastest.set(model, { seconds: fit.secondsPerIteration, logLikelihood: fit.logLikelihood });
    }
    console.log(`  pass ${round + 1} of ${rounds} done`);
  }
  const full = (fastest.get('full') as { seconds: number }).seconds;
  const rows = models.map((model) => {
    const { seconds, logLikelihood } = fastest.get(model) as { seconds: number; logLikelihood: number };
    return [model, seconds.toFixed(4), `${(seconds / full).toFixed(2)}×`, logLikelihood.toFixed(2)];
  });
  const header = ['model', 's/iter', 'vs full', `log-likelihood after ${iterations}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
}
