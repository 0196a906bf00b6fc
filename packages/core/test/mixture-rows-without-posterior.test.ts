import { afterEach, describe, expect, it } from 'vitest';
import { createMixtureModel, DenseMatrix, ImpossibleObservationError, mixtureFamily, NumericalError, type ComponentFamily, type MixtureParameters } from '../src/index.js';
import { disableSimdResponsibilities } from '../src/mixture/responsibilities-simd.js';
import { gaussianFamily, type MeanComponents, type MeanStatistics } from './helpers/families.js';

/**
 * Issue 10, item 5: a row whose log-densities give no posterior (−∞ under every component, or a
 * NaN / +∞ among them) never comes back as NaN responsibilities, a silent class 0 or a NaN
 * score: NaN and +∞ are NumericalErrors naming row and component; −∞ everywhere is an overflow
 * (NumericalError) for a family whose densities are positive, an impossible observation otherwise.
 * With the SIMD normalisation and with the TypeScript loops.
 */

type Family = ComponentFamily<MeanComponents, DenseMatrix, MeanStatistics>;
const params: MixtureParameters<MeanComponents> = { weights: Float64Array.of(0.5, 0.5), components: { means: Float64Array.of(-1, 1) } };

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The test Gaussian family with one log-density replaced (row `row`, component `component`). */
function withValue(row: number, component: number, value: number, positiveDensities: boolean): Family {
  const base = gaussianFamily();
  return {
    ...base,
    positiveDensities,
    logDensities(prepared, x, start, end, out) {
      base.logDensities(prepared, x, start, end, out);
      if (row >= start && row < end) out[(row - start) * 2 + component] = value;
    },
  };
}

const rows = DenseMatrix.from([0.5, -0.2, 1.3, 0.1, -2]);
/** 1e200² overflows: the test family's log-density is −∞ under both components for row 3. */
const overflowing = DenseMatrix.from([0.5, -0.2, 1.3, 1e200, -2]);

afterEach(() => disableSimdResponsibilities(false));

for (const simd of [true, false]) {
  describe(`rows without a posterior (${simd ? 'SIMD' : 'TypeScript'} normalisation)`, () => {
    it('−∞ under every component for a family with positive densities is an overflow, in every pass', () => {
      disableSimdResponsibilities(!simd);
      const model = createMixtureModel({ ...gaussianFamily(), positiveDensities: true }, { components: 2 });
      const data = { observations: overflowing };
      for (const call of [
        () => model.eStep(params, data),
        () => model.logLikelihood(params, data),
        () => model.scoreSamples(params, data),
        () => model.responsibilities(params, data),
        () => model.predict(params, data),
      ]) {
        const error = errorOf(call);
        expect(error).toBeInstanceOf(NumericalError);
        expect((error as NumericalError).details['row']).toBe(3);
        expect((error as Error).message).toMatch(/Observation 3 .*overflow/);
        expect((error as NumericalError).remedy).toMatch(/Rescale/);
      }
      // A zero-weight row is dropped, as for impossible rows.
      const weighted = { observations: overflowing, sampleWeights: Float64Array.of(1, 1, 1, 0, 1) };
      expect(Number.isFinite(model.eStep(params, weighted).logLikelihood)).toBe(true);
      expect(Number.isFinite(model.logLikelihood(params, weighted))).toBe(true);
    });

    it('−∞ under every component otherwise: impossible — scores −∞, responsibilities and predict throw naming the row', () => {
      disableSimdResponsibilities(!simd);
      const model = createMixtureModel(gaussianFamily(), { components: 2 });
      const data = { observations: overflowing };
      expect(errorOf(() => model.eStep(params, data))).toBeInstanceOf(ImpossibleObservationError);
      expect(model.logLikelihood(params, data)).toBe(-Infinity);
      expect(model.scoreSamples(params, data)[3]).toBe(-Infinity);
      for (const call of [() => model.responsibilities(params, data), () => model.predict(params, data)]) {
        const error = errorOf(call);
        expect(error).toBeInstanceOf(ImpossibleObservationError);
        expect((error as ImpossibleObservationError).details['row']).toBe(3);
      }
    });

    for (const [name, value] of [
      ['NaN', Number.NaN],
      ['+∞', Number.POSITIVE_INFINITY],
    ] as const) {
      for (const positiveDensities of [true, false]) {
        it(`a ${name} log-density beside a finite one is a NumericalError naming row and component (positiveDensities: ${positiveDensities})`, () => {
          disableSimdResponsibilities(!simd);
          const model = createMixtureModel(withValue(3, 1, value, positiveDensities), { components: 2 });
          const data = { observations: rows };
          for (const call of [
            () => model.eStep(params, data),
            () => model.logLikelihood(params, data),
            () => model.scoreSamples(params, data),
            () => model.responsibilities(params, data),
            () => model.predict(params, data),
          ]) {
            const error = errorOf(call);
            expect(error).toBeInstanceOf(NumericalError);
            expect((error as NumericalError).details['row']).toBe(3);
            expect((error as NumericalError).details['component']).toBe(1);
            expect((error as Error).message).toContain(name);
          }
        });
      }
    }

    it('NaN under every component is a NumericalError too (not an impossible observation)', () => {
      disableSimdResponsibilities(!simd);
      const base = gaussianFamily();
      const family: Family = {
        ...base,
        logDensities(prepared, x, start, end, out) {
          base.logDensities(prepared, x, start, end, out);
          if (3 >= start && 3 < end) out.fill(Number.NaN, (3 - start) * 2, (3 - start) * 2 + 2);
        },
      };
      const model = createMixtureModel(family, { components: 2 });
      for (const call of [() => model.eStep(params, { observations: rows }), () => model.scoreSamples(params, { observations: rows }), () => model.predict(params, { observations: rows })]) {
        const error = errorOf(call);
        expect(error).toBeInstanceOf(NumericalError);
        expect((error as NumericalError).details['row']).toBe(3);
      }
    });
  });
}

describe('a mixture family (mixture components) keeps its inner family\'s positive densities', () => {
  it('an overflowing row is a NumericalError through the nested mixture too', () => {
    const nested = mixtureFamily({ ...gaussianFamily(), positiveDensities: true }, { components: 2 });
    expect(nested.positiveDensities).toBe(true);
    expect(mixtureFamily(gaussianFamily(), { components: 2 }).positiveDensities).toBeUndefined();
    const model = createMixtureModel(nested, { components: 2 });
    const nestedParams = { weights: Float64Array.of(0.5, 0.5), components: { weights: Float64Array.of(0.3, 0.7, 1, 0), inner: { means: Float64Array.of(-1, -2, 1, 2) } } };
    const error = errorOf(() => model.predict(nestedParams, { observations: overflowing }));
    expect(error).toBeInstanceOf(NumericalError);
    expect((error as NumericalError).details['row']).toBe(3);
    // Ordinary rows still have posteriors: finite, summing to 1.
    const r = model.responsibilities(nestedParams, { observations: rows });
    for (let i = 0; i < rows.rows; i++) expect(Math.abs((r[2 * i] as number) + (r[2 * i + 1] as number) - 1)).toBeLessThan(1e-12);
  });
});
