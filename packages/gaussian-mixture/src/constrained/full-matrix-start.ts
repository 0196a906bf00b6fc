import { InvalidParametersError } from '@em/core';
import { validateGaussianComponents, type GaussianComponents } from '../gaussian-components.js';
import { toStorage } from './constrained-maximization.js';
import { validateCovarianceConstraint } from './covariance-constraint.js';
import { storageOf, type CovarianceModel } from './covariance-models.js';

/**
 * Components of a model from K full D×D covariance matrices (K·D·D row-major), whatever the
 * model's storage: the matrices are checked as symmetric positive definite and against the
 * model's constraint (to CONSTRAINT_TOLERANCE, naming the violated volume, shape or orientation),
 * then stored as the model stores them. This is how a fit's Σ_k, or mclust's, become a start.
 */
export function componentsFromFullCovariances(model: CovarianceModel, dimension: number, means: Float64Array, covariances: Float64Array): GaussianComponents {
  const k = means.length / dimension;
  if (covariances.length !== k * dimension * dimension) {
    throw new InvalidParametersError(
      `${k} full ${dimension}×${dimension} covariance matrices need ${k * dimension * dimension} values; got ${covariances.length}.`,
      `Shape covariances as [${k}][${dimension}][${dimension}].`,
      { parameter: 'covariances', expected: k * dimension * dimension, length: covariances.length },
    );
  }
  const full: GaussianComponents = { covarianceType: 'full', dimension, means, covariances };
  validateGaussianComponents(full, 'full');
  validateCovarianceConstraint(full, model);
  const storage = storageOf(model);
  return { covarianceType: storage, dimension, means, covariances: storage === 'full' ? covariances : toStorage(model, covariances, k, dimension) };
}
