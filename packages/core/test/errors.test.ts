import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  assertFiniteAtLeast,
  assertInteger,
  DegenerateModelError,
  EmError,
  FormatError,
  ImpossibleObservationError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  objectiveOf,
  reduceEStepResults,
  silentContext,
} from '../src/index.js';
import { gaussianMixture } from './helpers/families.js';

describe('typed errors', () => {
  it.each([
    [InvalidDataError, 'INVALID_DATA'],
    [InvalidParametersError, 'INVALID_PARAMETERS'],
    [InvalidOptionsError, 'INVALID_OPTIONS'],
    [DegenerateModelError, 'DEGENERATE_MODEL'],
    [ImpossibleObservationError, 'IMPOSSIBLE_OBSERVATION'],
    [FormatError, 'FORMAT'],
  ] as const)('%o carries code, problem, remedy and details', (Type, code) => {
    const error = new Type('Row 3 is bad.', 'Fix row 3.', { row: 3 });
    expect(error).toBeInstanceOf(EmError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(Type.name);
    expect(error.message).toBe('Row 3 is bad. Fix row 3.');
    expect(error.remedy).toBe('Fix row 3.');
    expect(error.details).toEqual({ row: 3 });
  });

  it('AbortedError has a default message and no remedy', () => {
    const error = new AbortedError();
    expect(error.code).toBe('ABORTED');
    expect(error.message).toBe('The fit was aborted.');
  });

  it('assertInteger and assertFiniteAtLeast name the option and the accepted range', () => {
    expect(() => assertInteger(3, 'k', 1)).not.toThrow();
    expect(() => assertInteger(0, 'k', 1)).toThrow(/k must be an integer ≥ 1; got 0/);
    expect(() => assertInteger(2.5, 'k', 1)).toThrow(InvalidOptionsError);
    expect(() => assertInteger(11, 'k', 1, 10)).toThrow(/in \[1, 10\]/);
    expect(() => assertFiniteAtLeast(0.5, 'alpha', 0)).not.toThrow();
    expect(() => assertFiniteAtLeast(Infinity, 'alpha', 0)).toThrow(/alpha must be a finite number ≥ 0; got Infinity/);
    expect(() => assertFiniteAtLeast(Number.NaN, 'alpha', 0)).toThrow(InvalidOptionsError);
  });
});

describe('contract helpers', () => {
  it('objectiveOf adds the log prior; silentContext ignores reports', () => {
    const model = gaussianMixture(2, { priorStrength: 1 });
    const params = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(0, 1) } };
    expect(objectiveOf(model, params, -10)).toBeCloseTo(-10 + model.logPrior(params), 14);
    expect(model.logPrior(params)).toBeLessThan(0);
    expect(() => silentContext.report({ type: 'restart-failed', run: 0, message: 'x' })).not.toThrow();
  });

  it('reduceEStepResults sums statistics and log-likelihoods without mutating its inputs', () => {
    const a = { statistics: { n: Float64Array.of(1, 2) }, logLikelihood: -1 };
    const b = { statistics: { n: Float64Array.of(3, 4) }, logLikelihood: -2 };
    const sum = reduceEStepResults([a, b]);
    expect(Array.from(sum.statistics.n)).toEqual([4, 6]);
    expect(sum.logLikelihood).toBe(-3);
    expect(Array.from(a.statistics.n)).toEqual([1, 2]);
    expect(reduceEStepResults([a])).toBe(a);
    expect(() => reduceEStepResults([])).toThrow(InvalidOptionsError);
  });
});
