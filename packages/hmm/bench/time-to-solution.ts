// Time to solution (issue 14): Baum–Welch plain and SQUAREM-accelerated, side by side in one run
// from the same start with the same stopping rule, on an HMM whose states are weakly separated
// (2-D Gaussian emissions, means under half a standard deviation apart), T = 2·10^5 steps in 100
// sequences, where Baum–Welch's linear rate is slow. Run by bench.ts (BENCH_ONLY=time-to-solution for this alone).
import { DenseMatrix, fitEm, Random, Sequences, type FitResult } from '@em/core';
import { gaussianFamily } from '@em/gaussian-mixture';
import { createHmmModel } from '../src/index.js';

/** Scale of the distances between the state means (in standard deviations). */
const SEPARATION = 0.4;

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

export function runHmmTimeToSolution(options: { readonly sequences?: number; readonly length?: number } = {}): void {
  const sequences = options.sequences ?? 100;
  const length = options.length ?? 2000;
  const k = 3;
  const random = new Random(14);
  const family = gaussianFamily({ covariance: 'diagonal', regCovar: 0 });
  const model = createHmmModel(family, { states: k });
  const truth = {
    startProbabilities: Float64Array.of(0.5, 0.3, 0.2),
    transitionMatrix: Float64Array.of(0.9, 0.06, 0.04, 0.05, 0.9, 0.05, 0.04, 0.06, 0.9),
    emissions: { covarianceType: 'diagonal' as const, dimension: 2, means: Float64Array.of(0, 0, 1, 0.5, 0.3, 1.2).map((m) => m * SEPARATION), covariances: Float64Array.of(1, 1, 1, 1, 1, 1) },
  };
  const total = sequences * length;
  const x = new Float64Array(total * 2);
  for (let s = 0; s < sequences; s++) x.set(model.sample(truth, length, random).observations, s * length * 2);
  const data = new Sequences(new DenseMatrix(x, total, 2), Array.from({ length: sequences }, () => length));
  // A start away from the truth: the means pulled towards their average, uniform-ish chain.
  const initial = {
    startProbabilities: Float64Array.of(1 / 3, 1 / 3, 1 / 3),
    transitionMatrix: Float64Array.of(0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8),
    emissions: { ...truth.emissions, means: Float64Array.of(0.2, 0.3, 0.6, 0.5, 0.4, 0.8).map((m) => m * SEPARATION), covariances: Float64Array.of(1.5, 1.5, 1.5, 1.5, 1.5, 1.5) },
  };
  const fitOptions = { initialParameters: initial, tolerance: 1e-10, toleranceRule: 'per-observation', maxIterations: 100_000 } as const;
  console.log(`\nTime to solution: HMM, ${k} weakly separated states (2-D Gaussian emissions, means under 0.5 σ apart), T = ${total} in ${sequences} sequences; |Δ objective| / T < 1e-10; same start`);
  const timed = (acceleration: 'none' | 'squarem'): { result: FitResult<unknown>; seconds: number } => {
    const start = performance.now();
    const result = fitEm(model, data, { ...fitOptions, acceleration });
    return { result, seconds: (performance.now() - start) / 1000 };
  };
  const plain = timed('none');
  const fast = timed('squarem');
  const line = (name: string, run: { result: FitResult<unknown>; seconds: number }): string =>
    `  ${name.padEnd(22)} iterations ${String(run.result.iterations).padStart(6)}  E-steps ${String(run.result.eSteps).padStart(6)}  ${run.result.converged ? 'converged' : run.result.stopReason}  ` +
    `${run.seconds.toFixed(2).padStart(7)} s  log-likelihood ${run.result.logLikelihood.toFixed(6)}`;
  console.log(line('Baum–Welch', plain));
  console.log(line('Baum–Welch + SQUAREM', fast));
  const gap = relative(fast.result.objective, plain.result.objective);
  const ratio = fast.result.eSteps / plain.result.iterations;
  console.log(`  ${gap <= 1e-7 ? 'PASS' : 'FAIL'}  same optimum (${gap.toExponential(1)} ≤ 1e-7 relative)`);
  console.log(`  ${ratio <= 1 / 3 ? 'PASS' : 'FAIL'}  SQUAREM E-steps ≤ ⅓ of Baum–Welch's iterations (${fast.result.eSteps} vs ${plain.result.iterations}: ${ratio.toFixed(3)}); wall time ${(plain.seconds / fast.seconds).toFixed(1)}× shorter`);
}
