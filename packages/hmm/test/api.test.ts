import { DenseMatrix, Sequences, parseSerializedModel } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel, stationaryDistribution } from '../src/index.js';

function weather(): HiddenMarkovModel {
  const hmm = new HiddenMarkovModel({
    states: 2,
    emission: { type: 'categorical', symbols: 3 },
    init: { startProbabilities: [0.6, 0.4], transitionMatrix: [[0.7, 0.3], [0.4, 0.6]], emissions: { probabilities: [[[0.1, 0.4, 0.5]], [[0.6, 0.3, 0.1]]] } },
    maxIterations: 0,
  });
  hmm.fit([0, 1, 2]);
  return hmm;
}

describe('HiddenMarkovModel API', () => {
  it('parameters as plain nested arrays', () => {
    const p = weather().parameters;
    expect(p.startProbabilities).toEqual([0.6, 0.4]);
    expect(p.transitionMatrix).toEqual([
      [0.7, 0.3],
      [0.4, 0.6],
    ]);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('toJSON/fromJSON round-trips exactly (parameters, config, scores)', () => {
    const data = weather().sample(500, { seed: 3 }).observations;
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, seed: 2, priors: { transitions: 1 } });
    hmm.fit(data);
    const text = JSON.stringify(hmm.toJSON());
    const doc = parseSerializedModel(text, 'hmm');
    expect(doc.fit?.iterations).toBe(hmm.lastFit?.iterations);
    const restored = HiddenMarkovModel.fromJSON(text);
    expect(restored.parameters).toEqual(hmm.parameters);
    expect(restored.model.config).toEqual(hmm.model.config);
    expect(restored.score(data)).toBe(hmm.score(data));
    expect(JSON.stringify(restored.toJSON().parameters)).toBe(JSON.stringify(hmm.toJSON().parameters));
    // The whole document, fit metadata included, survives a second round trip.
    expect(JSON.stringify(restored.toJSON())).toBe(text);
  });

  it('Gaussian model round-trips exactly too', () => {
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'gaussian', covariance: 'full' }, seed: 1, maxIterations: 5 });
    const rows = Array.from({ length: 200 }, (_, i) => [Math.sin(i / 7) * 3 + (i % 5) * 0.1, Math.cos(i / 11) + (i % 3) * 0.2]);
    hmm.fit(rows);
    const restored = HiddenMarkovModel.fromJSON(hmm.toJSON());
    expect(restored.parameters).toEqual(hmm.parameters);
    expect(restored.score(rows)).toBe(hmm.score(rows));
  });

  it('predictProba rows sum to 1 and MAP decoding is their argmax', () => {
    const hmm = weather();
    const x = hmm.sample(300, { seed: 1 }).observations;
    const sequences = { observations: x, lengths: [100, 150, 50] };
    const gamma = hmm.predictProba(sequences);
    expect(gamma).toHaveLength(300);
    for (let t = 0; t < 300; t++) expect((gamma[t]?.[0] as number) + (gamma[t]?.[1] as number) - 1).toBeCloseTo(0, 12);
    const map = hmm.decode(sequences, { algorithm: 'map' }).states;
    for (let t = 0; t < 300; t++) expect(map[t]).toBe((gamma[t]?.[1] as number) > (gamma[t]?.[0] as number) ? 1 : 0);
    // predict is the Viterbi path, one state per time step.
    expect(hmm.predict(sequences)).toEqual(hmm.decode(sequences).states);
    const decoded = hmm.decode(sequences);
    expect(decoded.sequences).toHaveLength(3);
    expect(decoded.logProbability).toBeCloseTo(decoded.sequences.reduce((s, d) => s + d.logProbability, 0), 9);
    // The Viterbi path's joint probability never exceeds the sequence's total probability.
    const scores = hmm.scoreSamples(sequences);
    decoded.sequences.forEach((d, s) => expect(d.logProbability).toBeLessThanOrEqual(scores[s] as number));
  });

  it('sample is seeded and honours startState', () => {
    const hmm = weather();
    const a = hmm.sample(50, { seed: 7 });
    const b = hmm.sample(50, { seed: 7 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.observations).toEqual(b.observations);
    for (let seed = 0; seed < 10; seed++) expect(hmm.sample(5, { seed, startState: 1 }).labels[0]).toBe(1);
    // Long-run state frequencies approach the stationary distribution.
    const long = hmm.sample(100_000, { seed: 3 }).labels;
    const share = long.reduce((n, s) => n + s, 0) / long.length;
    expect(share).toBeCloseTo(hmm.stationaryDistribution()[1] as number, 2);
  });

  it('stationaryDistribution solves π A = π (also for reducible chains)', () => {
    const pi = weather().stationaryDistribution();
    expect(pi[0]).toBeCloseTo(4 / 7, 14);
    expect(pi[1]).toBeCloseTo(3 / 7, 14);
    const a = Float64Array.from([0.5, 0.5, 0, 0, 0.2, 0.3, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const reducible = stationaryDistribution(a, 4, Float64Array.from([1, 0, 0, 0]));
    const next = [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, i) => s + (reducible[i] as number) * (a[i * 4 + j] as number), 0));
    next.forEach((v, j) => expect(v).toBeCloseTo(reducible[j] as number, 3));
    expect(reducible.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('bic/aic follow the lower-is-better convention with the fitted parameter count', () => {
    const data = weather().sample(400, { seed: 9 }).observations;
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 }, seed: 1 });
    const result = hmm.fit(data);
    // 1 start + 2 transition + 2·2 emission free parameters.
    expect(result.freeParameters).toBe(7);
    expect(hmm.bic(data)).toBeCloseTo(-2 * hmm.logLikelihood(data) + 7 * Math.log(400), 9);
    expect(hmm.aic(data)).toBeCloseTo(-2 * hmm.logLikelihood(data) + 14, 9);
    // score is the mean log-likelihood per time step, as for every estimator.
    expect(hmm.score(data)).toBeCloseTo(hmm.logLikelihood(data) / 400, 12);
    expect(hmm.bic(data)).toBeCloseTo(result.bic, 6);
  });

  it('fitAsync without an executor equals fit', async () => {
    const data = weather().sample(400, { seed: 4 }).observations;
    const options = { states: 2, emission: { type: 'categorical', symbols: 3 } as const, seed: 8 };
    const sync = new HiddenMarkovModel(options).fit({ observations: data, lengths: [100, 300] });
    const asynchronous = await new HiddenMarkovModel(options).fitAsync({ observations: data, lengths: [100, 300] });
    expect(asynchronous.history).toEqual(sync.history);
  });

  it('accepts a Sequences container', () => {
    const hmm = weather();
    const rows = DenseMatrix.from([0, 1, 2, 2, 1]);
    expect(hmm.score(new Sequences(rows, [2, 3]))).toBe(hmm.score({ observations: rows, lengths: [2, 3] }));
  });
});
