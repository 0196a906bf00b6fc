import { basename } from 'node:path';
import { type DataSource, type DenseMatrix, formatBytes, InvalidDataError } from '@em/core';
import { openDataSource, type OpenedSource } from '@em/sources/node';
import { type EmissionSpec, fitHmmStream, HiddenMarkovModel, planSequenceStream, type SequenceBoundaries } from '@em/hmm';
import type { CommonFitSettings } from '../framework/fit-report.js';
import { reportFitEvent } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { type CliIo, memoryBudgetOf, resolvePath } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { createProgress } from '../framework/progress.js';
import { denseSource, passProgressReporter, publishStreamedFit, type StreamDecision } from '../framework/stream-fit.js';
import { UsageError } from '../framework/usage-error.js';
import { readJsonFile } from '../io/json-file.js';
import { readLengths } from '../io/sequence-lengths.js';
import type { CovarianceTypeName } from './gaussian-mixture-init.js';
import { type EmissionType, hmmParamsForOutput, parseHmmInit } from './hmm-init.js';
import { HMM_KIND } from './hmm-handler.js';

/** The flags `em fit hmm` reads before it knows whether it streams. */
export interface HmmStreamFlags {
  readonly settings: CommonFitSettings;
  readonly states: number;
  readonly emission: EmissionType;
  readonly covariance: CovarianceTypeName;
  readonly mixtureComponents: number;
  /** Categorical symbols when the caller already knows them (the in-memory path read the data); else --symbols or --init. */
  readonly symbols?: number;
}

/**
 * `em fit hmm` over a stream (fitHmmStream): the rows are read in blocks of whole sequences, once
 * per Baum–Welch iteration; sequences come from --lengths, --sequence-column (consecutive rows with
 * the same id; an id that comes back later is an error naming the row) or the whole file. Without
 * --init the start is the model's initialisation on the first block.
 */
export async function fitHmmStreamed(io: CliIo, options: OptionValues, decision: StreamDecision, flags: HmmStreamFlags): Promise<number> {
  const { settings, states: k, emission, covariance, mixtureComponents } = flags;
  const label = 'em fit hmm';
  if (settings.workers !== 'auto' && settings.workers > 1) throw new UsageError(`${label}: --workers is not available for streamed HMM fits (${decision.reason}); drop it.`);
  const budget = memoryBudgetOf(io);
  const { opened, source, boundaries, idColumn } = await openSequenceSource(io, options, decision, label);
  try {
    const dimension = boundaries.kind === 'column' ? source.columns - 1 : source.columns;
    const init = settings.init === undefined ? undefined : parseHmmInit(await readJsonFile(io, settings.init, '--init'), settings.init, k, emission, dimension, covariance, mixtureComponents);
    const completeInit = init?.startProbabilities !== undefined && init.transitionMatrix !== undefined && init.emissions !== undefined;
    if (settings.maxIterations === 0 && !completeInit) {
      throw new UsageError(`${label}: --max-iter 0 evaluates the --init parameters, so --init must give startProbabilities, transitionMatrix and emission.`);
    }
    const plain = settings.plainMaximumLikelihood;
    let spec: EmissionSpec;
    if (emission === 'categorical') {
      if (dimension !== 1) throw new InvalidDataError(`Categorical emissions need one column of symbols; ${source.description} has ${dimension}.`, 'Pick the symbol column with --columns.');
      const initWidth = (init?.emissions as { probabilities?: number[][][] } | undefined)?.probabilities?.[0]?.[0]?.length;
      const symbols = options.integer('symbols', { min: 1 }) ?? flags.symbols ?? initWidth;
      if (symbols === undefined) throw new UsageError(`${label}: a streamed fit does not read the data in advance to find the largest symbol; give --symbols M (or --init probabilities).`);
      spec = { type: 'categorical', symbols, pseudocount: plain ? 0 : 0.01 };
    } else if (emission === 'gaussian') spec = { type: 'gaussian', covariance, regCovar: plain ? 0 : 1e-6 };
    else spec = { type: 'gmm', covariance, mixtureComponents, regCovar: plain ? 0 : 1e-6 };
    const hmm = new HiddenMarkovModel({
      states: k,
      emission: spec,
      ...(init === undefined ? {} : { init }),
      nInit: completeInit ? 1 : settings.nInit,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
      memoryBudget: budget,
    });
    const blockRows = options.has('block-rows') ? options.integer('block-rows', { min: 1 }, 1) : undefined;
    const read = { memoryBudget: budget, ...(blockRows === undefined ? {} : { blockRows }) };
    const plan = planSequenceStream(k, source.columns, dimension, read);
    const show = !settings.json && !settings.quiet;
    if (show) {
      const sequences = boundaries.kind === 'column' ? `sequences by the id column ${idColumn ?? ''}` : boundaries.kind === 'lengths' ? `${boundaries.lengths.length} sequences from --lengths` : 'one sequence';
      io.stderr(
        `${label}: streaming ${source.description} (${decision.reason}): ${sequences}, blocks of whole sequences of ${plan.targetRows} rows or more, a sequence up to ${plan.maxRows} rows in one pass and up to ${plan.maxSequenceRows} rows checkpointed, memory budget ${formatBytes(plan.memoryBudget)}\n`,
      );
    }
    const progress = createProgress(io, { enabled: show, label });
    const onProgress = passProgressReporter(io, show, label, (line) => line.replace('sampling the start', 'the first block, for the start'));
    let result;
    try {
      result = await fitHmmStream(hmm.model, source, {
        ...read,
        boundaries,
        nInit: completeInit ? 1 : settings.nInit,
        seed: settings.seed,
        maxIterations: settings.maxIterations,
        tolerance: settings.tolerance,
        toleranceRule: settings.toleranceRule,
        acceleration: settings.acceleration,
        onProgress,
        onEvent: (event) => reportFitEvent(io, event),
        onIteration: (info) => progress.update({ iteration: info.iteration, logLikelihood: info.logLikelihood, objective: info.objective, change: info.change, run: info.run, runs: settings.nInit }),
      });
    } finally {
      progress.finish();
    }
    hmm.setModelParameters(result.parameters);
    const p = hmm.parameters;
    return await publishStreamedFit(io, settings, { kind: 'batch', result }, {
      kind: HMM_KIND,
      params: hmmParamsForOutput(p, emission, k),
      model: () => hmm.toJSON(),
      description: [
        `Hidden Markov model: K = ${k}, ${emission} emissions${emission === 'categorical' ? '' : ` (${covariance} covariance${emission === 'gmm' ? `, ${mixtureComponents} components per state` : ''})`}, streamed (${source.description})`,
        `start probabilities  ${p.startProbabilities.map((v) => formatNumber(v, 4)).join('  ')}`,
        'transition matrix',
        ...p.transitionMatrix.map((row) => `  ${row.map((v) => formatNumber(v, 4)).join('  ')}`),
      ],
    });
  } finally {
    await opened.close();
  }
}

/** A row source cut into sequences by the command's flags: the opened file, its dense rows, the boundaries. */
export interface SequenceSource {
  readonly opened: OpenedSource;
  readonly source: DataSource<DenseMatrix>;
  readonly boundaries: SequenceBoundaries;
  /** `--sequence-column` as given. */
  readonly idColumn: string | undefined;
}

/**
 * Opens `--data` for a streamed HMM command with its sequence boundaries: `--sequence-column NAME`
 * (added to `--columns` when they leave it out; a header name or a 0-based index), `--lengths FILE`
 * (their sum is checked as the rows are read), or one sequence. The caller closes `opened`.
 */
export async function openSequenceSource(io: CliIo, options: OptionValues, decision: StreamDecision, label: string): Promise<SequenceSource> {
  const idColumn = options.string('sequence-column');
  if (idColumn !== undefined && options.has('lengths')) throw new UsageError(`${label}: give the sequences by --lengths or by --sequence-column, not both.`);
  const columnsFlag = options.string('columns');
  // The id column is read with the observations (then set apart): add it to --columns when it is not there.
  const withId = idColumn !== undefined && columnsFlag !== undefined && !columnsFlag.split(',').map((c) => c.trim()).includes(idColumn) ? `${columnsFlag},${idColumn}` : columnsFlag;
  const opened = await openDataSource(decision.path === '-' ? '-' : resolvePath(io, decision.path), {
    name: decision.path === '-' ? 'stdin' : basename(decision.path),
    memoryBudget: memoryBudgetOf(io),
    ...(withId === undefined ? {} : { columns: withId }),
    ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
  });
  try {
    const source = denseSource(opened);
    let boundaries: SequenceBoundaries = { kind: 'single' };
    if (idColumn !== undefined) boundaries = { kind: 'column', column: resolveIdColumn(idColumn, source.columnNames, source.columns, source.description, label), name: idColumn };
    else if (options.has('lengths')) {
      const lengths = await readLengths(io, options.string('lengths'), undefined);
      if (lengths !== undefined) boundaries = { kind: 'lengths', lengths };
    }
    return { opened, source, boundaries, idColumn };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** The id column's index among the source's columns: a header name, else a 0-based index. */
function resolveIdColumn(name: string, names: readonly string[] | undefined, columns: number, description: string, label: string): number {
  const byName = names?.indexOf(name) ?? -1;
  if (byName >= 0) return byName;
  if (/^\d+$/.test(name) && Number(name) < columns) return Number(name);
  throw new UsageError(`${label}: --sequence-column ${name} is not a column of ${description}${names === undefined ? '' : ` (columns: ${names.join(', ')})`}; give its header name or 0-based index.`);
}
