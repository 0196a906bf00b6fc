import { FormatError, MixtureModel, type DenseMatrix, type JsonValue, type ModelConfig } from '@em/core';
import type { GaussianComponents } from './gaussian-components.js';
import type { CovarianceOption } from './constrained/covariance-models.js';
import { gaussianFamily, gaussianFamilyFromConfig, type GaussianFamily } from './gaussian-family.js';
import type { GaussianStatistics } from './gaussian-statistics.js';
import { initializer, INITIALIZATION_METHODS, type InitializationMethod } from './initialization.js';
import type { PreparedGaussian } from './prepared-gaussian.js';

/** The kind recorded in configs and saved models. */
export const GAUSSIAN_MIXTURE_KIND = 'gaussian-mixture';

/** The core EmModel of a Gaussian mixture (for fitEm / fitEmAsync / the conformance kit). */
export type GaussianMixtureEmModel = MixtureModel<GaussianComponents, DenseMatrix, GaussianStatistics, PreparedGaussian> & { readonly family: GaussianFamily };

export interface GaussianMixtureModelOptions {
  /** K ≥ 1. */
  readonly components: number;
  /** mclust's model name or an alias (full, tied, diagonal, diag, spherical). */
  readonly covariance?: CovarianceOption;
  /** Covariance prior strength λ (default 1e-6; 0 = maximum likelihood). */
  readonly regCovar?: number;
  /** Symmetric Dirichlet concentration α ≥ 1 on the weights (default 1 = no prior). */
  readonly weightConcentration?: number;
  /** Which parameters EM updates (default: all). */
  readonly update?: { readonly weights?: boolean; readonly means?: boolean; readonly covariances?: boolean };
  readonly missingValues?: boolean;
  /** Initialisation used by `initialize` (default 'kmeans'). */
  readonly init?: InitializationMethod;
  readonly onDegenerate?: 'keep-previous' | 'error';
}

/** A core MixtureModel over the Gaussian family, with its config set so workers can rebuild it. */
export function gaussianMixtureModel(options: GaussianMixtureModelOptions): GaussianMixtureEmModel {
  const init = options.init ?? 'kmeans';
  const family = gaussianFamily({
    ...(options.covariance !== undefined ? { covariance: options.covariance } : {}),
    ...(options.regCovar !== undefined ? { regCovar: options.regCovar } : {}),
    update: {
      ...(options.update?.means !== undefined ? { means: options.update.means } : {}),
      ...(options.update?.covariances !== undefined ? { covariances: options.update.covariances } : {}),
    },
    ...(options.missingValues !== undefined ? { missingValues: options.missingValues } : {}),
    ...(options.onDegenerate !== undefined ? { onDegenerate: options.onDegenerate } : {}),
  });
  const model = new MixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration !== undefined ? { weightConcentration: options.weightConcentration } : {}),
    updateWeights: options.update?.weights ?? true,
    initializer: initializer(init),
    kind: GAUSSIAN_MIXTURE_KIND,
    extraConfig: { init },
  });
  return model as GaussianMixtureEmModel;
}

/** Rebuilds the EmModel from `model.config` (used by the worker entry and by fromJSON). */
export function modelFromConfig(config: ModelConfig): GaussianMixtureEmModel {
  if (config.kind !== GAUSSIAN_MIXTURE_KIND) {
    throw new FormatError(`Cannot build a "${config.kind}" model here: this package builds "${GAUSSIAN_MIXTURE_KIND}".`, 'Use the package that owns that model kind.');
  }
  const options = config.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FormatError('The gaussian-mixture config has no options object.', 'Pass model.config as produced by this package.');
  }
  const record = options as { readonly [key: string]: JsonValue };
  const components = record['components'];
  if (typeof components !== 'number') throw new FormatError('The gaussian-mixture config has no numeric "components".', 'Pass model.config as produced by this package.');
  const family = gaussianFamilyFromConfig(record['family'] ?? {});
  const init = record['init'];
  const concentration = record['weightConcentration'];
  const updateWeights = record['updateWeights'];
  return gaussianMixtureModel({
    components,
    covariance: family.options.model,
    regCovar: family.options.regCovar,
    ...(typeof concentration === 'number' ? { weightConcentration: concentration } : {}),
    update: { weights: updateWeights !== false, means: family.options.update.means, covariances: family.options.update.covariances },
    missingValues: family.options.missingValues,
    onDegenerate: family.options.onDegenerate,
    ...(typeof init === 'string' && (INITIALIZATION_METHODS as readonly string[]).includes(init) ? { init: init as InitializationMethod } : {}),
  });
}
