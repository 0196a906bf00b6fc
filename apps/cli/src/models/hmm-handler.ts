import { HiddenMarkovModel } from '@em/hmm';
import type { ModelHandler } from '../framework/command.js';
import { memoryBudgetOf } from '../framework/io.js';
import { readDenseDataFlags } from '../io/read-data.js';
import { readLengths } from '../io/sequence-lengths.js';
import { columnsReportOf } from '../io/table.js';

export const HMM_KIND = 'hmm';

/**
 * Lets `em predict` apply models saved by `em fit hmm --out`: labels are the Viterbi states of
 * each time step, `--proba` gives the posterior state probabilities; `--lengths` splits the rows
 * into sequences as for `em decode`.
 */
export const hmmHandler: ModelHandler = {
  kind: HMM_KIND,
  description: 'Hidden Markov model (em fit hmm): labels are the Viterbi states; --lengths gives the sequences.',
  sequences: true,
  async predict({ model, options, io, probabilities, workers }) {
    const hmm = HiddenMarkovModel.fromJSON(model, { memoryBudget: memoryBudgetOf(io) });
    const table = await readDenseDataFlags(io, options);
    const lengths = await readLengths(io, options.string('lengths'), table.matrix.rows);
    const sequences = lengths === undefined ? table.matrix : { observations: table.matrix, lengths };
    const predicted = await hmm.predictAsync(sequences, { workers, probabilities });
    const labels = Array.from(predicted.labels);
    const columns = columnsReportOf(table);
    if (predicted.probabilities === undefined) return { labels, columns, execution: predicted.execution };
    return { labels, probabilities: predicted.probabilities, columns, execution: predicted.execution };
  },
};
