import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DefaultConvergenceMonitor,
  DegenerateModelError,
  fitEm,
  fitEmAsync,
  fitEmIncremental,
  InProcessExecutor,
  InvalidOptionsError,
  InvalidParametersError,
  type EmModel,
  type FitEvent,
  type FitResult,
  type IterationInfo,
  type MixtureData,
  type MixtureParameters,
  type MixtureStatistics,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, sorted, type MeanComponents, type MeanStatistics } from './helpers/families.js';
import type { DenseMatrix } from '../src/index.js';

type Params = MixtureParameters<MeanComponents>;
type Data = MixtureData<DenseMatrix>;
type Stats = MixtureStatistics<MeanStatistics>;

const data: Data = { observations: gaussianSample(600, [0.4, 0.6], [-2, 2], 1) };
const start: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-0.5, 0.5) } };

/** Every step: objective_t ≥ objective_{t−1} − 1e-9·max(1, |objective_{t−1}|). */
function expectNeverDecreases(history: readonly number[]): void {
  for (let t = 1; t < history.length; t++) {
    const previous = history[t - 1] as number;
    expect(history[t] as number, `step ${t}`).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
  }
}

function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fitEm (batch)', () => {
  it('fits the mixture: history has iterations + 1 entries, result agrees with the model', () => {
    const model = gaussianMixture(2);
    const result = fitEm(model, data, { seed: 3, tolerance: 1e-8 });
    expect(result.history).toHaveLength(result.iterations + 1);
    expect(result.logLikelihoodHistory).toHaveLength(result.iterations + 1);
    expect(result.stopReason).toBe('converged');
    expect(result.converged).toBe(true);
    expect(result.iterations).toBeGreaterThan(1);
    expect(result.history.at(-1)).toBe(result.objective);
    expect(result.logLikelihood).toBeCloseTo(model.logLikelihood(result.parameters, data), 8);
    expect(result.objective).toBe(result.logLikelihood + result.logPrior);
    const means = sorted(result.parameters.components.means);
    expect(means[0]).toBeCloseTo(-2, 0);
    expect(means[1]).toBeCloseTo(2, 0);
    expect(result.iterationSeconds).toHaveLength(result.iterations);
    expect(result.secondsPerIteration).toBeGreaterThanOrEqual(0);
    expect(result.toleranceRule).toBe('|Δ objective| / max(1, |objective|) < 1e-8'); // the default rule is relative
    expect(result.observations).toBe(600);
    expect(result.freeParameters).toBe(3);
    expect(result.bic).toBeCloseTo(-2 * result.logLikelihood + 3 * Math.log(600), 9);
    expect(result.aic).toBeCloseTo(-2 * result.logLikelihood + 6, 9);
    expect(result.events).toEqual([]);
  });

  it('runs exactly maxIterations M-steps with tolerance 0', () => {
    const result = fitEm(gaussianMixture(2), data, { maxIterations: 7, tolerance: 0, initialParameters: start });
    expect(result.iterations).toBe(7);
    expect(result.history).toHaveLength(8);
    expect(result.stopReason).toBe('maxIterations');
    expect(result.converged).toBe(false);
  });

  it('maxIterations 0 only evaluates the initial parameters', () => {
    const model = gaussianMixture(2);
    const result = fitEm(model, data, { maxIterations: 0, initialParameters: start });
    expect(result.iterations).toBe(0);
    expect(result.history).toEqual([model.logLikelihood(start, data)]);
    expect(result.parameters).toBe(start);
    expect(result.stopReason).toBe('maxIterations');
    expect(result.secondsPerIteration).toBeNaN();
  });

  it('never decreases the objective at any step (ML, Dirichlet weight prior, normal mean prior)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(1, 2.5), fc.constantFrom(0, 0.5), fc.integer({ min: 1, max: 4 }), (seed, alpha, kappa, k) => {
        const model = gaussianMixture(k, { priorStrength: kappa }, { weightConcentration: alpha });
        const events: FitEvent[] = [];
        const result = fitEm(model, data, { seed, tolerance: 0, maxIterations: 30, onEvent: (e) => events.push(e) });
        expectNeverDecreases(result.history);
        expect(events.filter((e) => e.type === 'objective-decreased')).toEqual([]);
        expect(result.history[30]).toBeGreaterThanOrEqual(result.history[0] as number);
      }),
      { numRuns: 20 },
    );
  });

  it('restarts (nInit) report every run and keep the best', () => {
    const model = gaussianMixture(3);
    const result = fitEm(model, data, { nInit: 4, seed: 8, maxIterations: 15 });
    expect(result.runs).toHaveLength(4);
    expect(result.runs.map((r) => r.run)).toEqual([0, 1, 2, 3]);
    const best = Math.max(...result.runs.map((r) => r.objective));
    expect(result.objective).toBe(best);
    expect(result.runs[result.bestRun]?.objective).toBe(best);
    expect(new Set(result.runs.map((r) => r.objective)).size).toBeGreaterThan(1);
    for (const run of result.runs) expect(run.iterations).toBeLessThanOrEqual(15);
  });

  it('is deterministic for a seed and depends on it', () => {
    const model = gaussianMixture(2);
    const a = fitEm(model, data, { seed: 21, maxIterations: 10 });
    const b = fitEm(model, data, { seed: 21, maxIterations: 10 });
    const c = fitEm(model, data, { seed: 22, maxIterations: 10 });
    expect(b.history).toEqual(a.history);
    expect(b.parameters).toEqual(a.parameters);
    expect(c.history[0]).not.toBe(a.history[0]);
  });

  it('warm start begins at the given parameters; restarting from an optimum stops at once', () => {
    const model = gaussianMixture(2);
    const warm = fitEm(model, data, { initialParameters: start, maxIterations: 3, tolerance: 0 });
    expect(warm.history[0]).toBeCloseTo(model.logLikelihood(start, data), 10);
    const optimum = fitEm(model, data, { initialParameters: start, tolerance: 1e-10, maxIterations: 500 });
    const again = fitEm(model, data, { initialParameters: optimum.parameters, tolerance: 1e-6 });
    // The first change never declares convergence, so the earliest stop is after two M-steps.
    expect(again.iterations).toBe(2);
    expect(again.stopReason).toBe('converged');
    expect(Math.abs(again.objective - optimum.objective)).toBeLessThan(1e-6);
  });

  it('calls onIteration at every step with consistent information', () => {
    const calls: Array<IterationInfo<Params>> = [];
    const result = fitEm(gaussianMixture(2), data, { initialParameters: start, maxIterations: 5, tolerance: 0, onIteration: (info) => calls.push(info) });
    expect(calls.map((c) => c.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(calls.map((c) => c.objective)).toEqual(result.history);
    expect(calls[0]?.change).toBeNaN();
    for (let t = 1; t < calls.length; t++) expect(calls[t]?.change).toBeCloseTo((result.history[t] as number) - (result.history[t - 1] as number), 12);
    expect(calls.at(-1)?.parameters).toBe(result.parameters);
    expect(calls.every((c) => c.run === 0)).toBe(true);
  });

  it("stops with 'aborted' when the signal fires, keeping the parameters reached", () => {
    const controller = new AbortController();
    const result = fitEm(gaussianMixture(2), data, {
      initialParameters: start,
      tolerance: 0,
      signal: controller.signal,
      onIteration: (info) => {
        if (info.iteration === 2) controller.abort();
      },
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.iterations).toBe(2);
    expect(result.history).toHaveLength(3);
    // Restarts not yet begun are skipped once aborted.
    let initializations = 0;
    const base = gaussianMixture(2);
    const counting = Object.assign(Object.create(base) as typeof base, {
      initialize: (d: Data, r: Parameters<typeof base.initialize>[1]) => {
        initializations++;
        return base.initialize(d, r);
      },
    });
    const stopper = new AbortController();
    const restarts = fitEm(counting, data, { nInit: 5, seed: 1, signal: stopper.signal, onIteration: (info) => info.iteration === 1 && stopper.abort() });
    expect(initializations).toBe(1);
    expect(restarts.runs).toHaveLength(1);
    expect(restarts.stopReason).toBe('aborted');
    const aborted = new AbortController();
    aborted.abort();
    const early = fitEm(gaussianMixture(2), data, { initialParameters: start, signal: aborted.signal });
    expect(early.stopReason).toBe('aborted');
    expect(early.iterations).toBe(0);
  });

  it('chunks > 1 give the same fit as one chunk, to round-off', () => {
    const model = gaussianMixture(3);
    const three: Params = { weights: Float64Array.of(0.2, 0.3, 0.5), components: { means: Float64Array.of(-1, 0, 1) } };
    const one = fitEm(model, data, { initialParameters: three, maxIterations: 25, tolerance: 0 });
    for (const chunks of [2, 5, 600]) {
      const many = fitEm(model, data, { initialParameters: three, maxIterations: 25, tolerance: 0, chunks });
      expect(maxRelativeDifference(many.history, one.history)).toBeLessThan(1e-12);
      expect(maxRelativeDifference(Array.from(many.parameters.components.means), Array.from(one.parameters.components.means))).toBeLessThan(1e-10);
    }
  });

  it('uses a custom monitor when given', () => {
    const result = fitEm(gaussianMixture(2), data, {
      initialParameters: start,
      monitor: () => new DefaultConvergenceMonitor({ tolerance: 1e-2, rule: 'absolute' }),
    });
    expect(result.toleranceRule).toBe('|Δ objective| < 0.01');
    expect(result.stopReason).toBe('converged');
    expect(Math.abs((result.history.at(-1) as number) - (result.history.at(-2) as number))).toBeLessThan(1e-2);
  });

  it('validates a warm start before using it', () => {
    const model = gaussianMixture(2);
    const bad = { weights: Float64Array.of(0.2, 0.2), components: { means: Float64Array.of(0, 1) } };
    expect(() => fitEm(model, data, { initialParameters: bad })).toThrow(InvalidParametersError);
  });

  it('rejects bad options with InvalidOptionsError', () => {
    const model = gaussianMixture(2);
    for (const options of [{ maxIterations: -1 }, { maxIterations: 1.5 }, { tolerance: -1 }, { tolerance: Number.NaN }, { nInit: 0 }, { chunks: 0 }]) {
      expect(() => fitEm(model, data, options), JSON.stringify(options)).toThrow(InvalidOptionsError);
    }
  });
});

/** Wraps a model so that its M-step moves the means the wrong way after `from` iterations. */
function brokenModel(model: EmModel<Params, Data, Stats>, from: number): EmModel<Params, Data, Stats> {
  return {
    ...model,
    config: model.config,
    eStep: (p, d) => model.eStep(p, d),
    zeroStatistics: (p) => model.zeroStatistics(p),
    logPrior: (p) => model.logPrior(p),
    logLikelihood: (p, d) => model.logLikelihood(p, d),
    validateParameters: (p) => model.validateParameters(p),
    validateData: (d, p) => model.validateData(d, p),
    freeParameterCount: (p) => model.freeParameterCount(p),
    observationCount: (d) => model.observationCount(d),
    splitData: (d, parts) => model.splitData(d, parts),
    initialize: (d, r) => model.initialize(d, r),
    qFunction: (p, s) => model.qFunction(p, s),
    parametersToJSON: (p) => model.parametersToJSON(p),
    parametersFromJSON: (j) => model.parametersFromJSON(j),
    mStep(statistics, previous, context) {
      const next = model.mStep(statistics, previous, context);
      if ((context?.iteration ?? 0) < from) return next;
      return { weights: next.weights, components: { means: next.components.means.map((m) => m * 0.5) } };
    },
  };
}

describe('objective decreases are loud', () => {
  it('reports each decrease as an event (and console.warn without a handler)', () => {
    const model = brokenModel(gaussianMixture(2), 3);
    const events: FitEvent[] = [];
    const result = fitEm(model, data, { initialParameters: start, maxIterations: 6, tolerance: 0, onEvent: (e) => events.push(e) });
    const decreases = events.filter((e) => e.type === 'objective-decreased');
    expect(decreases.length).toBeGreaterThan(0);
    expect(result.events).toEqual(events);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    fitEm(model, data, { initialParameters: start, maxIterations: 6, tolerance: 0 });
    expect(warn).toHaveBeenCalled();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/objective decreased at iteration 3/);
  });

  it("stopOnDecrease stops with 'objectiveDecreased'", () => {
    const result = fitEm(brokenModel(gaussianMixture(2), 3), data, {
      initialParameters: start,
      maxIterations: 20,
      tolerance: 0,
      stopOnDecrease: true,
      onEvent: () => undefined,
    });
    expect(result.stopReason).toBe('objectiveDecreased');
    expect(result.iterations).toBe(3);
  });
});

describe('failed restarts', () => {
  function failingModel(failOnRuns: readonly number[]): EmModel<Params, Data, Stats> {
    const base = gaussianMixture(2);
    let call = 0;
    return Object.assign(Object.create(base) as typeof base, {
      initialize(d: Data, r: Parameters<typeof base.initialize>[1]) {
        const run = call++;
        if (failOnRuns.includes(run)) throw new DegenerateModelError(`run ${run} collapsed.`, 'Try again.');
        return base.initialize(d, r);
      },
    });
  }

  it('records a failed restart and keeps the others', () => {
    const result = fitEm(failingModel([1]), data, { nInit: 3, seed: 2, maxIterations: 5 });
    expect(result.runs[1]?.stopReason).toBe('failed');
    expect(result.runs[1]?.error).toMatch(/run 1 collapsed/);
    expect(result.bestRun).not.toBe(1);
    expect(result.events.some((e) => e.type === 'restart-failed' && e.run === 1)).toBe(true);
  });

  it('throws the error with a single run, or when every run fails', () => {
    expect(() => fitEm(failingModel([0]), data, { nInit: 1 })).toThrow(DegenerateModelError);
    expect(() => fitEm(failingModel([0, 1]), data, { nInit: 2 })).toThrow(/run 0 collapsed/);
  });

  it('a NaN log-likelihood is a DegenerateModelError, never a silent NaN fit', () => {
    const base = gaussianMixture(2);
    const model = Object.assign(Object.create(base) as typeof base, {
      eStep: (p: Params, d: Data) => ({ ...base.eStep(p, d), logLikelihood: Number.NaN }),
    });
    expect(() => fitEm(model, data, { initialParameters: start })).toThrow(/NaN at iteration 0/);
  });
});

describe('fitEmIncremental', () => {
  it('with one chunk equals batch EM', () => {
    const model = gaussianMixture(2);
    const batch = fitEm(model, data, { initialParameters: start, maxIterations: 12, tolerance: 0 });
    const incremental = fitEmIncremental(model, data, { initialParameters: start, maxIterations: 12, tolerance: 0, chunks: 1 });
    expect(incremental.history).toEqual(batch.history);
    expect(incremental.parameters).toEqual(batch.parameters);
  });

  it('with several chunks never decreases per pass, ends above its start and near the batch optimum', () => {
    const model = gaussianMixture(2, {}, { weightConcentration: 2 });
    const batch = fitEm(model, data, { initialParameters: start, maxIterations: 1000, tolerance: 1e-10 });
    for (const chunks of [3, 7]) {
      const incremental = fitEmIncremental(model, data, { initialParameters: start, chunks, maxIterations: 1000, tolerance: 1e-10 });
      expect(incremental.stopReason).toBe('converged');
      expectNeverDecreases(incremental.history);
      expect(incremental.objective).toBeGreaterThanOrEqual(incremental.history[0] as number);
      // Both converge to the same stationary point from the same start; 1e-6 per observation is far
      // above the 1e-10 stopping rule and far below any other local optimum's gap.
      expect(Math.abs(incremental.objective - batch.objective) / 600).toBeLessThan(1e-6);
      expect(maxRelativeDifference(sorted(incremental.parameters.components.means), sorted(batch.parameters.components.means))).toBeLessThan(1e-3);
      // Incremental EM takes at least as large steps per pass as batch EM here.
      expect(incremental.iterations).toBeLessThanOrEqual(batch.iterations);
    }
  });

  it('defaults to 4 chunks and supports restarts', () => {
    const result = fitEmIncremental(gaussianMixture(2), data, { nInit: 2, seed: 5, maxIterations: 20 });
    expect(result.runs).toHaveLength(2);
    expectNeverDecreases(result.history);
  });
});

describe('fitEmAsync', () => {
  const options = { initialParameters: start, maxIterations: 15, tolerance: 0 } as const;

  function expectSameFit(a: FitResult<Params>, b: FitResult<Params>): void {
    expect(maxRelativeDifference(a.history, b.history)).toBeLessThan(1e-12);
    expect(a.iterations).toBe(b.iterations);
    expect(a.stopReason).toBe(b.stopReason);
    expect(maxRelativeDifference(Array.from(a.parameters.components.means), Array.from(b.parameters.components.means))).toBeLessThan(1e-12);
  }

  it('with InProcessExecutor equals fitEm (batch and incremental)', async () => {
    const model = gaussianMixture(2);
    const executor = new InProcessExecutor();
    expectSameFit(await fitEmAsync(model, data, { ...options, executor }), fitEm(model, data, options));
    expectSameFit(await fitEmAsync(model, data, { ...options, executor, chunks: 4 }), fitEm(model, data, options));
    expectSameFit(
      await fitEmAsync(model, data, { ...options, executor, loop: 'incremental', chunks: 3 }),
      fitEmIncremental(model, data, { ...options, chunks: 3 }),
    );
    await executor.close();
  });

  it('without an executor runs in process', async () => {
    const model = gaussianMixture(2);
    expectSameFit(await fitEmAsync(model, data, options), fitEm(model, data, options));
    expectSameFit(await fitEmAsync(model, data, { ...options, loop: 'incremental' }), fitEmIncremental(model, data, options));
  });

  it('keeps restarts and seeds identical to the synchronous fit', async () => {
    const model = gaussianMixture(2);
    const sync = fitEm(model, data, { nInit: 3, seed: 4, maxIterations: 10 });
    const async = await fitEmAsync(model, data, { nInit: 3, seed: 4, maxIterations: 10, executor: new InProcessExecutor() });
    expect(async.runs.map((r) => r.objective)).toEqual(sync.runs.map((r) => r.objective));
    expect(async.bestRun).toBe(sync.bestRun);
  });
});
