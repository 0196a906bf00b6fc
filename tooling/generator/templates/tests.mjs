// Templates: the tests a new package starts with — unit tests of the family that assert real
// behaviour of the placeholder (so replacing it shows what to re-derive), a type test, and a
// benchmark (speed lives in benchmarks, never in timed unit tests).
import { importLine, modelExpression } from './model-expression.mjs';

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function familyTest(names, options) {
  const model = modelExpression(names, options);
  return `${importLine(['DenseMatrix', 'fitEm', 'InvalidDataError', 'InvalidParametersError', 'Random', 'silentContext', ...model.coreImports], '@em/core')}
import { describe, expect, it } from 'vitest';
${importLine([names.familyClass, ...model.packageImports], '../src/index.js')}

// TODO(new-model): these tests pin down the placeholder exponential family. Rewrite each one for
// your family: a hand-computed M-step, the support checks, and recovery of known parameters.
describe('${names.familyClass}', () => {
  it('maximize returns the closed-form estimate λ = N / S from hand-made statistics, without mutating its inputs', () => {
    const family = new ${names.familyClass}();
    const previous = { dimension: 2, rates: new Float64Array([1, 1, 1, 1]) };
    const statistics = { weightSums: new Float64Array([4, 2]), weightedSums: new Float64Array([2, 8, 1, 4]) };
    const next = family.maximize(statistics, previous, silentContext);
    expect(Array.from(next.rates)).toEqual([2, 0.5, 2, 0.5]);
    expect(Array.from(previous.rates)).toEqual([1, 1, 1, 1]);
    expect(Array.from(statistics.weightedSums)).toEqual([2, 8, 1, 4]);
  });

  it('rejects a negative entry, naming its row and column', () => {
    const family = new ${names.familyClass}();
    const data = DenseMatrix.from([
      [1, 2],
      [3, -1],
    ]);
    expect(() => family.validateData(data)).toThrow(InvalidDataError);
    expect(() => family.validateData(data)).toThrow(/\\[1\\]\\[1\\]/);
  });

  it('rejects a non-positive rate, naming the component and column', () => {
    const family = new ${names.familyClass}();
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(InvalidParametersError);
    expect(() => family.validateComponents({ dimension: 2, rates: new Float64Array([1, 1, 1, 0]) })).toThrow(/component 1, column 1/);
  });

  it('recovers well-separated components from seeded samples, and the objective never decreases', () => {
    const model = ${model.build(2)};
    const truth = { weights: new Float64Array([0.4, 0.6]), components: { dimension: 3, rates: new Float64Array([0.5, 0.5, 0.5, 20, 20, 20]) } };
    const draws = model.sample(truth, 2000, new Random(7));
    const data = { observations: DenseMatrix.fromArray(draws.observations, 2000, draws.dimension) };
    const result = fitEm(model, data, { seed: 3, nInit: 3, maxIterations: 300, tolerance: 1e-9 });
    const first = result.parameters.components.rates[0] as number;
    const slow = first < 5 ? 0 : 1;
    for (let column = 0; column < 3; column++) {
      expect(result.parameters.components.rates[slow * 3 + column]).toBeCloseTo(0.5, 0);
      expect(Math.abs((result.parameters.components.rates[(1 - slow) * 3 + column] as number) / 20 - 1)).toBeLessThan(0.15);
    }
    expect(Math.abs((result.parameters.weights[slow] as number) - 0.4)).toBeLessThan(0.05);
    for (let step = 1; step < result.history.length; step++) {
      const previous = result.history[step - 1] as number;
      expect(result.history[step]).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
  });
});
`;
}

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function typeTest(names, options) {
  const model = modelExpression(names, options);
  return `${importLine(['DenseMatrix', 'fitEm', 'type FitResult', 'type MixtureParameters', 'type MixtureStatistics', 'type ParametersOf', 'type StatisticsOf', ...model.coreImports], '@em/core')}
import { expectTypeOf, test } from 'vitest';
${importLine([`type ${names.componentsType}`, `type ${names.statisticsType}`, ...model.packageImports], '../src/index.js')}

// Type tests run under \`vitest --typecheck\` (never executed): the model's parameter and statistics
// types must flow through the fit loops without widening to any.
test('parameters and statistics keep their types through fitEm', () => {
  const model = ${model.build(2)};
  expectTypeOf<ParametersOf<typeof model>>().toEqualTypeOf<MixtureParameters<${names.componentsType}>>();
  expectTypeOf<StatisticsOf<typeof model>>().toEqualTypeOf<MixtureStatistics<${names.statisticsType}>>();
  const result = fitEm(model, { observations: DenseMatrix.from([[1, 2]]) });
  expectTypeOf(result).toEqualTypeOf<FitResult<MixtureParameters<${names.componentsType}>>>();
  expectTypeOf(result.parameters.components.rates).toEqualTypeOf<Float64Array>();
});
`;
}

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function benchmark(names, options) {
  const model = modelExpression(names, options);
  return `// Speed of ${names.packageName} on seeded synthetic data: prints figures, asserts nothing (speed is
// measured here, never in unit tests).
//   pnpm --filter ${names.packageName} bench
//   BENCH_ROWS=100000 BENCH_REPEATS=9 pnpm --filter ${names.packageName} bench
// TODO(new-model): sizes typical of your users, and reference figures from other libraries.
${importLine(['DenseMatrix', 'fitEm', 'Random', ...model.coreImports], '@em/core')}
${importLine(model.packageImports, '../src/index.js')}

const rows = Number(process.env['BENCH_ROWS'] ?? 20_000);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 5);

const model = ${model.build(3)};
const truth = {
  weights: new Float64Array([0.2, 0.3, 0.5]),
  components: { dimension: 4, rates: new Float64Array([0.5, 0.5, 0.5, 0.5, 2, 2, 2, 2, 10, 10, 10, 10]) },
};
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
  console.log(\`  \${label.padEnd(34)} \${median(seconds).toFixed(4)} s (median of \${repeats})\`);
}

console.log(\`${names.packageName}: \${rows} rows × 4 columns, K = 3\`);
time('E-step (fused block pass)', () => {
  model.eStep(start, data);
});
time('fit, 20 iterations', () => {
  fitEm(model, data, { initialParameters: start, maxIterations: 20, tolerance: 0 });
});
const result = fitEm(model, data, { initialParameters: start, maxIterations: 20, tolerance: 0 });
console.log(\`  \${'seconds per iteration (fit monitor)'.padEnd(34)} \${result.secondsPerIteration.toFixed(4)} s\`);
`;
}
