import { type EstimatorSettings, type FitMetadata, type FitResult, type FitSummary, type MixtureData, type MixtureParameters, type ModelConfig, type EstimatorSample, type Random, type SampleOptions, toCountMatrix, type CountRowInput, type ScoreOptions } from '@em/core';
import type { CountMatrix } from './count-matrix.js';
import { createMultinomialMixtureModel, type MultinomialMixtureModel } from './multinomial-mixture-model.js';
import { logMultinomialCoefficient } from './multinomial-coefficient.js';
import { sampleMultinomial, type MultinomialComponents, type MultinomialPrepared, type MultinomialStatistics } from './multinomial-family.js';
import { MULTINOMIAL_MIXTURE, multinomialOptionsFromConfig, type MultinomialMixtureOptions } from './options.js';
import { ProbabilityTableMixture, type ProbabilityTableParameters } from './probability-table-mixture.js';

/**
 * The multinomial fit summary. `logLikelihood`, `history` and `logLikelihoodHistory` leave out the
 * multinomial coefficient (constant in θ); the `…WithCoefficient` fields include it, as R mixtools
 * reports. bic/aic use the log-likelihood without the coefficient.
 */
export type MultinomialFitSummary = FitSummary<ProbabilityTableParameters> & {
  /** Σ_i w_i log(n_i! / ∏_v x_iv!) of the fitted data. */
  readonly logMultinomialCoefficient: number;
  readonly logLikelihoodWithCoefficient: number;
  /** Objective (log-likelihood + log-prior) at θ_0 … θ_n, coefficient included. */
  readonly historyWithCoefficient: readonly number[];
  readonly logLikelihoodHistoryWithCoefficient: readonly number[];
};

/** Options of `sample`: the seed, and the tokens per document (default: the model's documentLength option, 100). */
export interface MultinomialSampleOptions extends SampleOptions {
  readonly documentLength?: number;
}

/**
 * Mixture of multinomials over count vectors (documents × vocabulary), dense or sparse CSR.
 *
 * ```ts
 * const model = new MultinomialMixture({ components: 10, seed: 1 });
 * const summary = model.fit(counts); // CsrMatrix or number[][]
 * model.topFeatures(10, vocabulary);
 * ```
 */
export class MultinomialMixture extends ProbabilityTableMixture<MultinomialStatistics, MultinomialPrepared, MultinomialFitSummary> {
  static readonly kind = MULTINOMIAL_MIXTURE;
  readonly model: MultinomialMixtureModel;

  constructor(options: MultinomialMixtureOptions) {
    super(options);
    this.model = createMultinomialMixtureModel(options);
  }

  /** Builds the estimator a saved config describes (used by `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): MultinomialMixture {
    return new MultinomialMixture({ ...multinomialOptionsFromConfig(config), ...settings });
  }

  protected override summarize(result: FitResult<MixtureParameters<MultinomialComponents>>, data: MixtureData<CountMatrix>): MultinomialFitSummary {
    const coefficient = logMultinomialCoefficient(data.observations, data.sampleWeights);
    return {
      ...super.summarize(result, data),
      logMultinomialCoefficient: coefficient,
      logLikelihoodWithCoefficient: result.logLikelihood + coefficient,
      historyWithCoefficient: result.history.map((h) => h + coefficient),
      logLikelihoodHistoryWithCoefficient: result.logLikelihoodHistory.map((h) => h + coefficient),
    };
  }

  protected override fitMetadata(result: FitResult<MixtureParameters<MultinomialComponents>>, data: MixtureData<CountMatrix>): FitMetadata {
    const coefficient = logMultinomialCoefficient(data.observations, data.sampleWeights);
    return { ...super.fitMetadata(result, data), logMultinomialCoefficient: coefficient, logLikelihoodWithCoefficient: result.logLikelihood + coefficient };
  }

  /** Σ_i w_i log(n_i! / ∏_v x_iv!): add it to this package's log-likelihoods to compare with R mixtools. */
  logMultinomialCoefficient(input: CountRowInput, options: ScoreOptions = {}): number {
    return logMultinomialCoefficient(toCountMatrix(input, 'logMultinomialCoefficient(data)'), options.sampleWeights);
  }

  /** n documents of `documentLength` tokens each (default: the model's documentLength option, 100). */
  override sample(n: number, options: MultinomialSampleOptions = {}): EstimatorSample {
    return super.sample(n, options);
  }

  protected override draw(parameters: MixtureParameters<MultinomialComponents>, n: number, random: Random, options: MultinomialSampleOptions): { observations: Float64Array; labels: Int32Array; dimension: number } {
    const c = parameters.components;
    const length = options.documentLength ?? (this.model.family.config as { readonly documentLength: number }).documentLength;
    const observations = new Float64Array(n * c.features);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = random.categorical(parameters.weights);
      labels[i] = k;
      sampleMultinomial(c.probabilities, k * c.features, c.features, length, random, observations.subarray(i * c.features, (i + 1) * c.features));
    }
    return { observations, labels, dimension: c.features };
  }
}
