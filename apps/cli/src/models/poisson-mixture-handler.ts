import { MODEL_KIND as POISSON_MIXTURE, PoissonMixture } from '@em/poisson-mixture';
import type { DenseMatrix } from '@em/core';
import type { ModelHandler } from '../framework/command.js';
import { memoryBudgetOf } from '../framework/io.js';
import { readPoissonCounts } from './poisson-mixture.js';

export const poissonMixtureHandler: ModelHandler = {
  kind: POISSON_MIXTURE,
  description: 'Mixture of Poissons (em fit poisson): labels are component indices; data are counts (.csv/.npy/.mtx).',
  async predict(request) {
    const model = PoissonMixture.fromJSON(request.model, { memoryBudget: memoryBudgetOf(request.io) });
    const data = await readPoissonCounts(request.io, request.options);
    const predicted = await model.predictAsync(data.matrix, { workers: request.workers, probabilities: request.probabilities });
    const labels = Array.from(predicted.labels);
    return predicted.probabilities === undefined
      ? { labels, columns: data.columns, execution: predicted.execution }
      : { labels, probabilities: predicted.probabilities, columns: data.columns, execution: predicted.execution };
  },
  classifier(saved, memoryBudget) {
    const model = PoissonMixture.fromJSON(saved, { memoryBudget });
    return { columns: model.parameters.rates[0]?.length ?? 0, dense: true, predict: (x) => model.predict(x as DenseMatrix), predictProba: (x) => model.predictProba(x as DenseMatrix) };
  },
};
