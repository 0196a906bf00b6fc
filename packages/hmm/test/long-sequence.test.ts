// Accuracy of the scaled forward recursion on one sequence of 10^6 steps, against a reference
// computed here in log space (log-sum-exp per state, no scaling) whose per-step increments are
// summed with Neumaier compensation.
import { DenseMatrix, Random, Sequences } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createHmmModel } from '../src/index.js';

function referenceLogLikelihood(start: number[], transition: number[][], emission: number[][], x: Float64Array): number {
  const k = start.length;
  const logA = transition.map((row) => row.map(Math.log));
  let previous = start.map((p, j) => Math.log(p) + Math.log(emission[j]?.[x[0] as number] as number));
  let sum = 0;
  let compensation = 0;
  const add = (term: number): void => {
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
  };
  // Normalise in log space each step; the log-normalisers are the increments of log p(x_1..t).
  const normalise = (values: number[]): number[] => {
    const max = Math.max(...values);
    const lse = max + Math.log(values.reduce((s, v) => s + Math.exp(v - max), 0));
    add(lse);
    return values.map((v) => v - lse);
  };
  previous = normalise(previous);
  const current = new Array<number>(k);
  for (let t = 1; t < x.length; t++) {
    for (let j = 0; j < k; j++) {
      let max = -Infinity;
      for (let i = 0; i < k; i++) max = Math.max(max, (previous[i] as number) + (logA[i]?.[j] as number));
      let s = 0;
      for (let i = 0; i < k; i++) s += Math.exp((previous[i] as number) + (logA[i]?.[j] as number) - max);
      current[j] = max + Math.log(s) + Math.log(emission[j]?.[x[t] as number] as number);
    }
    previous = normalise(current);
  }
  return sum + compensation;
}

describe('long sequences', () => {
  it('log p(x) of a 10^6-step sequence agrees with a compensated log-space reference to 1e-10 relative', () => {
    const start = [0.5, 0.5];
    const transition = [
      [0.95, 0.05],
      [0.1, 0.9],
    ];
    const emission = [
      [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6],
      [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
    ];
    const family = categoricalFamily({ categories: [6], pseudocount: 0 });
    const model = createHmmModel(family, { states: 2 });
    const params = {
      startProbabilities: Float64Array.from(start),
      transitionMatrix: Float64Array.from(transition.flat()),
      emissions: family.componentsFromJSON({ probabilities: emission.map((row) => [row]) }),
    };
    const drawn = model.sample(params, 1_000_000, new Random(42));
    const data = new Sequences(new DenseMatrix(drawn.observations, 1_000_000, 1));
    const ours = model.logLikelihood(params, data);
    const reference = referenceLogLikelihood(start, transition, emission, drawn.observations);
    const relative = Math.abs(ours - reference) / Math.abs(reference);
    console.info(`10^6 steps: log p = ${ours}, reference ${reference}, relative difference ${relative.toExponential(2)}`);
    expect(relative).toBeLessThan(1e-10);
    // The E-step's total is the same number, and its posteriors stay normalised to the end.
    const { logLikelihood, statistics } = model.eStep(params, data);
    expect(Math.abs(logLikelihood - reference) / Math.abs(reference)).toBeLessThan(1e-10);
    const occupancy = statistics.occupancy.reduce((a, b) => a + b, 0);
    expect(Math.abs(occupancy - 1_000_000)).toBeLessThan(1e-6);
  });
});

describe('tiny per-step normalisers', () => {
  it('a step whose probability is 1e-150 still gives the exact log-likelihood (product kept in range)', () => {
    const family = categoricalFamily({ categories: [2], pseudocount: 0 });
    const model = createHmmModel(family, { states: 2 });
    const params = {
      startProbabilities: Float64Array.from([1, 0]),
      transitionMatrix: Float64Array.from([1 - 1e-150, 1e-150, 0.5, 0.5]),
      emissions: family.componentsFromJSON({ probabilities: [[[1, 0]], [[0, 1]]] }),
    };
    // 5000 steps in state 0 (symbol 0), then the forced 1e-150 jump to state 1 (symbol 1): c_t = 1e-150.
    const x = [...Array.from({ length: 5000 }, () => 0), 1, 1, 1];
    const data = new Sequences(DenseMatrix.from(x));
    const exact = Math.log(1e-150) + 2 * Math.log(0.5); // (1 − 1e-150)^4999 = 1 in float64
    expect(Math.abs(referenceLogLikelihood([1, 0], [[1 - 1e-150, 1e-150], [0.5, 0.5]], [[1, 0], [0, 1]], Float64Array.from(x)) - exact)).toBeLessThan(1e-12);
    expect(Math.abs(model.logLikelihood(params, data) - exact) / Math.abs(exact)).toBeLessThan(1e-13);
  });
});
