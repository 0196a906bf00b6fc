import { type EmModel, FormatError, type ModelConfig, type Statistics } from '@em/core';
import {
  BERNOULLI_MIXTURE,
  CATEGORICAL_MIXTURE,
  createBernoulliMixtureModel,
  createCategoricalMixtureModel,
  createMultinomialMixtureModel,
  MULTINOMIAL_MIXTURE,
} from './mixture-models.js';
import { bernoulliOptionsFromConfig, categoricalOptionsFromConfig, multinomialOptionsFromConfig } from './options.js';

/**
 * Rebuilds the EmModel described by `config` (for worker threads and saved files): kinds
 * "multinomial-mixture", "categorical-mixture" and "bernoulli-mixture".
 */
export function modelFromConfig(config: ModelConfig): EmModel<unknown, unknown, Statistics> {
  let model: unknown;
  switch (config.kind) {
    case MULTINOMIAL_MIXTURE:
      model = createMultinomialMixtureModel(multinomialOptionsFromConfig(config));
      break;
    case CATEGORICAL_MIXTURE:
      model = createCategoricalMixtureModel(categoricalOptionsFromConfig(config));
      break;
    case BERNOULLI_MIXTURE:
      model = createBernoulliMixtureModel(bernoulliOptionsFromConfig(config));
      break;
    default:
      throw new FormatError(
        `@em/multinomial-mixture cannot build a "${config.kind}" model.`,
        `Use one of "${MULTINOMIAL_MIXTURE}", "${CATEGORICAL_MIXTURE}", "${BERNOULLI_MIXTURE}", or the package that owns "${config.kind}".`,
      );
  }
  return model as EmModel<unknown, unknown, Statistics>;
}
