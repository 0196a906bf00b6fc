// Speed of @em/poisson-mixture on seeded synthetic data: prints figures, asserts nothing (speed is
// measured here, never in unit tests).
//   pnpm --filter @em/poisson-mixture bench
//   BENCH_ROWS=100000 BENCH_REPEATS=9 pnpm --filter @em/poisson-mixture bench
// Parameters come from the family's randomPoissonComponents; set sizes typical of your users with
// the environment variables, and add reference figures from other libraries when you have them.
import { DenseMatrix, fitEm, Random } from '@em/core';
import { createPoissonMixtureModel, randomPoissonComponents } from '../src/index.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 20_000);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 5);

const model = createPoissonMixtureModel({ components: 3 });
const truth = { weights: new Float64Array([0.2, 0.3, 0.5]), components: randomPoissonComponents(3, 4, new Random(1)) };
const draws = model.sample(truth, rows, new Random(1));
const data = { observations: DenseMatrix.fromArray(draws.observations, rows, draws.dimension) };
const start = model.initialize(data, new Random(2));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function time(label: string, run: () => void): void {
  const seconds: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    run();
    seconds.push((performance.now() - started) / 1000);
  }
  console.log(`  ${label.padEnd(34)} ${median(seconds).toFixed(4)} s (median of ${repeats})`);
}

console.log(`@em/poisson-mixture: ${rows} rows × 4 columns, K = 3`);
time('E-step (fused block pass)', () => {
  model.eStep(start, data);
});
let lastFit: ReturnType<typeof fitEm> | undefined;
time('fit, 20 iterations', () => {
  lastFit = fitEm(model, data, { initialParameters: start, maxIterations: 20, tolerance: 0 });
});
// The fit monitor's figure from the last timed fit (the fits are identical), not from one more fit.
console.log(`  ${'seconds per iteration (fit monitor)'.padEnd(34)} ${lastFit?.secondsPerIteration.toFixed(4) ?? '—'} s`);

// Time to solution (issue 14): plain EM and SQUAREM to convergence from the same start, same rule
// (the default, relative 1e-10); eSteps counts every pass over the data.
for (const acceleration of ['none', 'squarem'] as const) {
  const started = performance.now();
  const fit = fitEm(model, data, { initialParameters: start, acceleration });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `  ${`to convergence, acceleration ${acceleration}`.padEnd(34)} ${seconds.toFixed(4)} s, ${fit.iterations} iterations, ${fit.eSteps} E-steps, ${fit.converged ? 'converged' : fit.stopReason}, objective ${fit.objective.toFixed(6)}`,
  );
}
