import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  aic,
  bic,
  describeStreamPlan,
  fitStream,
  fitStreamStepwise,
  formatBytes,
  planStream,
  CsrMatrix,
  type DataSource,
  type EStepExecutor,
  type DenseMatrix,
  type JsonValue,
  type EmModel,
  type FitResult,
  type MixtureData,
  type ResolvedEstimatorSettings,
  type SerializedModel,
  type Statistics,
  type StepwiseResult,
  type StreamProgress,
} from '@em/core';
import { openDataSource, type OpenedSource } from '@em/sources/node';
import { type CommonFitSettings, type FitReport, type FitResultFields, fitSummaryLines, saveModel, writeFitReport } from './fit-report.js';
import { reportFitEvent } from './fit-run.js';
import { assertFiniteOutput } from './finite-output.js';
import { formatNumber } from './format.js';
import { type CliIo, memoryBudgetOf, resolvePath } from './io.js';
import type { OptionDefinitions, OptionValues } from './options.js';
import { createProgress } from './progress.js';
import { UsageError } from './usage-error.js';

/** The flags of streamed fits, shared by the `em fit` commands that can stream. */
export const streamOptions = {
  stream: {
    type: 'flag',
    description:
      'Read --data in blocks instead of loading it: each EM iteration is one pass over the file, so memory stays within --memory-budget whatever the file size ' +
      '(automatic when the file is larger than the budget, and for --data -). Same result as the in-memory fit from the same start; the start is the ' +
      "model's initialisation on a uniform sample of --reservoir-rows rows drawn in a first pass.",
  },
  'block-rows': { type: 'value', valueName: 'N', description: 'Rows per block when streaming.', defaultText: 'from --memory-budget, at most 65536' },
  'reservoir-rows': { type: 'value', valueName: 'N', description: 'Rows of the uniform sample the streamed start is computed on.', defaultText: 'from --memory-budget, at most 50000' },
  stepwise: {
    type: 'flag',
    description: 'Stepwise (online) EM over the stream: one update per block, --passes passes (one works on --data -). Implies --stream.',
  },
  passes: { type: 'value', valueName: 'N', description: 'Passes of --stepwise over the data.', defaultText: '1' },
} as const satisfies OptionDefinitions;

/** Why a fit streams its data, or undefined when it loads it. */
export interface StreamDecision {
  readonly path: string;
  /** For the progress line: "--stream", "stdin", or "file larger than the memory budget". */
  readonly reason: string;
  readonly stepwise: boolean;
}

/**
 * Whether `--data` is streamed: `--stream` or `--stepwise`, `--data -`, or a regular file larger
 * than the memory budget (then said on stderr: the user asked for a fit, not for how to read it).
 */
export async function streamDecision(io: CliIo, options: OptionValues): Promise<StreamDecision | undefined> {
  const path = options.requiredString('data');
  const stepwise = options.flag('stepwise');
  if (options.has('passes') && !stepwise) throw new UsageError(`${options.commandName}: --passes applies to --stepwise; add --stepwise or drop --passes.`);
  if (options.flag('stream') || stepwise) return { path, reason: stepwise ? '--stepwise' : '--stream', stepwise };
  if (path === '-') return { path, reason: 'data from stdin', stepwise };
  let size: number;
  try {
    const info = await stat(resolvePath(io, path));
    if (!info.isFile()) return undefined;
    size = info.size;
  } catch {
    return undefined; // the in-memory reader reports a missing file with its usual message
  }
  const budget = memoryBudgetOf(io);
  if (size <= budget) {
    for (const flag of ['block-rows', 'reservoir-rows'] as const) {
      if (options.has(flag)) throw new UsageError(`${options.commandName}: --${flag} applies to streamed fits; add --stream or drop --${flag}.`);
    }
    return undefined;
  }
  return { path, reason: `${basename(path)} (${formatBytes(size)}) is larger than the memory budget of ${formatBytes(budget)}`, stepwise };
}

/**
 * Opens `--data` (or stdin for `-`) as a stream of row blocks, with `--columns` and the memory
 * budget. Stdin is spooled to a temporary file for batch EM, read once for `--stepwise`.
 */
export function openStreamSource(io: CliIo, options: OptionValues, decision: StreamDecision, readOnce = decision.stepwise && !options.has('passes')): Promise<OpenedSource> {
  const columns = options.string('columns');
  return openDataSource(decision.path === '-' ? '-' : resolvePath(io, decision.path), {
    name: decision.path === '-' ? 'stdin' : basename(decision.path),
    memoryBudget: memoryBudgetOf(io),
    ...(columns === undefined ? {} : { columns }),
    ...(decision.path === '-' && readOnce ? { spool: false } : {}),
    ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
  });
}

/** A source's blocks as dense rows (a .mtx file's sparse blocks are densified block by block: bounded by the block size). */
export function denseSource(source: DataSource<DenseMatrix> | DataSource<CsrMatrix>): DataSource<DenseMatrix> {
  return mapBlocks(source as DataSource<DenseMatrix | CsrMatrix>, (data) => (data instanceof CsrMatrix ? data.toDense() : data));
}

/** The same source with each block's data replaced by `map(data)` (row positions and progress unchanged). */
export function mapBlocks<A, B>(source: DataSource<A>, map: (data: A) => B): DataSource<B> {
  return {
    columns: source.columns,
    ...(source.columnNames === undefined ? {} : { columnNames: source.columnNames }),
    ...(source.rows === undefined ? {} : { rows: source.rows }),
    ...(source.bytes === undefined ? {} : { bytes: source.bytes }),
    reiterable: source.reiterable,
    description: source.description,
    pass(passOptions) {
      const inner = source.pass(passOptions);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const block of inner) yield { ...block, data: map(block.data) };
        },
      };
    },
    close: () => source.close(),
  };
}

/** The same source, calling `visit` with every block of its first pass (e.g. to add up a per-row constant). */
export function tapFirstPass<B>(source: DataSource<B>, visit: (data: B) => void): DataSource<B> {
  let passes = 0;
  return {
    ...mapBlocks(source, (data) => data),
    pass(passOptions) {
      const first = passes++ === 0;
      const inner = source.pass(passOptions);
      if (!first) return inner;
      return {
        async *[Symbol.asyncIterator]() {
          for await (const block of inner) {
            visit(block.data);
            yield block;
          }
        },
      };
    },
  };
}

/** What a streamed fit needs of an estimator (every @em estimator has it). */
export interface StreamableEstimator<P, B> {
  readonly model: EmModel<P, MixtureData<B>, Statistics>;
  readonly settings: ResolvedEstimatorSettings<P>;
  readonly modelParameters: P;
  setModelParameters(parameters: P): unknown;
  toJSON(): SerializedModel;
}

/**
 * A streamed fit's outcome: the batch FitResult; or the stepwise result, with the fit scored at its
 * final parameters (one more pass) when the source can be read again, else `prequential`: the sum
 * of each block's log-likelihood under the parameters before it was learnt from.
 */
export type StreamedFit<P> =
  | { readonly kind: 'batch'; readonly result: FitResult<P> }
  | { readonly kind: 'stepwise'; readonly result: StepwiseResult<P>; readonly scored: FitResult<P> | undefined; readonly prequential: number; readonly passes: number; readonly freeParameters: number };

/**
 * Runs a streamed fit of an estimator's model on `source`, with iteration progress and one line per
 * pass (rows and bytes read, seconds) on stderr, then sets the estimator's parameters to the result.
 * `initial` (from --init) replaces the sampling pass; `executor` (batch EM only) runs the blocks' E-steps on worker threads.
 */
export async function runStreamedFit<P, B extends DenseMatrix | CsrMatrix>(
  io: CliIo,
  options: OptionValues,
  settings: CommonFitSettings,
  label: string,
  decision: StreamDecision,
  estimator: StreamableEstimator<P, B>,
  source: DataSource<B>,
  initial: P | undefined,
  executor?: EStepExecutor,
): Promise<StreamedFit<P>> {
  const show = !settings.json && !settings.quiet;
  const budget = memoryBudgetOf(io);
  const blockRows = options.has('block-rows') ? options.integer('block-rows', { min: 1 }, 1) : undefined;
  const reservoirRows = options.has('reservoir-rows') ? options.integer('reservoir-rows', { min: 1 }, 1) : undefined;
  const read = { memoryBudget: budget, ...(blockRows === undefined ? {} : { blockRows }), ...(reservoirRows === undefined ? {} : { reservoirRows }) };
  const plan = planStream(source.columns, read);
  if (show) io.stderr(`${label}: streaming ${source.description} (${decision.reason}): ${describeStreamPlan(plan)}\n`);
  const progress = createProgress(io, { enabled: show, label });
  const onProgress = passProgressReporter(io, show, label);
  const onEvent = (event: Parameters<typeof reportFitEvent>[1]): void => reportFitEvent(io, event);
  const s = estimator.settings;
  try {
    if (decision.stepwise) {
      const passes = options.integer('passes', { min: 1, max: 1000 }, 1);
      let prequential = 0;
      const result = await fitStreamStepwise(estimator.model, source, {
        ...read,
        passes,
        seed: s.seed,
        onProgress,
        onEvent,
        onIteration: (info) => {
          prequential += info.batchLogLikelihood * info.batchObservations;
        },
        ...(initial === undefined ? { initialization: source.reiterable ? ('reservoir' as const) : ('first-block' as const) } : { initialParameters: initial }),
      });
      estimator.setModelParameters(result.parameters);
      // Score the final parameters with one more pass when the source allows it (maxIterations 0 only evaluates).
      const scored = source.reiterable ? await fitStream(estimator.model, source, { ...read, initialParameters: result.parameters, maxIterations: 0, onProgress, onEvent }) : undefined;
      return { kind: 'stepwise', result, scored, prequential, passes, freeParameters: estimator.model.freeParameterCount(result.parameters) };
    }
    const result = await fitStream(estimator.model, source, {
      ...read,
      nInit: initial === undefined ? s.nInit : 1,
      seed: s.seed,
      maxIterations: s.maxIterations,
      tolerance: s.tolerance,
      toleranceRule: s.toleranceRule,
      ...(s.acceleration === undefined ? {} : { acceleration: s.acceleration }),
      ...(initial === undefined ? {} : { initialParameters: initial }),
      ...(executor === undefined ? {} : { executor }),
      onProgress,
      onEvent,
      onIteration: (info) => progress.update({ iteration: info.iteration, logLikelihood: info.logLikelihood, objective: info.objective, change: info.change, run: info.run, runs: s.nInit }),
    });
    estimator.setModelParameters(result.parameters);
    return { kind: 'batch', result };
  } finally {
    progress.finish();
  }
}

/**
 * A streamed fit's `onProgress`: one `describePass` line per pass on stderr, rewritten in place at most
 * every 0.5 s on a terminal, else written at most every 5 s and at the end of each pass; silent when
 * `show` is false. `wording` adjusts the line (the HMM's first pass reads the first block, not a sample).
 */
export function passProgressReporter(io: CliIo, show: boolean, label: string, wording: (line: string) => string = (line) => line): (p: StreamProgress) => void {
  let lastPassLine = Number.NEGATIVE_INFINITY;
  return (p) => {
    if (!show) return;
    const t = performance.now() / 1000;
    if (!p.done && t - lastPassLine < (io.stderrIsTerminal ? 0.5 : 5)) return;
    lastPassLine = t;
    io.stderr(`${io.stderrIsTerminal ? '\r\u001b[K' : ''}${wording(describePass(label, p))}${io.stderrIsTerminal && !p.done ? '' : '\n'}`);
  };
}

/** "em fit gmm: pass 3 (E-step): 1000000 of 2000000 rows, 76.3 MiB of 153 MiB, 4.2 s". */
export function describePass(label: string, p: StreamProgress): string {
  const rows = p.totalRows === undefined ? `${p.rowsRead} rows` : `${p.rowsRead} of ${p.totalRows} rows`;
  const bytes = p.bytesRead === undefined ? '' : `, ${formatBytes(p.bytesRead)}${p.totalBytes === undefined ? '' : ` of ${formatBytes(p.totalBytes)}`}`;
  const purpose = { sample: 'sampling the start', 'e-step': 'E-step', stepwise: 'stepwise' }[p.purpose];
  const rate = p.seconds > 0 ? `, ${formatNumber(p.rowsRead / p.seconds, 3)} rows/s` : '';
  return `${label}: pass ${p.pass} (${purpose}${p.done ? ', done' : ''}): ${rows}${bytes}, ${formatNumber(p.seconds, 3)} s${rate}`;
}

/** What `publishStreamedFit` prints besides the shared fields. */
export interface StreamedPublication {
  readonly kind: string;
  /** The fitted parameters as the in-memory report shows them. */
  readonly params: JsonValue;
  readonly model: () => SerializedModel;
  /** Summary lines before the shared fit lines. */
  readonly description: readonly string[];
  /** A constant added to every log-likelihood figure (the multinomial coefficient), with its own report fields. */
  readonly offset?: { readonly value: number; readonly fields: (withoutOffset: number) => Readonly<Record<string, unknown>>; readonly note: string };
}

/**
 * Prints a streamed fit like an in-memory one (same --json fields; a stepwise fit adds a `stepwise`
 * object with its per-block history), after saving the model with --out.
 */
export async function publishStreamedFit<P>(io: CliIo, settings: CommonFitSettings, fit: StreamedFit<P>, publication: StreamedPublication): Promise<number> {
  const offset = publication.offset?.value ?? 0;
  let fields: FitResultFields;
  let observations: number;
  let extra: Record<string, unknown> = {};
  const notes: string[] = [];
  if (fit.kind === 'batch') {
    fields = fit.result;
    observations = fit.result.observations;
  } else {
    const { result, scored } = fit;
    observations = result.observations / (scored === undefined ? 1 : fit.passes);
    const logLikelihood = scored?.logLikelihood ?? fit.prequential;
    const p = fit.freeParameters;
    fields = {
      logLikelihood,
      history: scored?.history ?? [logLikelihood],
      logLikelihoodHistory: scored?.logLikelihoodHistory ?? [logLikelihood],
      iterations: result.iterations,
      eSteps: fit.passes + (scored === undefined ? 0 : 1),
      historyESteps: [fit.passes],
      acceleration: 'none',
      converged: false,
      stopReason: result.stopReason,
      secondsPerIteration: Number.NaN,
      bic: scored?.bic ?? bic(logLikelihood, p, observations),
      aic: scored?.aic ?? aic(logLikelihood, p),
    };
    extra = {
      stepwise: {
        passes: fit.passes,
        blocks: result.iterations,
        observationsSeen: result.observations,
        batchesPerEntry: result.batchesPerEntry,
        history: result.history,
        logLikelihood: scored === undefined ? 'prequential (each block scored before it was learnt from; the input could not be read again)' : 'at the final parameters (one more pass)',
      },
    };
    notes.push(`stepwise EM: ${result.iterations} blocks in ${fit.passes} pass${fit.passes === 1 ? '' : 'es'}${scored === undefined ? '; log-likelihood is prequential (the input could not be read again)' : '; log-likelihood at the final parameters'}`);
  }
  const report: FitReport = {
    kind: publication.kind,
    params: publication.params,
    logLikelihood: fields.logLikelihood + offset,
    history: fields.history.map((v) => v + offset),
    logLikelihoodHistory: fields.logLikelihoodHistory.map((v) => v + offset),
    ...(publication.offset === undefined ? {} : publication.offset.fields(fields.logLikelihood)),
    iterations: fields.iterations,
    eSteps: fields.eSteps,
    historyESteps: fields.historyESteps,
    acceleration: fields.acceleration,
    ...(fields.accelerationNote === undefined ? {} : { accelerationNote: fields.accelerationNote }),
    converged: fields.converged,
    stopReason: fields.stopReason,
    secondsPerIteration: fields.secondsPerIteration,
    bic: fields.bic - 2 * offset,
    aic: fields.aic - 2 * offset,
    streamed: true,
    ...extra,
  };
  const printable = report;
  assertFiniteOutput(printable, `The ${publication.kind} fit`, ['secondsPerIteration']);
  if (settings.out !== undefined) await saveModel(io, settings.out, publication.model());
  if (publication.offset !== undefined) notes.push(publication.offset.note);
  const lines = [...publication.description, ...fitSummaryLines(printable, observations), ...notes];
  if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
  writeFitReport(io, printable, settings.json, lines);
  return 0;
}
