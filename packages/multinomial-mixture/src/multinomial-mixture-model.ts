import { createMixtureModel, type EmModel, FormatError, type MixtureInitializer, type MixtureModel, type ModelConfig, type Statistics } from '@em/core';
import { createBernoulliMixtureModel } from './bernoulli-mixture-model.js';
import { createCategoricalMixtureModel } from './categorical-mixture-model.js';
import type { CountMatrix } from './count-matrix.js';
import { initialResponsibilities } from './initial-responsibilities.js';
import { seedingRowsFromCounts } from './kmeans-plus-plus.js';
import { multinomialFamily, type MultinomialComponents, type MultinomialPrepared, type MultinomialStatistics } from './multinomial-family.js';
import {
  BERNOULLI_MIXTURE,
  bernoulliOptionsFromConfig,
  CATEGORICAL_MIXTURE,
  categoricalOptionsFromConfig,
  MULTINOMIAL_MIXTURE,
  multinomialOptionsFromConfig,
  resolveMultinomialModelOptions,
  type MultinomialModelOptions,
} from './options.js';
import { checkFeatureTables } from './table-budget.js';

export type MultinomialMixtureModel = MixtureModel<MultinomialComponents, CountMatrix, MultinomialStatistics, MultinomialPrepared>;

/** The core mixture over the multinomial family. */
export function createMultinomialMixtureModel(options: MultinomialModelOptions): MultinomialMixtureModel {
  const { mixture, family: familyOptions } = resolveMultinomialModelOptions(options);
  const family = multinomialFamily(familyOptions);
  const initializer: MixtureInitializer<CountMatrix> = (x, k, random, weights) => {
    checkFeatureTables(x.cols, k, mixture.memoryBudget, 'multinomial');
    return initialResponsibilities(mixture.init, seedingRowsFromCounts(x, true), k, random, weights);
  };
  return createMixtureModel(family, { ...mixture.core, initializer, kind: MULTINOMIAL_MIXTURE });
}

/**
 * Rebuilds the EmModel described by `config` (for worker threads and saved files): kinds
 * "multinomial-mixture", "categorical-mixture" and "bernoulli-mixture" — every model of this package.
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
