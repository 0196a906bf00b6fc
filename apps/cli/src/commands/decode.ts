import { HiddenMarkovModel } from '@em/hmm';
import type { Command } from '../framework/command.js';
import { memoryBudgetOf } from '../framework/io.js';
import { dataOptions } from '../framework/fit-report.js';
import { assertFiniteOutput } from '../framework/finite-output.js';
import { formatNumber, toJsonText } from '../framework/format.js';
import { readJsonFile } from '../io/json-file.js';
import { UsageError } from '../framework/usage-error.js';
import { readDenseDataFlags } from '../io/read-data.js';
import { lengthsOption, readLengths } from '../io/sequence-lengths.js';
import { predictStreams } from '../framework/stream-predict.js';
import { decodeStreamed } from '../models/hmm-decode-stream.js';

const ALGORITHMS = ['viterbi', 'map'] as const;

/** `em decode`: the most likely hidden states of sequences under a saved HMM. */
export const decodeCommand: Command = {
  path: ['decode'],
  summary: 'Decode the hidden states of sequences with a saved hidden Markov model (Viterbi or posterior MAP).',
  description:
    'Prints the state path and its log-probability per sequence. With --json: { "states": [...], "logProbability": … }\n' +
    'for one sequence, or an array of such objects (one per sequence) when --lengths gives several.\n' +
    'viterbi: the most likely path and its joint log-probability log p(x, z*).\n' +
    'map: the most likely state at each step (posterior decoding) and the sequence log-likelihood log p(x).\n' +
    'Streaming (--stream; automatic for --data - and a file larger than --memory-budget; implied by --sequence-column):\n' +
    'the rows are read in blocks of whole sequences and each block is written as it is decoded (sequences numbered\n' +
    'from 0 in file order); with --output FILE the file appears only when every sequence is decoded. No --json.',
  options: {
    model: { type: 'value', valueName: 'MODEL.json', description: 'A model saved by em fit hmm --out.', required: true },
    ...dataOptions,
    lengths: lengthsOption,
    'sequence-column': {
      type: 'value',
      valueName: 'NAME',
      description: 'Column (header name or 0-based index) holding a numeric sequence id: consecutive rows with the same id form a sequence (see em fit hmm). Streams the data.',
    },
    stream: { type: 'flag', description: 'Read --data in blocks of whole sequences and write each block’s paths as they are decoded.' },
    output: { type: 'value', valueName: 'FILE', description: 'With streaming: write the paths to FILE (all or nothing) instead of stdout.' },
    'block-rows': { type: 'value', valueName: 'N', description: 'Rows a block of whole sequences aims at when streaming.', defaultText: 'from --memory-budget, at most 65536' },
    algorithm: { type: 'value', valueName: 'NAME', description: 'viterbi | map.', defaultText: 'viterbi' },
    json: { type: 'flag', description: 'Print JSON instead of text.' },
  },
  examples: [
    'decode --model model.json --data rolls.csv',
    'decode --model model.json --data x.npy --lengths lengths.csv --algorithm map --json',
    'decode --model model.json --data visits.csv --sequence-column patient --columns x,y --output paths.txt',
  ],
  async run({ options, io }) {
    const algorithm = options.choice('algorithm', ALGORITHMS, 'viterbi');
    const hmm = HiddenMarkovModel.fromJSON(JSON.stringify(await readJsonFile(io, options.requiredString('model'), '--model')), { memoryBudget: memoryBudgetOf(io) });
    const reason = (await predictStreams(io, options)) ?? (options.has('sequence-column') ? '--sequence-column' : undefined);
    if (reason !== undefined) return decodeStreamed(io, options, hmm, algorithm, reason);
    for (const flag of ['output', 'block-rows'] as const) {
      if (options.has(flag)) throw new UsageError(`em decode: --${flag} applies to streamed decoding; add --stream or drop --${flag}.`);
    }
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
