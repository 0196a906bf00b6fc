import { describe, expect, it } from 'vitest';
import {
  aic,
  bestByCriterion,
  bic,
  fitEm,
  FORMAT_VERSION,
  FormatError,
  MODEL_FORMAT,
  parseSerializedModel,
  serializeModel,
  type FitMetadata,
} from '../src/index.js';
import { gaussianMixture, gaussianSample } from './helpers/families.js';

function formatError(input: unknown, expectedKind?: string): FormatError {
  try {
    parseSerializedModel(input, expectedKind);
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).code).toBe('FORMAT');
    expect((error as FormatError).remedy.length).toBeGreaterThan(5);
    return error as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('model persistence', () => {
  const awkward = [0.1 + 0.2, 1e-300, 5e-324, -1.7976931348623157e308, 1 / 3, -0, 2 ** 53 + 2, Math.PI];

  it('round-trips a fitted model through JSON text exactly', () => {
    const model = gaussianMixture(2);
    const data = { observations: gaussianSample(200, [0.5, 0.5], [-2, 2], 4) };
    const fit = fitEm(model, data, { seed: 1 });
    const metadata: FitMetadata = { logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged, bic: fit.bic, stopReason: fit.stopReason };
    const text = JSON.stringify(serializeModel(model.config.kind, model.config, model.parametersToJSON(fit.parameters), metadata));
    const doc = parseSerializedModel(text, 'test-gaussian-mixture');
    expect(doc.format).toBe(MODEL_FORMAT);
    expect(doc.formatVersion).toBe(FORMAT_VERSION);
    expect(doc.config).toEqual(model.config);
    expect(doc.fit).toEqual(metadata);
    const back = model.parametersFromJSON(doc.parameters);
    expect(back).toEqual(fit.parameters);
    expect(model.logLikelihood(back, data)).toBe(fit.logLikelihood);
  });

  it('keeps awkward floats bit for bit (−0 is written as 0, which compares equal)', () => {
    const doc = serializeModel('k', { kind: 'k', options: { values: awkward } }, { values: awkward }, { objective: 0.1 + 0.2 });
    const back = parseSerializedModel(JSON.stringify(doc));
    const values = (back.parameters as { values: number[] }).values;
    expect(values).toHaveLength(awkward.length);
    values.forEach((v, i) => expect(v === awkward[i], `value ${i}`).toBe(true));
    expect(Object.is(values[5], 0)).toBe(true);
    expect(back.fit?.objective).toBe(0.30000000000000004);
  });

  it('accepts an already-parsed object, and drops undefined or non-finite metadata', () => {
    const doc = serializeModel('k', { kind: 'k', options: null }, [1, 2], { logLikelihood: Number.NaN, bic: Infinity, iterations: 3, extra: undefined });
    expect(doc.fit).toEqual({ iterations: 3 });
    expect(parseSerializedModel(doc)).toBe(doc);
    expect(serializeModel('k', { kind: 'k', options: null }, 1)).not.toHaveProperty('fit');
  });

  it('refuses to write non-finite numbers (JSON would turn them into null), naming the path', () => {
    let error: unknown;
    try {
      serializeModel('k', { kind: 'k', options: {} }, { weights: [0.5, 0.5], components: { logRates: [0, -Infinity] } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(/parameters\.components\.logRates\[1\] = -Infinity cannot be written as JSON/);
    expect(() => serializeModel('k', { kind: 'k', options: { tolerance: Number.NaN } }, 1)).toThrow(/config\.options\.tolerance = NaN/);
  });

  it('rejects bad input with FormatError naming the problem', () => {
    const good = serializeModel('gmm', { kind: 'gmm', options: {} }, { weights: [1] });
    expect(formatError('{not json').message).toMatch(/not valid JSON/);
    expect(formatError('[1, 2]').message).toMatch(/must be a JSON object/);
    expect(formatError(null).message).toMatch(/must be a JSON object/);
    expect(formatError({ ...good, format: 'other' }).message).toMatch(/format is "other", expected "em-model"/);
    expect(formatError({ ...good, formatVersion: FORMAT_VERSION + 1 }).message).toMatch(/Unsupported model format version 2/);
    expect(formatError({ ...good, formatVersion: FORMAT_VERSION + 1 }).remedy).toMatch(/Upgrade/);
    expect(formatError({ ...good, formatVersion: 0 }).message).toMatch(/version 0/);
    expect(formatError({ ...good, formatVersion: 0.5 }).message).toMatch(/version 0.5/);
    expect(formatError({ ...good, formatVersion: '1' }).message).toMatch(/version 1/);
    expect(formatError(good, 'hmm').message).toMatch(/holds a "gmm" model, not a "hmm"/);
    expect(formatError({ ...good, kind: 3 }).message).toMatch(/no "kind"/);
    expect(formatError({ ...good, config: { options: {} } }).message).toMatch(/no valid "config"/);
    const { parameters: _parameters, ...noParameters } = good;
    expect(formatError(noParameters).message).toMatch(/no "parameters"/);
  });
});

describe('information criteria', () => {
  it('BIC = −2 logL + p ln n and AIC = −2 logL + 2p (lower is better)', () => {
    expect(bic(-100, 5, 50)).toBeCloseTo(200 + 5 * Math.log(50), 12);
    expect(aic(-100, 5)).toBe(210);
    // More parameters with the same fit is penalised; a better fit with the same p wins.
    expect(bic(-100, 6, 50)).toBeGreaterThan(bic(-100, 5, 50));
    expect(aic(-90, 5)).toBeLessThan(aic(-100, 5));
  });

  it('bestByCriterion picks the lowest finite value, first on ties, −1 when empty', () => {
    const rows = [
      { bic: 10, aic: 3 },
      { bic: Number.NaN, aic: 1 },
      { bic: 7, aic: 3 },
      { bic: 7, aic: 2 },
    ];
    expect(bestByCriterion(rows)).toBe(2);
    expect(bestByCriterion(rows, 'aic')).toBe(1);
    expect(bestByCriterion([])).toBe(-1);
    expect(bestByCriterion([{ bic: Infinity, aic: Infinity }])).toBe(-1);
  });
});
