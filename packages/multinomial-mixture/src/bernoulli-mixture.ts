import type { EstimatorSettings, ModelConfig } from '@em/core';
import type { BernoulliPrepared, BernoulliStatistics } from './bernoulli-family.js';
import { createBernoulliMixtureModel, type BernoulliMixtureModel } from './bernoulli-mixture-model.js';
import { BERNOULLI_MIXTURE, bernoulliOptionsFromConfig, type BernoulliMixtureOptions } from './options.js';
import { ProbabilityTableMixture } from './probability-table-mixture.js';

/**
 * Mixture of independent Bernoullis over binary vectors (dense 0/1 or sparse CSR of ones).
 * `parameters.probabilities[k][v]` = P(x_v = 1 | component k); `topFeatures` lists the features
 * most likely to be 1 in each component.
 */
export class BernoulliMixture extends ProbabilityTableMixture<BernoulliStatistics, BernoulliPrepared> {
  static readonly kind = BERNOULLI_MIXTURE;
  readonly model: BernoulliMixtureModel;

  constructor(options: BernoulliMixtureOptions) {
    super(options);
    this.model = createBernoulliMixtureModel(options);
  }

  /** Builds the estimator a saved config describes (used by `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): BernoulliMixture {
    return new BernoulliMixture({ ...bernoulliOptionsFromConfig(config), ...settings });
  }
}
