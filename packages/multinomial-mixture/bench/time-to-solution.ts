// Time to solution (issue 14): the multinomial mixture fitted by plain EM and by SQUAREM from the
// same start with the same stopping rule (the default: |Δ objective| / max(1, |objective|) < 1e-10),
// on documents whose topics overlap (each topic is 0.15 of its own Dirichlet(0.1) draw over 0.85 of a
// shared background), where EM is slow. Run at the end of bench.ts (BENCH_TIME_TO_SOLUTION=only for
// this case alone, =skip to leave it out).
import { CsrMatrix, fitEm, Random, type FitResult } from '@em/core';
import { createMultinomialMixtureModel, sampleMultinomial } from '../src/index.js';

function overlappingDocuments(rows: number, features: number, components: number, tokens: number, random: Random): CsrMatrix {
  const topics: Float64Array[] = [];
  for (let k = 0; k < components; k++) {
    const topic = random.dirichlet(new Float64Array(features).fill(0.1));
    for (let f = 0; f < features; f++) topic[f] = 0.15 * (topic[f] as number) + 0.85 / features;
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

export function runMultinomialTimeToSolution(): void {
  const rows = 10_000;
  const features = 500;
  const components = 8;
  const x = overlappingDocuments(rows, features, components, 60, new Random(14));
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
