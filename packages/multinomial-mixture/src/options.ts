import { type EstimatorSettings, FormatError, type JsonValue, type MixtureParameters, type ModelConfig } from '@em/core';
import type { BernoulliComponents } from './bernoulli-family.js';
import type { CategoricalComponents } from './categorical-family.js';
import type { BernoulliModelOptions, CategoricalModelOptions, InitMethod, MultinomialModelOptions } from './mixture-models.js';
import type { MultinomialComponents } from './multinomial-family.js';

// The options of this package's estimators: each model's own (resolved, with their defaults, by the
// create…MixtureModel factories in mixture-models.ts, whose `config` is the saved form) plus the
// settings every @em estimator takes; and the way back from a saved config.

/** Options of `new MultinomialMixture(...)`: the model's options and the estimator settings (nInit, seed, tolerance, memoryBudget…). */
export type MultinomialMixtureOptions = MultinomialModelOptions & EstimatorSettings<MixtureParameters<MultinomialComponents>>;
/** Options of `new BernoulliMixture(...)`. */
export type BernoulliMixtureOptions = BernoulliModelOptions & EstimatorSettings<MixtureParameters<BernoulliComponents>>;
/** Options of `new CategoricalMixture(...)`. */
export type CategoricalMixtureOptions = CategoricalModelOptions & EstimatorSettings<MixtureParameters<CategoricalComponents>>;

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
