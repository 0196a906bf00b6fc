// poisson-mixture.ts — the estimator users call. Everything generic (fit, fitAsync, predict,
// predictProba, score, bic, aic, sample, toJSON / fromJSON, the fit settings) is @em/core's
// Estimator; this class only says which engine model it drives and how parameters nest for users.
import {
  DENSE_ROWS,
  Estimator,
  InvalidParametersError,
  type EstimatorSettings,
  type MixtureData,
  type MixtureParameters,
  type MixtureStatistics,
  type ModelConfig,
  type RowInput,
  type DenseMatrix,
  packageWorkerEntry,
  unsharedBytes,
  type EStepWork,
} from '@em/core';
import { poissonComponentsFromPlain, poissonComponentsToPlain, type PlainPoissonComponents, type PoissonComponents, type PoissonStatistics } from './poisson-family.js';
import { createPoissonMixtureModel, type PoissonMixtureModel } from './poisson-mixture-model.js';
import { MODEL_KIND, modelOptionsFromConfig, type PoissonMixtureOptions } from './options.js';

type Parameters = MixtureParameters<PoissonComponents>;

/** Parameters as users see them: the mixture weights and the components' own nesting. */
export type PoissonMixtureParameters = { readonly weights: readonly number[] } & PlainPoissonComponents;

/**
 * Poisson mixture fitted by EM.
 *
 * ```ts
 * const model = new PoissonMixture({ components: 3, seed: 1 });
 * model.fit(counts);                       // number[][], DenseMatrix, ml-matrix Matrix, { data, columns }
 * model.predict(counts); model.parameters;
 * ```
 */
export class PoissonMixture extends Estimator<Parameters, MixtureData<DenseMatrix>, MixtureStatistics<PoissonStatistics>, RowInput, PoissonMixtureParameters> {
  /** The saved-model kind `fromJSON` accepts. */
  static readonly kind = MODEL_KIND;
  readonly model: PoissonMixtureModel;
  protected readonly dataKind = DENSE_ROWS;

  constructor(options: PoissonMixtureOptions) {
    super(options);
    this.model = createPoissonMixtureModel({ ...options, memoryBudget: this.settings.memoryBudget });
  }

  /** An estimator for a saved model's config (used by the inherited static `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): PoissonMixture {
    return new PoissonMixture({ ...modelOptionsFromConfig(config), ...(settings as EstimatorSettings<Parameters>) });
  }

  /** Multiply-adds of one E-step: a count times a log-rate per column and component, a log and an exp per row and component. */
  protected override eStepWork(data: MixtureData<DenseMatrix>): EStepWork {
    const x = data.observations;
    const work = x.rows * this.model.k * (x.cols + 20);
    return { work, formula: `N·K·(D + 20) = ${work.toExponential(1)}`, maxChunks: x.rows };
  }

  protected override sharedCopyBytes(data: MixtureData<DenseMatrix>): number {
    return unsharedBytes(data.observations.data, data.sampleWeights);
  }

  protected override defaultWorkerUrl(): URL | undefined {
    return packageWorkerEntry(import.meta.url);
  }

  protected toPlain(parameters: Parameters): PoissonMixtureParameters {
    return { weights: Array.from(parameters.weights), ...poissonComponentsToPlain(parameters.components) };
  }

  protected fromPlain(plain: PoissonMixtureParameters): Parameters {
    if (!Array.isArray(plain.weights)) {
      throw new InvalidParametersError('weights must be an array of K numbers.', 'Pass e.g. { weights: [0.5, 0.5], … } for K = 2 components.', { parameter: 'weights' });
    }
    return { weights: Float64Array.from(plain.weights), components: poissonComponentsFromPlain(plain) };
  }
}
