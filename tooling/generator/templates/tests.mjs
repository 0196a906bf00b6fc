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
  const { componentsType, estimatorClass, estimatorParametersType, statisticsType } = names;
  const estimatorImports = options.familyOnly ? [] : [estimatorClass, `type ${estimatorParametersType}`];
  const coreImport = importLine(
    ['DenseMatrix', 'fitEm', 'type FitResult', 'type MixtureParameters', 'type MixtureStatistics', 'type ParametersOf', 'type StatisticsOf', ...(options.familyOnly ? [] : ['type FitSummary']), ...model.coreImports],
    '@em/core',
  );
  const packageImport = importLine([`type ${componentsType}`, `type ${statisticsType}`, ...model.packageImports, ...estimatorImports], '../src/index.js');
  const buildModel2 = model.build(2);
  const estimatorTypeTest = options.familyOnly ? '' : `
test('the estimator’s members keep their types', () => {
  const model = new ${estimatorClass}({ components: 2, seed: 1 });
  expectTypeOf(model.fit([[1, 2]])).toEqualTypeOf<FitSummary<${estimatorParametersType}>>();
  expectTypeOf(model.parameters).toEqualTypeOf<${estimatorParametersType}>();
  expectTypeOf(model.modelParameters).toEqualTypeOf<MixtureParameters<${componentsType}>>();
  expectTypeOf(model.predict([[1, 2]])).toEqualTypeOf<Int32Array>();
  expectTypeOf(model.predictProba([[1, 2]])).toEqualTypeOf<number[][]>();
  expectTypeOf(${estimatorClass}.fromJSON('{}')).toEqualTypeOf<${estimatorClass}>();
  // @ts-expect-error — components is required
  new ${estimatorClass}({ seed: 1 });
});
`;
  return `${coreImport}
import { expectTypeOf, test } from 'vitest';
${packageImport}

// Type tests run under \`vitest --typecheck\` (never executed): the model's parameter and statistics
// types must flow through the fit loops without widening to any.
test('parameters and statistics keep their types through fitEm', () => {
  const model = ${buildModel2};
  expectTypeOf<ParametersOf<typeof model>>().toEqualTypeOf<MixtureParameters<${componentsType}>>();
  expectTypeOf<StatisticsOf<typeof model>>().toEqualTypeOf<MixtureStatistics<${statisticsType}>>();
  const result = fitEm(model, { observations: DenseMatrix.from([[1, 2]]) });
  expectTypeOf(result).toEqualTypeOf<FitResult<MixtureParameters<${componentsType}>>>();
});
${estimatorTypeTest}
`;
}

/** test/<name>.test.ts — the generated estimator's wiring, on data drawn from the family. @param {import('../src/names.mjs').ModelNames} names */
export function estimatorTest(names) {
  const { componentsToPlain, estimatorClass, estimatorParametersType, randomComponents } = names;
  return `import { DenseMatrix, NotFittedError, Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { ${componentsToPlain}, ${estimatorClass}, ${randomComponents}, type ${estimatorParametersType} } from '../src/index.js';

// The estimator is generated around the family; these tests check that wiring (user-facing
// parameters, inputs, saving) on data drawn from the family itself, whatever the family is.
const truth: ${estimatorParametersType} = { weights: [0.4, 0.6], ...${componentsToPlain}(${randomComponents}(2, 3, new Random(1))) };
const rows = new ${estimatorClass}({ components: 2 }).setParameters(truth).sample(300, { seed: 2 }).observations;

describe('${estimatorClass}', () => {
  it('fits, predicts and scores with the shapes every estimator uses', () => {
    const model = new ${estimatorClass}({ components: 2, seed: 3, nInit: 2 });
    expect(model.isFitted).toBe(false);
    const summary = model.fit(rows);
    expect(model.isFitted).toBe(true);
    expect(model.lastFit).toBe(summary);
    expect(Number.isFinite(summary.logLikelihood)).toBe(true);
    expect(model.predict(rows)).toHaveLength(rows.length);
    for (const posterior of model.predictProba(rows)) expect(Math.abs(posterior.reduce((sum, p) => sum + p, 0) - 1)).toBeLessThan(1e-12);
    const perRow = model.scoreSamples(rows);
    const mean = perRow.reduce((sum, value) => sum + value, 0) / perRow.length;
    expect(Math.abs(model.score(rows) - mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(mean)));
    expect(model.scoreSamples(DenseMatrix.from(rows))).toEqual(perRow);
  });

  it('returns given parameters unchanged through initialParameters and parameters (the nesting round-trips)', () => {
    const model = new ${estimatorClass}({ components: 2 });
    model.fit(rows, { initialParameters: truth, maxIterations: 0 });
    expect(model.parameters).toEqual(truth);
  });

  it('saves and restores exactly through toJSON / fromJSON', () => {
    const model = new ${estimatorClass}({ components: 2, seed: 5 });
    model.fit(rows);
    const restored = ${estimatorClass}.fromJSON(JSON.stringify(model.toJSON()));
    expect(restored.parameters).toEqual(model.parameters);
    expect(restored.scoreSamples(rows)).toEqual(model.scoreSamples(rows));
  });

  it('throws NotFittedError before fit', () => {
    expect(() => new ${estimatorClass}({ components: 2 }).predict(rows)).toThrow(NotFittedError);
  });
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
// Parameters come from the family's ${names.randomComponents}; set sizes typical of your users with
// the environment variables, and add reference figures from other libraries when you have them.
${importLine(['DenseMatrix', 'fitEm', 'Random', ...model.coreImports], '@em/core')}
${importLine([names.randomComponents, ...model.packageImports], '../src/index.js')}

const rows = Number(process.env['BENCH_ROWS'] ?? 20_000);
const repeats = Number(process.env['BENCH_REPEATS'] ?? 5);

const model = ${model.build(3)};
const truth = { weights: new Float64Array([0.2, 0.3, 0.5]), components: ${names.randomComponents}(3, 4, new Random(1)) };
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
