import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type CsrMatrix, type DataSource, type DenseMatrix, formatBytes, InvalidDataError, planStream, type SerializedModel } from '@em/core';
import { type CliIo, memoryBudgetOf, resolvePath } from './io.js';
import type { OptionDefinitions, OptionValues } from './options.js';
import { denseSource, openStreamSource } from './stream-fit.js';
import { UsageError } from './usage-error.js';

/** A saved model that labels blocks of rows (what `em predict --stream` needs of a model kind). */
export interface BlockClassifier {
  /** Columns the model was fitted on. */
  readonly columns: number;
  /** True when the model takes dense rows only (a .mtx file's blocks are densified). */
  readonly dense: boolean;
  predict(x: DenseMatrix | CsrMatrix): Int32Array;
  predictProba(x: DenseMatrix | CsrMatrix): number[][];
}

/** The flags of `em predict` for streamed data. */
export const predictStreamOptions = {
  stream: {
    type: 'flag',
    description:
      'Read --data in blocks and write the labels as they are computed (automatic when the file is larger than --memory-budget, and for --data -). ' +
      'With --output the file appears only when every row is labelled (written to a temporary file, then renamed); on stdout, rows already written ' +
      'stay written when a later row is bad, and the error line names that row.',
  },
  output: { type: 'value', valueName: 'FILE', description: 'Write the labels to FILE instead of stdout (all or nothing).' },
  'block-rows': { type: 'value', valueName: 'N', description: 'Rows per block when streaming.', defaultText: 'from --memory-budget, at most 65536' },
} as const satisfies OptionDefinitions;

/** Whether `em predict` streams: --stream, --data -, or a file larger than the memory budget. */
export async function predictStreams(io: CliIo, options: OptionValues): Promise<string | undefined> {
  const path = options.requiredString('data');
  if (options.flag('stream')) return '--stream';
  if (path === '-') return 'data from stdin';
  const size = await stat(resolvePath(io, path)).then(
    (info) => (info.isFile() ? info.size : 0),
    () => 0,
  );
  const budget = memoryBudgetOf(io);
  return size > budget ? `${basename(path)} (${formatBytes(size)}) is larger than the memory budget of ${formatBytes(budget)}` : undefined;
}

/** Where predictions go: stdout as they come, or a temporary file renamed over --output at the end. */
export interface PredictionSink {
  /** Writes text (waits for the file's drain). */
  write(text: string): Promise<void>;
  /** Everything was written: the temporary file becomes --output. */
  commit(): Promise<void>;
  /** Something failed: the temporary file is removed, --output untouched. */
  abort(): Promise<void>;
}

/** Predictions on stdout (already written lines stay written), or all or nothing into `output` (also used by em decode --stream). */
export function predictionSink(io: CliIo, output: string | undefined): PredictionSink {
  return output === undefined ? stdoutSink(io) : fileSink(io, output);
}

function stdoutSink(io: CliIo): PredictionSink {
  return { write: (text) => Promise.resolve(io.stdout(text)), commit: () => Promise.resolve(), abort: () => Promise.resolve() };
}

function fileSink(io: CliIo, output: string): PredictionSink {
  const target = resolvePath(io, output);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const stream: WriteStream = createWriteStream(temporary, { flags: 'wx' });
  let failure: unknown;
  stream.on('error', (error) => {
    failure = error;
  });
  const closed = (): Promise<void> => new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return {
    write(text) {
      if (failure !== undefined) return Promise.reject(failure);
      // Respect back-pressure: wait for the drain before the next block.
      return stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
    },
    async commit() {
      await closed();
      if (failure !== undefined) throw failure;
      await rename(temporary, target);
    },
    async abort() {
      await closed().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

/**
 * `em predict --stream`: labels (and with --proba the probabilities) of each block written as soon as
 * it is read. Memory is a block and its output text, whatever the file size. Returns the exit code.
 */
export async function predictStreamed(io: CliIo, options: OptionValues, model: SerializedModel, classifier: BlockClassifier, reason: string, probabilities: boolean): Promise<number> {
  if (options.flag('json')) throw new UsageError(`em predict: --json holds every label in one object, which a streamed prediction (${reason}) does not build; drop --json (one label per line).`);
  const path = options.requiredString('data');
  const opened = await openStreamSource(io, options, { path, reason, stepwise: false }, true);
  const output = options.string('output');
  const sink = output === undefined ? stdoutSink(io) : fileSink(io, output);
  try {
    const source: DataSource<DenseMatrix | CsrMatrix> = classifier.dense ? denseSource(opened) : (opened as DataSource<DenseMatrix | CsrMatrix>);
    if (source.columns !== classifier.columns) {
      throw new InvalidDataError(
        `${source.description} has ${source.columns} columns but the ${model.kind} model was fitted on ${classifier.columns}.`,
        'Pass data with the same columns as when fitting (choose them with --columns).',
        { columns: source.columns, dimension: classifier.columns },
      );
    }
    const blockRows = options.has('block-rows') ? options.integer('block-rows', { min: 1 }, 1) : undefined;
    const plan = planStream(source.columns, { memoryBudget: memoryBudgetOf(io), ...(blockRows === undefined ? {} : { blockRows }) });
    // The header needs K: it is written with the first block's probabilities.
    let header = probabilities;
    for await (const block of source.pass({ blockRows: plan.blockRows })) {
      let labels: Int32Array;
      let rows: number[][] | undefined;
      try {
        labels = classifier.predict(block.data);
        rows = probabilities ? classifier.predictProba(block.data) : undefined;
      } catch (error) {
        throw locateRow(error, source.description, block.firstRow);
      }
      const lines: string[] = [];
      if (header && rows !== undefined) {
        lines.push(['label', ...Array.from({ length: rows[0]?.length ?? 0 }, (_, k) => `p${k}`)].join(','));
        header = false;
      }
      for (let i = 0; i < labels.length; i++) {
        const p = rows?.[i];
        for (const v of p ?? []) {
          if (!Number.isFinite(v)) throw new InvalidDataError(`${source.description}, row ${block.firstRow + i + 1}: a probability is ${v}.`, 'Check the row (an extreme value can overflow the densities).', { row: block.firstRow + i });
        }
        lines.push(p === undefined ? String(labels[i]) : [labels[i], ...p].join(','));
      }
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

/** A model's InvalidDataError about a block, with the row counted in the whole file (1-based). */
function locateRow(error: unknown, description: string, firstRow: number): unknown {
  if (!(error instanceof InvalidDataError)) return error;
  const row = error.details['row'];
  if (typeof row !== 'number') return new InvalidDataError(`${description}, in the block of rows ${firstRow + 1}…: ${error.message}`, '', { ...error.details, blockFirstRow: firstRow });
  return new InvalidDataError(`${description}, row ${firstRow + row + 1}: ${error.message}`, '', { ...error.details, row: firstRow + row });
}
