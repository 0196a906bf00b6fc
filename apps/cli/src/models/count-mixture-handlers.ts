import { type CsrMatrix, DenseMatrix, type PredictAsyncOptions, type PredictAsyncResult } from '@em/core';
import { BERNOULLI_MIXTURE, BernoulliMixture, CATEGORICAL_MIXTURE, CategoricalMixture, MULTINOMIAL_MIXTURE, MultinomialMixture } from '@em/multinomial-mixture';
import type { ModelHandler, PredictOutcome, PredictRequest } from '../framework/command.js';
import type { BlockClassifier } from '../framework/stream-predict.js';
import { memoryBudgetOf } from '../framework/io.js';
import { densify as densifyMatrix } from '../io/read-data.js';
import { readCounts } from './count-mixture.js';

interface CountClassifier {
  predict(x: DenseMatrix | CsrMatrix): Int32Array;
  predictProba(x: DenseMatrix | CsrMatrix): number[][];
  predictAsync(x: DenseMatrix | CsrMatrix, options: PredictAsyncOptions): Promise<PredictAsyncResult>;
}

/** A multinomial or Bernoulli mixture as a block classifier (dense or sparse rows; V = the tables' width). */
function tableClassifier(model: CountClassifier & { readonly parameters: { readonly probabilities: readonly (readonly number[])[] } }): BlockClassifier {
  return { columns: model.parameters.probabilities[0]?.length ?? 0, dense: false, predict: (x) => model.predict(x), predictProba: (x) => model.predictProba(x) };
}

/** Shared body of the three `em predict` handlers; `densify` for models that take dense rows only. */
async function predictWith(request: PredictRequest, model: CountClassifier, densify: boolean): Promise<PredictOutcome> {
  const data = await readCounts(request.io, request.options);
  const matrix = densify && !(data.matrix instanceof DenseMatrix) ? densifyMatrix(data.matrix, data.source, memoryBudgetOf(request.io)) : data.matrix;
  const predicted = await model.predictAsync(matrix, { workers: request.workers, probabilities: request.probabilities });
  const labels = Array.from(predicted.labels);
  return predicted.probabilities === undefined
    ? { labels, columns: data.columns, execution: predicted.execution }
    : { labels, probabilities: predicted.probabilities, columns: data.columns, execution: predicted.execution };
}

export const multinomialMixtureHandler: ModelHandler = {
  kind: MULTINOMIAL_MIXTURE,
  description: 'Mixture of multinomials (em fit multinomial): labels are component indices; data .csv/.npy/.mtx counts.',
  predict: (request) => predictWith(request, MultinomialMixture.fromJSON(request.model, { memoryBudget: memoryBudgetOf(request.io) }), false),
  classifier: (model, memoryBudget) => tableClassifier(MultinomialMixture.fromJSON(model, { memoryBudget })),
};

export const categoricalMixtureHandler: ModelHandler = {
  kind: CATEGORICAL_MIXTURE,
  description: 'Latent class model (em fit categorical): labels are class indices; data are integer codes.',
  predict: (request) => {
    const model = CategoricalMixture.fromJSON(request.model, { memoryBudget: memoryBudgetOf(request.io) });
    return predictWith(
      request,
      { predict: (x) => model.predict(x as DenseMatrix), predictProba: (x) => model.predictProba(x as DenseMatrix), predictAsync: (x, options) => model.predictAsync(x as DenseMatrix, options) },
      true,
    );
  },
  classifier(saved, memoryBudget) {
    const model = CategoricalMixture.fromJSON(saved, { memoryBudget });
    return { columns: model.categories.length, dense: true, predict: (x) => model.predict(x as DenseMatrix), predictProba: (x) => model.predictProba(x as DenseMatrix) };
  },
};

export const bernoulliMixtureHandler: ModelHandler = {
  kind: BERNOULLI_MIXTURE,
  description: 'Mixture of Bernoullis (em fit bernoulli): labels are component indices; data are 0/1.',
  predict: (request) => predictWith(request, BernoulliMixture.fromJSON(request.model, { memoryBudget: memoryBudgetOf(request.io) }), false),
  classifier: (model, memoryBudget) => tableClassifier(BernoulliMixture.fromJSON(model, { memoryBudget })),
};
