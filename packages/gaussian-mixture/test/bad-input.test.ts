import { DegenerateModelError, FormatError, InvalidDataError, InvalidOptionsError, InvalidParametersError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { faithful, GaussianMixture, gaussianMixtureModel } from './helpers.js';

const data = faithful();
const good = { weights: [0.5, 0.5], means: [[2, 55], [4.5, 80]], covariances: [[[1, 0], [0, 30]], [[1, 0], [0, 30]]] };

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('bad input gives typed errors naming the problem and the remedy', () => {
  it('empty data', () => {
    const error = thrown(() => new GaussianMixture({ components: 1 }).fit([]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/no rows.*at least one/i);
  });

  it('K < 1 and non-integer K', () => {
    for (const components of [0, -1, 1.5]) {
      const error = thrown(() => new GaussianMixture({ components }));
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect(error.message).toMatch(/components must be an integer ≥ 1/);
    }
  });

  it('K > N', () => {
    const error = thrown(() => new GaussianMixture({ components: 5 }).fit([[1, 2], [3, 4], [5, 7]]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/5 components to 3 observations.*at most 3/);
  });

  it('Infinity, naming row and column', () => {
    const rows = data.map((r) => [...r]);
    (rows[17] as number[])[1] = Infinity;
    const error = thrown(() => new GaussianMixture({ components: 2 }).fit(rows)) as InvalidDataError;
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/\[17\]\[1\] = Infinity is infinite/);
    expect(error.details).toMatchObject({ row: 17, column: 1 });
  });

  it('NaN when missing-value support is off, naming row and column and the option', () => {
    const rows = data.map((r) => [...r]);
    (rows[4] as number[])[0] = Number.NaN;
    const error = thrown(() => new GaussianMixture({ components: 2 }).fit(rows)) as InvalidDataError;
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/\[4\]\[0\] = NaN.*missing-value support/);
    expect(() => new GaussianMixture({ components: 2, missingValues: true }).fit(rows)).not.toThrow();
  });

  it('dimension mismatch between data and initial parameters', () => {
    const error = thrown(() => new GaussianMixture({ components: 2, init: { ...good, means: [[2, 55, 1], [4.5, 80, 1]] } }).fit(data));
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect(error.message).toMatch(/means has 6 values.*2×2 = 4/);
  });

  it('dimension mismatch between data and a fitted model', () => {
    const model = new GaussianMixture({ components: 2, seed: 1 });
    model.fit(data);
    const error = thrown(() => model.predict([[1, 2, 3]]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/3 columns but the Gaussian components have dimension 2/);
  });

  it('weights that do not sum to 1', () => {
    const error = thrown(() => new GaussianMixture({ components: 2, init: { ...good, weights: [0.5, 0.6] } }).fit(data));
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect(error.message).toMatch(/weights sum to 1\.1.*Normalise/);
  });

  it('non-symmetric initial covariance', () => {
    const error = thrown(() => new GaussianMixture({ components: 2, init: { ...good, covariances: [[[1, 0.5], [0, 30]], [[1, 0], [0, 30]]] } }).fit(data));
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect(error.message).toMatch(/covariances\[0\] is not symmetric.*transpose/);
  });

  it('non-positive-definite initial covariance, with its smallest eigenvalue', () => {
    const error = thrown(() => new GaussianMixture({ components: 2, init: { ...good, covariances: [[[1, 0], [0, 30]], [[1, 6], [6, 30]]] } }).fit(data));
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect(error.message).toMatch(/covariances\[1\] is not positive definite \(smallest eigenvalue -.*\).*positive-definite/);
  });

  it('non-positive variances for diagonal and spherical covariances', () => {
    expect(() => new GaussianMixture({ components: 2, covariance: 'diagonal', init: { ...good, covariances: [[1, 0], [1, 1]] } }).fit(data)).toThrow(/diagonal covariances\[0\]\[1\] = 0 is not a positive/);
    expect(() => new GaussianMixture({ components: 2, covariance: 'spherical', init: { ...good, covariances: [1, -1] } }).fit(data)).toThrow(/spherical covariances\[1\] = -1/);
  });

  it('wrongly shaped covariances for the type', () => {
    // K full matrices are accepted for every model (checked against its constraint); other lengths are not.
    const error = thrown(() => new GaussianMixture({ components: 2, covariance: 'tied', init: { ...good, covariances: [1, 0, 30] } }).fit(data));
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect(error.message).toMatch(/tied covariances have 3 values; expected 4 \(shape \[2\]\[2\]\)/);
  });

  it('all points identical', () => {
    const error = thrown(() => new GaussianMixture({ components: 1 }).fit([[3, 4], [3, 4], [3, 4]]));
    expect(error).toBeInstanceOf(InvalidDataError);
    expect(error.message).toMatch(/All 3 rows of the data are identical/);
  });

  it('a singular start without regularisation names the component and the remedies', () => {
    // Two clusters of collinear points: each k-means cluster has a singular covariance.
    const rows = [[0, 0], [1, 1], [2, 2], [10, 0], [11, 1], [12, 2]];
    const error = thrown(() => new GaussianMixture({ components: 2, regCovar: 0, seed: 3 }).fit(rows));
    expect(error).toBeInstanceOf(DegenerateModelError);
    expect(error.message).toMatch(/Component \d.*fewer components, a larger regCovar.*rescale/s);
    // The default prior makes the same fit well-posed.
    expect(() => new GaussianMixture({ components: 2, seed: 3 }).fit(rows)).not.toThrow();
  });

  it('bad options: covariance type, regCovar, init, tolerance, sample weights', () => {
    expect(() => new GaussianMixture({ components: 2, covariance: 'diagnol' as never })).toThrow(InvalidOptionsError);
    expect(() => new GaussianMixture({ components: 2, regCovar: -1 })).toThrow(/regCovar must be a finite number ≥ 0/);
    expect(() => new GaussianMixture({ components: 2, init: 'k-means' as never })).toThrow(/init must be one of/);
    expect(() => new GaussianMixture({ components: 2, tolerance: -1 }).fit(data)).toThrow(/tolerance must be/);
    expect(() => new GaussianMixture({ components: 2, weightConcentration: 0.5 })).toThrow(/weightConcentration must be ≥ 1/);
    expect(() => new GaussianMixture({ components: 2 }).fit(data, { sampleWeights: [1, 2] })).toThrow(/sampleWeights has 2 entries but the data has 272 rows/);
    expect(() => new GaussianMixture({ components: 2 }).fit(data, { sampleWeights: data.map((_, i) => (i === 3 ? -1 : 1)) })).toThrow(/sampleWeights\[3\] = -1/);
  });

  it('ragged rows and non-numbers', () => {
    expect(() => new GaussianMixture({ components: 1 }).fit([[1, 2], [3]])).toThrow(/Row 1 has 1 values but row 0 has 2/);
    expect(() => new GaussianMixture({ components: 1 }).fit([[1, 2], [3, '4' as unknown as number]])).toThrow(/row 1, column 1 is not a number/);
  });

  it('using an unfitted model, and malformed saved models', () => {
    expect(() => new GaussianMixture({ components: 2 }).predict(data)).toThrow(/GaussianMixture\.predict needs fitted parameters.*has not been fitted.*Call fit/);
    expect(() => GaussianMixture.fromJSON('{not json')).toThrow(FormatError);
    expect(() => GaussianMixture.fromJSON({ format: 'em-model', formatVersion: 1, kind: 'hmm', config: { kind: 'hmm', options: {} }, parameters: {} })).toThrow(/holds a "hmm" model/);
    const model = new GaussianMixture({ components: 2, seed: 1 });
    model.fit(data);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    json.parameters.weights = [0.2, 0.2];
    expect(() => GaussianMixture.fromJSON(json)).toThrow(/weights sum to 0.4/);
  });

  it('the EmModel rejects mismatched components', () => {
    const model = gaussianMixtureModel({ components: 2, covariance: 'diagonal' });
    expect(() =>
      model.validateParameters({ weights: Float64Array.from([0.5, 0.5]), components: { covarianceType: 'full', dimension: 1, means: Float64Array.from([0, 1]), covariances: Float64Array.from([1, 1]) } }),
    ).toThrow(/covariance type "full" but the model was built for "diagonal"/);
  });
});
