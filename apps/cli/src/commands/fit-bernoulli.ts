import { BERNOULLI_MIXTURE, BernoulliMixture, type ProbabilityTableParameters } from '@em/multinomial-mixture';
import type { Command } from '../framework/command.js';
import { formatNumber } from '../framework/format.js';
import { publishStreamedFit, streamDecision, streamOptions } from '../framework/stream-fit.js';
import { fitCountMixtureStreamed, openStreamedCountInput } from '../models/count-mixture-stream.js';
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
  options: { ...countMixtureOptions, ...topOption, ...fitOptions, ...streamOptions },
  examples: ['fit bernoulli --data features.csv --components 4 --seed 2', 'fit bernoulli --data ones.mtx --components 3 --prior none --json'],
  async run({ options, io }) {
    const topCount = options.integer('top', { min: 0 }, 10);
    const decision = await streamDecision(io, options);
    if (decision !== undefined) {
      const streamed = await openStreamedCountInput<ProbabilityTableParameters>(io, options, decision, PROBABILITY_TABLE_INIT, 'Bernoulli');
      try {
        const model = new BernoulliMixture(streamed.estimator);
        const fit = await fitCountMixtureStreamed(io, options, decision, 'em fit bernoulli', streamed, model, streamed.source);
        const { weights } = model.parameters;
        return await publishStreamedFit(io, streamed.common.settings, fit, {
          kind: BERNOULLI_MIXTURE,
          params: model.parameters,
          model: () => model.toJSON(),
          description: [
            `Bernoulli mixture: K = ${streamed.common.components}, pseudocount ${streamed.common.pseudocount}, ${streamed.source.columns} features (${streamed.source.description})`,
            ...model.topFeatures(topCount, streamed.source.columnNames).map((features, k) => `component ${k}  weight ${formatNumber(weights[k] as number, 6)}  top: ${features.map((f) => `${f.name ?? f.feature} (${formatNumber(f.probability, 4)})`).join(', ')}`),
          ],
        });
      } finally {
        await streamed.close();
      }
    }
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
