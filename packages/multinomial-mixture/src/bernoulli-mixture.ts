import { parseSerializedModel, type SerializedModel } from '@em/core';
import type { BernoulliPrepared, BernoulliStatistics } from './bernoulli-family.js';
import type { FitSettings } from './family-mixture.js';
import { BERNOULLI_MIXTURE, createBernoulliMixtureModel, type BernoulliModelOptions } from './mixture-models.js';
import { bernoulliOptionsFromConfig } from './model-from-config.js';
import { ProbabilityTableMixture } from './probability-table-mixture.js';
import { splitSettings } from './plain-parameters.js';

export type BernoulliMixtureOptions = BernoulliModelOptions & FitSettings;

/**
 * Mixture of independent Bernoullis over binary vectors (dense 0/1 or sparse CSR of ones).
 * `parameters.probabilities[k][v]` = P(x_v = 1 | component k); `topFeatures` lists the features
 * most likely to be 1 in each component.
 */
export class BernoulliMixture extends ProbabilityTableMixture<BernoulliStatistics, BernoulliPrepared> {
  constructor(options: BernoulliMixtureOptions) {
    const [settings, modelOptions] = splitSettings(options);
    super(createBernoulliMixtureModel(modelOptions), settings);
  }

  static fromJSON(json: string | SerializedModel): BernoulliMixture {
    const document = parseSerializedModel(json, BERNOULLI_MIXTURE);
    return new BernoulliMixture(bernoulliOptionsFromConfig(document.config)).restore(document);
  }
}
