// The Estimator base class on a toy family (1-D Gaussians with known variance, from
// test/helpers/families.ts): what every model inherits, checked once here.
import { describe, expect, it } from 'vitest';
import {
  CsrMatrix,
  DEFAULT_FIT_SETTINGS,
  DEFAULT_MEMORY_BUDGET,
  DENSE_ROWS,
  DenseMatrix,
  ESTIMATOR_DEFAULTS,
  InProcessExecutor,
  type EStepExecutor,
  Estimator,
  InvalidDataError,
  InvalidOptionsError,
  MemoryBudgetError,
  NotFittedError,
  SEQUENCES,
  Sequences,
  toCountMatrix,
  toDenseMatrix,
  type EstimatorSettings,
  type MixtureData,
  type MixtureParameters,
  type MixtureStatistics,
  type ModelConfig,
  type RowInput,
} from '../src/index.js';
import { deserializeError, serializeError } from '../src/executor/revive.js';
import { gaussianMixture, gaussianSample, type GaussianMixture, type MeanComponents, type MeanStatistics } from './helpers/families.js';

interface ToyOptions extends EstimatorSettings<MixtureParameters<MeanComponents>> {
  readonly components: number;
}
interface ToyPlain {
  readonly weights: number[];
  readonly means: number[];
}

/** A complete estimator: its options, its engine model, its data kind and its parameter nesting. */
class ToyMixture extends Estimator<MixtureParameters<MeanComponents>, MixtureData<DenseMatrix>, MixtureStatistics<MeanStatistics>, RowInput, ToyPlain> {
  static readonly kind = 'test-gaussian-mixture';
  readonly model: GaussianMixture;
  protected readonly dataKind = DENSE_ROWS;
  constructor(options: ToyOptions) {
    super(options);
    this.model = gaussianMixture(options.components, {}, { kind: ToyMixture.kind });
  }
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): ToyMixture {
    return new ToyMixture({ components: (config.options as { components: number }).components, ...settings });
  }
  protected toPlain(p: MixtureParameters<MeanComponents>): ToyPlain {
    return { weights: Array.from(p.weights), means: Array.from(p.components.means) };
  }
  protected fromPlain(plain: ToyPlain): MixtureParameters<MeanComponents> {
    return { weights: Float64Array.from(plain.weights), components: { means: Float64Array.from(plain.means) } };
  }
}

const data = gaussianSample(300, [0.4, 0.6], [-3, 3], 7);

describe('Estimator', () => {
  it.each(['predict', 'predictProba', 'scoreSamples', 'score', 'logLikelihood', 'bic', 'aic'] as const)('%s before fit throws NotFittedError naming the member', (member) => {
    const toy = new ToyMixture({ components: 2 });
    expect(() => toy[member](data)).toThrow(NotFittedError);
    expect(() => toy[member](data)).toThrow(new RegExp(`ToyMixture\\.${member} needs fitted parameters.*fit\\(data\\) first`));
  });

  it('sample, parameters, modelParameters and toJSON before fit throw NotFittedError; isFitted and lastFit say not fitted', () => {
    const toy = new ToyMixture({ components: 2 });
    expect(() => toy.sample(3)).toThrow(NotFittedError);
    expect(() => toy.parameters).toThrow(NotFittedError);
    expect(() => toy.modelParameters).toThrow(NotFittedError);
    expect(() => toy.toJSON()).toThrow(NotFittedError);
    expect(toy.isFitted).toBe(false);
    expect(toy.lastFit).toBeUndefined();
    try {
      toy.predict(data);
    } catch (error) {
      expect((error as NotFittedError).code).toBe('NOT_FITTED');
      expect((error as NotFittedError).details).toEqual({ estimator: 'ToyMixture', member: 'predict' });
      // Crosses a worker boundary as itself.
      const back = deserializeError(serializeError(error));
      expect(back).toBeInstanceOf(NotFittedError);
      expect(back.message).toBe((error as Error).message);
    }
  });

  it('settings defaults come from DEFAULT_FIT_SETTINGS (written once) and are checked at construction', () => {
    const toy = new ToyMixture({ components: 2 });
    expect(toy.settings).toMatchObject({ ...DEFAULT_FIT_SETTINGS, nInit: 1, seed: 0, memoryBudget: DEFAULT_MEMORY_BUDGET });
    expect(ESTIMATOR_DEFAULTS.tolerance).toBe(DEFAULT_FIT_SETTINGS.tolerance);
    expect(new ToyMixture({ components: 2, memoryBudget: '2MiB' }).settings.memoryBudget).toBe(2 * 1024 * 1024);
    expect(() => new ToyMixture({ components: 2, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => new ToyMixture({ components: 2, nInit: 0 })).toThrow(InvalidOptionsError);
    expect(() => new ToyMixture({ components: 2, tolerance: -1 })).toThrow(/tolerance/);
    expect(() => new ToyMixture({ components: 2, toleranceRule: 'loose' as never })).toThrow(/toleranceRule must be one of relative/);
    expect(() => new ToyMixture(null as never)).toThrow(/needs an options object/);
  });

  it('forwards the settings to the fit loop, and a call may override them', () => {
    const toy = new ToyMixture({ components: 2, maxIterations: 3, tolerance: 0 });
    const summary = toy.fit(data);
    expect(summary.iterations).toBe(3);
    expect(summary.stopReason).toBe('maxIterations');
    expect(toy.fit(data, { maxIterations: 5 }).iterations).toBe(5);
    const seen: number[] = [];
    toy.fit(data, { maxIterations: 2, onIteration: (info) => seen.push(info.iteration) });
    expect(seen).toEqual([0, 1, 2]);
  });

  it('executor, signal and callbacks given once to the constructor reach every fit', async () => {
    let chunksSeen = 0;
    const inner = new InProcessExecutor();
    const counting: EStepExecutor = {
      concurrency: 2,
      run: (model, parameters, chunks) => {
        chunksSeen = Math.max(chunksSeen, chunks.length);
        return inner.run(model, parameters, chunks);
      },
      close: () => inner.close(),
    };
    const events: number[] = [];
    const toy = new ToyMixture({ components: 2, seed: 1, maxIterations: 4, tolerance: 0, executor: counting, onIteration: (info) => events.push(info.iteration) });
    const viaWorkers = await toy.fitAsync(data);
    // Chunks default to the executor's concurrency; fit ignores the executor and runs here.
    expect(chunksSeen).toBe(2);
    expect(events).toEqual([0, 1, 2, 3, 4]);
    const here = toy.fit(data);
    expect(here.history.length).toBe(viaWorkers.history.length);
    for (let i = 0; i < here.history.length; i++) expect(Math.abs((here.history[i] as number) - (viaWorkers.history[i] as number))).toBeLessThan(1e-9 * Math.abs(here.history[i] as number));
    const controller = new AbortController();
    controller.abort();
    expect(new ToyMixture({ components: 2, signal: controller.signal }).fit(data).stopReason).toBe('aborted');
  });

  it('fit, fitPredict, predict, predictProba, score, bic, aic agree with each other', () => {
    const toy = new ToyMixture({ components: 2, seed: 1 });
    const labels = toy.fitPredict(data);
    const summary = toy.lastFit;
    expect(summary).toBeDefined();
    expect(toy.isFitted).toBe(true);
    expect(labels).toEqual(toy.predict(data));
    const proba = toy.predictProba(data);
    expect(proba).toHaveLength(300);
    for (const row of proba) expect(Math.abs((row[0] as number) + (row[1] as number) - 1)).toBeLessThan(1e-12);
    const total = toy.logLikelihood(data);
    expect(toy.score(data)).toBeCloseTo(total / 300, 12);
    expect(toy.scoreSamples(data).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 8);
    expect(toy.bic(data)).toBeCloseTo(summary?.bic as number, 8);
    expect(toy.aic(data)).toBeCloseTo(summary?.aic as number, 8);
    // Weighted score: weights of 2 on every row leave the mean unchanged.
    expect(toy.score(data, { sampleWeights: new Float64Array(300).fill(2) })).toBeCloseTo(toy.score(data), 12);
    const drawn = toy.sample(5, { seed: 3 });
    expect(drawn.observations).toHaveLength(5);
    expect(drawn.labels).toBeInstanceOf(Int32Array);
  });

  it('predictProba checks the memory budget before allocating', () => {
    const toy = new ToyMixture({ components: 2, memoryBudget: '1MiB' });
    toy.setParameters({ weights: [0.5, 0.5], means: [-1, 1] });
    // 2 × 8 bytes × 40 000 rows × 2 components = 1.28 MB > 1 MiB; 30 000 rows fit.
    expect(() => toy.predictProba({ data: new Float64Array(40_000), columns: 1 })).toThrow(MemoryBudgetError);
    expect(toy.predictProba({ data: new Float64Array(30_000), columns: 1 })).toHaveLength(30_000);
  });

  it('initialParameters and setParameters take the nested form, validated', () => {
    const toy = new ToyMixture({ components: 2, maxIterations: 0, nInit: 4 });
    const summary = toy.fit(data, { initialParameters: { weights: [0.5, 0.5], means: [-3, 3] } });
    expect(summary.parameters.means).toEqual([-3, 3]);
    expect(summary.runs).toHaveLength(1);
    expect(() => toy.setParameters({ weights: [0.5, 0.6], means: [0, 1] })).toThrow();
  });

  it('toJSON / fromJSON round-trips parameters, settings and fit metadata exactly', () => {
    const toy = new ToyMixture({ components: 2, seed: 5, tolerance: 1e-8, toleranceRule: 'absolute', onEvent: () => undefined });
    toy.fit(data);
    const document = toy.toJSON();
    expect(document.fit?.['settings']).toMatchObject({ seed: 5, tolerance: 1e-8, toleranceRule: 'absolute', nInit: 1 });
    expect(document.fit?.['settings']).not.toHaveProperty('memoryBudget');
    const restored = ToyMixture.fromJSON(JSON.stringify(document));
    expect(restored).toBeInstanceOf(ToyMixture);
    expect(restored.settings).toMatchObject({ seed: 5, tolerance: 1e-8, toleranceRule: 'absolute' });
    expect(restored.parameters).toEqual(toy.parameters);
    expect(restored.lastFit).toBeUndefined();
    expect(restored.toJSON()).toEqual(JSON.parse(JSON.stringify(document)));
    expect(Array.from(restored.predict(data))).toEqual(Array.from(toy.predict(data)));
    expect(() => ToyMixture.fromJSON({ ...document, kind: 'other' })).toThrow(/not a "test-gaussian-mixture"/);
  });
});

describe('inputs users already hold', () => {
  const rows = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  const expected = DenseMatrix.from(rows);

  it('number[][], DenseMatrix, row-major Float64Array with columns, and an ml-matrix-shaped Matrix read the same', () => {
    expect(toDenseMatrix(rows)).toEqual(expected);
    expect(toDenseMatrix(expected)).toBe(expected);
    expect(toDenseMatrix({ data: Float64Array.of(1, 2, 3, 4, 5, 6), columns: 2 })).toEqual(expected);
    const byGet = { rows: 3, columns: 2, get: (i: number, j: number) => (rows[i] as number[])[j] as number };
    expect(toDenseMatrix(byGet)).toEqual(expected);
    expect(toDenseMatrix({ rows: 3, columns: 2, to2DArray: () => rows })).toEqual(expected);
    expect(toDenseMatrix([1, 2, 3]).cols).toBe(1);
  });

  it('CsrMatrix passes through the count reader; dense inputs become a DenseMatrix', () => {
    const sparse = CsrMatrix.fromDense(rows);
    expect(toCountMatrix(sparse)).toBe(sparse);
    expect(toCountMatrix(rows)).toEqual(expected);
    expect(() => toCountMatrix('counts' as never)).toThrow(/takes a CsrMatrix of counts or rows as number\[\]\[\]/);
  });

  it('anything else is an InvalidDataError that shows the expected call', () => {
    for (const bad of [{ values: [1, 2] }, 'text', 42, null, new Map()]) {
      expect(() => toDenseMatrix(bad as never)).toThrow(InvalidDataError);
      expect(() => toDenseMatrix(bad as never)).toThrow(/fit\(\{ data: values, columns: 2 \}\)/);
    }
    expect(() => toDenseMatrix({ data: Float64Array.of(1, 2, 3), columns: 2 })).toThrow(/not a whole number of rows/);
  });

  it('an estimator accepts each of them in fit and predict', () => {
    const toy = new ToyMixture({ components: 2 });
    const column = Float64Array.from(data.data);
    toy.fit({ data: column, columns: 1 });
    const a = toy.predict(data);
    expect(toy.predict({ rows: 300, columns: 1, get: (i: number) => column[i] as number })).toEqual(a);
    expect(toy.predict(Array.from(column, (v) => [v]))).toEqual(a);
    expect(() => toy.predict({ nope: true } as never)).toThrow(/predict\(data\) takes rows/);
  });

  it('sequences: rows, { observations, lengths } or a Sequences value; sample weights refused', () => {
    const matrix = DenseMatrix.from([[1], [2], [3]]);
    expect(SEQUENCES.toData({ observations: [[1], [2], [3]], lengths: [1, 2] }, undefined, 'fit(data)').lengths).toEqual(Int32Array.of(1, 2));
    expect(SEQUENCES.toData([[1], [2], [3]], undefined, 'fit(data)').count).toBe(1);
    const given = new Sequences(matrix, [2, 1]);
    expect(SEQUENCES.toData(given, undefined, 'fit(data)')).toBe(given);
    expect(() => SEQUENCES.toData(given, [1, 1, 1], 'fit(data)')).toThrow(/sample weights are not supported/);
  });
});
