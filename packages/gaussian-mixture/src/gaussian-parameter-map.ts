import { CoordinateReader, CoordinateWriter, type ParameterMap } from '@em/core';
import type { CovarianceType, GaussianComponents } from './gaussian-components.js';
import { constrainedParameterMap, isOrientedCovarianceModel } from './constrained/constrained-parameter-map.js';

/**
 * Gaussian components ↔ ℝ^p, for accelerated fits (SQUAREM): means as they are, full and tied
 * covariances through their log-Cholesky factors (strict lower triangle of L, log of its diagonal),
 * diagonal and spherical variances through their logarithms. Frozen means or covariances
 * (`update: { … false }`) are read from the template, untouched by round-off.
 *
 * Which mclust models it serves: extrapolation is linear in these coordinates, so a model whose
 * constraint is a linear subspace of them stays inside it. That holds for every diagonal and
 * spherical model (EII, VII, EEI, VEI, EVI, VVI: equal variances, or a shared shape or volume, are
 * linear relations between log-variances) and for EEE (one tied matrix) and VVV (no constraint).
 * The models with a shared orientation, shape or volume of full matrices (VEE, EVE, VVE, EEV, VEV,
 * EVV) are not linear in log-Cholesky coordinates: `gaussianParameterMapFor` gives them their own
 * map (constrainedParameterMap: log volumes, log shapes with det A = 1, Cayley coordinates of the
 * orientations relative to the reference's).
 */
export function gaussianParameterMap(type: CovarianceType, update: { readonly means: boolean; readonly covariances: boolean }): ParameterMap<GaussianComponents> {
  return {
    toUnconstrained(components) {
      const writer = new CoordinateWriter().raw(components.means);
      const d = components.dimension;
      const covariances = components.covariances;
      switch (type) {
        case 'full':
          for (let k = 0; k < covariances.length / (d * d); k++) writer.logCholesky(covariances, d, k * d * d);
          break;
        case 'tied':
          writer.logCholesky(covariances, d);
          break;
        case 'diagonal':
        case 'spherical':
          writer.log(covariances);
          break;
      }
      return writer.result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const d = template.dimension;
      const means = reader.raw(new Float64Array(template.means.length));
      const covariances = new Float64Array(template.covariances.length);
      switch (type) {
        case 'full':
          for (let k = 0; k < covariances.length / (d * d); k++) reader.logCholesky(d, covariances, k * d * d);
          break;
        case 'tied':
          reader.logCholesky(d, covariances);
          break;
        case 'diagonal':
        case 'spherical':
          reader.exp(covariances);
          break;
      }
      reader.finish();
      return { ...template, means: update.means ? means : template.means, covariances: update.covariances ? covariances : template.covariances };
    },
  };
}

/** mclust models whose constraint is linear in the coordinates above (see gaussianParameterMap). */
const LINEAR_MODELS: ReadonlySet<string> = new Set(['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VVV', 'full', 'tied', 'diagonal', 'spherical']);

/** The family's map: gaussianParameterMap for the models linear in its coordinates, constrainedParameterMap for the other six. */
export function gaussianParameterMapFor(options: {
  readonly covariance: CovarianceType;
  /** mclust's model name when the family has one (else the storage type stands for its alias). */
  readonly model?: string;
  readonly update: { readonly means: boolean; readonly covariances: boolean };
}): ParameterMap<GaussianComponents> | undefined {
  const model = options.model ?? options.covariance;
  if (LINEAR_MODELS.has(model)) return gaussianParameterMap(options.covariance, options.update);
  return isOrientedCovarianceModel(model) ? constrainedParameterMap(model, options.update) : undefined;
}
