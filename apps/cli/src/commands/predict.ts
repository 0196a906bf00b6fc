import { parseSerializedModel } from '@em/core';
import type { Command } from '../framework/command.js';
import { dataOptions, readWorkers } from '../framework/fit-report.js';
import { assertFiniteOutput } from '../framework/finite-output.js';
import { toJsonText } from '../framework/format.js';
import { UsageError } from '../framework/usage-error.js';
import { readJsonFile } from '../io/json-file.js';
import { lengthsOption } from '../io/sequence-lengths.js';
import { memoryBudgetOf } from '../framework/io.js';
import { predictStreamed, predictStreamOptions, predictStreams } from '../framework/stream-predict.js';

/**
 * `em predict`: applies a saved model to data. The model file's `kind` selects the handler from
 * the registry, so every model package's saved models work here.
 */
export const predictCommand: Command = {
  path: ['predict'],
  summary: 'Assign each row of a data file to its most probable component with a saved model.',
  description:
    'Prints one label per line (0-based), or with --proba the label followed by the probability of each component.\n' +
    'With --json: { "kind", "labels": [n], "probabilities": [n][K] (with --proba), "columns": { used, skipped },\n' +
    '  "execution": { mode, workers, reason } } (where the pass ran, see --workers).',
  options: {
    model: { type: 'value', valueName: 'MODEL.json', description: 'Model saved by `em fit … --out`.', required: true },
    ...dataOptions,
    lengths: { ...lengthsOption, description: `${lengthsOption.description} Sequence models only.` },
    proba: { type: 'flag', description: 'Also print the posterior probability of each component.' },
    json: { type: 'flag', description: 'Print one JSON object on stdout.' },
    workers: {
      type: 'value',
      valueName: 'auto|N',
      description:
        'Where the pass runs. auto: on worker threads when the data is large enough for one pass to pay for starting them ' +
        '(work ≥ 4e9, about 1 s of pass in process), in process otherwise. N: on N worker threads (1 = in process). --json (execution) says which.',
      defaultText: 'auto',
    },
    ...predictStreamOptions,
  },
  examples: ['predict --model faithful-model.json --data data/faithful.csv --proba', 'predict --model model.json --data big.npy --stream --output labels.txt'],
  async run({ options, io, registry }) {
    const modelPath = options.requiredString('model');
    const model = parseSerializedModel(await readJsonFile(io, modelPath, '--model'));
    const handler = registry.modelHandlers.find((candidate) => candidate.kind === model.kind);
    if (handler === undefined) {
      const known = registry.modelHandlers.map((candidate) => candidate.kind).join(', ');
      throw new UsageError(`em predict: ${modelPath} holds a "${model.kind}" model, which em predict cannot apply (it knows: ${known || 'none'}).`);
    }
    if (options.has('lengths') && handler.sequences !== true) {
      throw new UsageError(`em predict: --lengths splits rows into sequences, but ${modelPath} holds a "${model.kind}" model, which treats rows independently; drop --lengths.`);
    }
    const probabilities = options.flag('proba');
    const streamReason = await predictStreams(io, options);
    const workers = readWorkers(options);
    if (streamReason !== undefined && workers !== 'auto' && workers > 1) throw new UsageError(`em predict: a streamed prediction (${streamReason}) runs in this thread; drop --workers ${workers}.`);
    if (streamReason !== undefined) {
      if (handler.classifier === undefined) throw new UsageError(`em predict: ${model.kind} models cannot predict on streamed data yet (${streamReason}); load it with a larger --memory-budget.`);
      return predictStreamed(io, options, model, handler.classifier(model, memoryBudgetOf(io)), streamReason, probabilities);
    }
    if (options.has('output') || options.has('block-rows')) throw new UsageError('em predict: --output and --block-rows apply to streamed predictions; add --stream.');
    const outcome = await handler.predict({ model, options, io, probabilities, workers });
    if (outcome.execution !== undefined && outcome.execution.mode !== 'in-process' && !options.flag('json')) io.stderr(`em predict: ${outcome.execution.reason}\n`);
    // A NaN probability is a failed prediction (e.g. an overflow), never output with exit code 0.
    assertFiniteOutput(outcome, `em predict with ${modelPath}`);
    if (options.flag('json')) {
      const columns = outcome.columns === undefined ? {} : { columns: outcome.columns };
      const execution = outcome.execution === undefined ? {} : { execution: { mode: outcome.execution.mode, workers: outcome.execution.workers, reason: outcome.execution.reason } };
      const result =
        probabilities && outcome.probabilities !== undefined
          ? { kind: model.kind, labels: outcome.labels, probabilities: outcome.probabilities, ...columns, ...execution }
          : { kind: model.kind, labels: outcome.labels, ...columns, ...execution };
      io.stdout(`${toJsonText(result)}\n`);
      return 0;
    }
    const lines: string[] = [];
    if (probabilities && outcome.probabilities !== undefined) {
      const width = outcome.probabilities[0]?.length ?? 0;
      lines.push(['label', ...Array.from({ length: width }, (_, k) => `p${k}`)].join(','));
      outcome.labels.forEach((label, row) => lines.push([label, ...(outcome.probabilities?.[row] ?? [])].join(',')));
    } else {
      for (const label of outcome.labels) lines.push(String(label));
    }
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
