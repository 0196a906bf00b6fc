// poisson-mixture-model.ts — the model: the family inside @em/core's finite mixture (weights, log-sum-exp,
// responsibilities and the fused block E-step are written once, in core).
import { createMixtureModel, InvalidOptionsError, type DenseMatrix, type JsonValue, type MixtureModel, type ModelConfig } from '@em/core';
import { PoissonFamily, type PoissonComponents, type PoissonFamilyOptions, type PoissonPrepared, type PoissonStatistics } from './poisson-family.js';

/** ModelConfig.kind of this model (the name saved models and worker threads know it by). */
export const MODEL_KIND = 'poisson-mixture';

/** Options of the model, typed and chosen once. TODO(new-model): add yours (and read them in modelFromConfig). */
export interface PoissonMixtureOptions extends PoissonFamilyOptions {
  /** Number of mixture components K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet prior α ≥ 1 on the mixture weights (1 = maximum likelihood). */
  readonly weightConcentration?: number;
  /** Fit the mixture weights (default true). */
  readonly updateWeights?: boolean;
}

export type PoissonMixtureModel = MixtureModel<PoissonComponents, DenseMatrix, PoissonStatistics, PoissonPrepared>;

/**
 * Builds the EmModel that fitEm / fitEmAsync / the conformance kit drive.
 * TODO(new-model): put a domain API on top (a class with fit / predict / sample that accepts
 * plain arrays), as the other model packages do; keep this factory as its engine.
 */
export function createPoissonMixtureModel(options: PoissonMixtureOptions): PoissonMixtureModel {
  const family = new PoissonFamily(options.ratePrior === undefined ? {} : { ratePrior: options.ratePrior });
  return createMixtureModel(family, {
    components: options.components,
    kind: MODEL_KIND,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    ...(options.updateWeights === undefined ? {} : { updateWeights: options.updateWeights }),
  });
}

function record(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionsError(`${where} must be an object.`, 'Pass the config of a poisson-mixture model (model.config).', { option: where });
  }
  return value as { readonly [key: string]: JsonValue };
}

function numberAt(value: { readonly [key: string]: JsonValue }, key: string, where: string): number {
  const found = value[key];
  if (typeof found !== 'number') {
    throw new InvalidOptionsError(`${where}.${key} must be a number; got ${JSON.stringify(found ?? null)}.`, 'Pass the config of a poisson-mixture model (model.config).', { option: key });
  }
  return found;
}

/**
 * Rebuilds the model from `model.config` (worker threads and saved models use this). Everything
 * the constructor needs must be in the config: mixture options and the family's options.
 */
export function modelFromConfig(config: ModelConfig): PoissonMixtureModel {
  if (config.kind !== MODEL_KIND) {
    throw new InvalidOptionsError(`Expected a "${MODEL_KIND}" config; got kind "${config.kind}".`, 'Pass the config of a poisson-mixture model, or use the package that owns that kind.', {
      option: 'kind',
    });
  }
  const options = record(config.options, 'config.options');
  const family = record(options['family'], 'config.options.family');
  const prior = record(family['ratePrior'], 'config.options.family.ratePrior');
  return createPoissonMixtureModel({
    components: numberAt(options, 'components', 'config.options'),
    weightConcentration: numberAt(options, 'weightConcentration', 'config.options'),
    updateWeights: options['updateWeights'] !== false,
    ratePrior: { shape: numberAt(prior, 'shape', 'ratePrior'), rate: numberAt(prior, 'rate', 'ratePrior') },
  });
}
