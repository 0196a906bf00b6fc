// options.ts — the options of the engine model and of PoissonMixture, and the way back from a saved
// config. The family resolves its own options (defaults written once, in the family); the mixture's
// defaults are @em/core's.
import { InvalidOptionsError, type EstimatorSettings, type JsonValue, type MixtureParameters, type ModelConfig } from '@em/core';
import { poissonOptionsFromConfig, type PoissonComponents, type PoissonFamilyOptions } from './poisson-family.js';

/** ModelConfig.kind of this model (the name saved models and worker threads know it by). */
export const MODEL_KIND = 'poisson-mixture';

/** The mixture's own options; everything else is the family's. */
export interface MixtureShapeOptions {
  /** Number of mixture components K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet prior α ≥ 1 on the mixture weights (1 = maximum likelihood). */
  readonly weightConcentration?: number;
  /** Fit the mixture weights (default true). */
  readonly updateWeights?: boolean;
}

/** Options of the engine model: the mixture's and the family's. */
export type PoissonMixtureModelOptions = MixtureShapeOptions & PoissonFamilyOptions;

/** Options of PoissonMixture: the model's (components, the family's options…) and the fit settings every estimator takes. */
export type PoissonMixtureOptions = PoissonMixtureModelOptions & EstimatorSettings<MixtureParameters<PoissonComponents>>;

function recordAt(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionsError(`${where} must be an object.`, `Pass the config of a ${MODEL_KIND} model (model.config).`, { option: where });
  }
  return value as { readonly [key: string]: JsonValue };
}

/** The mixture's options recorded in `model.config.options`. */
export function mixtureShapeFromConfig(config: ModelConfig): MixtureShapeOptions {
  if (config.kind !== MODEL_KIND) {
    throw new InvalidOptionsError(`Expected a "${MODEL_KIND}" config; got kind "${config.kind}".`, `Pass the config of a ${MODEL_KIND} model, or use the package that owns that kind.`, {
      option: 'kind',
    });
  }
  const options = recordAt(config.options, 'config.options');
  const components = options['components'];
  const weightConcentration = options['weightConcentration'];
  if (typeof components !== 'number' || typeof weightConcentration !== 'number') {
    throw new InvalidOptionsError('config.options needs numeric "components" and "weightConcentration".', `Pass the config of a ${MODEL_KIND} model (model.config).`, { option: 'config.options' });
  }
  return { components, weightConcentration, updateWeights: options['updateWeights'] !== false };
}

/** The options a model was built with, read back from `model.config` (the mixture's and the family's). */
export function modelOptionsFromConfig(config: ModelConfig): PoissonMixtureModelOptions {
  const shape = mixtureShapeFromConfig(config);
  return { ...shape, ...poissonOptionsFromConfig(recordAt(config.options, 'config.options')['family']) };
}
