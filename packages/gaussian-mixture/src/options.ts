import { FormatError, InvalidOptionsError, type EstimatorSettings, type JsonValue, type ModelConfig } from '@em/core';
import type { GaussianMixtureModelOptions } from './gaussian-mixture-model.js';
import { DEFAULT_REG_COVAR } from './gaussian-family.js';
import { INITIALIZATION_METHODS, type InitializationMethod } from './initialization.js';
import type { GaussianMixtureInitialParameters, GaussianMixtureState } from './parameters.js';

/**
 * Options of `new GaussianMixture(...)`: the model's own, plus the settings every estimator takes
 * (nInit, seed, maxIterations, tolerance, toleranceRule, memoryBudget, executor, callbacks…; see
 * @em/core's EstimatorSettings).
 */
export interface GaussianMixtureOptions extends EstimatorSettings<GaussianMixtureState> {
  /** Number of components K ≥ 1. */
  readonly components: number;
  /** Covariance structure (default 'full'); checked by the Gaussian family. */
  readonly covariance?: GaussianMixtureModelOptions['covariance'];
  /** Covariance prior strength λ ≥ 0 (default 1e-6; 0 = plain maximum likelihood). See the README. */
  readonly regCovar?: number;
  /** Dirichlet concentration α ≥ 1 on the weights (default 1 = no prior). */
  readonly weightConcentration?: number;
  /** 'kmeans' (default), 'kmeans++', 'random', 'random-points', or initial parameters (one run from them). */
  readonly init?: InitializationMethod | GaussianMixtureInitialParameters;
  /** Which parameters EM updates (default all); frozen ones keep their initial values and drop out of BIC. */
  readonly update?: { readonly weights?: boolean; readonly means?: boolean; readonly covariances?: boolean };
  /** Marginalise NaN entries as missing values (default false: NaN is an error). */
  readonly missingValues?: boolean;
  /** What to do when a component degenerates (default 'keep-previous'). */
  readonly onDegenerate?: 'keep-previous' | 'error';
}

/** The options after `resolveGaussianMixtureOptions`: the engine model's options, and a given start. */
export interface ResolvedGaussianMixtureOptions {
  /** What `gaussianMixtureModel` builds the engine model from (its config is the saved form). */
  readonly model: GaussianMixtureModelOptions & { readonly init: InitializationMethod; readonly regCovar: number };
  /** Initial parameters given as `init` (nested), or undefined for a seeded initialisation. */
  readonly initialParameters?: GaussianMixtureInitialParameters;
}

/** Defaults filled in once; `init` checked (the covariance and numbers are checked by the model they build). */
export function resolveGaussianMixtureOptions(options: GaussianMixtureOptions): ResolvedGaussianMixtureOptions {
  const init = options.init ?? 'kmeans';
  if (typeof init === 'string' && !(INITIALIZATION_METHODS as readonly string[]).includes(init)) {
    throw new InvalidOptionsError(`init must be one of ${INITIALIZATION_METHODS.join(', ')} or initial parameters; got ${JSON.stringify(init)}.`, "Pass e.g. { init: 'kmeans' }.", {
      option: 'init',
    });
  }
  const model = {
    components: options.components,
    covariance: options.covariance ?? 'full',
    regCovar: options.regCovar ?? DEFAULT_REG_COVAR,
    init: typeof init === 'string' ? init : 'kmeans',
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    ...(options.update === undefined ? {} : { update: options.update }),
    ...(options.missingValues === undefined ? {} : { missingValues: options.missingValues }),
    ...(options.onDegenerate === undefined ? {} : { onDegenerate: options.onDegenerate }),
  } as ResolvedGaussianMixtureOptions['model'];
  return typeof init === 'string' ? { model } : { model, initialParameters: init };
}

type JsonRecord = { readonly [key: string]: JsonValue };

function recordOf(value: JsonValue | undefined): JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

/** The options a saved config was built from (the inverse of the engine model's `config`). */
export function gaussianMixtureOptionsFromConfig(config: ModelConfig): GaussianMixtureOptions {
  const options = recordOf(config.options);
  const components = options['components'];
  if (typeof components !== 'number') throw new FormatError('The gaussian-mixture config has no numeric "components".', 'Pass model.config as produced by this package.');
  const family = recordOf(options['family']);
  const update = recordOf(family['update']);
  const init = options['init'];
  const out: { -readonly [K in keyof GaussianMixtureOptions]: GaussianMixtureOptions[K] } = { components };
  if (typeof family['covariance'] === 'string') out.covariance = family['covariance'] as GaussianMixtureOptions['covariance'] & string;
  if (typeof family['regCovar'] === 'number') out.regCovar = family['regCovar'];
  if (typeof options['weightConcentration'] === 'number') out.weightConcentration = options['weightConcentration'];
  out.update = {
    weights: options['updateWeights'] !== false,
    means: update['means'] !== false,
    covariances: update['covariances'] !== false,
  };
  if (typeof family['missingValues'] === 'boolean') out.missingValues = family['missingValues'];
  if (family['onDegenerate'] === 'keep-previous' || family['onDegenerate'] === 'error') out.onDegenerate = family['onDegenerate'];
  if (typeof init === 'string' && (INITIALIZATION_METHODS as readonly string[]).includes(init)) out.init = init as InitializationMethod;
  return out;
}
