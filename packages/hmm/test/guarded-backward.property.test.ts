// The guarded backward loops (states without forward mass carry nothing) against the fast loops
// where both are finite: the same posteriors and expected counts up to round-off. fast-check
// prints the seed and path of any counterexample.
import { Random } from '@em/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForwardBackwardWorkspace, type ForwardOutcome, backwardGuarded, backwardScaled, forwardScaled } from '../src/index.js';

interface Statistics {
  readonly gamma: Float64Array;
  readonly start: Float64Array;
  readonly transitions: Float64Array;
  readonly occupancy: Float64Array;
  readonly logLikelihood: number;
}

function run(k: number, logDensities: Float64Array, start: Float64Array, transition: Float64Array, guarded: boolean): Statistics {
  const length = logDensities.length / k;
  const workspace = new ForwardBackwardWorkspace();
  workspace.ensure(length, k);
  workspace.emission.set(logDensities);
  const outcome: ForwardOutcome = { logLikelihood: 0, impossibleAt: -1 };
  forwardScaled(k, length, start, transition, workspace, outcome);
  const sums = { start: new Float64Array(k), transitions: new Float64Array(k * k), occupancy: new Float64Array(k) };
  if (guarded) backwardGuarded(k, length, transition, workspace, sums.start, sums.transitions, sums.occupancy);
  else backwardScaled(k, length, transition, workspace, sums.start, sums.transitions, sums.occupancy);
  return { gamma: workspace.forward.slice(0, length * k), ...sums, logLikelihood: outcome.logLikelihood };
}

/** A random row-stochastic matrix with roughly `zeros` of its off-diagonal entries structurally zero. */
function chain(k: number, random: Random, zeros: number): { start: Float64Array; transition: Float64Array } {
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) {
      const value = i !== j && random.next() < zeros ? 0 : 0.05 + random.next();
      transition[i * k + j] = value;
      total += value;
    }
    for (let j = 0; j < k; j++) transition[i * k + j] = (transition[i * k + j] as number) / total;
  }
  const start = new Float64Array(k);
  start[0] = 1;
  return { start, transition };
}

function expectClose(actual: Float64Array, expected: Float64Array, scale: number): void {
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(1e-10 * Math.max(1, scale));
}

describe('guarded backward loops', () => {
  it('equal the fast loops (K = 2, unrolled K, general K) wherever the sequence is possible', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3, 7, 20),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.7, noNaN: true }),
        fc.double({ min: 0.1, max: 30, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (k, length, zeros, spread, seed) => {
          const random = new Random(seed);
          const { start, transition } = chain(k, random, zeros);
          const logDensities = Float64Array.from({ length: length * k }, () => -spread * random.next());
          const fast = run(k, logDensities, start, transition, false);
          fc.pre(Number.isFinite(fast.logLikelihood));
          const guarded = run(k, logDensities, start, transition, true);
          expect(guarded.logLikelihood).toBe(fast.logLikelihood);
          expectClose(guarded.gamma, fast.gamma, 1);
          expectClose(guarded.start, fast.start, 1);
          expectClose(guarded.occupancy, fast.occupancy, length);
          expectClose(guarded.transitions, fast.transitions, length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stay finite where the fast loops overflow (a state the chain cannot reach explains the data far better)', () => {
    // State 1 can never be entered (start and transitions 0) yet fits every step 600 nats better
    // than state 0: its β̂ grows by e^600 per step and overflows, and 0 · ∞ = NaN in the fast loops.
    const k = 2;
    const length = 6;
    const start = Float64Array.from([1, 0]);
    const transition = Float64Array.from([1, 0, 0, 1]);
    const logDensities = new Float64Array(length * k);
    for (let t = 0; t < length; t++) logDensities[t * k] = -600;
    const fast = run(k, logDensities, start, transition, false);
    expect(fast.logLikelihood).toBeCloseTo(-600 * length, 9);
    expect(fast.occupancy.some(Number.isNaN)).toBe(true);
    const guarded = run(k, logDensities, start, transition, true);
    expect(guarded.logLikelihood).toBe(fast.logLikelihood);
    // The only path stays in state 0.
    expect(Array.from(guarded.start)).toEqual([1, 0]);
    expectClose(guarded.occupancy, Float64Array.from([length, 0]), length);
    expectClose(guarded.transitions, Float64Array.from([length - 1, 0, 0, 0]), length);
    for (let t = 0; t < length; t++) expect([guarded.gamma[2 * t], guarded.gamma[2 * t + 1]]).toEqual([1, 0]);
  });
});
