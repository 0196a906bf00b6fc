import { InvalidOptionsError } from '@em/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkEmConformance, DEFAULT_RUNS, LAW_NAMES, replayLine, resolveSettings, type EmConformanceOptions } from '../src/index.js';
import { correctModel, halfwayMStep, refusesSmallData, type PoissonModel } from './fixtures/broken-models.js';
import { perturbPoisson, poissonCaseArbitrary, type PoissonData, type PoissonParameters } from './fixtures/poisson-cases.js';
import { countsMatrix } from './fixtures/poisson-family.js';
import type { MixtureStatistics } from '@em/core';
import type { PoissonStatistics } from './fixtures/poisson-family.js';

type Options = EmConformanceOptions<PoissonParameters, PoissonData, MixtureStatistics<PoissonStatistics>>;

const base: Options = { model: correctModel, arbitraryCase: poissonCaseArbitrary(), perturb: perturbPoisson };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('seeds, runs and replay', () => {
  it('replays a failure exactly from the printed seed and path, in a single run', () => {
    vi.stubEnv('EM_CONFORMANCE_SEED', '');
    vi.stubEnv('EM_CONFORMANCE_PATH', '');
    const first = checkEmConformance({ ...base, model: halfwayMStep, seed: 7, runs: 30 }, ['m-step-maximizes-q']);
    const outcome = first.laws[0];
    expect(outcome?.status).toBe('failed');
    const path = outcome?.details?.counterexamplePath;
    expect(typeof path).toBe('string');
    expect(outcome?.message).toContain(replayLine(7, path ?? null));

    vi.stubEnv('EM_CONFORMANCE_SEED', '7');
    vi.stubEnv('EM_CONFORMANCE_PATH', path ?? '');
    const replayed = checkEmConformance({ ...base, model: halfwayMStep }, ['m-step-maximizes-q']).laws[0];
    expect(replayed?.status).toBe('failed');
    expect(replayed?.details?.numRuns).toBe(1);
    expect(fc.stringify(replayed?.details?.counterexample)).toBe(fc.stringify(outcome?.details?.counterexample));
  });

  it('prints a replay line whose -t filter is an escaped, single-quoted regular expression', () => {
    const testName = "gaussian mixture (full, prior + sample weights) EM conformance m-step-maximizes-q";
    const line = replayLine(5, '1:2', { testFile: 'test/conformance.test.ts', testName });
    expect(line).toBe(
      "EM_CONFORMANCE_SEED=5 EM_CONFORMANCE_PATH=\"1:2\" pnpm test test/conformance.test.ts -t 'gaussian mixture \\(full, prior \\+ sample weights\\) EM conformance m-step-maximizes-q'",
    );
    const pattern = /-t '(.*)'$/.exec(line)?.[1] ?? '';
    expect(new RegExp(pattern).test(`${testName}: the law's description`)).toBe(true);
    expect(replayLine(5, null)).toBe('EM_CONFORMANCE_SEED=5 pnpm test');
    expect(replayLine(5, null, { testName: "it's" })).toBe("EM_CONFORMANCE_SEED=5 pnpm test -t 'it'\\''s'");
  });

  it('takes runs and seed from the environment over the options, and defaults to 20 runs', () => {
    expect(resolveSettings({ ...base, seed: 3 }, {}).runs).toBe(DEFAULT_RUNS);
    expect(resolveSettings({ ...base, seed: 3 }, {}).seed).toBe(3);
    const fromEnvironment = resolveSettings({ ...base, seed: 3, runs: 5 }, { EM_CONFORMANCE_RUNS: '11', EM_CONFORMANCE_SEED: '-42', EM_CONFORMANCE_PATH: '1:0' });
    expect(fromEnvironment).toMatchObject({ runs: 11, seed: -42, path: '1:0' });
    const report = checkEmConformance({ ...base, runs: 3 }, ['serialization-round-trip']);
    expect(report.laws[0]?.details?.numRuns).toBe(process.env['EM_CONFORMANCE_RUNS'] === undefined ? 3 : Number(process.env['EM_CONFORMANCE_RUNS']));
    expect(Number.isInteger(report.seed)).toBe(true);
  });

  it('rejects malformed environment values and options with typed errors', () => {
    expect(() => resolveSettings(base, { EM_CONFORMANCE_RUNS: 'many' })).toThrow(InvalidOptionsError);
    expect(() => resolveSettings(base, { EM_CONFORMANCE_RUNS: '0' })).toThrow(/EM_CONFORMANCE_RUNS/);
    expect(() => resolveSettings(base, { EM_CONFORMANCE_SEED: '1.5' })).toThrow(/EM_CONFORMANCE_SEED/);
    expect(() => resolveSettings({ ...base, iterations: 0 }, {})).toThrow(/iterations/);
    expect(() => resolveSettings({ model: correctModel }, {})).toThrow(/arbitraryCase/);
  });
});

describe('opting out', () => {
  it('requires a reason, and reports the law as skipped with it', () => {
    expect(() => resolveSettings({ ...base, laws: { 'incremental-em': { skip: '  ' } } }, {})).toThrow(/without a reason/);
    const report = checkEmConformance({ ...base, model: halfwayMStep, seed: 1, runs: 5, laws: { 'm-step-maximizes-q': { skip: 'a demonstration' } } }, ['m-step-maximizes-q']);
    expect(report.laws[0]).toEqual({ law: 'm-step-maximizes-q', status: 'skipped', reason: 'a demonstration' });
    expect(report.failed).toEqual([]);
  });
});

describe('degenerate cases', () => {
  it('fail by default, naming the model error, and are discarded on request', () => {
    const failing = checkEmConformance({ ...base, model: refusesSmallData, seed: 5, runs: 30 }, ['monotone-objective']);
    expect(failing.laws[0]?.message).toMatch(/mStep at iteration 1 threw DegenerateModelError: Only/);
    const discarding = checkEmConformance({ ...base, model: refusesSmallData, seed: 5, runs: 30, degenerateCases: 'discard' });
    expect(discarding.failed).toEqual([]);
    expect(discarding.laws.every((outcome) => outcome.details?.numRuns === 30)).toBe(true);
    // Every law that runs an M-step met (and skipped) some small data sets.
    expect(discarding.laws.filter((outcome) => (outcome.details?.numSkips ?? 0) > 0).map((outcome) => outcome.law)).toEqual(LAW_NAMES.filter((law) => law !== 'statistics-algebra'));
  });
});

describe('case generation', () => {
  it('accepts arbitraryParameters with arbitraryData as a function of the parameters', () => {
    const options: Options = {
      model: (): PoissonModel => correctModel({ parameters: { weights: new Float64Array(2), components: { rates: new Float64Array(2) } }, data: { observations: countsMatrix([]) } }),
      arbitraryParameters: fc.tuple(fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.double({ min: 0.5, max: 20, noNaN: true })).map(([w, r]) => ({
        weights: Float64Array.of(w, 1 - w),
        components: { rates: Float64Array.of(r, r * 2) },
      })),
      arbitraryData: (parameters) => fc.array(fc.integer({ min: 0, max: Math.ceil(3 * (parameters.components.rates[1] as number)) }), { minLength: 4, maxLength: 30 }).map((counts) => ({ observations: countsMatrix(counts) })),
      perturb: perturbPoisson,
      seed: 11,
      runs: 10,
    };
    const report = checkEmConformance(options);
    expect(report.failed).toEqual([]);
  });

  it('reports an invalid generated case as a problem of the arbitrary, not of a law', () => {
    const report = checkEmConformance(
      { ...base, arbitraryCase: fc.constant({ parameters: { weights: Float64Array.of(0.5, 0.6), components: { rates: Float64Array.of(1, 2) } }, data: { observations: countsMatrix([1, 2, 3]) } }), seed: 1, runs: 2 },
      ['monotone-objective'],
    );
    expect(report.laws[0]?.message).toMatch(/validateParameters on the generated parameters \(fix the parameters arbitrary\) threw InvalidParametersError/);
  });

  it('rejects a perturb function that returns invalid parameters', () => {
    const report = checkEmConformance(
      { ...base, seed: 2, runs: 3, perturb: (parameters) => ({ ...parameters, weights: parameters.weights.map((w) => w * 2) }) },
      ['m-step-maximizes-q'],
    );
    expect(report.laws[0]?.message).toMatch(/perturb must return valid parameters/);
  });
});
