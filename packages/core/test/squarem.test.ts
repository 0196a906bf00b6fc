import { describe, expect, it } from 'vitest';
import {
  fitEm,
  fitEmAsync,
  fitEmIncremental,
  InProcessExecutor,
  InvalidOptionsError,
  InvalidParametersError,
  NumericalError,
  squaremPoint,
  type EmModel,
  type FitResult,
  type MixtureData,
  type ParameterMap,
  type StatisticsRecord,
} from '../src/index.js';
import { gaussianMixture, gaussianSample } from './helpers/families.js';
import type { DenseMatrix } from '../src/index.js';

/**
 * A toy model with a known linear rate: the mean μ ∈ ℝ^D of a unit-variance normal sample of which
 * `missing` rows are unobserved (missing completely at random). EM's map is
 * μ ← (S + m·μ)/(n + m), S the observed sum, so it converges linearly with rate m/(n + m) towards the
 * observed mean, the maximum of the observed-data log-likelihood −½ Σ (x − μ)².
 */
interface ToyData {
  readonly rows: readonly Float64Array[];
  readonly missing: number;
}
interface ToyStatistics extends StatisticsRecord {
  readonly sum: Float64Array;
  readonly count: number;
}
type ToyParameters = Float64Array;

const identityMap: ParameterMap<ToyParameters> = {
  toUnconstrained: (mean) => Float64Array.from(mean),
  fromUnconstrained: (vector) => Float64Array.from(vector),
};

function toyModel(dimension: number, map: ParameterMap<ToyParameters> | null = identityMap): EmModel<ToyParameters, ToyData, ToyStatistics> {
  const logLikelihood = (mean: ToyParameters, data: ToyData): number => {
    let sum = 0;
    for (const row of data.rows) for (let d = 0; d < dimension; d++) sum -= 0.5 * ((row[d] as number) - (mean[d] as number)) ** 2;
    return sum;
  };
  return {
    config: { kind: 'toy-missing-mean', options: { dimension } },
    ...(map === null ? {} : { parameterMap: map }),
    eStep(mean, data) {
      const sum = new Float64Array(dimension);
      for (const row of data.rows) for (let d = 0; d < dimension; d++) sum[d] = (sum[d] as number) + (row[d] as number);
      for (let d = 0; d < dimension; d++) sum[d] = (sum[d] as number) + data.missing * (mean[d] as number);
      return { statistics: { sum, count: data.rows.length + data.missing }, logLikelihood: logLikelihood(mean, data) };
    },
    zeroStatistics: () => ({ sum: new Float64Array(dimension), count: 0 }),
    mStep: (statistics) => statistics.sum.map((s) => s / statistics.count),
    qFunction: () => 0,
    logPrior: () => 0,
    logLikelihood,
    validateParameters(mean) {
      if (mean.length !== dimension || mean.some((v) => !Number.isFinite(v))) throw new InvalidParametersError('mean must be finite', 'pass a finite mean');
    },
    validateData: () => undefined,
    freeParameterCount: () => dimension,
    observationCount: (data) => data.rows.length,
    splitData: (data) => [data],
    initialize: () => new Float64Array(dimension),
    parametersToJSON: (mean) => Array.from(mean),
    parametersFromJSON: (json) => Float64Array.from(json as number[]),
  };
}

function toyData(n: number, missing: number, dimension: number): ToyData {
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(Float64Array.from({ length: dimension }, (_, d) => Math.sin(1.3 * i + d) * 3 + d + 5));
  return { rows, missing };
}

/** Every step: objective_t ≥ objective_{t−1} − 1e-12·max(1, |objective_{t−1}|). */
function expectNeverDecreases(history: readonly number[]): void {
  for (let t = 1; t < history.length; t++) {
    const previous = history[t - 1] as number;
    expect(history[t] as number, `step ${t}`).toBeGreaterThanOrEqual(previous - 1e-12 * Math.max(1, Math.abs(previous)));
  }
}

function expectHonestCounts(result: FitResult<unknown>): void {
  expect(result.historyESteps).toHaveLength(result.history.length);
  expect(result.logLikelihoodHistory).toHaveLength(result.history.length);
  expect(result.historyESteps[0]).toBe(1);
  for (let t = 1; t < result.historyESteps.length; t++) expect(result.historyESteps[t] as number).toBeGreaterThan(result.historyESteps[t - 1] as number);
  expect(result.eSteps).toBe(result.historyESteps.at(-1));
}

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('SQUAREM (acceleration: squarem)', () => {
  it('on a model with a known slow rate (0.99) reaches the same optimum in far fewer passes over the data', () => {
    const dimension = 3;
    const data = toyData(50, 4950, dimension); // rate m/(n + m) = 0.99
    const model = toyModel(dimension);
    const plain = fitEm(model, data, { tolerance: 1e-14, toleranceRule: 'relative' });
    const fast = fitEm(model, data, { tolerance: 1e-14, toleranceRule: 'relative', acceleration: 'squarem' });
    expect(plain.acceleration).toBe('none');
    expect(fast.acceleration).toBe('squarem');
    expect(fast.accelerationNote).toBeUndefined();
    expect(fast.converged).toBe(true);
    expect(relative(fast.objective, plain.objective)).toBeLessThan(1e-12);
    const observedMean = Array.from({ length: dimension }, (_, d) => data.rows.reduce((s, r) => s + (r[d] as number), 0) / data.rows.length);
    for (let d = 0; d < dimension; d++) expect(fast.parameters[d] as number).toBeCloseTo(observedMean[d] as number, 5);
    // A linear map: S3 lands on the fixed point in one cycle; plain EM needs thousands of steps.
    expect(plain.eSteps).toBe(plain.iterations + 1);
    expect(fast.eSteps * 10).toBeLessThan(plain.eSteps);
    expectNeverDecreases(fast.history);
    expectHonestCounts(fast);
    expectHonestCounts(plain);
  });

  it('on an overlapping two-component mixture: same optimum as plain EM (1e-7 relative), fewer E-steps, history never decreasing', () => {
    const data: MixtureData<DenseMatrix> = { observations: gaussianSample(800, [0.45, 0.55], [-0.8, 0.8], 7) };
    const model = gaussianMixture(2);
    const start = { weights: Float64Array.of(0.3, 0.7), components: { means: Float64Array.of(-0.1, 0.2) } };
    const plain = fitEm(model, data, { initialParameters: start, tolerance: 1e-12 });
    const fast = fitEm(model, data, { initialParameters: start, tolerance: 1e-12, acceleration: 'squarem' });
    expect(fast.acceleration).toBe('squarem');
    expect(relative(fast.objective, plain.objective)).toBeLessThan(1e-7);
    expect(fast.eSteps).toBeLessThan(plain.eSteps / 2);
    expectNeverDecreases(fast.history);
    expectHonestCounts(fast);
  });

  it('falls back to the plain EM step when the extrapolated point is worse (objective never decreases, plain EM every second step)', () => {
    const dimension = 2;
    const data = toyData(40, 360, dimension);
    // A hostile map: every extrapolated point is sent far away (valid, but with a much lower objective).
    const hostile: ParameterMap<ToyParameters> = {
      toUnconstrained: (mean) => Float64Array.from(mean),
      fromUnconstrained: (vector) => vector.map((v) => v + 1e3),
    };
    const plain = fitEm(toyModel(dimension), data, { tolerance: 0, maxIterations: 20 });
    const guarded = fitEm(toyModel(dimension, hostile), data, { tolerance: 0, maxIterations: 10, acceleration: 'squarem' });
    expectNeverDecreases(guarded.history);
    // Every cycle rejected its trial point: the accepted points are plain EM's θ₂, θ₄, …
    for (let t = 0; t < guarded.history.length; t++) expect(relative(guarded.history[t] as number, plain.history[2 * t] as number)).toBeLessThan(1e-13);
    // …and a cycle pays for three passes (two EM steps and the rejected trial), or two when the step
    // length is −1 (the trial would be θ₂ itself and is skipped): the bound resets to 1 after a rejection.
    const trials = guarded.eSteps - 1 - 2 * guarded.iterations;
    expect(trials).toBeGreaterThanOrEqual(guarded.iterations / 2 - 1);
    expect(trials).toBeLessThanOrEqual(guarded.iterations);
  });

  it('reads every point of a cycle in one chart: the reference of the three toUnconstrained calls is the template fromUnconstrained reads with', () => {
    const dimension = 2;
    const data = toyData(40, 360, dimension);
    // A local chart (coordinates relative to the reference), as an orthogonal factor's Cayley map is.
    const calls: { readonly kind: 'to' | 'from'; readonly reference: ToyParameters | undefined }[] = [];
    const local: ParameterMap<ToyParameters> = {
      toUnconstrained: (mean, reference) => {
        calls.push({ kind: 'to', reference });
        return mean.map((v, i) => v - ((reference ?? mean)[i] as number));
      },
      fromUnconstrained: (vector, template) => {
        calls.push({ kind: 'from', reference: template });
        return vector.map((v, i) => v + (template[i] as number));
      },
    };
    const plain = fitEm(toyModel(dimension), data, { tolerance: 1e-13, toleranceRule: 'relative', maxIterations: 5000 });
    const fast = fitEm(toyModel(dimension, local), data, { tolerance: 1e-13, toleranceRule: 'relative', maxIterations: 5000, acceleration: 'squarem' });
    // Each cycle: three toUnconstrained calls with one reference, then (unless the step is the plain
    // point) one fromUnconstrained whose template is that reference.
    let reads = 0;
    for (let i = 0; i < calls.length; ) {
      const triple = calls.slice(i, i + 3);
      expect(triple.map((c) => c.kind)).toEqual(['to', 'to', 'to']);
      expect(triple[0]?.reference).toBeDefined();
      for (const call of triple) expect(call.reference).toBe(triple[0]?.reference);
      i += 3;
      if (calls[i]?.kind === 'from') {
        expect(calls[i]?.reference).toBe(triple[0]?.reference);
        reads++;
        i++;
      }
    }
    expect(reads).toBeGreaterThan(2);
    expect(relative(fast.logLikelihood, plain.logLikelihood)).toBeLessThan(1e-10);
    expect(fast.eSteps).toBeLessThan(plain.eSteps / 3);
  });

  it('falls back when the extrapolated point leaves the parameter space (the map or the E-step throws)', () => {
    const dimension = 2;
    const data = toyData(40, 360, dimension);
    const outside: ParameterMap<ToyParameters> = {
      toUnconstrained: (mean) => Float64Array.from(mean),
      fromUnconstrained: () => {
        throw new InvalidParametersError('outside', 'fall back');
      },
    };
    const plain = fitEm(toyModel(dimension), data, { tolerance: 0, maxIterations: 12 });
    const guarded = fitEm(toyModel(dimension, outside), data, { tolerance: 0, maxIterations: 6, acceleration: 'squarem' });
    for (let t = 0; t < guarded.history.length; t++) expect(relative(guarded.history[t] as number, plain.history[2 * t] as number)).toBeLessThan(1e-13);
    // No trial was evaluated: two passes per cycle.
    expect(guarded.eSteps).toBe(1 + 2 * guarded.iterations);

    // An E-step that refuses the trial point (NaN parameters → the model's own check) is a fallback too.
    const nanMap: ParameterMap<ToyParameters> = { toUnconstrained: (mean) => Float64Array.from(mean), fromUnconstrained: (vector) => vector.map(() => Number.NaN) };
    const nan = fitEm(toyModel(dimension, nanMap), data, { tolerance: 0, maxIterations: 6, acceleration: 'squarem' });
    expect(nan.history).toEqual(guarded.history);
  });

  it('falls back when the E-step at the trial point throws a NumericalError (sync and through an executor)', async () => {
    const dimension = 2;
    const data = toyData(40, 360, dimension);
    const far: ParameterMap<ToyParameters> = { toUnconstrained: (mean) => Float64Array.from(mean), fromUnconstrained: (vector) => vector.map((v) => v + 1e7) };
    const base = toyModel(dimension, far);
    // Finite parameters the E-step refuses (as an overflowing density would).
    const refusing: EmModel<ToyParameters, ToyData, ToyStatistics> = {
      ...base,
      eStep(mean, chunk) {
        if (Math.abs(mean[0] as number) > 1e6) throw new NumericalError('overflow at the trial point', 'none');
        return base.eStep(mean, chunk);
      },
    };
    const plain = fitEm(toyModel(dimension), data, { tolerance: 0, maxIterations: 12 });
    const guarded = fitEm(refusing, data, { tolerance: 0, maxIterations: 6, acceleration: 'squarem' });
    for (let t = 0; t < guarded.history.length; t++) expect(relative(guarded.history[t] as number, plain.history[2 * t] as number)).toBeLessThan(1e-13);
    const viaExecutor = await fitEmAsync(refusing, data, { tolerance: 0, maxIterations: 6, acceleration: 'squarem', executor: new InProcessExecutor() });
    expect(viaExecutor.history).toEqual(guarded.history);
    // An error that is not about the trial point (here a plain EM step's) still ends the fit.
    const broken: EmModel<ToyParameters, ToyData, ToyStatistics> = {
      ...base,
      eStep() {
        throw new NumericalError('broken', 'none');
      },
    };
    expect(() => fitEm(broken, data, { acceleration: 'squarem' })).toThrow(NumericalError);
  });

  it('a model without a parameterMap runs plain EM and says so', () => {
    const data = toyData(20, 20, 1);
    const result = fitEm(toyModel(1, null), data, { acceleration: 'squarem' });
    expect(result.acceleration).toBe('none');
    expect(result.accelerationNote).toMatch(/parameterMap/);
    expect(result.eSteps).toBe(result.iterations + 1);
  });

  it('incremental EM runs without acceleration and says so', () => {
    const result = fitEmIncremental(toyModel(1), toyData(20, 20, 1), { acceleration: 'squarem', chunks: 1 });
    expect(result.acceleration).toBe('none');
    expect(result.accelerationNote).toMatch(/incremental/);
  });

  it('rejects an unknown acceleration naming the option', () => {
    expect(() => fitEm(toyModel(1), toyData(5, 5, 1), { acceleration: 'fast' as never })).toThrow(InvalidOptionsError);
    expect(() => fitEm(toyModel(1), toyData(5, 5, 1), { acceleration: 'fast' as never })).toThrow(/acceleration/);
  });

  it('runs the same through an executor (fitEmAsync) and with restarts', async () => {
    const data: MixtureData<DenseMatrix> = { observations: gaussianSample(400, [0.5, 0.5], [-1, 1], 3) };
    const model = gaussianMixture(2);
    const sync = fitEm(model, data, { seed: 2, nInit: 3, acceleration: 'squarem' });
    const executor = new InProcessExecutor();
    const async = await fitEmAsync(model, data, { seed: 2, nInit: 3, acceleration: 'squarem', executor, chunks: 2 });
    expect(async.acceleration).toBe('squarem');
    expect(relative(async.objective, sync.objective)).toBeLessThan(1e-9);
    expect(sync.runs.every((run) => run.eSteps > 0)).toBe(true);
    expectHonestCounts(async);
  });
});

describe('squaremPoint', () => {
  it('is the plain two-step point skipped (undefined) when the step length is −1 or v = 0', () => {
    expect(squaremPoint(Float64Array.of(0), Float64Array.of(1), Float64Array.of(2), 4)).toBeUndefined(); // v = 0
    // ‖r‖/‖v‖ < 1 → α clamped to −1 → the plain point.
    expect(squaremPoint(Float64Array.of(0), Float64Array.of(1), Float64Array.of(0), 4)).toBeUndefined();
  });

  it('extrapolates a linear iteration to its fixed point in one step (scalar case)', () => {
    // u_{t+1} = 0.9·u_t + 1 has fixed point 10.
    const u0 = 0;
    const u1 = 0.9 * u0 + 1;
    const u2 = 0.9 * u1 + 1;
    const result = squaremPoint(Float64Array.of(u0), Float64Array.of(u1), Float64Array.of(u2), 1e6);
    expect(result?.point[0]).toBeCloseTo(10, 10);
    const bounded = squaremPoint(Float64Array.of(u0), Float64Array.of(u1), Float64Array.of(u2), 4);
    expect(bounded?.alpha).toBe(-4);
  });
});
