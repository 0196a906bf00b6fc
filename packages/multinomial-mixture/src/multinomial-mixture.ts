import { DenseMatrix, type FitResult, type MixtureData, type MixtureParameters, parseSerializedModel, Random, type SerializedModel } from '@em/core';
import { toCountMatrix, type CountInput, type CountMatrix } from './count-matrix.js';
import type { EstimatorAsyncFitOptions, EstimatorFitOptions, FitSettings, MixtureFitSummary, MixtureSample } from './family-mixture.js';
import { createMultinomialMixtureModel, MULTINOMIAL_MIXTURE, type MultinomialModelOptions } from './mixture-models.js';
import { multinomialOptionsFromConfig } from './model-from-config.js';
import { logMultinomialCoefficient } from './multinomial-coefficient.js';
import { sampleMultinomial, type MultinomialComponents, type MultinomialPrepared, type MultinomialStatistics } from './multinomial-family.js';
import { splitSettings } from './plain-parameters.js';
import { ProbabilityTableMixture, type ProbabilityTableParameters } from './probability-table-mixture.js';

export type MultinomialMixtureOptions = MultinomialModelOptions & FitSettings;

/**
 * The multinomial fit summary. `logLikelihood`, `history` and `logLikelihoodHistory` leave out the
 * multinomial coefficient (constant in θ); the `…WithCoefficient` fields include it, as R mixtools
 * reports. bic/aic use the log-likelihood without the coefficient.
 */
export type MultinomialFitSummary = MixtureFitSummary<ProbabilityTableParameters> & {
  /** Σ_i w_i log(n_i! / ∏_v x_iv!) of the fitted data. */
  readonly logMultinomialCoefficient: number;
  readonly logLikelihoodWithCoefficient: number;
  /** Objective (log-likelihood + log-prior) at θ_0 … θ_n, coefficient included. */
  readonly historyWithCoefficient: readonly number[];
  readonly logLikelihoodHistoryWithCoefficient: readonly number[];
};

/**
 * Mixture of multinomials over count vectors (documents × vocabulary), dense or sparse CSR.
 *
 * ```ts
 * const model = new MultinomialMixture({ components: 10, seed: 1 });
 * const summary = model.fit(counts); // CsrMatrix or number[][]
 * model.topFeatures(10, vocabulary);
 * ```
 */
export class MultinomialMixture extends ProbabilityTableMixture<MultinomialStatistics, MultinomialPrepared> {
  constructor(options: MultinomialMixtureOptions) {
    const [settings, modelOptions] = splitSettings(options);
    super(createMultinomialMixtureModel(modelOptions), settings);
  }

  /** Restores a model saved with `toJSON` (parameters round-trip exactly). */
  static fromJSON(json: string | SerializedModel): MultinomialMixture {
    const document = parseSerializedModel(json, MULTINOMIAL_MIXTURE);
    return new MultinomialMixture(multinomialOptionsFromConfig(document.config)).restore(document);
  }

  override fit(input: CountInput, options: EstimatorFitOptions<ProbabilityTableParameters> = {}): MultinomialFitSummary {
    return super.fit(input, options) as MultinomialFitSummary;
  }

  override async fitAsync(
    input: CountInput,
    options: EstimatorAsyncFitOptions<ProbabilityTableParameters> = {},
  ): Promise<MultinomialFitSummary> {
    return (await super.fitAsync(input, options)) as MultinomialFitSummary;
  }

  protected override adopt(result: FitResult<MixtureParameters<MultinomialComponents>>, data: MixtureData<CountMatrix>): MultinomialFitSummary {
    const summary = super.adopt(result, data);
    const coefficient = logMultinomialCoefficient(data.observations, data.sampleWeights);
    this.metadata = { ...this.metadata, logMultinomialCoefficient: coefficient, logLikelihoodWithCoefficient: result.logLikelihood + coefficient };
    return {
      ...summary,
      logMultinomialCoefficient: coefficient,
      logLikelihoodWithCoefficient: result.logLikelihood + coefficient,
      historyWithCoefficient: result.history.map((h) => h + coefficient),
      logLikelihoodHistoryWithCoefficient: result.logLikelihoodHistory.map((h) => h + coefficient),
    };
  }

  /** Σ_i w_i log(n_i! / ∏_v x_iv!): add it to this package's log-likelihoods to compare with R mixtools. */
  logMultinomialCoefficient(input: CountInput, sampleWeights?: ArrayLike<number>): number {
    return logMultinomialCoefficient(toCountMatrix(input), sampleWeights);
  }

  /** n documents of `documentLength` tokens each (default: the model's documentLength option, 100). */
  override sample(n: number, options: { readonly seed?: number; readonly documentLength?: number } = {}): MixtureSample {
    const parameters = this.current();
    const c = parameters.components;
    const random = new Random(options.seed ?? 0);
    const length = options.documentLength ?? (this.model.family.config as { readonly documentLength: number }).documentLength;
    const observations = new Float64Array(n * c.features);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = random.categorical(parameters.weights);
      labels[i] = k;
      sampleMultinomial(c.probabilities, k * c.features, c.features, length, random, observations.subarray(i * c.features, (i + 1) * c.features));
    }
    return { observations: new DenseMatrix(observations, n, c.features), labels };
  }
}
