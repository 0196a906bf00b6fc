import { type MixtureParameters, parseSerializedModel, type SerializedModel } from '@em/core';
import type { BernoulliComponents, BernoulliPrepared, BernoulliStatistics } from './bernoulli-family.js';
import { toCountMatrix, type CountInput, type CountMatrix } from './count-matrix.js';
import { FamilyMixture, type FitSettings } from './family-mixture.js';
import { BERNOULLI_MIXTURE, createBernoulliMixtureModel, type BernoulliModelOptions } from './mixture-models.js';
import { bernoulliOptionsFromConfig } from './model-from-config.js';
import { multinomialComponentsFromRows, probabilityRows } from './multinomial-family.js';
import { topFeaturesOf, type ProbabilityTableInput, type ProbabilityTableParameters, type TopFeature } from './multinomial-mixture.js';
import { splitSettings, weightsFromPlain } from './plain-parameters.js';

export type BernoulliMixtureOptions = BernoulliModelOptions & FitSettings;

/**
 * Mixture of independent Bernoullis over binary vectors (dense 0/1 or sparse CSR of ones).
 * `parameters.probabilities[k][v]` = P(x_v = 1 | component k).
 */
export class BernoulliMixture extends FamilyMixture<BernoulliComponents, CountMatrix, BernoulliStatistics, BernoulliPrepared, CountInput, ProbabilityTableParameters> {
  constructor(options: BernoulliMixtureOptions) {
    const [settings, modelOptions] = splitSettings(options);
    super(createBernoulliMixtureModel(modelOptions), settings);
  }

  static fromJSON(json: string | SerializedModel): BernoulliMixture {
    const document = parseSerializedModel(json, BERNOULLI_MIXTURE);
    const mixture = new BernoulliMixture(bernoulliOptionsFromConfig(document.config));
    const parameters = mixture.model.parametersFromJSON(document.parameters);
    mixture.model.validateParameters(parameters);
    mixture.state = parameters;
    mixture.metadata = document.fit;
    return mixture;
  }

  protected observationsFrom(input: CountInput): CountMatrix {
    return toCountMatrix(input);
  }

  protected toPlain(parameters: MixtureParameters<BernoulliComponents>): ProbabilityTableParameters {
    const c = parameters.components;
    return { weights: Array.from(parameters.weights), probabilities: probabilityRows(c.probabilities, c.components, c.features) };
  }

  protected fromPlain(plain: ProbabilityTableInput): MixtureParameters<BernoulliComponents> {
    return { weights: weightsFromPlain(plain.weights), components: multinomialComponentsFromRows(plain.probabilities) };
  }

  /** The n features most likely to be 1 in each component. */
  topFeatures(n: number, names?: readonly string[]): TopFeature[][] {
    return topFeaturesOf(this.current().components, n, names);
  }
}
