import { describe, expect, it } from 'vitest';
import {
  DenseMatrix,
  fitEm,
  fitEmAsync,
  fitEmIncremental,
  fitEmStepwise,
  fitEmStepwiseAsync,
  InProcessExecutor,
  InvalidDataError,
  InvalidOptionsError,
  NumericalError,
  type EStepExecutor,
  type EStepResult,
  type EmModel,
  type FitResult,
  type MixtureData,
  type MixtureParameters,
  type Statistics,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, type MeanComponents } from './helpers/families.js';

type Params = MixtureParameters<MeanComponents>;
type Data = MixtureData<DenseMatrix>;

const data: Data = { observations: gaussianSample(400, [0.4, 0.6], [-2, 2], 5) };
const start: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-0.5, 0.5) } };

/** The helper mixture, with its E-step's log-likelihood replaced by `value` from iteration `from` on. */
function poisonedModel(value: number, from = 0) {
  const base = gaussianMixture(2);
  let calls = 0;
  return Object.assign(Object.create(base) as typeof base, {
    eStep(p: Params, d: Data) {
      const result = base.eStep(p, d);
      return calls++ >= from ? { ...result, logLikelihood: value } : result;
    },
  });
}

/** An executor that runs in process but, unlike InProcessExecutor, with the worker path's chunking. */
function executor(concurrency: number): EStepExecutor {
  const inner = new InProcessExecutor();
  return {
    concurrency,
    run: <P, D, S extends Statistics>(model: EmModel<P, D, S>, parameters: P, chunks: readonly D[]): Promise<EStepResult<S>[]> => inner.run(model, parameters, chunks),
    close: () => inner.close(),
  };
}

describe('a non-finite objective is a NumericalError in every fit loop (issue 10, item 4)', () => {
  // Before: only NaN was checked, so an E-step returning +Infinity gave a "successful" fit of Infinities.
  for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
    for (const from of [0, 3]) {
      const label = `${value} from E-step ${from}`;
      it(`batch, incremental and async fits refuse ${label}`, async () => {
        expect(() => fitEm(poisonedModel(value, from), data, { initialParameters: start, tolerance: 0, maxIterations: 20 }), label).toThrow(NumericalError);
        for (const chunks of [1, 3]) {
          expect(() => fitEmIncremental(poisonedModel(value, from), data, { initialParameters: start, tolerance: 0, maxIterations: 20, chunks }), `${label}, ${chunks} chunks`).toThrow(
            NumericalError,
          );
        }
        await expect(fitEmAsync(poisonedModel(value, from), data, { initialParameters: start, tolerance: 0, maxIterations: 20 }), label).rejects.toThrow(NumericalError);
        await expect(
          fitEmAsync(poisonedModel(value, from), data, { initialParameters: start, tolerance: 0, maxIterations: 20, executor: executor(2) }),
          label,
        ).rejects.toThrow(NumericalError);
      });

      it(`stepwise fits (sync and async) refuse ${label}`, async () => {
        const batches = Array.from({ length: 6 }, (_, b) => ({ observations: data.observations.sliceRows(b * 50, (b + 1) * 50) }));
        expect(() => fitEmStepwise(poisonedModel(value, from), batches, { initialParameters: start }), label).toThrow(NumericalError);
        await expect(fitEmStepwiseAsync(poisonedModel(value, from), batches, { initialParameters: start }), label).rejects.toThrow(NumericalError);
      });
    }
  }

  it('the error names the value and the iteration, and says what to do', () => {
    let error: unknown;
    try {
      fitEm(poisonedModel(Number.POSITIVE_INFINITY, 2), data, { initialParameters: start, tolerance: 0, maxIterations: 20 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NumericalError);
    expect((error as NumericalError).message).toMatch(/log-likelihood became Infinity at iteration 2/);
    expect((error as NumericalError).remedy).toMatch(/regularisation|rescale/);
    expect((error as NumericalError).details['iteration']).toBe(2);
  });

  it('a non-finite log-prior is refused too', () => {
    const base = gaussianMixture(2);
    const model = Object.assign(Object.create(base) as typeof base, { logPrior: () => Number.POSITIVE_INFINITY });
    expect(() => fitEm(model, data, { initialParameters: start })).toThrow(/log-prior became Infinity at iteration 0/);
  });

  it('with restarts, a run that goes non-finite is recorded as failed and never chosen', () => {
    const base = gaussianMixture(2);
    let run = -1;
    const model = Object.assign(Object.create(base) as typeof base, {
      initialize(d: Data, r: Parameters<typeof base.initialize>[1]) {
        run++;
        return base.initialize(d, r);
      },
      eStep(p: Params, d: Data) {
        const result = base.eStep(p, d);
        return run === 1 ? { ...result, logLikelihood: Number.POSITIVE_INFINITY } : result;
      },
    });
    const result = fitEm(model, data, { nInit: 3, seed: 4, maxIterations: 10 });
    expect(result.runs[1]?.stopReason).toBe('failed');
    expect(result.runs[1]?.error).toMatch(/Infinity/);
    expect(result.bestRun).not.toBe(1);
    expect(Number.isFinite(result.objective)).toBe(true);
  });
});

describe("an abort during a later restart reports 'aborted' (issue 10, faults)", () => {
  // Before: the best finished run's stop reason ('maxIterations' or 'converged') was reported.
  function abortDuring(run: number, iteration: number) {
    const controller = new AbortController();
    return {
      signal: controller.signal,
      onIteration: (info: { run: number; iteration: number }) => {
        if (info.run === run && info.iteration === iteration) controller.abort();
      },
    };
  }

  it('fitEm, restart 2 of 50', () => {
    const result = fitEm(gaussianMixture(2), data, { nInit: 50, seed: 3, maxIterations: 5, tolerance: 0, ...abortDuring(1, 2) });
    expect(result.runs).toHaveLength(2);
    expect(result.runs[0]?.stopReason).toBe('maxIterations');
    expect(result.runs[1]?.stopReason).toBe('aborted');
    expect(result.stopReason).toBe('aborted');
    expect(result.converged).toBe(false);
  });

  it('fitEmAsync on an executor, restart 2 of 50', async () => {
    const result = await fitEmAsync(gaussianMixture(2), data, { nInit: 50, seed: 3, maxIterations: 5, tolerance: 0, executor: executor(2), ...abortDuring(1, 2) });
    expect(result.runs).toHaveLength(2);
    expect(result.stopReason).toBe('aborted');
    expect(result.converged).toBe(false);
  });

  it('an abort right after a restart ends, before the next begins, is still reported', () => {
    const controller = new AbortController();
    const result = fitEm(gaussianMixture(2), data, {
      nInit: 50,
      seed: 3,
      maxIterations: 3,
      tolerance: 0,
      signal: controller.signal,
      onIteration: (info) => {
        if (info.run === 1 && info.iteration === 3) controller.abort(); // the run ends at maxIterations first
      },
    });
    expect(result.runs).toHaveLength(2);
    expect(result.runs[1]?.stopReason).toBe('maxIterations');
    expect(result.stopReason).toBe('aborted');
  });
});

describe('seeds are integers (issue 10, silent coercions)', () => {
  // Before: seed NaN threw a plain RangeError and seed 1.5 silently equalled seed 1.
  for (const seed of [Number.NaN, 1.5, Infinity, '7' as unknown as number]) {
    it(`refuses seed ${String(seed)} with InvalidOptionsError in fitEm, fitEmIncremental, fitEmAsync and the stepwise fits`, async () => {
      const model = gaussianMixture(2);
      expect(() => fitEm(model, data, { seed })).toThrow(InvalidOptionsError);
      expect(() => fitEm(model, data, { seed })).toThrow(/seed must be an integer/);
      expect(() => fitEmIncremental(model, data, { seed })).toThrow(InvalidOptionsError);
      await expect(fitEmAsync(model, data, { seed, executor: executor(2) })).rejects.toThrow(InvalidOptionsError);
      expect(() => fitEmStepwise(model, [data], { seed })).toThrow(InvalidOptionsError);
      await expect(fitEmStepwiseAsync(model, [data], { seed })).rejects.toThrow(InvalidOptionsError);
    });
  }

  it('accepts any integer seed, negative and large ones included', () => {
    for (const seed of [0, -3, 2 ** 40]) expect(fitEm(gaussianMixture(2), data, { seed, maxIterations: 2 }).iterations).toBe(2);
  });
});

describe('the public entries check their arguments (issue 10, raw TypeErrors)', () => {
  const model = gaussianMixture(2);

  it('fitEm(model, DenseMatrix) from plain JavaScript is an InvalidDataError that shows the expected call', () => {
    // Before: TypeError: Cannot read properties of undefined (reading 'rows').
    const call = () => fitEm(model, data.observations as unknown as Data);
    expect(call).toThrow(InvalidDataError);
    expect(call).toThrow(/\{ observations, sampleWeights\? \}.*DenseMatrix/);
    expect(call).toThrow(/fitEm\(model, \{ observations: DenseMatrix\.from\(rows\) \}\)/);
    expect(() => fitEmIncremental(model, data.observations as unknown as Data)).toThrow(InvalidDataError);
    expect(() => fitEmStepwise(model, [data.observations as unknown as Data])).toThrow(InvalidDataError);
  });

  it('async entries reject (not throw synchronously) with the same typed errors', async () => {
    await expect(fitEmAsync(model, data.observations as unknown as Data)).rejects.toThrow(InvalidDataError);
    await expect(fitEmAsync(model, data.observations as unknown as Data, { executor: executor(2) })).rejects.toThrow(InvalidDataError);
    await expect(fitEmStepwiseAsync(model, 42 as unknown as Data[])).rejects.toThrow(/an iterable or async iterable/);
  });

  it('a missing model, missing data, a non-object options or non-iterable batches are typed errors', () => {
    expect(() => fitEm(undefined as unknown as typeof model, data)).toThrow(InvalidOptionsError);
    expect(() => fitEm({ eStep: 1 } as unknown as typeof model, data)).toThrow(/needs an EmModel/);
    expect(() => fitEm(model, undefined as unknown as Data)).toThrow(InvalidDataError);
    expect(() => fitEm(model, null as unknown as Data)).toThrow(InvalidDataError);
    expect(() => fitEm(model, data, 5 as unknown as object)).toThrow(InvalidOptionsError);
    expect(() => fitEm(model, data, null as unknown as object)).toThrow(InvalidOptionsError);
    expect(() => fitEmStepwise(model, data as unknown as Data[])).toThrow(/an iterable/);
    expect(() => fitEmStepwise(model, 'abc' as unknown as Data[])).toThrow(InvalidDataError);
  });

  it('DenseMatrix.from refuses a plain object with the accepted shapes, and reads an ml-matrix-like Matrix', () => {
    expect(() => DenseMatrix.from({ foo: 1 } as unknown as number[])).toThrow(/Data must be rows \(number\[\]\[\]\)/);
    expect(() => DenseMatrix.from(7 as unknown as number[])).toThrow(InvalidDataError);
    const matrixLike = { rows: 2, columns: 3, to2DArray: () => [[1, 2, 3], [4, 5, 6]] };
    const m = DenseMatrix.from(matrixLike as unknown as number[][]);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('logLikelihoodHistory is filled by every loop, as long as history (issue 10, scikit-learn comparisons)', () => {
  // A model with a prior, so that history (the objective) and logLikelihoodHistory differ.
  const withPrior = gaussianMixture(2, { priorStrength: 0.5 }, { weightConcentration: 3 });

  function expectConsistent(result: FitResult<Params>, label: string): void {
    expect(result.logLikelihoodHistory, label).toHaveLength(result.history.length);
    expect(result.history, label).toHaveLength(result.iterations + 1);
    expect(result.logLikelihoodHistory.at(-1), label).toBe(result.logLikelihood);
    expect(result.history.at(-1), label).toBe(result.objective);
    // history_t − logLikelihood_t is the log-prior at θ_t: the same at the end as the result's.
    expect((result.history.at(-1) as number) - (result.logLikelihoodHistory.at(-1) as number), label).toBeCloseTo(result.logPrior, 9);
    expect(result.logPrior, label).not.toBe(0);
  }

  it('batch, incremental, async and restarts', async () => {
    const options = { seed: 2, maxIterations: 12, tolerance: 0 };
    expectConsistent(fitEm(withPrior, data, options), 'batch');
    expectConsistent(fitEm(withPrior, data, { ...options, nInit: 4 }), 'batch, 4 restarts');
    expectConsistent(fitEmIncremental(withPrior, data, { ...options, chunks: 3 }), 'incremental');
    expectConsistent(await fitEmAsync(withPrior, data, { ...options, executor: executor(2), nInit: 3 }), 'async, 3 restarts');
    expectConsistent(await fitEmAsync(withPrior, data, { ...options, executor: executor(2), loop: 'incremental' }), 'async incremental');
    const restarts = fitEm(withPrior, data, { ...options, nInit: 4 });
    // The histories are those of the returned run.
    expect(restarts.iterations).toBe(restarts.runs[restarts.bestRun]?.iterations);
  });

  it('stepwise (sync and async): one entry per batch, equal to history (no prior in batch scores)', async () => {
    const batches = Array.from({ length: 8 }, (_, b) => ({ observations: data.observations.sliceRows(b * 50, (b + 1) * 50) }));
    for (const result of [fitEmStepwise(withPrior, batches, { seed: 1 }), await fitEmStepwiseAsync(withPrior, batches, { seed: 1 })]) {
      expect(result.logLikelihoodHistory).toHaveLength(result.iterations);
      expect(result.logLikelihoodHistory).toEqual(result.history);
    }
  });
});
