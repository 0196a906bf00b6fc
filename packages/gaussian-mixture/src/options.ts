import { FormatError, InvalidOptionsError, type EstimatorSettings, type JsonValue, type ModelConfig } from '@em/core';
import { resolveCovarianceModel, storageOf, type CovarianceModel, type CovarianceOption } from './constrained/covariance-models.js';
import type { CovarianceType } from './gaussian-components.js';
import { INITIALIZATION_METHODS, type InitializationMethod } from './initialization.js';
import type { GaussianMixtureInitialParameters, GaussianMixtureState } from './parameters.js';

// The options of this package, resolved once. What users write (GaussianFamilyOptions for the
// family alone, GaussianMixtureModelOptions for the engine model, GaussianMixtureOptions for the
// estimator) goes through `resolveGaussianFamilyOptions` / `resolveGaussianMixtureOptions`, where
// every default is written and every option checked; only the resolved objects travel on — the
// family and its M-step read `ResolvedGaussianFamilyOptions` as they are. `gaussianMixtureToConfig`
// and `gaussianMixtureFromConfig` are the saved form and its inverse.

/** The kind recorded in configs and saved models. */
export const GAUSSIAN_MIXTURE_KIND = 'gaussian-mixture';

/** Default strength λ of the covariance prior (scikit-learn's reg_covar default). */
export const DEFAULT_REG_COVAR = 1e-6;

/** Options of the Gaussian component family. */
export interface GaussianFamilyOptions {
  /**
   * Covariance structure (default 'full'): one of mclust's fourteen models (EII … VVV) or an alias
   * (full = VVV, tied = EEE, diagonal = diag = VVI, spherical = VII).
   */
  readonly covariance?: CovarianceOption;
  /**
   * Strength λ ≥ 0 of the covariance prior (default 1e-6, like scikit-learn's reg_covar); 0 is plain
   * maximum likelihood. See covariance-prior.ts / the README for the exact prior.
   */
  readonly regCovar?: number;
  /** Which parameters the M-step updates (default: both). Frozen parameters keep their initial values. */
  readonly update?: { readonly means?: boolean; readonly covariances?: boolean };
  /** Marginalise NaN entries as missing values (default false: NaN is an InvalidDataError). */
  readonly missingValues?: boolean;
  /**
   * What the M-step does with a component that collapses (zero mass, singular covariance): keep its
   * previous parameters and report a `degenerate-component` event (default), or throw
   * DegenerateModelError.
   */
  readonly onDegenerate?: 'keep-previous' | 'error';
}

/** The family options with every default filled in (what the family, its kernels and its M-step read). */
export interface ResolvedGaussianFamilyOptions {
  /** How Σ_k are stored (and which E-step kernel runs): the model's storage type. */
  readonly covariance: CovarianceType;
  /** mclust's name of the model the `covariance` option named. */
  readonly model: CovarianceModel;
  readonly regCovar: number;
  readonly update: { readonly means: boolean; readonly covariances: boolean };
  readonly missingValues: boolean;
  readonly onDegenerate: 'keep-previous' | 'error';
}

/** Options of the engine model (`gaussianMixtureModel`): the family's, and the mixture's around it. */
export interface GaussianMixtureModelOptions extends Omit<GaussianFamilyOptions, 'update'> {
  /** K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet concentration α ≥ 1 on the weights (default 1 = no prior). */
  readonly weightConcentration?: number;
  /** Which parameters EM updates (default: all); frozen ones keep their initial values and drop out of BIC. */
  readonly update?: { readonly weights?: boolean; readonly means?: boolean; readonly covariances?: boolean };
  /** Initialisation used by `initialize` (default 'kmeans'). */
  readonly init?: InitializationMethod;
}

/**
 * Options of `new GaussianMixture(...)`: the model's own, plus the settings every estimator takes
 * (nInit, seed, maxIterations, tolerance, toleranceRule, memoryBudget, executor, callbacks…; see
 * @em/core's EstimatorSettings).
 */
export interface GaussianMixtureOptions extends Omit<GaussianMixtureModelOptions, 'init'>, EstimatorSettings<GaussianMixtureState> {
  /** 'kmeans' (default), 'kmeans++', 'random', 'random-points', or initial parameters (one run from them). */
  readonly init?: InitializationMethod | GaussianMixtureInitialParameters;
}

/** The mixture options after `resolveGaussianMixtureOptions`: what the engine model is built from. */
export interface ResolvedGaussianMixtureOptions {
  readonly components: number;
  /** Recorded only when given (the mixture's own default, 1, applies otherwise). */
  readonly weightConcentration?: number;
  readonly updateWeights: boolean;
  readonly init: InitializationMethod;
  readonly family: ResolvedGaussianFamilyOptions;
  /** Initial parameters given as `init` (nested), or undefined for a seeded initialisation. */
  readonly initialParameters?: GaussianMixtureInitialParameters;
}

/** The family defaults, written once, and the family options checked (covariance, regCovar, onDegenerate). */
export function resolveGaussianFamilyOptions(options: GaussianFamilyOptions = {}): ResolvedGaussianFamilyOptions {
  const model = resolveCovarianceModel(options.covariance ?? 'full');
  const covariance = storageOf(model);
  const regCovar = options.regCovar ?? DEFAULT_REG_COVAR;
  if (typeof regCovar !== 'number' || !Number.isFinite(regCovar) || regCovar < 0) {
    throw new InvalidOptionsError(`regCovar must be a finite number ≥ 0; got ${String(regCovar)}.`, 'Use 0 for plain maximum likelihood or a small positive value such as 1e-6.', {
      option: 'regCovar',
    });
  }
  const onDegenerate = options.onDegenerate ?? 'keep-previous';
  if (onDegenerate !== 'keep-previous' && onDegenerate !== 'error') {
    throw new InvalidOptionsError(`onDegenerate must be 'keep-previous' or 'error'; got ${JSON.stringify(onDegenerate)}.`, "Pass 'keep-previous' or 'error'.", { option: 'onDegenerate' });
  }
  return {
    covariance,
    model,
    regCovar,
    update: { means: options.update?.means ?? true, covariances: options.update?.covariances ?? true },
    missingValues: options.missingValues ?? false,
    onDegenerate,
  };
}

/** The mixture defaults, written once; `init` checked here, the family options by `resolveGaussianFamilyOptions`. */
export function resolveGaussianMixtureOptions(options: GaussianMixtureOptions | GaussianMixtureModelOptions): ResolvedGaussianMixtureOptions {
  const init = options.init ?? 'kmeans';
  if (typeof init === 'string' && !(INITIALIZATION_METHODS as readonly string[]).includes(init)) {
    throw new InvalidOptionsError(`init must be one of ${INITIALIZATION_METHODS.join(', ')} or initial parameters; got ${JSON.stringify(init)}.`, "Pass e.g. { init: 'kmeans' }.", {
      option: 'init',
    });
  }
  const family = resolveGaussianFamilyOptions({
    ...(options.covariance === undefined ? {} : { covariance: options.covariance }),
    ...(options.regCovar === undefined ? {} : { regCovar: options.regCovar }),
    update: {
      ...(options.update?.means === undefined ? {} : { means: options.update.means }),
      ...(options.update?.covariances === undefined ? {} : { covariances: options.update.covariances }),
    },
    ...(options.missingValues === undefined ? {} : { missingValues: options.missingValues }),
    ...(options.onDegenerate === undefined ? {} : { onDegenerate: options.onDegenerate }),
  });
  return {
    components: options.components,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    updateWeights: options.update?.weights ?? true,
    init: typeof init === 'string' ? init : 'kmeans',
    family,
    ...(typeof init === 'string' ? {} : { initialParameters: init }),
  };
}

/** The family's saved form (its `config`). */
export function gaussianFamilyToConfig(options: ResolvedGaussianFamilyOptions): JsonValue {
  return {
    covariance: options.model,
    regCovar: options.regCovar,
    update: { means: options.update.means, covariances: options.update.covariances },
    missingValues: options.missingValues,
    onDegenerate: options.onDegenerate,
  };
}

/**
 * The saved form of a Gaussian mixture: what the engine model records as `config` (the mixture
 * part is written by @em/core's MixtureModel; `init` is this package's extra entry).
 */
export function gaussianMixtureToConfig(options: ResolvedGaussianMixtureOptions): ModelConfig {
  return {
    kind: GAUSSIAN_MIXTURE_KIND,
    options: {
      components: options.components,
      weightConcentration: options.weightConcentration ?? 1,
      updateWeights: options.updateWeights,
      family: gaussianFamilyToConfig(options.family),
      init: options.init,
    },
  };
}

type JsonRecord = { readonly [key: string]: JsonValue };

function recordOf(value: JsonValue | undefined): JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

/** The family options a saved family config describes (resolved and checked again: a file is input). */
export function gaussianFamilyOptionsFromConfig(json: JsonValue): ResolvedGaussianFamilyOptions {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidOptionsError('A Gaussian family config must be an object.', 'Pass family.config.');
  }
  const record = json as JsonRecord;
  const update = recordOf(record['update']);
  const means = update['means'];
  const covariances = update['covariances'];
  const onDegenerate = record['onDegenerate'];
  return resolveGaussianFamilyOptions({
    ...(record['covariance'] === undefined ? {} : { covariance: record['covariance'] as CovarianceOption }),
    ...(typeof record['regCovar'] === 'number' ? { regCovar: record['regCovar'] } : {}),
    update: { ...(typeof means === 'boolean' ? { means } : {}), ...(typeof covariances === 'boolean' ? { covariances } : {}) },
    ...(typeof record['missingValues'] === 'boolean' ? { missingValues: record['missingValues'] } : {}),
    ...(onDegenerate === 'keep-previous' || onDegenerate === 'error' ? { onDegenerate } : {}),
  });
}

/** The resolved options a saved config describes (the inverse of `gaussianMixtureToConfig`). */
export function gaussianMixtureFromConfig(config: ModelConfig): ResolvedGaussianMixtureOptions {
  if (config.kind !== GAUSSIAN_MIXTURE_KIND) {
    throw new FormatError(`Cannot build a "${config.kind}" model here: this package builds "${GAUSSIAN_MIXTURE_KIND}".`, 'Use the package that owns that model kind.');
  }
  const options = config.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FormatError('The gaussian-mixture config has no options object.', 'Pass model.config as produced by this package.');
  }
  const record = options as JsonRecord;
  const components = record['components'];
  if (typeof components !== 'number') throw new FormatError('The gaussian-mixture config has no numeric "components".', 'Pass model.config as produced by this package.');
  const init = record['init'];
  const concentration = record['weightConcentration'];
  return {
    components,
    ...(typeof concentration === 'number' ? { weightConcentration: concentration } : {}),
    updateWeights: record['updateWeights'] !== false,
    init: typeof init === 'string' && (INITIALIZATION_METHODS as readonly string[]).includes(init) ? (init as InitializationMethod) : 'kmeans',
    family: gaussianFamilyOptionsFromConfig(record['family'] ?? {}),
  };
}
