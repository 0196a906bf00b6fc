// The forward–backward loops come in three kinds (K = 2 in scalars, the WebAssembly kernels for
// K ≥ 3, the general TypeScript loops — the kernels' fallback) and two inputs (log-densities, or densities already scaled by a
// categorical table). All must give the same E-step up to round-off.
import { DenseMatrix, ImpossibleObservationError, Random, Sequences } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import { afterEach, describe, expect, it } from 'vitest';
import { createHmmModel, ForwardBackwardWorkspace, forwardScaled, KERNEL_CHUNK, useForwardBackwardKernels } from '../src/index.js';
import { wasmModule } from '../src/generated/forward-backward.wasm.js';
import { testCategoricalFamily } from './fixtures/test-families.js';

afterEach(() => useForwardBackwardKernels(true));

function randomRows(random: Random, rows: number, width: number, floor: number): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(random.dirichlet(new Float64Array(width).fill(1)).map((p) => (1 - width * floor) * p + floor), r * width);
  return out;
}

/** Largest |actual − expected| relative to the largest |expected| (one assertion per array). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    const difference = Math.abs((actual[i] as number) - (expected[i] as number));
    worst = Number.isNaN(difference) ? Infinity : Math.max(worst, difference);
  }
  expect(worst).toBeLessThanOrEqual(relative * scale);
}

describe('forward–backward kernels agree', () => {
  it.each([2, 3, 4, 5, 7, 10, 16, 17, 33])('K = %i: kernels or general loops, table-scaled or log-densities', (k) => {
    const m = 6;
    const random = new Random(100 + k);
    const start = randomRows(random, 1, k, 0.01);
    const transition = randomRows(random, k, k, 0.01);
    const probabilities = randomRows(random, k, m, 0.01);
    const lengths = [1, 2, 57, 300, 2 * KERNEL_CHUNK + 17]; // the last one crosses the kernels' chunk boundaries
    const total = lengths.reduce((a, b) => a + b, 0);
    const data = new Sequences(new DenseMatrix(new Float64Array(total).map(() => random.integer(m)), total, 1), lengths);
    const table = createHmmModel(categoricalFamily({ categories: [m], pseudocount: 0 }), { states: k });
    const logPath = createHmmModel(testCategoricalFamily(m), { states: k });
    const tableParameters = { startProbabilities: start, transitionMatrix: transition, emissions: { probabilities, categories: [m], components: k } };
    const logParameters = { startProbabilities: start, transitionMatrix: transition, emissions: { probabilities, states: k, symbols: m } };
    const results = [];
    for (const kernels of [true, false]) {
      useForwardBackwardKernels(kernels);
      results.push({ e: table.eStep(tableParameters, data), gamma: table.posteriors(tableParameters, data) });
      const e = logPath.eStep(logParameters, data);
      results.push({ e: { logLikelihood: e.logLikelihood, statistics: { ...e.statistics, emissions: e.statistics.emissions } }, gamma: logPath.posteriors(logParameters, data) });
    }
    const reference = results[3] as (typeof results)[number]; // general loops on log-densities: the original path
    for (const r of results) {
      expect(Math.abs(r.e.logLikelihood - reference.e.logLikelihood)).toBeLessThanOrEqual(1e-13 * Math.abs(reference.e.logLikelihood));
      expectClose(r.gamma, reference.gamma, 1e-12);
      expectClose(r.e.statistics.start, reference.e.statistics.start, 1e-12);
      expectClose(r.e.statistics.transitions, reference.e.statistics.transitions, 1e-12);
      expectClose(r.e.statistics.occupancy, reference.e.statistics.occupancy, 1e-12);
    }
    // The categorical family's counts (transposed M×K) against the test family's (K×M).
    const counts = (results[0]?.e.statistics.emissions as { counts: Float64Array }).counts;
    const testCounts = (reference.e.statistics.emissions as { counts: Float64Array }).counts;
    const transposed = new Float64Array(k * m);
    for (let s = 0; s < m; s++) for (let c = 0; c < k; c++) transposed[c * m + s] = counts[s * k + c] as number;
    expectClose(transposed, testCounts, 1e-12);
  });

  it.each([2, 5, 17])('K = %i: an impossible symbol and an unreachable state are reported at their position', (k) => {
    const m = 3;
    const probabilities = new Float64Array(k * m);
    // Symbol 2 has probability 0 in every state; symbol 1 only in state k − 1.
    for (let c = 0; c < k; c++) probabilities.set(c === k - 1 ? [0.5, 0.5, 0] : [1, 0, 0], c * m);
    const transition = new Float64Array(k * k);
    for (let i = 0; i < k; i++) transition[i * k + (i < k - 1 ? i : 0)] = 1; // state k − 1 is never entered
    const start = new Float64Array(k).fill(1 / (k - 1));
    start[k - 1] = 0;
    const model = createHmmModel(categoricalFamily({ categories: [m], pseudocount: 0 }), { states: k });
    const params = { startProbabilities: start, transitionMatrix: transition, emissions: { probabilities, categories: [m], components: k } };
    for (const kernels of [true, false]) {
      useForwardBackwardKernels(kernels);
      const impossible = new Sequences(DenseMatrix.from([0, 0, 0, 2, 0]), [5]);
      const error = (() => {
        try {
          model.eStep(params, impossible);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ImpossibleObservationError);
      expect((error as ImpossibleObservationError).details['position']).toBe(3);
      expect((error as Error).message).toMatch(/zero density under every state/);
      const unreachable = new Sequences(DenseMatrix.from([0, 0, 1, 0]), [4]);
      expect(() => model.eStep(params, unreachable)).toThrow(/position 2 .*reachable only through/);
      expect(model.logLikelihood(params, unreachable)).toBe(-Infinity);
    }
  });
});

describe('forward–backward workspace', () => {
  it('lays its buffers out in the kernels\' memory for K ≥ 3 (WebAssembly available) and in ordinary arrays otherwise', () => {
    expect(wasmModule()).toBeDefined();
    const workspace = new ForwardBackwardWorkspace();
    workspace.ensure(10, 3);
    expect(workspace.forward.byteOffset).toBeGreaterThan(0); // after the chain and table buffers
    workspace.ensure(10, 2);
    expect(workspace.forward.byteOffset).toBe(0);
    useForwardBackwardKernels(false);
    workspace.ensure(10, 3);
    expect(workspace.forward.byteOffset).toBe(0);
  });

  it('keeps every view valid after growing (longer sequences, more symbols, an emission buffer added)', () => {
    const workspace = new ForwardBackwardWorkspace();
    workspace.ensure(5, 4, false, 3);
    const first = workspace.forward;
    workspace.ensure(200_000, 4, false, 3);
    expect(first.length).toBe(0); // detached by the growth
    workspace.ensure(10, 4, true, 50);
    for (const view of [workspace.emission, workspace.forward, workspace.scales, workspace.shifts, workspace.backward, workspace.outer]) expect(view.length).toBeGreaterThan(0);
    expect(workspace.forward.length).toBeGreaterThanOrEqual(200_000 * 4);
    expect(workspace.emission.length).toBe(workspace.forward.length);
    // The buffers do not overlap.
    workspace.forward.fill(1);
    workspace.emission.fill(2);
    workspace.scales.fill(3);
    workspace.shifts.fill(4);
    expect(workspace.forward.every((v) => v === 1)).toBe(true);
    expect(workspace.emission.every((v) => v === 2)).toBe(true);
    expect(workspace.scales.every((v) => v === 3)).toBe(true);
  });
});

describe('forward kernel on log-densities', () => {
  it('exponentiates exactly as exponential.ts on [−700, 0], and to within 1e−300 below', () => {
    const k = 5;
    const length = 400;
    const random = new Random(7);
    const logs = new Float64Array(length * k);
    for (let t = 0; t < length; t++) {
      // One entry per row is the row maximum 0; the others spread over [−760, 0] with the edges.
      for (let j = 1; j < k; j++) logs[t * k + j] = [-700, -700.5, -745.5, -760, -Infinity][(t + j) % 23] ?? -760 * random.next();
      logs[t * k + (t % k)] = 0;
    }
    const start = new Float64Array(k).fill(1 / k);
    const transition = new Float64Array(k * k).fill(1 / k);
    const densities: Float64Array[] = [];
    for (const kernels of [true, false]) {
      useForwardBackwardKernels(kernels);
      const workspace = new ForwardBackwardWorkspace();
      workspace.ensure(length, k);
      workspace.emission.set(logs);
      const outcome = { logLikelihood: 0, impossibleAt: -1 };
      forwardScaled(k, length, start, transition, workspace, outcome);
      expect(outcome.impossibleAt).toBe(-1);
      densities.push(workspace.emission.slice(0, length * k));
    }
    const [kernel, general] = densities as [Float64Array, Float64Array];
    let exact = 0;
    for (let i = 0; i < length * k; i++) {
      if ((logs[i] as number) >= -700) {
        expect(kernel[i]).toBe(general[i]);
        exact++;
      } else expect(Math.abs((kernel[i] as number) - (general[i] as number))).toBeLessThanOrEqual(1e-300);
    }
    expect(exact).toBeGreaterThan(length);
  });
});
