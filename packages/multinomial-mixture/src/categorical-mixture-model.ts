import { createMixtureModel, type DenseMatrix, type MixtureInitializer, type MixtureModel } from '@em/core';
import { categoricalFamily, type CategoricalComponents, type CategoricalPrepared, type CategoricalStatistics } from './categorical-family.js';
import { initialResponsibilities } from './initial-responsibilities.js';
import { seedingRowsFromCodes } from './kmeans-plus-plus.js';
import { CATEGORICAL_MIXTURE, resolveCategoricalModelOptions, type CategoricalModelOptions } from './options.js';
import { checkCategoryTables } from './table-budget.js';

export type CategoricalMixtureModel = MixtureModel<CategoricalComponents, DenseMatrix, CategoricalStatistics, CategoricalPrepared>;

/** The core mixture over the categorical family (latent class analysis). */
export function createCategoricalMixtureModel(options: CategoricalModelOptions): CategoricalMixtureModel {
  const { mixture, family: familyOptions } = resolveCategoricalModelOptions(options);
  // The family checks the categories and allocates nothing sized by them until the first fit.
  const family = categoricalFamily(familyOptions);
  const components = mixture.core.components;
  // Refused here, at construction: the tables are sized by the declared categories, not the data.
  if (Number.isInteger(components) && components >= 1) checkCategoryTables(family.options.categories, components, mixture.memoryBudget);
  const initializer: MixtureInitializer<DenseMatrix> = (x, k, random, weights) => {
    checkCategoryTables(family.options.categories, k, mixture.memoryBudget);
    return initialResponsibilities(mixture.init, seedingRowsFromCodes(x, family.offsets), k, random, weights);
  };
  return createMixtureModel(family, { ...mixture.core, initializer, kind: CATEGORICAL_MIXTURE });
}
