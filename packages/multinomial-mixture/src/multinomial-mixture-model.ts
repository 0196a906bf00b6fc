import { createMixtureModel, type DenseMatrix, InvalidOptionsError, type MixtureInitializer, type MixtureModel, type Random, resolveMemoryBudget } from '@em/core';
import { bernoulliFamily, type BernoulliComponents, type BernoulliFamilyOptions, type BernoulliPrepared, type BernoulliStatistics } from './bernoulli-family.js';
import {
  categoricalFamily,
  type CategoricalComponents,
  type CategoricalFamilyOptions,
  type CategoricalPrepared,
  type CategoricalStatistics,
} from './categorical-family.js';
import type { CountMatrix } from './count-matrix.js';
import { kmeansPlusPlusResponsibilities, type SeedingRows, seedingRowsFromCodes, seedingRowsFromCounts } from './kmeans-plus-plus.js';
import { multinomialFamily, type MultinomialComponents, type MultinomialFamilyOptions, type MultinomialPrepared, type MultinomialStatistics } from './multinomial-family.js';
import { randomPrototypeResponsibilities } from './random-prototypes.js';
import { checkCategoryTables, checkFeatureTables } from './table-budget.js';

/** Model kinds (the `kind` of configs and saved files). */
export const MULTINOMIAL_MIXTURE = 'multinomial-mixture';
export const CATEGORICAL_MIXTURE = 'categorical-mixture';
export const BERNOULLI_MIXTURE = 'bernoulli-mixture';

/**
 * How initial parameters are drawn when none are given:
 * - 'kmeans++' (default): k-means++ seeding on normalised rows (proportions for counts, the 0/1
 *   vector for binary data, one-hot codes for categories), then nearest-centre responsibilities;
 * - 'random': K distinct rows drawn at random as prototypes, each row given to its nearest one
 *   (random responsibilities would start every component at nearly the pooled estimate).
 */
export type InitMethod = 'kmeans++' | 'random';

/** Options of the mixture around a family. */
export interface MixtureShapeOptions {
  /** K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet(α) prior on the weights, α ≥ 1 (default 1: no prior). */
  readonly weightConcentration?: number;
  readonly init?: InitMethod;
  /**
   * Bytes the probability tables may take (a number, or a string such as '1GiB'; default
   * DEFAULT_MEMORY_BUDGET of @em/core, 256 MiB). Tables sized by the input — K × Σ categories, or
   * K × V for V data columns — are checked against it before anything is allocated.
   */
  readonly memoryBudget?: number | string;
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

/** The config entries of the mixture options (memoryBudget only when given, so workers rebuild with the same budget). */
function recorded(init: InitMethod, given: number | string | undefined, budget: number): { init: InitMethod; memoryBudget?: number } {
  return given === undefined ? { init } : { init, memoryBudget: budget };
}

/** The initial responsibilities of an init method (call after the table check: the seeding allocates a V-length centre). */
function initialResponsibilities(init: InitMethod, seeding: SeedingRows, k: number, random: Random, weights: Float64Array | undefined): Float64Array {
  return init === 'kmeans++' ? kmeansPlusPlusResponsibilities(seeding, k, random, weights) : randomPrototypeResponsibilities(seeding, k, random, weights);
}

function familyUpdate(update: UpdateOptions | undefined): { update?: { probabilities: boolean } } {
  return update?.probabilities === undefined ? {} : { update: { probabilities: update.probabilities } };
}

/** The core mixture over the multinomial family. */
export function createMultinomialMixtureModel(options: MultinomialModelOptions): MultinomialMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const budget = resolveMemoryBudget(options.memoryBudget);
  const family = multinomialFamily({
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...(options.allowNonInteger === undefined ? {} : { allowNonInteger: options.allowNonInteger }),
    ...(options.documentLength === undefined ? {} : { documentLength: options.documentLength }),
    ...familyUpdate(options.update),
  });
  const initializer: MixtureInitializer<CountMatrix> = (x, k, random, weights) => {
    checkFeatureTables(x.cols, k, budget, 'multinomial');
    return initialResponsibilities(init, seedingRowsFromCounts(x, true), k, random, weights);
  };
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    initializer,
    kind: MULTINOMIAL_MIXTURE,
    extraConfig: recorded(init, options.memoryBudget, budget),
  });
}

/** The core mixture over the categorical family (latent class analysis). */
export function createCategoricalMixtureModel(options: CategoricalModelOptions): CategoricalMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const budget = resolveMemoryBudget(options.memoryBudget);
  // The family checks the categories and allocates nothing sized by them until the first fit.
  const family = categoricalFamily({
    categories: options.categories,
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...familyUpdate(options.update),
  });
  // Refused here, at construction: the tables are sized by the declared categories, not the data.
  if (Number.isInteger(options.components) && options.components >= 1) checkCategoryTables(family.options.categories, options.components, budget);
  const initializer: MixtureInitializer<DenseMatrix> = (x, k, random, weights) => {
    checkCategoryTables(family.options.categories, k, budget);
    return initialResponsibilities(init, seedingRowsFromCodes(x, family.offsets), k, random, weights);
  };
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    initializer,
    kind: CATEGORICAL_MIXTURE,
    extraConfig: recorded(init, options.memoryBudget, budget),
  });
}

/** The core mixture over the Bernoulli family. */
export function createBernoulliMixtureModel(options: BernoulliModelOptions): BernoulliMixtureModel {
  const init = checkInit(options.init ?? 'kmeans++');
  const budget = resolveMemoryBudget(options.memoryBudget);
  const family = bernoulliFamily({
    ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
    ...familyUpdate(options.update),
  });
  const initializer: MixtureInitializer<CountMatrix> = (x, k, random, weights) => {
    checkFeatureTables(x.cols, k, budget, 'Bernoulli');
    return initialResponsibilities(init, seedingRowsFromCounts(x, false), k, random, weights);
  };
  return createMixtureModel(family, {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    initializer,
    kind: BERNOULLI_MIXTURE,
    extraConfig: recorded(init, options.memoryBudget, budget),
  });
}
