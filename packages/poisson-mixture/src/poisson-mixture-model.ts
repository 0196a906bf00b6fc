// poisson-mixture-model.ts — the engine model: the family inside @em/core's finite mixture (weights,
// log-sum-exp, responsibilities and the fused block E-step are written once, in core), and
// modelFromConfig, which worker threads and saved models use to rebuild it.
import { createMixtureModel, type DenseMatrix, type MixtureModel, type ModelConfig } from '@em/core';
import { PoissonFamily, type PoissonComponents, type PoissonPrepared, type PoissonStatistics } from './poisson-family.js';
import { MODEL_KIND, modelOptionsFromConfig, type PoissonMixtureModelOptions } from './options.js';

export type PoissonMixtureModel = MixtureModel<PoissonComponents, DenseMatrix, PoissonStatistics, PoissonPrepared>;

/** Builds the EmModel that fitEm / fitEmAsync / the conformance kit drive. */
export function createPoissonMixtureModel(options: PoissonMixtureModelOptions): PoissonMixtureModel {
  // The family reads its own options and ignores the rest (the mixture's, an estimator's settings).
  return createMixtureModel(new PoissonFamily(options), {
    components: options.components,
    kind: MODEL_KIND,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    ...(options.updateWeights === undefined ? {} : { updateWeights: options.updateWeights }),
  });
}

/** Rebuilds the model from `model.config` (worker threads and saved models use this). */
export function modelFromConfig(config: ModelConfig): PoissonMixtureModel {
  return createPoissonMixtureModel(modelOptionsFromConfig(config));
}
