import { HiddenMarkovModel } from '@em/hmm';
import type { Command } from '../framework/command.js';
import { memoryBudgetOf } from '../framework/io.js';
import { dataOptions } from '../framework/fit-report.js';
import { assertFiniteOutput } from '../framework/finite-output.js';
import { formatNumber, toJsonText } from '../framework/format.js';
import { readJsonFile } from '../io/json-file.js';
import { readDenseDataFlags } from '../io/read-data.js';
import { lengthsOption, readLengths } from '../io/sequence-lengths.js';

const ALGORITHMS = ['viterbi', 'map'] as const;

/** `em decode`: the most likely hidden states of sequences under a saved HMM. */
export const decodeCommand: Command = {
  path: ['decode'],
  summary: 'Decode the hidden states of sequences with a saved hidden Markov model (Viterbi or posterior MAP).',
  description:
    'Prints the state path and its log-probability per sequence. With --json: { "states": [...], "logProbability": … }\n' +
    'for one sequence, or an array of such objects (one per sequence) when --lengths gives several.\n' +
    'viterbi: the most likely path and its joint log-probability log p(x, z*).\n' +
    'map: the most likely state at each step (posterior decoding) and the sequence log-likelihood log p(x).',
  options: {
    model: { type: 'value', valueName: 'MODEL.json', description: 'A model saved by em fit hmm --out.', required: true },
    ...dataOptions,
    lengths: lengthsOption,
    algorithm: { type: 'value', valueName: 'NAME', description: 'viterbi | map.', defaultText: 'viterbi' },
    json: { type: 'flag', description: 'Print JSON instead of text.' },
  },
  examples: ['decode --model model.json --data rolls.csv', 'decode --model model.json --data x.npy --lengths lengths.csv --algorithm map --json'],
  async run({ options, io }) {
    const algorithm = options.choice('algorithm', ALGORITHMS, 'viterbi');
    const hmm = HiddenMarkovModel.fromJSON(JSON.stringify(await readJsonFile(io, options.requiredString('model'), '--model')), { memoryBudget: memoryBudgetOf(io) });
    const table = await readDenseDataFlags(io, options);
    const lengths = await readLengths(io, options.string('lengths'), table.matrix.rows);
    const decoded = hmm.decode(lengths === undefined ? table.matrix : { observations: table.matrix, lengths }, { algorithm });
    const entries = decoded.sequences.map((s) => ({ states: Array.from(s.states), logProbability: s.logProbability }));
    assertFiniteOutput(entries, 'em decode');
    if (options.flag('json')) {
      io.stdout(`${toJsonText(entries.length === 1 ? entries[0] : entries)}\n`);
      return 0;
    }
    const what = algorithm === 'viterbi' ? 'log p(x, path)' : 'log p(x)';
    const lines = entries.flatMap((entry, s) => [
      `${entries.length === 1 ? 'sequence' : `sequence ${s}`}: ${entry.states.length} steps, ${what} = ${formatNumber(entry.logProbability, 10)}`,
      entry.states.join(' '),
    ]);
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
