import { CsrMatrix, DenseMatrix, type FitEvent, InProcessExecutor, Random, fitEmIncremental, maxAbsDifference } from '@em/core';
import { describe, expect, it } from 'vitest';
import {
  BernoulliMixture,
  CategoricalMixture,
  MultinomialMixture,
  createCategoricalMixtureModel,
  createMultinomialMixtureModel,
  kmeansPlusPlusResponsibilities,
  logMultinomialCoefficients,
  seedingRowsFromCounts,
} from '../src/index.js';
import { dense, relativeError, sparse, syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';

const { counts, labels } = syntheticCounts({ rows: 300, features: 40, components: 3, tokens: 60, seed: 21 });

function expectMonotone(history: readonly number[]): void {
  for (let t = 1; t < history.length; t++) {
    const previous = history[t - 1] as number;
    expect(history[t] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
  }
}

describe('dense and sparse input give the same results', () => {
  it('multinomial: same history, parameters, predictions and scores', () => {
    const a = new MultinomialMixture({ components: 3, seed: 4, nInit: 2 });
    const b = new MultinomialMixture({ components: 3, seed: 4, nInit: 2 });
    const sa = a.fit(dense(counts));
    const sb = b.fit(sparse(counts));
    expect(sa.iterations).toBe(sb.iterations);
    sa.history.forEach((h, t) => expect(relativeError(h, sb.history[t] as number)).toBeLessThan(1e-12));
    expect(maxAbsDifference(a.modelParameters.components.probabilities, b.modelParameters.components.probabilities)).toBeLessThan(1e-12);
    expect(Array.from(a.predict(dense(counts)))).toEqual(Array.from(b.predict(sparse(counts))));
    expect(maxAbsDifference(a.scoreSamples(dense(counts)), b.scoreSamples(sparse(counts)))).toBeLessThan(1e-9);
    expect(logMultinomialCoefficients(dense(counts))).toEqual(logMultinomialCoefficients(sparse(counts)));
  });

  it('multinomial with K = 7: dense and sparse E-steps are bit-identical', () => {
    const model = createMultinomialMixtureModel({ components: 7, init: 'random' });
    const parameters = model.initialize({ observations: dense(counts) }, new Random(3));
    const a = model.eStep(parameters, { observations: dense(counts) });
    const b = model.eStep(parameters, { observations: sparse(counts) });
    expect(b.logLikelihood).toBe(a.logLikelihood);
    expect(maxAbsDifference(a.statistics, b.statistics)).toBe(0);
  });

  it('Bernoulli: same history and parameters', () => {
    const rows = syntheticBinary(200, 20, 3, 2);
    const sa = new BernoulliMixture({ components: 3, seed: 1 }).fit(dense(rows));
    const sb = new BernoulliMixture({ components: 3, seed: 1 }).fit(sparse(rows));
    sa.history.forEach((h, t) => expect(relativeError(h, sb.history[t] as number)).toBeLessThan(1e-12));
    sa.parameters.probabilities.forEach((row, k) => row.forEach((p, v) => expect(Math.abs(p - ((sb.parameters.probabilities[k] as number[])[v] as number))).toBeLessThan(1e-12)));
  });
});

describe('invariants', () => {
  it('probability rows and weights stay on the simplex, responsibilities sum to 1, the objective never decreases', () => {
    for (const init of ['kmeans++', 'random'] as const) {
      const model = new MultinomialMixture({ components: 4, init, seed: 3, tolerance: 1e-8 });
      const summary = model.fit(sparse(counts));
      expectMonotone(summary.history);
      expect(Math.abs(summary.parameters.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      for (const row of summary.parameters.probabilities) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      for (const row of model.predictProba(sparse(counts))) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it('recovers well-separated clusters (k-means++ seeding)', () => {
    const model = new MultinomialMixture({ components: 3, seed: 7, nInit: 3 });
    model.fit(sparse(counts));
    const predicted = model.predict(sparse(counts));
    // Agreement up to relabelling: the best matching of predicted to true labels.
    const table = Array.from({ length: 3 }, () => [0, 0, 0]);
    predicted.forEach((p, i) => ((table[p] as number[])[labels[i] as number] as number)++);
    const agreement = Math.max(...[[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]].map((perm) => perm.reduce((s, t, p) => s + ((table[p] as number[])[t] as number), 0)));
    expect(agreement / counts.length).toBeGreaterThan(0.95);
  });

  it('sample weights equal duplicated rows', () => {
    const small = counts.slice(0, 60);
    const weights = small.map((_, i) => 1 + (i % 3));
    const duplicated = small.flatMap((row, i) => Array.from({ length: weights[i] as number }, () => row));
    const init = new MultinomialMixture({ components: 2, seed: 1 }).fit(small, { maxIterations: 1 }).parameters;
    const a = new MultinomialMixture({ components: 2 }).fit(sparse(small), { sampleWeights: weights, initialParameters: init, maxIterations: 15, tolerance: 0 });
    const b = new MultinomialMixture({ components: 2 }).fit(sparse(duplicated), { initialParameters: init, maxIterations: 15, tolerance: 0 });
    a.history.forEach((h, t) => expect(relativeError(h, b.history[t] as number)).toBeLessThan(1e-10));
    expect(relativeError(a.logMultinomialCoefficient, b.logMultinomialCoefficient)).toBeLessThan(1e-12);
    expect(a.observations).toBe(b.observations);
  });

  it('seeding is reproducible for a seed and differs across seeds', () => {
    const rows = seedingRowsFromCounts(sparse(counts), true);
    const first = kmeansPlusPlusResponsibilities(rows, 3, new Random(5));
    expect(kmeansPlusPlusResponsibilities(rows, 3, new Random(5))).toEqual(first);
    expect(kmeansPlusPlusResponsibilities(rows, 3, new Random(6))).not.toEqual(first);
    for (let i = 0; i < counts.length; i++) expect(Math.abs((first[i * 3] as number) + (first[i * 3 + 1] as number) + (first[i * 3 + 2] as number) - 1)).toBeLessThan(1e-12);
  });

  it('nInit keeps the best restart and reports every run', () => {
    const summary = new MultinomialMixture({ components: 3, init: 'random', seed: 2, nInit: 4 }).fit(sparse(counts));
    expect(summary.runs).toHaveLength(4);
    expect(summary.objective).toBe(Math.max(...summary.runs.map((r) => r.objective)));
  });

  it('fitAsync with an in-process executor equals fit', async () => {
    const a = new MultinomialMixture({ components: 3, seed: 9 }).fit(sparse(counts));
    const b = await new MultinomialMixture({ components: 3, seed: 9 }).fitAsync(sparse(counts), { executor: new InProcessExecutor() });
    expect(b.history).toEqual(a.history);
  });

  it('chunked E-steps give the same history up to round-off', () => {
    const a = new MultinomialMixture({ components: 3, seed: 9 }).fit(sparse(counts));
    const b = new MultinomialMixture({ components: 3, seed: 9 }).fit(sparse(counts), { chunks: 5 });
    a.history.forEach((h, t) => expect(relativeError(h, b.history[t] as number)).toBeLessThan(1e-12));
  });
});

describe('empty documents', () => {
  const withEmpty = syntheticCounts({ rows: 120, features: 20, components: 2, tokens: 30, seed: 5, emptyEvery: 10 }).counts;
  const nonEmpty = withEmpty.filter((row) => row.some((x) => x > 0));

  it('contribute 0 to the log-likelihood, get responsibilities equal to the weights, and have coefficient 0', () => {
    const model = new MultinomialMixture({ components: 2, seed: 1 });
    model.fit(sparse(withEmpty));
    const empty = [new Array<number>(20).fill(0)];
    expect(Math.abs(model.scoreSamples(empty)[0] as number)).toBeLessThan(1e-15);
    const proba = model.predictProba(empty)[0] as number[];
    model.parameters.weights.forEach((w, k) => expect(Math.abs((proba[k] as number) - w)).toBeLessThan(1e-15));
    expect(Array.from(logMultinomialCoefficients(dense(empty)))).toEqual([0]);
  });

  it('leave the maximum-likelihood fixed point unchanged (same optimum as dropping them)', () => {
    const a = new MultinomialMixture({ components: 2, seed: 1, tolerance: 1e-12, maxIterations: 2000, toleranceRule: 'absolute' }).fit(sparse(withEmpty));
    const b = new MultinomialMixture({ components: 2, tolerance: 1e-12, maxIterations: 2000, toleranceRule: 'absolute' }).fit(sparse(nonEmpty), { initialParameters: a.parameters });
    expect(relativeError(a.logLikelihood, b.logLikelihood)).toBeLessThan(1e-8);
    a.parameters.weights.forEach((w, k) => expect(Math.abs(w - (b.parameters.weights[k] as number))).toBeLessThan(1e-6));
  });

  it('a component that only empty documents would feed keeps its probabilities and is reported', () => {
    const model = createMultinomialMixtureModel({ components: 2, pseudocount: 0 });
    const events: FitEvent[] = [];
    const previous = { weights: Float64Array.of(0.5, 0.5), components: { probabilities: Float64Array.of(0.5, 0.5, 0.25, 0.75), components: 2, features: 2 } };
    // All responsibility of the non-empty row on component 0: component 1 gets only the empty row.
    const statistics = { weightSums: Float64Array.of(1, 1), components: { expectedCounts: Float64Array.of(3, 0, 1, 0) } };
    const next = model.mStep(statistics, previous, { iteration: 1, report: (e) => events.push(e) });
    expect(Array.from(next.components.probabilities.subarray(2))).toEqual([0.25, 0.75]);
    expect(events.map((e) => e.type)).toEqual(['degenerate-component']);
  });
});

describe('freezing and parameter counts', () => {
  const init = new MultinomialMixture({ components: 3, seed: 1 }).fit(sparse(counts), { maxIterations: 2 }).parameters;

  it('update.probabilities = false keeps the probabilities and drops them from the BIC count', () => {
    const model = new MultinomialMixture({ components: 3, update: { probabilities: false } });
    const summary = model.fit(sparse(counts), { initialParameters: init });
    expect(summary.parameters.probabilities).toEqual(init.probabilities);
    expect(summary.freeParameters).toBe(2);
    expectMonotone(summary.history);
  });

  it('update.weights = false keeps the weights', () => {
    const summary = new MultinomialMixture({ components: 3, update: { weights: false } }).fit(sparse(counts), { initialParameters: init });
    expect(summary.parameters.weights).toEqual(init.weights);
    expect(summary.freeParameters).toBe(3 * 39);
  });

  it('counts free parameters: multinomial K(V−1)+K−1, Bernoulli KV+K−1, categorical KΣ(M_j−1)+K−1', () => {
    expect(new MultinomialMixture({ components: 3, seed: 1 }).fit(sparse(counts), { maxIterations: 1 }).freeParameters).toBe(3 * 39 + 2);
    expect(new BernoulliMixture({ components: 2, seed: 1 }).fit(syntheticBinary(50, 6, 2, 1), { maxIterations: 1 }).freeParameters).toBe(2 * 6 + 1);
    expect(new CategoricalMixture({ components: 2, categories: [2, 3], seed: 1 }).fit(syntheticCodes(50, [2, 3], 2, 1), { maxIterations: 1 }).freeParameters).toBe(2 * 3 + 1);
  });

  it('bic and aic on the training data equal the fit summary', () => {
    const model = new MultinomialMixture({ components: 3, seed: 1 });
    const summary = model.fit(sparse(counts));
    expect(relativeError(model.bic(sparse(counts)), summary.bic)).toBeLessThan(1e-12);
    expect(relativeError(model.aic(sparse(counts)), summary.aic)).toBeLessThan(1e-12);
    expect(relativeError(model.score(sparse(counts)) * counts.length, summary.logLikelihood)).toBeLessThan(1e-12);
  });
});

describe('impossible observations', () => {
  it('a count on a feature no component can emit is reported with its row, never NaN', () => {
    const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
    model.setParameters({ weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0], [0.2, 0.8, 0]] });
    const scores = model.scoreSamples([[1, 1, 0], [0, 1, 2]]);
    expect(scores[1]).toBe(-Infinity);
    expect(Number.isNaN(scores[0])).toBe(false);
    expect(() => model.fit([[1, 1, 0], [0, 1, 2]], { initialParameters: model.parameters })).toThrow(/Observation 1 has zero probability/);
  });

  it('a zero probability in one component only gives −∞ for that component (and no NaN)', () => {
    const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
    model.setParameters({ weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0], [0.2, 0.4, 0.4]] });
    expect(model.predictProba([[0, 1, 2]])[0]).toEqual([0, 1]);
  });

  it('explicitly stored zeros in CSR input meet zero probabilities without NaN (0·log 0 = 0)', () => {
    const model = new MultinomialMixture({ components: 5, pseudocount: 0 });
    const zeroLast = [0.25, 0.25, 0.5, 0];
    model.setParameters({ weights: [0.2, 0.2, 0.2, 0.2, 0.2], probabilities: [zeroLast, zeroLast, [0.5, 0.5, 0, 0], zeroLast, zeroLast] });
    const withStoredZero = new CsrMatrix(Int32Array.of(0, 3), Int32Array.of(0, 1, 3), Float64Array.of(2, 1, 0), 4);
    const scores = model.scoreSamples(withStoredZero);
    expect(scores[0]).toBeCloseTo(Math.log(0.2 * 4 * 0.25 ** 3 + 0.2 * 0.5 ** 3), 12);
    const bernoulli = new BernoulliMixture({ components: 4, pseudocount: 0 });
    bernoulli.setParameters({ weights: [0.25, 0.25, 0.25, 0.25], probabilities: [[0.5, 0], [0.5, 0], [0.5, 0], [0.5, 0]] });
    expect(bernoulli.scoreSamples(new CsrMatrix(Int32Array.of(0, 2), Int32Array.of(0, 1), Float64Array.of(1, 0), 2))[0]).toBeCloseTo(Math.log(0.5), 12);
  });

  it('Bernoulli probabilities of exactly 0 and 1 are handled without NaN', () => {
    const model = new BernoulliMixture({ components: 2, pseudocount: 0 });
    model.setParameters({ weights: [0.5, 0.5], probabilities: [[1, 0, 0.5], [0.5, 0.5, 0.5]] });
    const scores = model.scoreSamples([[1, 0, 1], [0, 0, 1], [1, 1, 0]]);
    expect(scores[0]).toBeCloseTo(Math.log(0.5 * 0.5 + 0.5 * 0.125), 12);
    expect(scores[1]).toBeCloseTo(Math.log(0.5 * 0.125), 12);
    expect(scores[2]).toBeCloseTo(Math.log(0.5 * 0.125), 12);
    const sparseScores = model.scoreSamples(CsrMatrix.fromDense([[1, 0, 1], [0, 0, 1], [1, 1, 0]]));
    expect(Array.from(sparseScores)).toEqual(Array.from(scores));
  });
});

describe('sampling', () => {
  it('draws documents of the requested length from the fitted topics, reproducibly', () => {
    const model = new MultinomialMixture({ components: 3, seed: 1 });
    model.fit(sparse(counts));
    const a = model.sample(50, { seed: 3, documentLength: 40 });
    expect(a.observations).toHaveLength(50);
    for (let i = 0; i < 50; i++) expect((a.observations[i] as number[]).reduce((s, x) => s + x, 0)).toBe(40);
    expect(model.sample(50, { seed: 3, documentLength: 40 }).observations).toEqual(a.observations);
    // Documents drawn from a component are mostly assigned back to it.
    const predicted = model.predict(a.observations);
    expect(predicted.filter((p, i) => p === a.labels[i]).length / 50).toBeGreaterThan(0.9);
  });

  it('Bernoulli and categorical samples stay in the support', () => {
    const b = new BernoulliMixture({ components: 2, seed: 1 });
    b.fit(syntheticBinary(80, 5, 2, 4));
    expect(b.sample(30, { seed: 1 }).observations.flat().every((x) => x === 0 || x === 1)).toBe(true);
    const c = new CategoricalMixture({ components: 2, categories: [2, 4], seed: 1 });
    c.fit(syntheticCodes(80, [2, 4], 2, 4));
    const drawn = c.sample(30, { seed: 1 }).observations;
    for (let i = 0; i < 30; i++) {
      expect(drawn[i]?.[0]).toBeLessThan(2);
      expect(drawn[i]?.[1]).toBeLessThan(4);
    }
  });
});

describe('topFeatures', () => {
  it('lists the most probable features per component in order, with names', () => {
    const model = new MultinomialMixture({ components: 2, pseudocount: 0 });
    model.setParameters({ weights: [0.5, 0.5], probabilities: [[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]] });
    expect(model.topFeatures(2, ['a', 'b', 'c'])).toEqual([
      [{ feature: 1, name: 'b', probability: 0.6 }, { feature: 2, name: 'c', probability: 0.3 }],
      [{ feature: 0, name: 'a', probability: 0.5 }, { feature: 1, name: 'b', probability: 0.25 }],
    ]);
    expect(model.topFeatures(10)[0]).toHaveLength(3);
  });
});

describe('persistence', () => {
  it('toJSON / fromJSON round-trips parameters exactly for all three models', () => {
    const m = new MultinomialMixture({ components: 3, seed: 1, pseudocount: 0.2, weightConcentration: 2, init: 'random' });
    m.fit(sparse(counts));
    const m2 = MultinomialMixture.fromJSON(JSON.stringify(m.toJSON()));
    expect(m2.modelParameters.components.probabilities).toEqual(m.modelParameters.components.probabilities);
    expect(m2.modelParameters.weights).toEqual(m.modelParameters.weights);
    expect(m2.model.config).toEqual(m.model.config);
    expect(Array.from(m2.scoreSamples(sparse(counts)))).toEqual(Array.from(m.scoreSamples(sparse(counts))));

    const b = new BernoulliMixture({ components: 2, seed: 1, update: { weights: false } });
    b.fit(syntheticBinary(60, 7, 2, 1));
    const b2 = BernoulliMixture.fromJSON(b.toJSON());
    expect(b2.parameters).toEqual(b.parameters);
    expect(b2.model.config).toEqual(b.model.config);

    const c = new CategoricalMixture({ components: 2, categories: [3, 2], seed: 1 });
    c.fit(syntheticCodes(60, [3, 2], 2, 1));
    const c2 = CategoricalMixture.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(c2.parameters).toEqual(c.parameters);
  });

  it('a saved file of another kind is rejected with a FormatError', () => {
    const b = new BernoulliMixture({ components: 2, seed: 1 });
    b.fit(syntheticBinary(30, 4, 2, 1));
    expect(() => MultinomialMixture.fromJSON(b.toJSON())).toThrow(/holds a "bernoulli-mixture" model/);
  });
});

describe('parameters getter', () => {
  it('is plain nested arrays of the documented shapes', () => {
    const c = new CategoricalMixture({ components: 2, categories: [3, 2], seed: 1 });
    c.fit(syntheticCodes(60, [3, 2], 2, 1));
    const p = c.parameters;
    expect(p.weights).toHaveLength(2);
    expect(p.probabilities.map((k) => k.map((v) => v.length))).toEqual([[3, 2], [3, 2]]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('regressions', () => {
  it('incremental EM under maximum likelihood: subtracted statistics that round to −1e-17 never give NaN', () => {
    // Counterexample found by the conformance kit (seed 2630300): an exact-zero count came back
    // slightly negative after "total − old chunk + new chunk".
    const model = createCategoricalMixtureModel({ components: 2, categories: [2, 3, 4], pseudocount: 0 });
    const probabilities = Float64Array.from([
      0.029504950495049528, 0.9704950495049504, 0.043222345831448905, 0.7973743548109467, 0.15940329935760447, 0.028359046642253166, 0.0873772424901804,
      0.028359046642253173, 0.8559046642253132, 0.9615461461251571, 0.038453853874842944, 0.3026570070156153, 0.6643954518494147, 0.032947541134969956,
      0.7282962280783375, 0.08441100503119858, 0.08441100503119868, 0.10288176185926536,
    ]);
    const initialParameters = { weights: Float64Array.of(0.915745944760341, 0.08425405523965909), components: { probabilities, categories: [2, 3, 4], components: 2 } };
    const codes = [0,0,0,1,1,3,1,1,3,1,2,3,1,1,3,1,2,3,1,1,3,1,1,3,1,1,3,1,1,3,1,1,3,1,2,3,1,1,3,0,0,0,1,1,1,0,1,0,1,1,3,1,1,3,1,2,3,0,2,3,1,1,3,1,1,3,1,2,3,1,1,3]; // prettier-ignore
    const data = { observations: new DenseMatrix(Float64Array.from(codes), 24, 3) };
    const result = fitEmIncremental(model, data, { initialParameters, chunks: 2, maxIterations: 20, tolerance: 0 });
    expect(result.history.every((h) => Number.isFinite(h))).toBe(true);
    expect(result.parameters.components.probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
  });
});
