// Template: src/<name>.ts — the estimator users call, a subclass of @em/core's Estimator. It owns
// nothing generic: it names its engine model, its data kind (dense rows) and how parameters nest
// for users (the family's <family>ComponentsToPlain / FromPlain). Generated complete.

/** @param {import('../src/names.mjs').ModelNames} names */
export function estimatorSource(names) {
  const { componentsFromPlain, componentsToPlain, componentsType, createModel, estimatorClass, estimatorFile, estimatorOptionsType, estimatorParametersType, familyFile, modelFile, modelType, plainComponentsType, statisticsType, title } = names;
  return `// ${estimatorFile}.ts — the estimator users call. Everything generic (fit, fitAsync, predict,
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
} from '@em/core';
import { ${componentsFromPlain}, ${componentsToPlain}, type ${plainComponentsType}, type ${componentsType}, type ${statisticsType} } from './${familyFile}.js';
import { ${createModel}, type ${modelType} } from './${modelFile}.js';
import { MODEL_KIND, modelOptionsFromConfig, type ${estimatorOptionsType} } from './options.js';

type Parameters = MixtureParameters<${componentsType}>;

/** Parameters as users see them: the mixture weights and the components' own nesting. */
export type ${estimatorParametersType} = { readonly weights: readonly number[] } & ${plainComponentsType};

/**
 * ${title} fitted by EM.
 *
 * \`\`\`ts
 * const model = new ${estimatorClass}({ components: 3, seed: 1 });
 * model.fit(counts);                       // number[][], DenseMatrix, ml-matrix Matrix, { data, columns }
 * model.predict(counts); model.parameters;
 * \`\`\`
 */
export class ${estimatorClass} extends Estimator<Parameters, MixtureData<DenseMatrix>, MixtureStatistics<${statisticsType}>, RowInput, ${estimatorParametersType}> {
  /** The saved-model kind \`fromJSON\` accepts. */
  static readonly kind = MODEL_KIND;
  readonly model: ${modelType};
  protected readonly dataKind = DENSE_ROWS;

  constructor(options: ${estimatorOptionsType}) {
    super(options);
    this.model = ${createModel}({ ...options, memoryBudget: this.settings.memoryBudget });
  }

  /** An estimator for a saved model's config (used by the inherited static \`fromJSON\`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): ${estimatorClass} {
    return new ${estimatorClass}({ ...modelOptionsFromConfig(config), ...(settings as EstimatorSettings<Parameters>) });
  }

  protected toPlain(parameters: Parameters): ${estimatorParametersType} {
    return { weights: Array.from(parameters.weights), ...${componentsToPlain}(parameters.components) };
  }

  protected fromPlain(plain: ${estimatorParametersType}): Parameters {
    if (!Array.isArray(plain.weights)) {
      throw new InvalidParametersError('weights must be an array of K numbers.', 'Pass e.g. { weights: [0.5, 0.5], … } for K = 2 components.', { parameter: 'weights' });
    }
    return { weights: Float64Array.from(plain.weights), components: ${componentsFromPlain}(plain) };
  }
}
`;
}
