import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accumulateInto,
  cloneStatistics,
  createMixtureModel,
  DEFAULT_SPARSE_SETTINGS,
  DenseMatrix,
  fitEm,
  fitEmAsync,
  fitEmIncremental,
  InProcessExecutor,
  InvalidOptionsError,
  Random,
  type EmModel,
  type FitEvent,
  type FitResult,
  type MixtureData,
  type MixtureParameters,
} from '../src/index.js';
import { gaussianMixture, gaussianSample, poissonFamily, type MeanComponents } from './helpers/families.js';

// Neal–Hinton sparse EM (fit/sparse-em.ts, mixture/sparse-estep.ts) on core's test families:
// these families have no row-list kernels, so the sparse E-steps run through the fallback path
// (every density computed, the active pairs picked out); the Gaussian package tests the row-list kernels.

const seeded = (seed: number): string => `seed ${seed}`;

function expectNeverDecreases(history: readonly number[], where: string): void {
  for (let t = 1; t < history.length; t++) {
    const previous = history[t - 1] as number;
    const drop = previous - (history[t] as number);
    if (drop > 1e-9 * Math.max(1, Math.abs(previous))) throw new Error(`${where}: history decreased at ${t}: ${previous} → ${history[t]}`);
  }
}

function separatedData(seed: number, n = 600): DenseMatrix {
  return gaussianSample(n, [0.3, 0.2, 0.25, 0.25], [-12, -4, 3, 11], seed);
}

function poissonData(seed: number, n: number): DenseMatrix {
  const random = new Random(seed);
  const rates = [0.5, 4, 15, 40];
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rate = rates[random.categorical([0.25, 0.25, 0.25, 0.25])] as number;
    // Knuth's product method (rates ≤ 40 here).
    let count = 0;
    let product = random.next();
    const limit = Math.exp(-rate);
    while (product > limit && count < 1000) {
      count++;
      product *= random.next();
    }
    data[i] = count;
  }
  return DenseMatrix.fromArray(data, n, 1);
}

describe('sparse EM (estep: sparse)', () => {
  it('never decreases the free energy (1-D Gaussian with priors, Poisson, sample weights, chunks; property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(0, 1e-6, 1e-3, 0.05, 0.3),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('gaussian', 'gaussian-prior', 'poisson'),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        (seed, k, threshold, every, kind, weighted, chunks) => {
          const where = `${seeded(seed)}, k ${k}, threshold ${threshold}, every ${every}, ${kind}, weighted ${weighted}, chunks ${chunks}`;
          const observations = kind === 'poisson' ? poissonData(seed, 300) : gaussianSample(300, [0.4, 0.3, 0.3], [-3, 0, 4], seed);
          const random = new Random(seed + 1);
          const data: MixtureData<DenseMatrix> = weighted
            ? { observations, sampleWeights: Float64Array.from({ length: 300 }, () => (random.next() < 0.1 ? 0 : 0.5 + random.next())) }
            : { observations };
          const model =
            kind === 'poisson'
              ? createMixtureModel(poissonFamily(), { components: k })
              : gaussianMixture(k, { priorStrength: kind === 'gaussian-prior' ? 0.5 : 0 }, { weightConcentration: kind === 'gaussian-prior' ? 2 : 1 });
          const events: FitEvent[] = [];
          const result = (fitEm as (m: unknown, d: unknown, o: unknown) => FitResult<unknown>)(model, data, {
            seed,
            tolerance: 0,
            maxIterations: 25,
            estep: 'sparse',
            sparseThreshold: threshold,
            fullEStepEvery: every,
            chunks,
            onEvent: (e: FitEvent) => events.push(e),
          });
          expectNeverDecreases(result.history, where);
          expect(events.filter((e) => e.type === 'objective-decreased'), where).toEqual([]);
          expect(result.estep).toBe('sparse');
          expect(result.history).toHaveLength(26);
          return true;
        },
      ),
      { numRuns: 40 },
    );
  });

  it('at a full E-step the free energy equals the log-likelihood (q the posterior), and frozen + active statistics are the full ones', () => {
    for (const seed of [1, 2, 3]) {
      const model = gaussianMixture(4);
      const data = { observations: separatedData(seed) };
      const params = fitEm(model, data, { seed, maxIterations: 3 }).parameters as MixtureParameters<MeanComponents>;
      for (const threshold of [0, 1e-8, 1e-3, 0.2]) {
        const stepper = model.createSparseEStepper(data, threshold);
        const full = stepper.full(params);
        const sparse = stepper.sparse(params);
        // F(q, θ) at the same θ: active part + frozen energy + frozen entropy.
        const free = sparse.activeFreeEnergy + full.frozenEnergy + full.frozenEntropy;
        expect(Math.abs(free - full.logLikelihood), `${seeded(seed)}, threshold ${threshold}`).toBeLessThan(1e-10 * Math.abs(full.logLikelihood));
        expect(full.logLikelihood).toBeCloseTo(model.logLikelihood(params, data), 8);
        const combined = accumulateInto(cloneStatistics(full.frozenStatistics), sparse.statistics);
        const plain = model.eStep(params, data).statistics;
        for (const key of ['weightSums'] as const) {
          for (let j = 0; j < 4; j++) expect(combined[key][j]).toBeCloseTo(plain[key][j] as number, 9);
        }
        for (let j = 0; j < 4; j++) {
          expect(combined.components.mass[j]).toBeCloseTo(plain.components.mass[j] as number, 9);
          expect(combined.components.sum[j]).toBeCloseTo(plain.components.sum[j] as number, 8);
        }
        expect(full.activePairs).toBeLessThanOrEqual(full.pairs);
        if (threshold === 0) expect(full.activePairs).toBe(full.pairs);
      }
    }
  });

  it('records the free energy F(q, θ) exactly between full E-steps (checked against a direct sum over every pair)', () => {
    const model = gaussianMixture(4);
    const data = { observations: separatedData(5) };
    const n = data.observations.rows;
    const seen: MixtureParameters<MeanComponents>[] = [];
    const threshold = 1e-3;
    const result = fitEm(model, data, { seed: 5, tolerance: 0, maxIterations: 3, estep: 'sparse', sparseThreshold: threshold, onIteration: (info) => seen.push(info.parameters) });
    expect(Number.isNaN(result.logLikelihoodHistory[1])).toBe(true);
    const [theta0, theta1] = seen as [MixtureParameters<MeanComponents>, MixtureParameters<MeanComponents>];
    const q0 = model.responsibilities(theta0, data);
    const q1 = model.responsibilities(theta1, data);
    // log π_k f_k(x_i; θ1) for the 1-D unit-variance family.
    let free = 0;
    for (let i = 0; i < n; i++) {
      const x = data.observations.data[i] as number;
      let activeMass = 0;
      let activePosterior = 0;
      for (let k = 0; k < 4; k++) {
        if ((q0[i * 4 + k] as number) >= threshold) {
          activeMass += q0[i * 4 + k] as number;
          activePosterior += q1[i * 4 + k] as number;
        }
      }
      for (let k = 0; k < 4; k++) {
        const logJoint = Math.log(theta1.weights[k] as number) - 0.5 * Math.log(2 * Math.PI) - 0.5 * (x - (theta1.components.means[k] as number)) ** 2;
        const q = (q0[i * 4 + k] as number) >= threshold ? (activeMass * (q1[i * 4 + k] as number)) / activePosterior : (q0[i * 4 + k] as number);
        if (q > 0) free += q * (logJoint - Math.log(q));
      }
    }
    expect(Math.abs((result.history[1] as number) - free)).toBeLessThan(1e-9 * Math.abs(free));
    expect(result.history[1] as number).toBeLessThanOrEqual(model.logLikelihood(theta1, data) + 1e-9);
  });

  it('with threshold 0 (every component active) takes full EM steps (trajectory to 1e-12)', () => {
    for (const [seed, k] of [
      [1, 3],
      [7, 5],
    ] as const) {
      const model = gaussianMixture(k);
      const data = { observations: gaussianSample(400, [0.5, 0.5], [-1, 1.5], seed) };
      const plain = fitEm(model, data, { seed, tolerance: 0, maxIterations: 40 });
      const sparse = fitEm(model, data, { seed, tolerance: 0, maxIterations: 40, estep: 'sparse', sparseThreshold: 0, fullEStepEvery: 7 });
      for (let t = 0; t < plain.history.length; t++) {
        expect(Math.abs((sparse.history[t] as number) - (plain.history[t] as number)), `${seeded(seed)}, t ${t}`).toBeLessThan(1e-12 * Math.abs(plain.history[t] as number));
      }
      const a = plain.parameters as MixtureParameters<MeanComponents>;
      const b = sparse.parameters as MixtureParameters<MeanComponents>;
      for (let j = 0; j < k; j++) expect(Math.abs((a.components.means[j] as number) - (b.components.means[j] as number))).toBeLessThan(1e-11);
      // Every pair active: a sparse pass touches all N·K pairs, so it counts as a whole pass.
      expect(sparse.eSteps).toBeCloseTo(plain.eSteps, 12);
    }
  });

  it('reaches full EM’s optimum on well-separated data (1e-7 relative), converging only at a full E-step', () => {
    for (const seed of [11, 12, 13]) {
      const model = gaussianMixture(4);
      const data = { observations: separatedData(seed, 2000) };
      const start = model.initialize(data, new Random(seed));
      const plain = fitEm(model, data, { initialParameters: start });
      const sparse = fitEm(model, data, { initialParameters: start, estep: 'sparse', sparseThreshold: 1e-3, fullEStepEvery: 4 });
      expect(plain.converged && sparse.converged, seeded(seed)).toBe(true);
      expect(Math.abs(sparse.logLikelihood - plain.logLikelihood) / Math.abs(plain.logLikelihood), seeded(seed)).toBeLessThan(1e-7);
      // The last entry is a full E-step: its log-likelihood is known and is the reported one.
      const last = sparse.logLikelihoodHistory[sparse.logLikelihoodHistory.length - 1] as number;
      expect(last).toBe(sparse.logLikelihood);
      expect(sparse.objective).toBe(sparse.history[sparse.history.length - 1]);
      // Some entries were sparse (NaN log-likelihood), and sparse passes count as fractions.
      expect(sparse.logLikelihoodHistory.some((v) => Number.isNaN(v))).toBe(true);
      expect(Number.isInteger(sparse.eSteps)).toBe(false);
      expect(sparse.historyESteps).toHaveLength(sparse.history.length);
    }
  });

  it('never declares convergence on a sparse step, even when the free energy stalls there', () => {
    // A large tolerance is met by the first sparse change; the stop must wait for a full E-step.
    const model = gaussianMixture(4);
    const data = { observations: separatedData(21) };
    const result = fitEm(model, data, { seed: 21, tolerance: 1e-2, estep: 'sparse', sparseThreshold: 1e-3, fullEStepEvery: 50 });
    expect(result.converged).toBe(true);
    expect(Number.isNaN(result.logLikelihoodHistory[result.logLikelihoodHistory.length - 1] as number)).toBe(false);
    expect(result.logLikelihood).toBeCloseTo(model.logLikelihood(result.parameters, data), 8);
  });

  it('ends on an exact log-likelihood at maxIterations (the last E-step is full)', () => {
    const model = gaussianMixture(3);
    const data = { observations: separatedData(3) };
    const result = fitEm(model, data, { seed: 3, tolerance: 0, maxIterations: 6, estep: 'sparse', fullEStepEvery: 100 });
    expect(result.stopReason).toBe('maxIterations');
    expect(result.logLikelihoodHistory[6]).toBe(result.logLikelihood);
    expect(result.logLikelihood).toBeCloseTo(model.logLikelihood(result.parameters, data), 8);
    expect(result.logLikelihoodHistory.slice(1, 6).every((v) => Number.isNaN(v))).toBe(true);
  });

  it('refuses invalid settings and combinations with an InvalidOptionsError naming the option', () => {
    const model = gaussianMixture(2);
    const data = { observations: separatedData(1, 100) };
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ estep: 'partial' }, 'estep'],
      [{ estep: 'sparse', fullEStepEvery: 0 }, 'fullEStepEvery'],
      [{ estep: 'sparse', fullEStepEvery: 2.5 }, 'fullEStepEvery'],
      [{ fullEStepEvery: -1 }, 'fullEStepEvery'],
      [{ estep: 'sparse', sparseThreshold: 1 }, 'sparseThreshold'],
      [{ estep: 'sparse', sparseThreshold: -0.1 }, 'sparseThreshold'],
      [{ estep: 'sparse', sparseThreshold: Number.NaN }, 'sparseThreshold'],
      [{ estep: 'sparse', sparseThreshold: '0.1' }, 'sparseThreshold'],
      [{ estep: 'sparse', acceleration: 'squarem' }, 'estep'],
    ];
    for (const [options, option] of bad) {
      const fit = (): unknown => (fitEm as (m: unknown, d: unknown, o: unknown) => unknown)(model, data, options);
      expect(fit, JSON.stringify(options)).toThrow(InvalidOptionsError);
      try {
        fit();
      } catch (error) {
        expect((error as InvalidOptionsError).details['option']).toBe(option);
      }
    }
    expect(() => fitEmIncremental(model, data, { estep: 'sparse' })).toThrow(/incremental/);
    const toy: EmModel<number, number, { readonly [key: string]: Float64Array }> = {
      ...(model as unknown as EmModel<number, number, { readonly [key: string]: Float64Array }>),
      config: { kind: 'no-sparse', options: null },
    };
    const withoutSparse = Object.assign(Object.create(Object.getPrototypeOf(model) as object) as object, model, { createSparseEStepper: undefined, config: toy.config });
    expect(() => (fitEm as (m: unknown, d: unknown, o: unknown) => unknown)(withoutSparse, data, { estep: 'sparse' })).toThrow(/no-sparse has none/);
  });

  it('refuses an executor (the sparse state lives in this thread)', async () => {
    const model = gaussianMixture(2);
    const data = { observations: separatedData(1, 100) };
    await expect(fitEmAsync(model, data, { estep: 'sparse', executor: new InProcessExecutor() })).rejects.toThrow(InvalidOptionsError);
  });

  it('has documented defaults', () => {
    expect(DEFAULT_SPARSE_SETTINGS.fullEStepEvery).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_SPARSE_SETTINGS.sparseThreshold).toBeGreaterThan(0);
    const model = gaussianMixture(2);
    const result = fitEm(model, { observations: separatedData(2, 100) }, { seed: 2 });
    expect(result.estep).toBe('full');
  });
});
