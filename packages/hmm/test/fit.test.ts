import { DenseMatrix, type FitEvent, Random, Sequences, maxAbsDifference, maxAbsValue } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel, HiddenMarkovModel } from '../src/index.js';

/** The dishonest casino: a fair die and a loaded one (6 shows half the time). */
const casino = {
  startProbabilities: [0.5, 0.5],
  transitionMatrix: [
    [0.95, 0.05],
    [0.1, 0.9],
  ],
  emissions: { probabilities: [[[1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6]], [[0.1, 0.1, 0.1, 0.1, 0.1, 0.5]]] },
};

function casinoModel() {
  return new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 } }).setModelParameters({
    startProbabilities: Float64Array.from(casino.startProbabilities),
    transitionMatrix: Float64Array.from(casino.transitionMatrix.flat()),
    emissions: categoricalFamily({ categories: [6] }).componentsFromJSON(casino.emissions),
  });
}

function rolls(length: number, seed: number): DenseMatrix {
  return DenseMatrix.from(casinoModel().sample(length, { seed }).observations);
}

/** No step of the objective history goes down by more than round-off. */
function expectMonotone(history: readonly number[]): void {
  for (let i = 1; i < history.length; i++) {
    expect(history[i] as number).toBeGreaterThanOrEqual((history[i - 1] as number) - 1e-9 * Math.max(1, Math.abs(history[i - 1] as number)));
  }
}

describe('Baum–Welch fits', () => {
  it('recovers the casino and never decreases the objective (with and without priors)', () => {
    const data = rolls(10_000, 1);
    for (const priors of [undefined, { start: 1, transitions: 2 }]) {
      const hmm = new HiddenMarkovModel({
        states: 2,
        emission: { type: 'categorical', symbols: 6, pseudocount: priors === undefined ? 0 : 0.5 },
        init: { transitionMatrix: [[0.9, 0.1], [0.1, 0.9]] },
        seed: 3,
        nInit: 3,
        tolerance: 1e-4,
        maxIterations: 300,
        ...(priors === undefined ? {} : { priors }),
      });
      const result = hmm.fit(data);
      expectMonotone(result.history);
      expect(result.runs).toHaveLength(3);
      const six = hmm.parameters.emissions as { probabilities: number[][][] };
      const loaded = six.probabilities.map((p) => p[0]?.[5] as number);
      expect(Math.max(...loaded)).toBeGreaterThan(0.4);
      expect(Math.min(...loaded)).toBeLessThan(0.25);
      expect(hmm.logLikelihood(data)).toBeCloseTo(result.logLikelihood, 8);
    }
  });

  it('is reproducible for a seed', () => {
    const data = rolls(2_000, 2);
    const a = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, seed: 9 }).fit(data);
    const b = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, seed: 9 }).fit(data);
    expect(a.history).toEqual(b.history);
  });

  it('history has n + 1 entries and maxIterations 0 evaluates the given init', () => {
    const data = rolls(500, 3);
    const init = { startProbabilities: casino.startProbabilities, transitionMatrix: casino.transitionMatrix, emissions: casino.emissions };
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, init, maxIterations: 0 });
    const result = hmm.fit(data);
    expect(result.history).toHaveLength(1);
    expect(result.iterations).toBe(0);
    expect(result.logLikelihood).toBeCloseTo(casinoModel().logLikelihood(data), 10);
    const three = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, init, maxIterations: 3, tolerance: 0 }).fit(data);
    expect(three.history).toHaveLength(4);
    expect(three.history[0]).toBe(result.history[0]);
  });

  it('statistics of split data add up to the statistics of the whole (sequences are never cut)', () => {
    const data = new Sequences(rolls(3_000, 4), [700, 300, 1000, 50, 950]);
    const family = categoricalFamily({ categories: [6], pseudocount: 0 });
    const model = createHmmModel(family, { states: 2 });
    const params = model.initialize(data, new Random(5));
    const whole = model.eStep(params, data);
    const parts = model.splitData(data, 3);
    expect(parts.length).toBe(3);
    parts.forEach((part) => expect(part.totalLength).toBe(part.lengths.reduce((a, b) => a + b, 0)));
    const merged = parts.map((p) => model.eStep(params, p)).reduce((a, b) => ({
      statistics: { start: add(a.statistics.start, b.statistics.start), transitions: add(a.statistics.transitions, b.statistics.transitions), occupancy: add(a.statistics.occupancy, b.statistics.occupancy), emissions: { counts: add(a.statistics.emissions.counts, b.statistics.emissions.counts) } },
      logLikelihood: a.logLikelihood + b.logLikelihood,
    }));
    expect(maxAbsDifference(merged.statistics, whole.statistics)).toBeLessThan(1e-9 * maxAbsValue(whole.statistics));
    expect(Math.abs(merged.logLikelihood - whole.logLikelihood)).toBeLessThan(1e-9 * Math.abs(whole.logLikelihood));
    // Expected transitions + start counts account for every time step.
    const xi = whole.statistics.transitions.reduce((a, b) => a + b, 0);
    expect(xi + whole.statistics.start.reduce((a, b) => a + b, 0)).toBeCloseTo(data.totalLength, 8);
  });

  it('structural zeros (left-right topology) stay zero', () => {
    const leftRight = [
      [0.8, 0.2, 0],
      [0, 0.8, 0.2],
      [0, 0, 1],
    ];
    const lengths = Array.from({ length: 30 }, () => 40);
    const data = new HiddenMarkovModel({ states: 3, emission: { type: 'categorical', symbols: 3 } }).setModelParameters({
      startProbabilities: Float64Array.from([1, 0, 0]),
      transitionMatrix: Float64Array.from(leftRight.flat()),
      emissions: categoricalFamily({ categories: [3] }).componentsFromJSON({ probabilities: [[[0.8, 0.1, 0.1]], [[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]]] }),
    });
    const rows: number[] = [];
    for (let s = 0; s < lengths.length; s++) rows.push(...data.sample(40, { seed: s }).observations.flat());
    for (const priors of [undefined, { transitions: 1, start: 1 }]) {
      const hmm = new HiddenMarkovModel({
        states: 3,
        emission: { type: 'categorical', symbols: 3 },
        init: { startProbabilities: [1, 0, 0], transitionMatrix: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]] },
        seed: 1,
        ...(priors === undefined ? {} : { priors }),
      });
      const result = hmm.fit({ observations: rows, lengths });
      expectMonotone(result.history);
      const a = hmm.parameters.transitionMatrix;
      expect([a[1]?.[0], a[2]?.[0], a[2]?.[1], a[0]?.[2]]).toEqual([0, 0, 0, 0]);
      expect(hmm.parameters.startProbabilities).toEqual([1, 0, 0]);
      // Structural zeros are not free parameters: 0 (start) + 1 + 1 + 0 (rows) + 3·2 (emissions).
      expect(result.freeParameters).toBe(8);
    }
  });

  it('frozen start/transitions/emissions keep their initial values', () => {
    const data = rolls(1_000, 6);
    const init = { startProbabilities: [0.3, 0.7], transitionMatrix: [[0.6, 0.4], [0.3, 0.7]] };
    const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, init, update: { start: false, transitions: false }, seed: 2 });
    const result = hmm.fit(data);
    expectMonotone(result.history);
    expect(hmm.parameters.startProbabilities).toEqual(init.startProbabilities);
    expect(hmm.parameters.transitionMatrix).toEqual(init.transitionMatrix);
    const frozenEmissions = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, init: { emissions: casino.emissions }, update: { emissions: false }, seed: 2 });
    frozenEmissions.fit(data);
    expect(frozenEmissions.parameters.emissions).toEqual(categoricalFamily({ categories: [6] }).componentsToJSON(categoricalFamily({ categories: [6] }).componentsFromJSON(casino.emissions)));
    // Frozen groups are not free parameters: only the 2·5 emission probabilities remain.
    expect(result.freeParameters).toBe(10);
  });

  it('a state that receives no posterior mass keeps its row, reports empty-state, and produces no NaN', () => {
    // State 2 cannot be reached (zero start and zero transitions into it).
    const events: FitEvent[] = [];
    const hmm = new HiddenMarkovModel({
      states: 3,
      emission: { type: 'categorical', symbols: 6 },
      init: { startProbabilities: [0.5, 0.5, 0], transitionMatrix: [[0.9, 0.1, 0], [0.1, 0.9, 0], [0.3, 0.3, 0.4]] },
      seed: 4,
      maxIterations: 5,
    });
    const result = hmm.fit(rolls(2_000, 7), { onEvent: (e) => events.push(e) });
    expect(result.history.every(Number.isFinite)).toBe(true);
    const flat = [...hmm.parameters.startProbabilities, ...hmm.parameters.transitionMatrix.flat()];
    expect(flat.every(Number.isFinite)).toBe(true);
    expect(hmm.parameters.transitionMatrix[2]).toEqual([0.3, 0.3, 0.4]);
    const empty = events.filter((e) => e.type === 'degenerate-component' && e.reason === 'empty-state');
    expect(empty.length).toBeGreaterThan(0);
    expect(empty.every((e) => e.type === 'degenerate-component' && e.component === 2)).toBe(true);
  });
});

describe('empty states with Gaussian emissions', () => {
  it('an unreachable state keeps its Gaussian and its row; no NaN anywhere', () => {
    const events: FitEvent[] = [];
    const rows = Array.from({ length: 400 }, (_, t) => [(Math.floor(t / 40) % 2) * 5 + Math.sin(t * 3.1)]);
    const hmm = new HiddenMarkovModel({
      states: 3,
      emission: { type: 'gaussian', covariance: 'full' },
      init: {
        startProbabilities: [0.5, 0.5, 0],
        transitionMatrix: [[0.9, 0.1, 0], [0.1, 0.9, 0], [0.2, 0.2, 0.6]],
        emissions: { covarianceType: 'full', dimension: 1, means: [0, 5, 100], covariances: [1, 1, 1] },
      },
      maxIterations: 10,
      tolerance: 0,
    });
    const result = hmm.fit(rows, { onEvent: (e) => events.push(e) });
    expect(result.history.every(Number.isFinite)).toBe(true);
    const emissions = hmm.parameters.emissions as { means: number[]; covariances: number[] };
    expect([...emissions.means, ...emissions.covariances].every(Number.isFinite)).toBe(true);
    expect(emissions.means[2]).toBe(100);
    expect(hmm.parameters.transitionMatrix[2]).toEqual([0.2, 0.2, 0.6]);
    expect(events.some((e) => e.type === 'degenerate-component' && e.reason === 'empty-state' && e.component === 2)).toBe(true);
  });
});

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + (b[i] as number));
}
