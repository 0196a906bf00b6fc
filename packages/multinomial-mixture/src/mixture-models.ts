import { createMixtureModel, type DenseMatrix, InvalidOptionsError, type MixtureInitializer, type MixtureModel } from '@em/core';
import { bernoulliFamily, type BernoulliComponents, type BernoulliFamilyOptions, type BernoulliPrepared, type BernoulliStatistics } from './bernoulli-family.js';
import {
  categoricalFamily,
  type CategoricalComponents,
  type CategoricalFamilyOptions,
  type CategoricalPrepared,
  type CategoricalStatistics,
} from './categorical-family.js';
import type { CountMatrix } from './count-matrix.js';
import { kmeansPlusPlusResponsibilities, seedingRowsFromCodes, seedingRowsFromCounts } from './kmeans-plus-plus.js';
import { multinomialFamily, type MultinomialComponents, type MultinomialFamilyOptions, type MultinomialPrepared, type MultinomialStatistics } from './multinomial-family.js';

/** Model kinds (the `kind` of configs and saved files). */
export const MULTINOMIAL_MIXTURE = 'multinomial-mixture';
export const CATEGORICAL_MIXTURE = 'categorical-mixture';
export const BERNOULLI_MIXTURE = 'bernoulli-mixture';

/**
 * How initial parameters are drawn when none are given:
 * - 'kmeans++' (default): k-means++ seeding on normalised rows (proportions for counts, the 0/1
 *   vector for binary data, one-hot codes for categories), then nearest-centre responsibilities;
 * - 'random': every row's responsibilities drawn from Dirichlet(1, …, 1).
 */
export type InitMethod = 'kmeans++' | 'random';

/** Options of the mixture around a family. */
export interface MixtureShapeOptions {
  /** K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet(α) prior on the weights, α ≥ 1 (default 1: no prior). */
  readonly weightConcentration?: number;
  readonly init?: InitMethod;
}

export type MultinomialMixtureModel = MixtureModel<MultinomialComponents, CountMatrix, MultinomialStatistics, MultinomialPrepared>;
export type CategoricalMixtureModel = MixtureModel<CategoricalComponents, DenseMatrix, CategoricalStatistics, CategoricalPrepared>;
export type BernoulliMixtureModel = MixtureModel<BernoulliComponents, CountMatrix, BernoulliStatistics, BernoulliPrepared>;

export type MultinomialModelOptions = MixtureShapeOptions & Omit<MultinomialFamilyOptions, 'update'> & { readonly update?: UpdateOptions };
export type CategoricalModelOptions = MixtureShapeOptions & Omit<CategoricalFamilyOptions, 'update'> & { readonly update?: UpdateOptions };
export type BernoulliModelOptions = MixtureShapeOptions & Omit<BernoulliFamilyOptions, 'update'> & { readonly update?: UpdateOptions };

/** Which parameters a fit updates (default both); frozen ones keep their initial values and leave the BIC count. */
export interface UpdateOptions {
  readonly weights?: boolean;
  readonly probabilities?: boolean;
}

function checkInit(init: string): InitMethod {
  if (init !== 'kmeans++' && init !== 'random') {
    throw new InvalidOptionsError(`init must be 'kmeans++' or 'random'; got ${JSON.stringify(init)}.`, "Pass init: 'kmeans++' (default) or 'random'.", { option: 'init' });
  }
  return init;
}

function familyUpdate(update: UpdateOptions | undefined): { update?: { probabilities: boolean } } {
  return update?.probabilities === undefined ? {} : { update: { probabilities: update.probabilities } };
}

/** The core mixture over the multinomial family. */
export function createMultinomialMixtureModel(options: MultinomialModelOptions): MultinomialMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const family = multinomialFamily({
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...(options.allowNonInteger === undefined ? {} : { allowNonInteger: options.allowNonInteger }),
    ...(options.documentLength === undefined ? {} : { documentLength: options.documentLength }),
    ...familyUpdate(options.update),
  });
  const initializer: MixtureInitializer<CountMatrix> | undefined =
    init === 'kmeans++' ? (x, k, random, weights) => kmeansPlusPlusResponsibilities(seedingRowsFromCounts(x, true), k, random, weights) : undefined;
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    ...(initializer === undefined ? {} : { initializer }),
    kind: MULTINOMIAL_MIXTURE,
    extraConfig: { init },
  });
}

/** The core mixture over the categorical family (latent class analysis). */
export function createCategoricalMixtureModel(options: CategoricalModelOptions): CategoricalMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const family = categoricalFamily({
    categories: options.categories,
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...familyUpdate(options.update),
  });
  const initializer: MixtureInitializer<DenseMatrix> | undefined =
    init === 'kmeans++' ? (x, k, random, weights) => kmeansPlusPlusResponsibilities(seedingRowsFromCodes(x, family.offsets), k, random, weights) : undefined;
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    ...(initializer === undefined ? {} : { initializer }),
    kind: CATEGORICAL_MIXTURE,
    extraConfig: { init },
  });
}

/** The core mixture over the Bernoulli family. */
export function createBernoulliMixtureModel(options: BernoulliModelOptions): BernoulliMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const family = bernoulliFamily({
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...familyUpdate(options.update),
  });
  const initializer: MixtureInitializer<CountMatrix> | undefined =
    init === 'kmeans++' ? (x, k, random, weights) => kmeansPlusPlusResponsibilities(seedingRowsFromCounts(x, false), k, random, weights) : undefined;
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    ...(initializer === undefined ? {} : { initializer }),
    kind: BERNOULLI_MIXTURE,
    extraConfig: { init },
  });
}
