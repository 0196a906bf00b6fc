// Neal–Hinton sparse E-steps (issue 14, item 3) against full E-steps: a Gaussian mixture with many
// components (K = 50) on well-to-moderately separated clusters, full EM and sparse EM from the same
// start (k-means) with the same stopping rule (the default: relative change of the objective
// < 1e-10, judged by sparse EM at full E-steps only), in process.
//
//   pnpm bench                         runs it last
//   pnpm bench --sparse-only           only this section
//   pnpm bench --no-sparse             everything but this section
//   --sparse-n=N --sparse-d=D --sparse-spread=S --sparse-types=full,diagonal --sparse-every=5,10,20 --sparse-threshold=1e-4,1e-3
//
// Per row: iterations, passes over the data (eSteps: a sparse pass counts as the fraction of the
// N·K pairs it touched), median seconds per iteration of plain EM (full E-step + M-step), of the
// sparse passes and of the sparse run's full E-steps, wall time to solution, and the final
// log-likelihood minus plain EM's (relative to |log L| too).
import { fitEm, Random, type DenseMatrix, type FitResult, type MixtureParameters } from '@em/core';
import type { CovarianceType, GaussianComponents } from '../src/gaussian-components.js';
import { gaussianMixtureModel } from '../src/gaussian-mixture-model.js';
import { correlatedClusters } from './correlated-clusters.js';

export interface SparseBenchOptions {
  readonly n?: number;
  readonly d?: number;
  readonly k?: number;
  readonly types?: readonly CovarianceType[];
  readonly every?: readonly number[];
  readonly thresholds?: readonly number[];
  /** Spread of the cluster centres, standard deviations per coordinate (default CENTRE_SPREAD). */
  readonly spread?: number;
}

/** Spread of the cluster centres (standard deviations per coordinate): most of the 50 clusters are apart, a few neighbours overlap. */
const CENTRE_SPREAD = 6;

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median seconds of the iterations that ended with a sparse (NaN log-likelihood) or a full E-step. */
function splitTimes(fit: FitResult<unknown>): { readonly sparse: number; readonly full: number; readonly activeFraction: number } {
  const sparse: number[] = [];
  const full: number[] = [];
  const fractions: number[] = [];
  for (let t = 1; t < fit.history.length; t++) {
    const seconds = fit.iterationSeconds[t - 1] as number;
    if (Number.isNaN(fit.logLikelihoodHistory[t] as number)) {
      sparse.push(seconds);
      fractions.push((fit.historyESteps[t] as number) - (fit.historyESteps[t - 1] as number));
    } else {
      full.push(seconds);
    }
  }
  return { sparse: median(sparse), full: median(full), activeFraction: median(fractions) };
}

const format = (value: number, digits = 3): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');

export function runSparseEStepBench(options: SparseBenchOptions = {}): void {
  const n = options.n ?? 100_000;
  const d = options.d ?? 6;
  const k = options.k ?? 50;
  const types = options.types ?? (['full', 'diagonal'] as const);
  const every = options.every ?? [10, 20];
  const thresholds = options.thresholds ?? [1e-4];
  const spread = options.spread ?? CENTRE_SPREAD;
  const x: DenseMatrix = correlatedClusters(n, d, k, spread, new Random(50));
  console.log(`\nSparse E-steps (Neal–Hinton) vs full E-steps: N = ${n}, D = ${d}, K = ${k}, centres ${spread} sd apart per coordinate; same k-means start, tolerance 1e-10 relative; in process, node ${process.version}`);
  const header = ['covariance', 'E-step', 'every', 'threshold', 'iterations', 'eSteps', 'active pairs', 's/iter', 's/iter sparse pass', 's/iter full (sparse run)', 'sparse ÷ full', 'seconds to solution', 'speed-up', 'Δ log L', 'Δ log L / |log L|'];
  const rows: string[][] = [];
  for (const type of types) {
    const model = gaussianMixtureModel({ components: k, covariance: type, regCovar: 1e-6 });
    const start = model.initialize({ observations: x }, new Random(1)) as MixtureParameters<GaussianComponents>;
    const timed = (settings: Parameters<typeof fitEm>[2]): { fit: FitResult<unknown>; seconds: number } => {
      const began = performance.now();
      const fit = fitEm(model, { observations: x }, { initialParameters: start, maxIterations: 5000, ...settings }) as FitResult<unknown>;
      return { fit, seconds: (performance.now() - began) / 1000 };
    };
    const plain = timed({});
    const plainRow = [type, 'full', '—', '—', String(plain.fit.iterations), format(plain.fit.eSteps, 1), '100 %', format(plain.fit.secondsPerIteration), '—', '—', '—', format(plain.seconds, 1), '1.0×', '0', '0'];
    rows.push(plainRow);
    console.log(`  ${plainRow.join('  ')}  (${plain.fit.stopReason})`);
    for (const threshold of thresholds) {
      for (const m of every) {
        const sparse = timed({ estep: 'sparse', fullEStepEvery: m, sparseThreshold: threshold });
        const split = splitTimes(sparse.fit);
        const difference = sparse.fit.logLikelihood - plain.fit.logLikelihood;
        const row = [
          type,
          'sparse',
          String(m),
          String(threshold),
          String(sparse.fit.iterations),
          format(sparse.fit.eSteps, 1),
          `${format(100 * split.activeFraction, 2)} %`,
          format(sparse.fit.secondsPerIteration),
          format(split.sparse),
          format(split.full),
          `${format(split.sparse / plain.fit.secondsPerIteration, 3)}`,
          format(sparse.seconds, 1),
          `${(plain.seconds / sparse.seconds).toFixed(1)}×`,
          difference.toExponential(2),
          (difference / Math.abs(plain.fit.logLikelihood)).toExponential(2),
        ];
        rows.push(row);
        console.log(`  ${row.join('  ')}  (${sparse.fit.stopReason})`);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join(' | ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}`);
  console.log(
    '\ns/iter = median seconds per iteration (E-step + M-step); sparse ÷ full = a sparse iteration over a plain EM iteration; active pairs = median share of the N·K pairs a sparse pass touches; ' +
      'Δ log L = final log-likelihood − plain EM\'s (both at convergence, from the same start).',
  );
}
