import { type DenseMatrix, InvalidDataError } from '@em/core';
import { GaussianMixture } from '@em/gaussian-mixture';
import type { ModelHandler } from '../framework/command.js';
import { memoryBudgetOf } from '../framework/io.js';
import { readDenseDataFlags } from '../io/read-data.js';
import { columnsReportOf } from '../io/table.js';

/** Lets `em predict` apply models saved by `em fit gmm --out`. */
export const gaussianMixtureHandler: ModelHandler = {
  kind: 'gaussian-mixture',
  description: 'Gaussian mixture (em fit gmm): labels are component indices.',
  async predict({ model, options, io, probabilities, workers }) {
    const mixture = GaussianMixture.fromJSON(model, { memoryBudget: memoryBudgetOf(io) });
    const table = await readDenseDataFlags(io, options);
    const dimension = (mixture.parameters.means[0] ?? []).length;
    if (table.matrix.cols !== dimension) {
      throw new InvalidDataError(
        `${table.source} has ${table.matrix.cols} columns but the model was fitted on D = ${dimension}.`,
        'Pass data with the same columns as when fitting (choose them with --columns).',
        { columns: table.matrix.cols, dimension },
      );
    }
    const predicted = await mixture.predictAsync(table.matrix, { workers, probabilities });
    const labels = Array.from(predicted.labels);
    const columns = columnsReportOf(table);
    if (predicted.probabilities === undefined) return { labels, columns, execution: predicted.execution };
    return { labels, probabilities: predicted.probabilities, columns, execution: predicted.execution };
  },
  classifier(model, memoryBudget) {
    const mixture = GaussianMixture.fromJSON(model, { memoryBudget });
    return {
      columns: (mixture.parameters.means[0] ?? []).length,
      dense: true,
      predict: (x) => mixture.predict(x as DenseMatrix),
      predictProba: (x) => mixture.predictProba(x as DenseMatrix).map((row) => Array.from(row)),
    };
  },
};
