import { DENSE_ROWS, Estimator, type DenseMatrix, type EstimatorSettings, type MixtureData, type MixtureParameters, type MixtureStatistics, type ModelConfig, type RowInput, packageWorkerEntry, unsharedBytes, type EStepWork } from '@em/core';
import { categoricalComponentsFromNested, type CategoricalComponents, type CategoricalStatistics } from './categorical-family.js';
import { createCategoricalMixtureModel, type CategoricalMixtureModel } from './categorical-mixture-model.js';
import { CATEGORICAL_MIXTURE, categoricalOptionsFromConfig, type CategoricalMixtureOptions } from './options.js';
import { weightsFromPlain } from './plain-parameters.js';

/** Latent-class parameters as plain arrays: weights [K], probabilities [K][J][M_j]. */
export type LatentClassParameters = {
  readonly weights: number[];
  readonly probabilities: number[][][];
};

/**
 * Latent class analysis: a mixture over J categorical variables (integer codes 0 … M_j − 1, one
 * column per variable), each class with one probability vector per variable.
 *
 * ```ts
 * const lca = new CategoricalMixture({ components: 3, categories: [2, 3, 7], seed: 1 });
 * lca.fit(answers); // number[][] of codes
 * ```
 */
export class CategoricalMixture extends Estimator<
  MixtureParameters<CategoricalComponents>,
  MixtureData<DenseMatrix>,
  MixtureStatistics<CategoricalStatistics>,
  RowInput,
  LatentClassParameters
> {
  static readonly kind = CATEGORICAL_MIXTURE;
  readonly model: CategoricalMixtureModel;
  readonly categories: readonly number[];
  protected readonly dataKind = DENSE_ROWS;

  constructor(options: CategoricalMixtureOptions) {
    super(options);
    this.model = createCategoricalMixtureModel(options);
    this.categories = [...options.categories];
  }

  /** Builds the estimator a saved config describes (used by `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): CategoricalMixture {
    return new CategoricalMixture({ ...categoricalOptionsFromConfig(config), ...settings });
  }

  /** Multiply-adds of one E-step: one table look-up per variable and class, a log and an exp per row and class. */
  protected override eStepWork(data: MixtureData<DenseMatrix>): EStepWork {
    const x = data.observations;
    const work = x.rows * this.model.k * (x.cols + 20);
    return { work, formula: `N·K·(J + 20) = ${work.toExponential(1)}`, maxChunks: x.rows };
  }

  protected override sharedCopyBytes(data: MixtureData<DenseMatrix>): number {
    return unsharedBytes(data.observations.data, data.sampleWeights);
  }

  protected override defaultWorkerUrl(): URL | undefined {
    return packageWorkerEntry(import.meta.url);
  }

  protected toPlain(parameters: MixtureParameters<CategoricalComponents>): LatentClassParameters {
    const c = parameters.components;
    const blockSize = c.categories.reduce((a, b) => a + b, 0);
    const probabilities: number[][][] = [];
    for (let k = 0; k < c.components; k++) {
      let offset = k * blockSize;
      probabilities.push(
        c.categories.map((m) => {
          const vector = Array.from(c.probabilities.subarray(offset, offset + m));
          offset += m;
          return vector;
        }),
      );
    }
    return { weights: Array.from(parameters.weights), probabilities };
  }

  protected fromPlain(plain: LatentClassParameters): MixtureParameters<CategoricalComponents> {
    return { weights: weightsFromPlain(plain.weights), components: categoricalComponentsFromNested(plain.probabilities, this.categories) };
  }
}
