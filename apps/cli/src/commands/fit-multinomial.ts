import { logMultinomialCoefficient, MULTINOMIAL_MIXTURE, MultinomialMixture, type ProbabilityTableParameters } from '@em/multinomial-mixture';
import type { Command } from '../framework/command.js';
import { fitOptions, REPORT_FIELDS_HELP } from '../framework/fit-report.js';
import { fitReportOf, publishFit } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { countMixtureOptions, fitCountMixture, PROBABILITY_TABLE_INIT, describeProbabilityTables, readCountFitInput, topOption } from '../models/count-mixture.js';
import { fitCountMixtureStreamed, openStreamedCountInput } from '../models/count-mixture-stream.js';
import { publishStreamedFit, streamDecision, streamOptions, tapFirstPass } from '../framework/stream-fit.js';

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
    ...streamOptions,
  },
  examples: [
    'fit multinomial --data counts.mtx --components 10 --seed 1',
    'fit multinomial --data counts.csv --components 2 --init start.json --prior none --max-iter 2 --tol 0 --json',
    'fit multinomial --data big.mtx --components 20 --stream --memory-budget 512MiB',
  ],
  async run({ options, io }) {
    const topCount = options.integer('top', { min: 0 }, 10);
    const decision = await streamDecision(io, options);
    if (decision !== undefined) {
      const input = await openStreamedCountInput<ProbabilityTableParameters>(io, options, decision, PROBABILITY_TABLE_INIT, 'multinomial');
      try {
        const model = new MultinomialMixture({ ...input.estimator, allowNonInteger: options.flag('allow-non-integer') });
        // Σ log(n_i!/∏ x_iv!) over every row, added up on the first pass (the report includes it, as in memory).
        let coefficient = 0;
        const source = tapFirstPass(input.source, (block) => {
          coefficient += logMultinomialCoefficient(block);
        });
        const fit = await fitCountMixtureStreamed(io, options, decision, 'em fit multinomial', input, model, source);
        const { weights } = model.parameters;
        return await publishStreamedFit(io, input.common.settings, fit, {
          kind: MULTINOMIAL_MIXTURE,
          params: model.parameters,
          model: () => model.toJSON(),
          description: [
            `Multinomial mixture: K = ${input.common.components}, pseudocount ${input.common.pseudocount}, ${input.source.rows ?? 'streamed'} rows × ${input.source.columns} features (${input.source.description})`,
            ...model.topFeatures(topCount, input.source.columnNames).map((features, k) => `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  top: ${features.map((f) => `${f.name ?? f.feature} (${formatNumber(f.probability, 4)})`).join(', ')}`),
          ],
          offset: {
            value: coefficient,
            fields: (withoutCoefficient) => ({ logMultinomialCoefficient: coefficient, logLikelihoodWithoutCoefficient: withoutCoefficient }),
            note: `(log-likelihood includes the multinomial coefficient ${formatNumber(coefficient, 10)})`,
          },
        });
      } finally {
        await input.close();
      }
    }
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
