import { MULTINOMIAL_MIXTURE, MultinomialMixture, type ProbabilityTableParameters } from '@em/multinomial-mixture';
import type { Command } from '../framework/command.js';
import { fitOptions, REPORT_FIELDS_HELP } from '../framework/fit-report.js';
import { fitReportOf, publishFit } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { countMixtureOptions, fitCountMixture, PROBABILITY_TABLE_INIT, describeProbabilityTables, readCountFitInput, topOption } from '../models/count-mixture.js';

/** `em fit multinomial`: mixture of multinomials over count rows (documents × vocabulary). */
export const fitMultinomialCommand: Command = {
  path: ['fit', 'multinomial'],
  summary: 'Fit a mixture of multinomials to count data (e.g. documents × words; sparse .mtx supported).',
  description:
    'Rows are count vectors (non-negative integers; empty rows are allowed and carry no information).\n' +
    'Prints a summary with each component’s most probable features, or with --json one object:\n' +
    '{ kind, params: { weights [K], probabilities [K][V] }, logLikelihood, history, logLikelihoodHistory, logMultinomialCoefficient,\n' +
    '  logLikelihoodWithoutCoefficient, iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    'logLikelihood, history (objective at θ_0 … θ_n), logLikelihoodHistory, bic/aic and the progress line INCLUDE the multinomial\n' +
    'coefficient Σ log(n_i!/∏ x_iv!), as R mixtools reports; subtract logMultinomialCoefficient for the θ-dependent part.\n' +
    '--init takes { "weights": [K], "probabilities": [K][V] }.',
  options: {
    ...countMixtureOptions,
    'allow-non-integer': { type: 'flag', description: 'Accept non-integer counts (e.g. tf–idf weights).' },
    ...topOption,
    ...fitOptions,
  },
  examples: [
    'fit multinomial --data counts.mtx --components 10 --seed 1',
    'fit multinomial --data counts.csv --components 2 --init start.json --prior none --max-iter 2 --tol 0 --json',
  ],
  async run({ options, io }) {
    const topCount = options.integer('top', { min: 0 }, 10);
    const input = await readCountFitInput<ProbabilityTableParameters>(io, options, PROBABILITY_TABLE_INIT, 'multinomial');
    const { common, data } = input;
    const model = new MultinomialMixture({ ...input.estimator, allowNonInteger: options.flag('allow-non-integer') });
    // The report includes the constant Σ log(n_i!/∏ x_iv!); progress adds it too, so both show the same figures.
    const summary = await fitCountMixture(io, input, 'em fit multinomial', model, data.matrix, model.logMultinomialCoefficient(data.matrix));
    const coefficient = summary.logMultinomialCoefficient;
    return publishFit(io, common.settings, {
      report: fitReportOf(
        MULTINOMIAL_MIXTURE,
        summary.parameters,
        { ...summary, logLikelihood: summary.logLikelihoodWithCoefficient, history: summary.historyWithCoefficient, logLikelihoodHistory: summary.logLikelihoodHistoryWithCoefficient, bic: summary.bic - 2 * coefficient, aic: summary.aic - 2 * coefficient },
        { logMultinomialCoefficient: coefficient, logLikelihoodWithoutCoefficient: summary.logLikelihood },
      ),
      model: () => model.toJSON(),
      observations: data.matrix.rows,
      columns: data.columns,
      description: describeProbabilityTables('Multinomial mixture', input, model, topCount, summary.parameters.weights),
      notes: [`(log-likelihood includes the multinomial coefficient ${formatNumber(coefficient, 10)})`],
    });
  },
};
