import { createMixtureModel, type MixtureInitializer, type MixtureModel } from '@em/core';
import { bernoulliFamily, type BernoulliComponents, type BernoulliPrepared, type BernoulliStatistics } from './bernoulli-family.js';
import type { CountMatrix } from './count-matrix.js';
import { initialResponsibilities } from './initial-responsibilities.js';
import { seedingRowsFromCounts } from './kmeans-plus-plus.js';
import { BERNOULLI_MIXTURE, resolveBernoulliModelOptions, type BernoulliModelOptions } from './options.js';
import { checkFeatureTables } from './table-budget.js';

export type BernoulliMixtureModel = MixtureModel<BernoulliComponents, CountMatrix, BernoulliStatistics, BernoulliPrepared>;

/** The core mixture over the Bernoulli family. */
export function createBernoulliMixtureModel(options: BernoulliModelOptions): BernoulliMixtureModel {
  const { mixture, family: familyOptions } = resolveBernoulliModelOptions(options);
  const family = bernoulliFamily(familyOptions);
  const initializer: MixtureInitializer<CountMatrix> = (x, k, random, weights) => {
    checkFeatureTables(x.cols, k, mixture.memoryBudget, 'Bernoulli');
    return initialResponsibilities(mixture.init, seedingRowsFromCounts(x, false), k, random, weights);
  };
  return createMixtureModel(family, { ...mixture.core, initializer, kind: BERNOULLI_MIXTURE });
}
