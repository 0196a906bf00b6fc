// Time to solution (issue 14): the multinomial mixture fitted by plain EM and by SQUAREM from the
// same start with the same stopping rule (the default: |Δ objective| / max(1, |objective|) < 1e-10),
// on documents whose topics overlap (each topic is 0.15 of its own Dirichlet(0.1) draw over 0.85 of a
// shared background), where EM is slow. Run at the end of bench.ts (BENCH_TIME_TO_SOLUTION=only for
// this case alone, =skip to leave it out).
import { fitEm, Random, type FitResult } from '@em/core';
import { createMultinomialMixtureModel } from '../src/index.js';
import { topicDocuments } from './topic-documents.js';

export function runMultinomialTimeToSolution(): void {
  const rows = 10_000;
  const features = 500;
  const components = 8;
  const x = topicDocuments(rows, features, components, 60, 0.15, new Random(14));
  const model = createMultinomialMixtureModel({ components, init: 'random' });
  const data = { observations: x };
  const initial = model.initialize(data, new Random(3));
  console.log(`\nTime to solution: multinomial mixture, N = ${rows}, V = ${features}, K = ${components}, overlapping topics; default rule (relative 1e-10); same start`);
  const results: Array<[string, FitResult<unknown>, number]> = [];
  for (const acceleration of ['none', 'squarem'] as const) {
    const start = performance.now();
    const result = fitEm(model, data, { initialParameters: initial, acceleration });
    results.push([acceleration === 'none' ? 'plain EM' : 'SQUAREM', result, (performance.now() - start) / 1000]);
  }
  for (const [name, result, seconds] of results) {
    console.log(
      `  ${name.padEnd(9)} iterations ${String(result.iterations).padStart(6)}  E-steps ${String(result.eSteps).padStart(6)}  ${result.converged ? 'converged' : result.stopReason}  ${seconds.toFixed(2).padStart(7)} s  objective ${result.objective.toFixed(6)}`,
    );
  }
  const [[, plain, plainSeconds], [, fast, fastSeconds]] = results as [[string, FitResult<unknown>, number], [string, FitResult<unknown>, number]];
  const gap = Math.abs(fast.objective - plain.objective) / Math.max(1, Math.abs(plain.objective));
  console.log(`  E-steps ${fast.eSteps} vs ${plain.eSteps} (${(fast.eSteps / plain.eSteps).toFixed(3)}), wall time ${(plainSeconds / fastSeconds).toFixed(1)}× shorter, objectives ${gap.toExponential(1)} apart (relative)`);
}
