import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addStatistics,
  createMixtureModel,
  DenseMatrix,
  fitEm,
  ImpossibleObservationError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  labelsToWeights,
  maxAbsDifference,
  maxAbsValue,
  Random,
  randomResponsibilities,
  validateWeights,
  type FitEvent,
  type MixtureParameters,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, poissonFamily, type MeanComponents } from './helpers/families.js';

type Params = MixtureParameters<MeanComponents>;

const x = gaussianSample(300, [0.3, 0.7], [-1.5, 2], 7);

/** Arbitrary valid mixture parameters with K components. */
const parameters = (k: number) =>
  fc
    .tuple(
      fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
      fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: k, maxLength: k }),
    )
    .map(([w, m]): Params => {
      const total = w.reduce((s, v) => s + v, 0);
      return { weights: Float64Array.from(w, (v) => v / total), components: { means: Float64Array.from(m) } };
    });

function errorOf<E extends Error>(f: () => unknown, type: new (...args: never[]) => E): E {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name}`);
}

describe('MixtureModel E-step', () => {
  it('responsibilities are probabilities summing to 1 per row; predict is their argmax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(fc.constant(k), parameters(k))), ([k, params]) => {
        const model = gaussianMixture(k);
        const r = model.responsibilities(params, { observations: x });
        const labels = model.predict(params, { observations: x });
        let worstSum = 0;
        let negative = 0;
        let mislabelled = 0;
        for (let i = 0; i < x.rows; i++) {
          let sum = 0;
          let best = 0;
          for (let j = 0; j < k; j++) {
            const v = r[i * k + j] as number;
            if (!(v >= 0)) negative++;
            sum += v;
            if (v > (r[i * k + best] as number)) best = j;
          }
          worstSum = Math.max(worstSum, Math.abs(sum - 1));
          if (labels[i] !== best) mislabelled++;
        }
        expect(worstSum).toBeLessThan(1e-12);
        expect(negative).toBe(0);
        expect(mislabelled).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  it('E-step log-likelihood = logLikelihood = Σ scoreSamples = Σ log Σ_k π_k f_k', () => {
    fc.assert(
      fc.property(parameters(3), (params) => {
        const model = gaussianMixture(3);
        const { logLikelihood, statistics } = model.eStep(params, { observations: x });
        const scores = model.scoreSamples(params, { observations: x });
        let direct = 0;
        for (let i = 0; i < x.rows; i++) {
          let p = 0;
          for (let j = 0; j < 3; j++) {
            const d = (x.data[i] as number) - (params.components.means[j] as number);
            p += (params.weights[j] as number) * Math.exp(-0.5 * d * d) / Math.sqrt(2 * Math.PI);
          }
          direct += Math.log(p);
        }
        const scale = Math.max(1, Math.abs(direct));
        expect(Math.abs(logLikelihood - direct)).toBeLessThan(1e-10 * scale);
        expect(Math.abs(model.logLikelihood(params, { observations: x }) - logLikelihood)).toBeLessThan(1e-12 * scale);
        expect(Math.abs(Array.from(scores).reduce((s, v) => s + v, 0) - logLikelihood)).toBeLessThan(1e-10 * scale);
        // Weight sums add up to n (responsibilities sum to 1 per row).
        expect(Array.from(statistics.weightSums).reduce((s, v) => s + v, 0)).toBeCloseTo(x.rows, 9);
      }),
      { numRuns: 30 },
    );
  });

  it('statistics of the whole data equal the sum over any split (chunking invariance)', () => {
    fc.assert(
      fc.property(parameters(2), fc.integer({ min: 1, max: 40 }), (params, parts) => {
        const model = gaussianMixture(2);
        const data = { observations: x, sampleWeights: Float64Array.from({ length: x.rows }, (_, i) => 1 + (i % 3)) };
        const whole = model.eStep(params, data);
        const pieces = model.splitData(data, parts).map((chunk) => model.eStep(params, chunk));
        expect(pieces.length).toBe(Math.min(parts, x.rows));
        const sum = pieces.reduce((acc, r) => ({ statistics: addStatistics(acc.statistics, r.statistics), logLikelihood: acc.logLikelihood + r.logLikelihood }));
        expect(maxAbsDifference(sum.statistics, whole.statistics)).toBeLessThan(1e-10 * (1 + maxAbsValue(whole.statistics)));
        expect(Math.abs(sum.logLikelihood - whole.logLikelihood)).toBeLessThan(1e-10 * Math.abs(whole.logLikelihood));
      }),
      { numRuns: 30 },
    );
  });

  it('an impossible observation throws ImpossibleObservationError naming the row', () => {
    const model = createMixtureModel(poissonFamily(), { components: 2 });
    const counts = DenseMatrix.from([0, 0, 3, 0]);
    const params = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(0, 0) } };
    const error = errorOf(() => model.eStep(params, { observations: counts }), ImpossibleObservationError);
    expect(error.message).toMatch(/Observation 2 has zero probability under every component/);
    expect(error.details['row']).toBe(2);
    expect(error.remedy).toMatch(/prior|pseudo-count/);
    expect(() => fitEm(model, { observations: counts }, { initialParameters: params })).toThrow(ImpossibleObservationError);
    // Scoring does not throw: the row scores −∞. It has no responsibilities (0/0): asking for them throws, naming it.
    expect(model.logLikelihood(params, { observations: counts })).toBe(-Infinity);
    expect(model.scoreSamples(params, { observations: counts })[2]).toBe(-Infinity);
    expect(model.scoreSamples(params, { observations: counts })[0]).toBeCloseTo(0, 14);
    expect(errorOf(() => model.responsibilities(params, { observations: counts }), ImpossibleObservationError).details['row']).toBe(2);
    expect(errorOf(() => model.predict(params, { observations: counts }), ImpossibleObservationError).details['row']).toBe(2);
    // A zero-weight row cannot be impossible: it is dropped.
    const dropped = model.eStep(params, { observations: counts, sampleWeights: Float64Array.of(1, 1, 0, 1) });
    expect(dropped.logLikelihood).toBeCloseTo(0, 14);
  });
});

describe('MixtureModel sample weights', () => {
  it('weight 2 on a row is the same as the row duplicated (E-step, fit, n)', () => {
    const model = gaussianMixture(2);
    const base = gaussianSample(40, [0.5, 0.5], [-1, 1], 3);
    const weights = Float64Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 2 : 1));
    const rows: number[] = [];
    for (let i = 0; i < 40; i++) for (let c = 0; c < (weights[i] as number); c++) rows.push(base.data[i] as number);
    const duplicated = { observations: DenseMatrix.from(rows) };
    const weighted = { observations: base, sampleWeights: weights };
    const params: Params = { weights: Float64Array.of(0.4, 0.6), components: { means: Float64Array.of(-0.3, 0.8) } };
    const a = model.eStep(params, weighted);
    const b = model.eStep(params, duplicated);
    expect(maxAbsDifference(a.statistics, b.statistics)).toBeLessThan(1e-12);
    expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThan(1e-12 * Math.abs(b.logLikelihood));
    expect(model.observationCount(weighted)).toBe(rows.length);
    const fitA = fitEm(model, weighted, { initialParameters: params, maxIterations: 20, tolerance: 0 });
    const fitB = fitEm(model, duplicated, { initialParameters: params, maxIterations: 20, tolerance: 0 });
    expect(maxAbsDifference(fitA.parameters.components.means, fitB.parameters.components.means)).toBeLessThan(1e-10);
    expect(fitA.bic).toBeCloseTo(fitB.bic, 8);
  });

  it('rejects bad sample weights naming the row', () => {
    const model = gaussianMixture(2);
    expect(errorOf(() => model.validateData({ observations: x, sampleWeights: new Float64Array(3) }), InvalidDataError).message).toMatch(
      /sampleWeights has 3 entries but the data has 300 rows/,
    );
    const negative = new Float64Array(x.rows).fill(1);
    negative[17] = -1;
    const error = errorOf(() => model.validateData({ observations: x, sampleWeights: negative }), InvalidDataError);
    expect(error.message).toMatch(/sampleWeights\[17\] = -1/);
    expect(error.details['row']).toBe(17);
    expect(() => model.validateData({ observations: x, sampleWeights: new Float64Array(x.rows) })).toThrow(/All sample weights are zero/);
    expect(() => model.validateData({ observations: DenseMatrix.fromArray(new Float64Array(0), 0, 1) })).toThrow(/no rows/);
  });
});

describe('MixtureModel M-step, prior and initialisation', () => {
  it('the M-step maximises Q + log prior: no perturbation does better', () => {
    fc.assert(
      fc.property(parameters(3), fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 6, maxLength: 6 }), (params, noise) => {
        const model = gaussianMixture(3, { priorStrength: 0.3 }, { weightConcentration: 2 });
        const { statistics } = model.eStep(params, { observations: x });
        const next = model.mStep(statistics, params);
        model.validateParameters(next);
        const value = (p: Params) => model.qFunction(p, statistics) + model.logPrior(p);
        const best = value(next);
        expect(best).toBeGreaterThanOrEqual(value(params) - 1e-9 * Math.abs(best));
        const raw = Array.from(next.weights, (w, j) => w * Math.exp(noise[j] as number));
        const total = raw.reduce((s, v) => s + v, 0);
        const perturbed: Params = {
          weights: Float64Array.from(raw, (v) => v / total),
          components: { means: Float64Array.from(next.components.means, (m, j) => m + (noise[j + 3] as number)) },
        };
        expect(value(perturbed)).toBeLessThanOrEqual(best + 1e-9 * Math.abs(best));
      }),
      { numRuns: 40 },
    );
  });

  it('the M-step is pure: inputs untouched, same output for the same input', () => {
    const model = gaussianMixture(2);
    const params: Params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-1, 1) } };
    const { statistics } = model.eStep(params, { observations: x });
    const copy = structuredClone(statistics);
    const a = model.mStep(statistics, params);
    const b = model.mStep(statistics, params);
    expect(a).toEqual(b);
    expect(statistics).toEqual(copy);
    expect(Array.from(params.components.means)).toEqual([-1, 1]);
  });

  it('weights follow the MAP formula (N_k + α − 1) / (N + K(α − 1)); updateWeights false keeps them', () => {
    const sums = Float64Array.of(10, 30, 0);
    const statistics = { weightSums: sums, components: { mass: sums, sum: Float64Array.of(5, 6, 0) } };
    const previous: Params = { weights: Float64Array.of(0.2, 0.3, 0.5), components: { means: Float64Array.of(0, 1, 2) } };
    const map = gaussianMixture(3, {}, { weightConcentration: 3 }).mStep(statistics, previous);
    expect(Array.from(map.weights)).toEqual([12 / 46, 32 / 46, 2 / 46]);
    const fixed = gaussianMixture(3, {}, { updateWeights: false });
    expect(fixed.mStep(statistics, previous).weights).toBe(previous.weights);
    expect(fixed.freeParameterCount(previous)).toBe(3);
    expect(gaussianMixture(3).freeParameterCount(previous)).toBe(5);
  });

  it('reports a vanishing component weight as a degenerate-component event', () => {
    const events: FitEvent[] = [];
    const sums = Float64Array.of(10, 0);
    gaussianMixture(2).mStep(
      { weightSums: sums, components: { mass: sums, sum: Float64Array.of(1, 0) } },
      { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(0, 1) } },
      { iteration: 4, report: (e) => events.push(e) },
    );
    expect(events).toEqual([expect.objectContaining({ type: 'degenerate-component', iteration: 4, component: 1, reason: 'vanishing-weight' })]);
  });

  it('initialises from responsibilities, deterministically for a random generator state', () => {
    const model = gaussianMixture(3);
    const a = model.initialize({ observations: x }, new Random(1));
    const b = model.initialize({ observations: x }, new Random(1));
    expect(a).toEqual(b);
    model.validateParameters(a);
    const custom = createMixtureModel(gaussianMixture(2).family, {
      components: 2,
      initializer: (obs, k) => labelsToWeights(Array.from({ length: obs.rows }, (_, i) => ((obs.data[i] as number) < 0 ? 0 : 1)), k),
    });
    const init = custom.initialize({ observations: x }, new Random(0));
    expect(init.components.means[0]).toBeLessThan(0);
    expect(init.components.means[1]).toBeGreaterThan(0);
    const r = randomResponsibilities(5, 3, new Random(2));
    for (let i = 0; i < 5; i++) expect(r[3 * i]! + r[3 * i + 1]! + r[3 * i + 2]!).toBeCloseTo(1, 12);
  });

  it('K > N is an InvalidDataError naming both', () => {
    const model = gaussianMixture(5);
    const small = { observations: DenseMatrix.from([1, 2, 3]) };
    const error = errorOf(() => model.initialize(small, new Random(0)), InvalidDataError);
    expect(error.message).toMatch(/Cannot fit 5 components to 3 observations/);
    expect(error.remedy).toMatch(/at most 3 components/);
    expect(() => fitEm(model, small)).toThrow(InvalidDataError);
  });

  it('rejects bad options', () => {
    const family = gaussianMixture(1).family;
    expect(() => createMixtureModel(family, { components: 0 })).toThrow(InvalidOptionsError);
    expect(() => createMixtureModel(family, { components: 2.5 })).toThrow(/components must be an integer/);
    expect(() => createMixtureModel(family, { components: 2, weightConcentration: 0.5 })).toThrow(/weightConcentration must be ≥ 1/);
  });

  it('records a config that names the family and options', () => {
    const model = gaussianMixture(2, { variance: 2 }, { weightConcentration: 1.5, extraConfig: { note: 'x' } });
    expect(model.config).toEqual({
      kind: 'test-gaussian-mixture',
      options: { components: 2, weightConcentration: 1.5, updateWeights: true, family: { variance: 2, priorStrength: 0 }, note: 'x' },
    });
  });

  it('samples labels with the mixture weights', () => {
    const model = gaussianMixture(2);
    const draw = model.sample({ weights: Float64Array.of(0.25, 0.75), components: { means: Float64Array.of(-50, 50) } }, 4000, new Random(3));
    let ones = 0;
    for (let i = 0; i < 4000; i++) {
      ones += draw.labels[i] as number;
      expect(Math.sign(draw.observations[i] as number)).toBe((draw.labels[i] as number) === 1 ? 1 : -1);
    }
    expect(Math.abs(ones / 4000 - 0.75)).toBeLessThan(5 * Math.sqrt((0.75 * 0.25) / 4000));
    expect(draw.dimension).toBe(1);
  });
});

describe('parameter validation and JSON', () => {
  it('validateWeights names the problem', () => {
    expect(() => validateWeights([0.5, 0.5], 3, 'weights')).toThrow(/weights has 2 entries; expected 3/);
    expect(() => validateWeights([0.5, -0.1, 0.6], 3, 'weights')).toThrow(/weights\[1\] = -0.1 is not a finite non-negative number/);
    expect(() => validateWeights([Number.NaN, 1], 2, 'pi')).toThrow(/pi\[0\] = NaN/);
    const sum = errorOf(() => validateWeights([0.5, 0.6], 2, 'weights'), InvalidParametersError);
    expect(sum.message).toMatch(/weights sum to 1.1/);
    expect(sum.remedy).toMatch(/Normalise/);
    expect(() => validateWeights([0.3, 0.7 + 1e-10], 2, 'weights')).not.toThrow();
  });

  it('validateParameters checks weights, component count and components', () => {
    const model = gaussianMixture(2);
    expect(() => model.validateParameters({ weights: Float64Array.of(1), components: { means: Float64Array.of(0, 1) } })).toThrow(/1 entries; expected 2/);
    expect(() => model.validateParameters({ weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(0) } })).toThrow(
      /2 components but the parameters describe 1/,
    );
    expect(() => model.validateParameters({ weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(0, Number.NaN) } })).toThrow(
      InvalidParametersError,
    );
  });

  it('parameters round-trip through JSON exactly; malformed JSON is rejected', () => {
    fc.assert(
      fc.property(parameters(3), (params) => {
        const model = gaussianMixture(3);
        const back = model.parametersFromJSON(JSON.parse(JSON.stringify(model.parametersToJSON(params))));
        // Exact float equality (=== also equates −0, which JSON writes as 0).
        expect(Array.from(back.weights).every((w, j) => w === params.weights[j])).toBe(true);
        expect(Array.from(back.components.means).every((m, j) => m === params.components.means[j])).toBe(true);
        expect(back.weights).toBeInstanceOf(Float64Array);
      }),
    );
    const model = gaussianMixture(2);
    expect(() => model.parametersFromJSON([1, 2])).toThrow(InvalidParametersError);
    expect(() => model.parametersFromJSON({ weights: ['a'], components: { means: [] } })).toThrow(/"weights" must be an array of numbers/);
  });
});
