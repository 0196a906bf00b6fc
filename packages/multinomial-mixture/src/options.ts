import { type EstimatorSettings, FormatError, InvalidOptionsError, type JsonValue, type MixtureParameters, type ModelConfig, resolveMemoryBudget } from '@em/core';
import type { BernoulliComponents, BernoulliFamilyOptions } from './bernoulli-family.js';
import type { CategoricalComponents, CategoricalFamilyOptions } from './categorical-family.js';
import type { MultinomialComponents, MultinomialFamilyOptions } from './multinomial-family.js';

// The options of this package's models, resolved once: `resolve…ModelOptions` writes the
// mixture's defaults (init, memory budget, which parameters update) and splits the options into
// the family's and the mixture's; the create…MixtureModel factories only pass them on. Each
// family resolves its own options (pseudocount, categories…) and records them in its `config`;
// `…OptionsFromConfig` reads a saved config back. The estimators' options add the settings every
// @em estimator takes.

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

/** Which parameters a fit updates (default both); frozen ones keep their initial values and leave the BIC count. */
export interface UpdateOptions {
  readonly weights?: boolean;
  readonly probabilities?: boolean;
}

export type MultinomialModelOptions = MixtureShapeOptions & Omit<MultinomialFamilyOptions, 'update'> & { readonly update?: UpdateOptions };
export type CategoricalModelOptions = MixtureShapeOptions & Omit<CategoricalFamilyOptions, 'update'> & { readonly update?: UpdateOptions };
export type BernoulliModelOptions = MixtureShapeOptions & Omit<BernoulliFamilyOptions, 'update'> & { readonly update?: UpdateOptions };

/** Options of `new MultinomialMixture(...)`: the model's options and the estimator settings (nInit, seed, tolerance, memoryBudget…). */
export type MultinomialMixtureOptions = MultinomialModelOptions & EstimatorSettings<MixtureParameters<MultinomialComponents>>;
/** Options of `new BernoulliMixture(...)`. */
export type BernoulliMixtureOptions = BernoulliModelOptions & EstimatorSettings<MixtureParameters<BernoulliComponents>>;
/** Options of `new CategoricalMixture(...)`. */
export type CategoricalMixtureOptions = CategoricalModelOptions & EstimatorSettings<MixtureParameters<CategoricalComponents>>;

/** The mixture part after defaults: what the factories need beside the family. */
export interface ResolvedMixtureShape {
  readonly init: InitMethod;
  /** Bytes the probability tables may take. */
  readonly memoryBudget: number;
  /** The options of @em/core's createMixtureModel (components, weights prior and update, the config entries of this package). */
  readonly core: {
    readonly components: number;
    readonly weightConcentration?: number;
    readonly updateWeights: boolean;
    readonly extraConfig: { readonly init: InitMethod; readonly memoryBudget?: number };
  };
}

/** A model's options after `resolve…ModelOptions`: the mixture's, resolved, and the family's, as its factory takes them. */
export interface ResolvedModelOptions<FamilyOptions> {
  readonly mixture: ResolvedMixtureShape;
  readonly family: FamilyOptions;
}

function checkInit(init: string): InitMethod {
  if (init !== 'kmeans++' && init !== 'random') {
    throw new InvalidOptionsError(`init must be 'kmeans++' or 'random'; got ${JSON.stringify(init)}.`, "Pass init: 'kmeans++' (default) or 'random'.", { option: 'init' });
  }
  return init;
}

/** The mixture defaults, written once (memoryBudget recorded only when given, so workers rebuild with the same budget). */
export function resolveMixtureShape(options: MixtureShapeOptions & { readonly update?: UpdateOptions }): ResolvedMixtureShape {
  const init = checkInit(options.init ?? 'kmeans++');
  const memoryBudget = resolveMemoryBudget(options.memoryBudget);
  return {
    init,
    memoryBudget,
    core: {
      components: options.components,
      ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
      updateWeights: options.update?.weights ?? true,
      extraConfig: options.memoryBudget === undefined ? { init } : { init, memoryBudget },
    },
  };
}

function familyUpdate(update: UpdateOptions | undefined): { update?: { probabilities: boolean } } {
  return update?.probabilities === undefined ? {} : { update: { probabilities: update.probabilities } };
}

/** The multinomial mixture's options: the mixture defaults, and the family's options (pseudocount, allowNonInteger, documentLength, update) as `multinomialFamily` takes them. */
export function resolveMultinomialModelOptions(options: MultinomialModelOptions): ResolvedModelOptions<MultinomialFamilyOptions> {
  const mixture = resolveMixtureShape(options);
  return {
    mixture,
    family: {
      ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
      ...(options.allowNonInteger === undefined ? {} : { allowNonInteger: options.allowNonInteger }),
      ...(options.documentLength === undefined ? {} : { documentLength: options.documentLength }),
      ...familyUpdate(options.update),
    },
  };
}

/** The categorical mixture's options: the mixture defaults, and the family's options (categories, pseudocount, update) as `categoricalFamily` takes them. */
export function resolveCategoricalModelOptions(options: CategoricalModelOptions): ResolvedModelOptions<CategoricalFamilyOptions> {
  const mixture = resolveMixtureShape(options);
  return {
    mixture,
    family: {
      categories: options.categories,
      ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
      ...familyUpdate(options.update),
    },
  };
}

/** The Bernoulli mixture's options: the mixture defaults, and the family's options (pseudocount, update) as `bernoulliFamily` takes them. */
export function resolveBernoulliModelOptions(options: BernoulliModelOptions): ResolvedModelOptions<BernoulliFamilyOptions> {
  const mixture = resolveMixtureShape(options);
  return {
    mixture,
    family: {
      ...(options.pseudocount === undefined ? {} : { pseudocount: options.pseudocount }),
      ...familyUpdate(options.update),
    },
  };
}

type Record_ = { readonly [key: string]: JsonValue };

function record(value: JsonValue | undefined, what: string): Record_ {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(`The model config has no valid ${what}.`, 'Pass a config produced by this package (model.config or a saved file).');
  }
  return value as Record_;
}

function numberField(source: Record_, key: string): number {
  const value = source[key];
  if (typeof value !== 'number') throw new FormatError(`The model config field "${key}" must be a number.`, 'Pass a config produced by this package.');
  return value;
}

function booleanField(source: Record_, key: string, fallback: boolean): boolean {
  const value = source[key];
  return typeof value === 'boolean' ? value : fallback;
}

/** The options every mixture of this package records, and its family's recorded options. */
function sharedOptions(config: ModelConfig): {
  readonly family: Record_;
  readonly shared: {
    readonly components: number;
    readonly weightConcentration: number;
    readonly init: InitMethod;
    readonly pseudocount: number;
    readonly update: { readonly weights: boolean; readonly probabilities: boolean };
    readonly memoryBudget?: number;
  };
} {
  const options = record(config.options, 'options');
  const family = record(options['family'], 'family options');
  return {
    family,
    shared: {
      components: numberField(options, 'components'),
      weightConcentration: numberField(options, 'weightConcentration'),
      init: (options['init'] ?? 'kmeans++') as InitMethod,
      pseudocount: numberField(family, 'pseudocount'),
      update: { weights: booleanField(options, 'updateWeights', true), probabilities: booleanField(family, 'updateProbabilities', true) },
      // Recorded only when the caller set it: a worker then checks against the same budget as the caller.
      ...(options['memoryBudget'] === undefined ? {} : { memoryBudget: numberField(options, 'memoryBudget') }),
    },
  };
}

/** Options of the domain classes, read back from a config (the inverse of `config`). */
export function multinomialOptionsFromConfig(config: ModelConfig): MultinomialModelOptions {
  const { family, shared } = sharedOptions(config);
  return { ...shared, allowNonInteger: booleanField(family, 'allowNonInteger', false), documentLength: numberField(family, 'documentLength') };
}

export function categoricalOptionsFromConfig(config: ModelConfig): CategoricalModelOptions {
  const { family, shared } = sharedOptions(config);
  const categories = family['categories'];
  if (!Array.isArray(categories) || categories.some((m) => typeof m !== 'number')) {
    throw new FormatError('The model config has no valid "categories".', 'Pass a config produced by this package.');
  }
  return { ...shared, categories: categories as number[] };
}

export function bernoulliOptionsFromConfig(config: ModelConfig): BernoulliModelOptions {
  return sharedOptions(config).shared;
}
