import { BERNOULLI_MIXTURE, BernoulliMixture, type ProbabilityTableParameters } from '@em/multinomial-mixture';
import type { Command } from '../framework/command.js';
import { fitOptions, REPORT_FIELDS_HELP } from '../framework/fit-report.js';
import { fitReportOf, publishFit } from '../framework/fit-run.js';
import { countMixtureOptions, fitCountMixture, PROBABILITY_TABLE_INIT, describeProbabilityTables, readCountFitInput, topOption } from '../models/count-mixture.js';

/** `em fit bernoulli`: mixture of independent Bernoullis over 0/1 rows. */
export const fitBernoulliCommand: Command = {
  path: ['fit', 'bernoulli'],
  summary: 'Fit a mixture of Bernoullis to binary (0/1) data (dense or sparse .mtx).',
  description:
    'With --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][V] (P(x_v = 1 | k)) }, logLikelihood, history, logLikelihoodHistory,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    '--init takes { "weights": [K], "probabilities": [K][V] }.',
  options: { ...countMixtureOptions, ...topOption, ...fitOptions },
  examples: ['fit bernoulli --data features.csv --components 4 --seed 2', 'fit bernoulli --data ones.mtx --components 3 --prior none --json'],
  async run({ options, io }) {
    const topCount = options.integer('top', { min: 0 }, 10);
    const input = await readCountFitInput<ProbabilityTableParameters>(io, options, PROBABILITY_TABLE_INIT, 'Bernoulli');
    const { common, data } = input;
    const model = new BernoulliMixture(input.estimator);
    const summary = await fitCountMixture(io, input, 'em fit bernoulli', model, data.matrix);
    return publishFit(io, common.settings, {
      report: fitReportOf(BERNOULLI_MIXTURE, summary.parameters, summary),
      model: () => model.toJSON(),
      observations: data.matrix.rows,
      columns: data.columns,
      description: describeProbabilityTables('Bernoulli mixture', input, model, topCount, summary.parameters.weights),
    });
  },
};
