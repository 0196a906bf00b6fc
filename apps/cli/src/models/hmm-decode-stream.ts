import { EmError, InvalidDataError } from '@em/core';
import { type HiddenMarkovModel, locateInSource, planSequenceStream, sequenceBlocks } from '@em/hmm';
import { formatNumber } from '../framework/format.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { predictionSink } from '../framework/stream-predict.js';
import { UsageError } from '../framework/usage-error.js';
import { openSequenceSource } from './hmm-stream.js';

/**
 * `em decode --stream`: the rows are read in blocks of whole sequences (--lengths,
 * --sequence-column or one sequence) and each block's paths are written as soon as it is decoded,
 * in the in-memory text format with the sequences numbered from the file's start. With --output
 * the text goes to a temporary file renamed to FILE only when every sequence is decoded; on stdout,
 * the sequences before a bad one stay written and the error names the row. Decoding keeps T×K
 * back-pointers per sequence: a sequence whose tables do not fit a block is refused (no checkpointing).
 */
export async function decodeStreamed(io: CliIo, options: OptionValues, hmm: HiddenMarkovModel, algorithm: 'viterbi' | 'map', reason: string): Promise<number> {
  const label = 'em decode';
  if (options.flag('json')) throw new UsageError(`${label}: --json holds every path in one document, which a streamed decoding (${reason}) does not build; drop --json.`);
  const { opened, source, boundaries } = await openSequenceSource(io, options, { path: options.requiredString('data'), reason, stepwise: false }, label);
  const sink = predictionSink(io, options.string('output'));
  try {
    const columns = boundaries.kind === 'column' ? source.columns - 1 : source.columns;
    const blockRows = options.has('block-rows') ? options.integer('block-rows', { min: 1 }, 1) : undefined;
    const plan = planSequenceStream(hmm.model.k, source.columns, columns, { memoryBudget: memoryBudgetOf(io), ...(blockRows === undefined ? {} : { blockRows }) });
    const what = algorithm === 'viterbi' ? 'log p(x, path)' : 'log p(x)';
    for await (const block of sequenceBlocks(source, boundaries, { targetRows: plan.targetRows, maxRows: plan.maxRows, bytesPerRow: plan.bytesPerRow, memoryBudget: plan.memoryBudget, maxIds: plan.maxIds })) {
      const sequences = block.sequences;
      let decoded;
      try {
        decoded = hmm.decode({ observations: sequences.observations, lengths: sequences.lengths }, { algorithm });
      } catch (error) {
        throw error instanceof EmError ? locateInSource(error, source.description, block) : error;
      }
      const lines: string[] = [];
      decoded.sequences.forEach((entry, s) => {
        const index = block.firstSequence + s;
        if (!Number.isFinite(entry.logProbability)) {
          throw new InvalidDataError(`${source.description}, sequence ${index} (from row ${block.firstRow + (sequences.offsets[s] as number) + 1}): ${what} is ${entry.logProbability}.`, 'Check its rows for extreme values.', {
            sequence: index,
          });
        }
        lines.push(`${boundaries.kind === 'single' ? 'sequence' : `sequence ${index}`}: ${entry.states.length} steps, ${what} = ${formatNumber(entry.logProbability, 10)}`, Array.from(entry.states).join(' '));
      });
      await sink.write(`${lines.join('\n')}\n`);
    }
    await sink.commit();
    return 0;
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    await opened.close();
  }
}
