import { DenseMatrix, type DenseInput, type MixtureParameters, parseSerializedModel, type SerializedModel } from '@em/core';
import { categoricalComponentsFromNested, type CategoricalComponents, type CategoricalPrepared, type CategoricalStatistics } from './categorical-family.js';
import { FamilyMixture, type FitSettings } from './family-mixture.js';
import { CATEGORICAL_MIXTURE, createCategoricalMixtureModel, type CategoricalModelOptions } from './mixture-models.js';
import { categoricalOptionsFromConfig } from './model-from-config.js';
import { splitSettings, weightsFromPlain } from './plain-parameters.js';

/** Latent-class parameters as plain arrays: weights [K], probabilities [K][J][M_j]. */
export type LatentClassParameters = {
  readonly weights: number[];
  readonly probabilities: number[][][];
};

export type CategoricalMixtureOptions = CategoricalModelOptions & FitSettings;

/**
 * Latent class analysis: a mixture over J categorical variables (integer codes 0 … M_j − 1, one
 * column per variable), each class with one probability vector per variable.
 *
 * ```ts
 * const lca = new CategoricalMixture({ components: 3, categories: [2, 3, 7], seed: 1 });
 * lca.fit(answers); // number[][] of codes
 * ```
 */
export class CategoricalMixture extends FamilyMixture<CategoricalComponents, DenseMatrix, CategoricalStatistics, CategoricalPrepared, DenseInput, LatentClassParameters> {
  readonly categories: readonly number[];

  constructor(options: CategoricalMixtureOptions) {
    const [settings, modelOptions] = splitSettings(options);
    super(createCategoricalMixtureModel(modelOptions), settings);
    this.categories = [...options.categories];
  }

  static fromJSON(json: string | SerializedModel): CategoricalMixture {
    const document = parseSerializedModel(json, CATEGORICAL_MIXTURE);
    return new CategoricalMixture(categoricalOptionsFromConfig(document.config)).restore(document);
  }

  protected observationsFrom(input: DenseInput): DenseMatrix {
    return DenseMatrix.from(input);
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
