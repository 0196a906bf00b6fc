import { createMixtureModel, type DenseMatrix, type MixtureModel, type ModelConfig } from '@em/core';
import type { GaussianComponents } from './gaussian-components.js';
import { gaussianFamilyOf, type GaussianFamily } from './gaussian-family.js';
import type { GaussianStatistics } from './gaussian-statistics.js';
import { initializer } from './initialization.js';
import {
  GAUSSIAN_MIXTURE_KIND,
  gaussianMixtureFromConfig,
  resolveGaussianMixtureOptions,
  type GaussianMixtureModelOptions,
  type ResolvedGaussianMixtureOptions,
} from './options.js';
import type { PreparedGaussian } from './prepared-gaussian.js';

export { GAUSSIAN_MIXTURE_KIND, type GaussianMixtureModelOptions } from './options.js';

/** The core EmModel of a Gaussian mixture (for fitEm / fitEmAsync / the conformance kit). */
export type GaussianMixtureEmModel = MixtureModel<GaussianComponents, DenseMatrix, GaussianStatistics, PreparedGaussian> & { readonly family: GaussianFamily };

/** A core MixtureModel over the Gaussian family, with its config set so workers can rebuild it. */
export function gaussianMixtureModel(options: GaussianMixtureModelOptions): GaussianMixtureEmModel {
  return gaussianMixtureModelOf(resolveGaussianMixtureOptions(options));
}

/** The engine model of resolved options (the estimator and saved configs pass theirs on as they are). */
export function gaussianMixtureModelOf(options: ResolvedGaussianMixtureOptions): GaussianMixtureEmModel {
  const model = createMixtureModel(gaussianFamilyOf(options.family), {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.updateWeights,
    initializer: initializer(options.init),
    kind: GAUSSIAN_MIXTURE_KIND,
    extraConfig: { init: options.init },
  });
  return model as GaussianMixtureEmModel;
}

/** Rebuilds the EmModel from `model.config` (used by the worker entry and by fromJSON). */
export function modelFromConfig(config: ModelConfig): GaussianMixtureEmModel {
  return gaussianMixtureModelOf(gaussianMixtureFromConfig(config));
}
