import { DenseMatrix } from '@em/core';
import { CATEGORICAL_MIXTURE, CategoricalMixture, checkCategoryTables, type LatentClassParameters } from '@em/multinomial-mixture';
import type { Command } from '../framework/command.js';
import { fitOptions, REPORT_FIELDS_HELP } from '../framework/fit-report.js';
import { fitReportOf, publishFit } from '../framework/fit-run.js';
import { formatNumber, formatVector } from '../framework/format.js';
import { memoryBudgetOf } from '../framework/io.js';
import { densify } from '../io/read-data.js';
import { countMixtureOptions, fitCountMixture, readCountFitInput } from '../models/count-mixture.js';
import { streamDecision, streamOptions } from '../framework/stream-fit.js';
import { fitCategoricalStreamed } from '../models/categorical-stream.js';

/** Number of categories per column, inferred as (largest code + 1); invalid codes are left for the model to report. */
function inferCategories(matrix: DenseMatrix): number[] {
  const categories = new Array<number>(matrix.cols).fill(1);
  for (let i = 0; i < matrix.rows; i++) {
    for (let j = 0; j < matrix.cols; j++) {
      const code = matrix.data[i * matrix.cols + j] as number;
      if (Number.isInteger(code) && code >= 0 && code + 1 > (categories[j] as number)) categories[j] = code + 1;
    }
  }
  return categories;
}

/** `em fit categorical`: latent class analysis over integer-coded categorical columns. */
export const fitCategoricalCommand: Command = {
  path: ['fit', 'categorical'],
  summary: 'Fit a latent class model (mixture of categoricals) to integer-coded categorical columns.',
  description:
    'Each column is one categorical variable coded 0 … M_j − 1 (M_j from --categories, or largest code + 1).\n' +
    'With --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][J][M_j], categories [J] }, logLikelihood, history, logLikelihoodHistory,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    '--init takes { "weights": [K], "probabilities": [K][J][M_j] }.',
  options: {
    ...countMixtureOptions,
    categories: { type: 'value', valueName: 'LIST', description: 'Categories per column, comma-separated, e.g. 2,3,7.', defaultText: 'largest code + 1' },
    ...fitOptions,
    ...streamOptions,
  },
  examples: ['fit categorical --data survey.csv --components 3 --n-init 5 --seed 1', 'fit categorical --data answers.csv --components 2 --categories 2,3,7 --json'],
  async run({ options, io }) {
    const decision = await streamDecision(io, options);
    if (decision !== undefined) return fitCategoricalStreamed(io, options, decision);
    const input = await readCountFitInput<LatentClassParameters>(io, options, { depth: 3, example: '{ "weights": [K], "probabilities": [K][J][M_j] }' }, 'categorical');
    const { common, data } = input;
    const matrix = data.matrix instanceof DenseMatrix ? data.matrix : densify(data.matrix, data.source, memoryBudgetOf(io));
    const listed = options.string('categories');
    if (listed !== undefined && !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(listed)) throw options.error('categories', `expects one count per column, comma-separated (e.g. 2,3,7), got "${listed}"`);
    const categories = listed === undefined ? inferCategories(matrix) : listed.split(',').map((part) => Number(part.trim()));
    if (categories.length !== matrix.cols) {
      throw options.error('categories', `lists ${categories.length} variables but ${data.source} has ${matrix.cols} columns`);
    }
    checkCategoryTables(categories, common.components, memoryBudgetOf(io), data.source);
    const model = new CategoricalMixture({ ...input.estimator, categories });
    const summary = await fitCountMixture(io, input, 'em fit categorical', model, matrix);
    const names = data.columnNames;
    return publishFit(io, common.settings, {
      report: fitReportOf(CATEGORICAL_MIXTURE, { ...summary.parameters, categories }, summary),
      model: () => model.toJSON(),
      observations: matrix.rows,
      columns: data.columns,
      description: [
        `Latent class model: K = ${common.components}, categories [${categories.join(', ')}], ${matrix.rows} rows (${data.source})`,
        ...summary.parameters.probabilities.flatMap((perVariable, k) => [
          `class ${k}  weight ${formatNumber(summary.parameters.weights[k] as number, 6)}`,
          ...perVariable.map((p, j) => `  ${names?.[j] ?? `variable ${j}`}: ${formatVector(p, 4)}`),
        ]),
      ],
    });
  },
};
