import { describe, expect, it } from 'vitest';
import { createMixtureModel, DenseMatrix, fitEm, logSumExp, mixtureFamily, Random, silentContext } from '../src/index.js';
import { gaussianFamily } from './helpers/families.js';

const inner = gaussianFamily();
const x = DenseMatrix.from([-2.1, -1.9, 0.3, 0.1, 2.2, 2.8, 3.1, -0.4]);

describe('mixtureFamily', () => {
  const family = mixtureFamily(inner, { components: 2 });
  const components = { weights: Float64Array.from([0.3, 0.7, 0.5, 0.5]), inner: { means: Float64Array.from([-2, 0, 2, 3]) } };

  it('log f_k(x) = log Σ_m w_km f_{kM+m}(x)', () => {
    const out = new Float64Array(x.rows * 2);
    family.logDensities(family.prepare(components), x, 0, x.rows, out);
    const innerOut = new Float64Array(x.rows * 4);
    inner.logDensities(inner.prepare(components.inner), x, 0, x.rows, innerOut);
    for (let i = 0; i < x.rows; i++) {
      for (let k = 0; k < 2; k++) {
        const terms = [0, 1].map((m) => Math.log(components.weights[k * 2 + m] as number) + (innerOut[i * 4 + k * 2 + m] as number));
        expect(out[i * 2 + k]).toBeCloseTo(logSumExp(terms), 13);
      }
    }
  });

  it('accumulate splits each weight among sub-components (sums preserved)', () => {
    const weights = new Float64Array(x.rows * 2).map((_, j) => 0.1 + (j % 3) * 0.2);
    const stats = family.zeroStatistics(components);
    family.accumulate(family.prepare(components), stats, x, 0, x.rows, weights);
    const total = weights.reduce((a, b) => a + b, 0);
    expect(stats.weightSums.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
    expect(stats.inner['mass']?.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 12);
  });

  it('with M = 1 it is the inner family', () => {
    const single = mixtureFamily(inner, { components: 1 });
    const c = { weights: Float64Array.from([1, 1]), inner: { means: Float64Array.from([-1, 2]) } };
    const a = new Float64Array(x.rows * 2);
    const b = new Float64Array(x.rows * 2);
    single.logDensities(single.prepare(c), x, 0, x.rows, a);
    inner.logDensities(inner.prepare(c.inner), x, 0, x.rows, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(single.freeParameterCount(c)).toBe(inner.freeParameterCount(c.inner));
  });

  it('a mixture over mixtureFamily components fits monotonically and round-trips JSON', () => {
    const model = createMixtureModel(family, { components: 2 });
    const data = { observations: x };
    const result = fitEm(model, data, { seed: 3, maxIterations: 30, tolerance: 0 });
    for (let i = 1; i < result.history.length; i++) expect(result.history[i] as number).toBeGreaterThanOrEqual((result.history[i - 1] as number) - 1e-9 * Math.abs(result.history[i - 1] as number));
    const json = family.componentsToJSON(result.parameters.components);
    expect(family.componentsToJSON(family.componentsFromJSON(JSON.parse(JSON.stringify(json))))).toEqual(json);
    expect(() => family.validateComponents(result.parameters.components)).not.toThrow();
  });

  it('initializeFromWeights and sample stay within the K·M layout', () => {
    const weights = new Float64Array(x.rows * 2).map((_, j) => (j % 2 === 0 ? 1 : 0));
    const c = family.initializeFromWeights(x, weights, 2, silentContext);
    expect(c.weights.length).toBe(4);
    expect(inner.componentCount(c.inner)).toBe(4);
    const out = new Float64Array(1);
    family.sample(c, 1, new Random(1), out);
    expect(Number.isFinite(out[0])).toBe(true);
    expect(() => mixtureFamily(inner, { components: 0 })).toThrow(/components must be an integer/);
  });
});
