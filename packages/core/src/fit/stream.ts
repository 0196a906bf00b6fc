import type { EmModel, EStepResult, FitEvent } from '../contract.js';
import { CsrMatrix } from '../data/csr-matrix.js';
import { DenseMatrix } from '../data/dense-matrix.js';
import { reservoirSample } from '../data/reservoir.js';
import type { DataSource, SourceBlock } from '../data/source.js';
import { AbortedError, EmError, InvalidDataError, InvalidOptionsError } from '../errors.js';
import type { EStepExecutor } from '../executor/executor.js';
import { checkAllocation, formatBytes, resolveMemoryBudget } from '../memory-budget.js';
import type { MixtureData } from '../mixture/mixture-model.js';
import { assertSeed, Random } from '../random.js';
import type { Statistics } from '../statistics/algebra.js';
import { accumulateInto, cloneStatistics } from '../statistics/algebra.js';
import { assembleResult, assertFitArguments, batchLoop, eventRecorder, isRecoverable, resolveAcceleration, type FitPlan } from './engine.js';
import { MAX_RESTARTS } from './defaults.js';
import { settingsFrom, type EmLoop, type SingleRun } from './run-recorder.js';
import { squaremLoop } from './squarem.js';
import { fitEmStepwiseAsync, type StepwiseOptions, type StepwiseResult } from './stepwise.js';
import { now, type FitOptions, type FitResult } from './types.js';

/**
 * Most rows per block a streamed fit asks for by default: larger blocks do not make the E-step
 * faster (the per-block cost — one statistics allocation and one reduction — is already small
 * next to 65 536 rows), they only raise the peak memory.
 */
export const DEFAULT_STREAM_BLOCK_ROWS = 65_536;

/** Default size of the reservoir sample the initialisation is computed on (bounded by the memory budget). */
export const DEFAULT_RESERVOIR_ROWS = 50_000;

/**
 * Working bytes per row of a block that the block-size rule assumes, beyond the row's own values:
 * the reader's parse buffer (another copy of the row) and the E-step's per-row scratch (32 doubles:
 * responsibilities and log-densities of up to 16 components, or 32 for small-dimensional models).
 */
const SCRATCH_DOUBLES_PER_ROW = 32;

/** Share of the memory budget given to a block (and its copies in flight on workers). */
const BLOCK_SHARE = 1 / 4;
/** Share of the memory budget given to the reservoir sample. */
const RESERVOIR_SHARE = 1 / 4;

/** What a streamed fit reports while it reads. */
export interface StreamProgress {
  /** 1-based pass over the source (the sampling pass, if any, is pass 1). */
  readonly pass: number;
  /** Why the pass reads: the reservoir sample for the initialisation, an E-step, or a stepwise pass. */
  readonly purpose: 'sample' | 'e-step' | 'stepwise';
  /** Rows read so far in this pass. */
  readonly rowsRead: number;
  /** Bytes read so far in this pass, when the source reports them. */
  readonly bytesRead: number | undefined;
  /** Rows of the whole source when known (from the format, or counted by an earlier pass). */
  readonly totalRows: number | undefined;
  /** Bytes of the whole file when known. */
  readonly totalBytes: number | undefined;
  /** Seconds since this pass started. */
  readonly seconds: number;
  /** True on the pass's last report (after its last block). */
  readonly done: boolean;
}

/** Options of the streamed fits' reading (shared by `fitStream` and `fitStreamStepwise`). */
export interface StreamReadOptions {
  /**
   * Bytes the fit may hold at once, beyond what the caller holds (default DEFAULT_MEMORY_BUDGET,
   * 256 MiB): a quarter goes to a block (and the copies in flight on workers), a quarter to the
   * reservoir sample; the rest is left to the reader and the model's statistics.
   */
  readonly memoryBudget?: number | string;
  /** Rows per block (default: derived from the memory budget, at most DEFAULT_STREAM_BLOCK_ROWS). */
  readonly blockRows?: number;
  /** Rows of the reservoir sample for the initialisation (default DEFAULT_RESERVOIR_ROWS, bounded by the budget). */
  readonly reservoirRows?: number;
  /** Called after each block and at the end of each pass. */
  readonly onProgress?: (progress: StreamProgress) => void;
}

/** Options of `fitStream`: the batch fit options (without `chunks`), how to read, and where E-steps run. */
export interface StreamFitOptions<P> extends Omit<FitOptions<P>, 'chunks'>, StreamReadOptions {
  /**
   * Runs each block's E-step on an executor (e.g. worker threads): up to `concurrency` blocks are in
   * flight at once (each a copy, counted against the block share of the budget) and their statistics
   * are added in block order, so the result does not depend on which worker finished first.
   */
  readonly executor?: EStepExecutor;
}

/** The block size and reservoir size a streamed fit uses, from the options and the memory budget. */
export interface StreamPlan {
  /** The budget in bytes. */
  readonly memoryBudget: number;
  /** Rows per block asked of the source. */
  readonly blockRows: number;
  /** Rows of the reservoir sample the initialisation is computed on. */
  readonly reservoirRows: number;
}

/**
 * Block and reservoir sizes for a source of `columns` columns under a memory budget. The block takes
 * at most a quarter of the budget, counting each row as its values twice (block and reader buffer)
 * plus SCRATCH_DOUBLES_PER_ROW doubles of E-step scratch, once per block in flight (`inFlight`,
 * the executor's concurrency + 1); the reservoir takes at most another quarter. An explicit
 * `blockRows` or `reservoirRows` that does not fit is a MemoryBudgetError.
 */
export function planStream(columns: number, options: StreamReadOptions, inFlight = 1): StreamPlan {
  const memoryBudget = resolveMemoryBudget(options.memoryBudget);
  if (!Number.isInteger(columns) || columns < 1) {
    throw new InvalidDataError(`A streamed source must have at least one column; got ${String(columns)}.`, 'Check the file: its first row or header gives the columns.');
  }
  const bytesPerRow = 8 * (2 * columns + SCRATCH_DOUBLES_PER_ROW) * inFlight;
  const blockShare = memoryBudget * BLOCK_SHARE;
  let blockRows: number;
  if (options.blockRows !== undefined) {
    if (!Number.isInteger(options.blockRows) || options.blockRows < 1) {
      throw new InvalidOptionsError(`blockRows must be an integer ≥ 1; got ${String(options.blockRows)}.`, 'Pass e.g. { blockRows: 65536 }, or omit it to derive it from the memory budget.', {
        option: 'blockRows',
      });
    }
    blockRows = options.blockRows;
    checkAllocation(blockRows * bytesPerRow, blockShare, `blocks of ${blockRows} rows × ${columns} columns (${inFlight} in flight)`, 'Pass a smaller blockRows');
  } else {
    blockRows = Math.max(1, Math.min(DEFAULT_STREAM_BLOCK_ROWS, Math.floor(blockShare / bytesPerRow)));
  }
  const reservoirShare = memoryBudget * RESERVOIR_SHARE;
  let reservoirRows: number;
  if (options.reservoirRows !== undefined) {
    if (!Number.isInteger(options.reservoirRows) || options.reservoirRows < 1) {
      throw new InvalidOptionsError(`reservoirRows must be an integer ≥ 1; got ${String(options.reservoirRows)}.`, 'Pass e.g. { reservoirRows: 50000 }.', { option: 'reservoirRows' });
    }
    reservoirRows = options.reservoirRows;
    checkAllocation(reservoirRows * columns * 8, reservoirShare, `a reservoir sample of ${reservoirRows} rows × ${columns} columns`, 'Pass a smaller reservoirRows');
  } else {
    reservoirRows = Math.max(1, Math.min(DEFAULT_RESERVOIR_ROWS, Math.floor(reservoirShare / (8 * columns))));
  }
  return { memoryBudget, blockRows, reservoirRows };
}

/** One source pass's counters, for progress and the row-count check between passes. */
interface PassTally {
  rows: number;
  bytes: number | undefined;
  observations: number;
}

/** The models a streamed fit takes: every model whose data is rows (`MixtureData` of dense or sparse blocks). */
export type StreamModel<P, B, S extends Statistics> = EmModel<P, MixtureData<B>, S>;

/**
 * Reads the streamed fits' shared inputs once: the source's shape, the plan, the progress reporter.
 */
class StreamReader<P, B extends DenseMatrix | CsrMatrix, S extends Statistics> {
  passes = 0;
  /** Rows of the source, once a pass has counted them. */
  rows: number | undefined;

  constructor(
    readonly model: StreamModel<P, B, S>,
    readonly source: DataSource<B>,
    readonly plan: StreamPlan,
    readonly options: StreamReadOptions & { readonly signal?: AbortSignal | undefined },
  ) {
    this.rows = source.rows;
  }

  progress(purpose: StreamProgress['purpose'], started: number, tally: PassTally, done: boolean): void {
    this.options.onProgress?.({
      pass: this.passes,
      purpose,
      rowsRead: tally.rows,
      bytesRead: tally.bytes,
      totalRows: this.rows,
      totalBytes: this.source.bytes,
      seconds: now() - started,
      done,
    });
  }

  /** Checks a block's shape, and its values with the model's validateData (first pass only), naming the block's rows. */
  check(block: SourceBlock<B>, parameters: P | undefined, validate: boolean): MixtureData<B> {
    const data = { observations: block.data };
    if (block.data.cols !== this.source.columns) {
      throw new InvalidDataError(
        `${this.source.description}: the block starting at row ${block.firstRow + 1} has ${block.data.cols} columns, but the source has ${this.source.columns}.`,
        'Give every row the same number of columns.',
        { row: block.firstRow + 1, columns: block.data.cols, expected: this.source.columns },
      );
    }
    if (validate) {
      try {
        this.model.validateData(data, parameters);
      } catch (error) {
        throw locate(error, this.source.description, block.firstRow);
      }
    }
    return data;
  }

  /** Called at the end of every pass: every pass must read the same rows. */
  endPass(tally: PassTally): void {
    if (tally.rows === 0) {
      throw new InvalidDataError(`${this.source.description} has no rows.`, 'Check the file: a fit needs at least one observation.', { rows: 0 });
    }
    if (this.rows !== undefined && tally.rows !== this.rows) {
      throw new InvalidDataError(
        `${this.source.description}: pass ${this.passes} read ${tally.rows} rows, but ${this.source.rows === undefined ? 'an earlier pass read' : 'the source declares'} ${this.rows}.`,
        'The file changed (or was truncated) during the fit, or its header is wrong; fit a stable copy.',
        { rows: tally.rows, expected: this.rows, pass: this.passes },
      );
    }
    this.rows = tally.rows;
  }

  /** The first pass when no initial parameters are given: a uniform reservoir sample, then the model's initialisation on it. */
  async sample(random: Random): Promise<MixtureData<B>> {
    this.passes++;
    const started = now();
    const tally: PassTally = { rows: 0, bytes: undefined, observations: 0 };
    const result = await this.guard(reservoirSample(this.source, {
      rows: this.plan.reservoirRows,
      random,
      memoryBudget: this.plan.memoryBudget * RESERVOIR_SHARE,
      blockRows: this.plan.blockRows,
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      inspect: (block) => void this.check(block as SourceBlock<B>, undefined, true),
      onBlock: (rows, bytes) => {
        tally.rows = rows;
        tally.bytes = bytes;
        this.progress('sample', started, tally, false);
      },
    }));
    this.endPass(tally);
    this.progress('sample', started, tally, true);
    return { observations: result.sample };
  }

  /** One pass: the E-step on every block at `parameters`, statistics and log-likelihood summed in block order. */
  async eStepPass(parameters: P, validate: boolean, executor: EStepExecutor | undefined): Promise<EStepResult<S> & { readonly observations: number }> {
    this.passes++;
    const started = now();
    const tally: PassTally = { rows: 0, bytes: undefined, observations: 0 };
    let statistics: S | undefined;
    let logLikelihood = 0;
    const add = (result: EStepResult<S>): void => {
      statistics = statistics === undefined ? cloneStatistics(result.statistics) : accumulateInto(statistics, result.statistics);
      logLikelihood += result.logLikelihood;
    };
    const inFlight: Array<Promise<EStepResult<S>[]>> = [];
    const concurrency = executor?.concurrency ?? 0;
    await this.guard(this.eStepBlocks(parameters, validate, executor, tally, started, add, inFlight, concurrency));
    this.endPass(tally);
    this.progress('e-step', started, tally, true);
    return { statistics: statistics as S, logLikelihood, observations: tally.observations };
  }

  /** The blocks of one E-step pass (eStepPass's loop). */
  private async eStepBlocks(
    parameters: P,
    validate: boolean,
    executor: EStepExecutor | undefined,
    tally: PassTally,
    started: number,
    add: (result: EStepResult<S>) => void,
    inFlight: Array<Promise<EStepResult<S>[]>>,
    concurrency: number,
  ): Promise<void> {
    const pass = this.source.pass({ blockRows: this.plan.blockRows, ...(this.options.signal === undefined ? {} : { signal: this.options.signal }) });
    try {
      await this.eStepLoop(pass, parameters, validate, executor, tally, started, add, inFlight, concurrency);
    } finally {
      // A failed pass leaves blocks in flight on workers: their outcome no longer matters.
      for (const pending of inFlight.splice(0)) pending.catch(() => undefined);
    }
  }

  private async eStepLoop(
    pass: AsyncIterable<SourceBlock<B>>,
    parameters: P,
    validate: boolean,
    executor: EStepExecutor | undefined,
    tally: PassTally,
    started: number,
    add: (result: EStepResult<S>) => void,
    inFlight: Array<Promise<EStepResult<S>[]>>,
    concurrency: number,
  ): Promise<void> {
    for await (const block of pass) {
      const data = this.check(block, parameters, validate);
      tally.observations += this.model.observationCount(data);
      if (executor === undefined) {
        add(this.model.eStep(parameters, data));
      } else {
        // The reader may reuse the block's buffers for the next block: the executor gets a copy.
        inFlight.push(executor.run(this.model, parameters, [{ observations: copyBlock(block.data) }]));
        if (inFlight.length >= concurrency) for (const r of await (inFlight.shift() as Promise<EStepResult<S>[]>)) add(r);
      }
      tally.rows += block.data.rows;
      if (block.bytesRead !== undefined) tally.bytes = block.bytesRead;
      this.progress('e-step', started, tally, false);
    }
    while (inFlight.length > 0) for (const r of await (inFlight.shift() as Promise<EStepResult<S>[]>)) add(r);
  }

  /**
   * A pass cut short by the fit's signal has no result: its error (the source's AbortError) becomes
   * an AbortedError naming the pass. (A signal that fires between passes stops the fit with `aborted`.)
   */
  async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (this.options.signal?.aborted === true && !(error instanceof EmError)) {
        throw new AbortedError(`The streamed fit was aborted during pass ${this.passes} over ${this.source.description}; a partial pass has no result.`, 'Let the pass finish, or rerun the fit.');
      }
      throw error;
    }
  }
}

/** A copy of a block that owns its buffers (CSR offsets rebased to 0). */
function copyBlock<B extends DenseMatrix | CsrMatrix>(data: B): B {
  if (data instanceof DenseMatrix) return new DenseMatrix(data.data.slice(), data.rows, data.cols) as B;
  const base = data.indptr[0] as number;
  const end = data.indptr[data.rows] as number;
  const indptr = new Int32Array(data.rows + 1);
  for (let i = 0; i <= data.rows; i++) indptr[i] = (data.indptr[i] as number) - base;
  return new CsrMatrix(indptr, data.indices.slice(base, end), data.values.slice(base, end), data.cols) as B;
}

/** Adds the block's position to a model's InvalidDataError (its row numbers count from the block's first row). */
function locate(error: unknown, description: string, firstRow: number): unknown {
  if (!(error instanceof InvalidDataError)) return error;
  const row = error.details['row'];
  const located = new InvalidDataError(
    typeof row === 'number'
      ? `${description}, row ${firstRow + row + 1} (1-based): ${error.message}`
      : `${description}, in the block of rows ${firstRow + 1}…: ${error.message}`,
    '',
    { ...error.details, ...(typeof row === 'number' ? { row: firstRow + row } : {}), blockFirstRow: firstRow },
  );
  return located;
}

function assertStreamArguments(model: unknown, source: unknown, options: unknown, entry: string): void {
  assertFitArguments(model, source, options, entry);
  const s = source as Partial<DataSource<unknown>>;
  if (typeof s !== 'object' || typeof s.pass !== 'function' || typeof s.columns !== 'number') {
    throw new InvalidOptionsError(
      `${entry}(model, source, options) needs a DataSource (an object with columns and pass()) as its source.`,
      `Open a file with openDataSource(path), or wrap a matrix in memory with arraySource(matrix).`,
      { option: 'source' },
    );
  }
}

/**
 * Batch EM over a DataSource whose rows need not fit in memory. Each iteration reads the source once
 * in blocks, adds the blocks' E-step statistics and log-likelihoods (in block order), and runs the
 * M-step on the sums: the same algorithm as `fitEm`, so from the same initial parameters it follows
 * the in-memory trajectory up to the round-off of the different summation order (≈1e-15 relative
 * per iteration). Same FitResult (history, eSteps = passes, convergence rule, events, NumericalError
 * on NaN/∞). `acceleration: 'squarem'` works: every E-step the cycle asks for is one more pass.
 *
 * Without `initialParameters`, a first pass draws a uniform reservoir sample (reservoirSample,
 * seeded, at most `reservoirRows` rows within a quarter of the memory budget) and each restart
 * runs the model's own initialisation on it (`model.initialize(sample, random)`; for the Gaussian
 * mixture that is k-means++ then k-means on the sample). Peak memory is set by the block size and
 * the model, not by the number of rows. The source must be re-iterable (a spooled stdin is); the
 * caller keeps ownership and closes it.
 */
export async function fitStream<P, B extends DenseMatrix | CsrMatrix, S extends Statistics>(
  model: StreamModel<P, B, S>,
  source: DataSource<B>,
  options: StreamFitOptions<P> = {},
): Promise<FitResult<P>> {
  assertStreamArguments(model, source, options, 'fitStream');
  if ((options as { chunks?: unknown }).chunks !== undefined) {
    throw new InvalidOptionsError('fitStream reads the source in blocks; it takes no chunks option.', 'Pass blockRows (or a memoryBudget) instead of chunks.', { option: 'chunks' });
  }
  if (options.estep !== undefined && options.estep !== 'full') {
    // Sparse EM keeps per-observation active sets: state that grows with the data, which a stream cannot hold.
    throw new InvalidOptionsError(
      `estep '${String(options.estep)}' keeps each observation's active components in memory, which a streamed fit does not hold.`,
      "Use estep 'full' (the default) with fitStream, or fit the data in memory.",
      { option: 'estep' },
    );
  }
  if (!source.reiterable) {
    throw new InvalidOptionsError(
      `Batch EM reads the data once per iteration, but ${source.description} can be read only once.`,
      'Spool it to a file first (the CLI does this for --data -), or fit it with stepwise EM (fitStreamStepwise) in one pass.',
      { option: 'source' },
    );
  }
  const nInit = options.nInit ?? 1;
  if (!Number.isInteger(nInit) || nInit < 1 || nInit > MAX_RESTARTS) {
    throw new InvalidOptionsError(`nInit must be an integer in [1, ${MAX_RESTARTS}]; got ${String(nInit)}.`, 'Pass the number of restarts, e.g. { nInit: 5 }.', { option: 'nInit' });
  }
  if (options.random === undefined && options.seed !== undefined) assertSeed(options.seed);
  const acceleration = resolveAcceleration(options.acceleration);
  const accelerationNote =
    acceleration === 'squarem' && model.parameterMap === undefined
      ? `acceleration 'squarem' needs the model's parameterMap (parameters ↔ ℝ^p), which ${model.config.kind} does not provide: plain EM ran.`
      : undefined;
  const accelerate = acceleration === 'squarem' && accelerationNote === undefined;
  if (options.initialParameters !== undefined) model.validateParameters(options.initialParameters);
  const executor = options.executor;
  const plan = planStream(source.columns, options, executor === undefined ? 1 : executor.concurrency + 1);
  // Validates maxIterations and tolerance before the first pass (settings are rebuilt per run below).
  settingsFrom(options, 1, () => undefined, 0);
  const root = options.random ?? new Random(options.seed ?? 0);
  const randoms = Array.from({ length: nInit }, () => root.fork());
  const reader = new StreamReader(model, source, plan, options);

  const events: FitEvent[] = [];
  const emit = eventRecorder(events, options.onEvent, '@em/core');
  let sample: MixtureData<B> | undefined;
  let observations = 0;
  let validated = false;
  const results: Array<SingleRun<P> | Error> = [];
  for (let run = 0; run < nInit && (run === 0 || options.signal?.aborted !== true); run++) {
    try {
      let initial: P;
      if (run === 0 && options.initialParameters !== undefined) initial = options.initialParameters;
      else {
        sample ??= await reader.sample(root.fork());
        validated = true;
        initial = model.initialize(sample, randoms[run] as Random);
        model.validateParameters(initial);
      }
      // The E-step at θ_0 counts the observations the convergence rule and BIC need, before the loop starts.
      const first = await reader.eStepPass(initial, !validated, executor);
      validated = true;
      observations = first.observations;
      const settings = settingsFrom(options, observations, emit, run);
      const loop: EmLoop<P, S> = accelerate ? squaremLoop(model, 1, initial, settings) : batchLoop(model, 1, initial, settings);
      results.push(await driveStream(loop, initial, first, (parameters) => reader.eStepPass(parameters, false, executor)));
    } catch (error) {
      if (!isRecoverable(error, nInit)) throw error;
      results.push(error);
    }
  }
  const fitPlan = { model, nInit, events, observations, accelerationNote } as unknown as FitPlan<P, MixtureData<B>, S>;
  return assembleResult(fitPlan, results);
}

/**
 * Answers a fit loop's E-step requests with passes over a streamed source. The first pass, at θ_0,
 * was already read (it counted the observations) and answers the loop's first request for `initial`;
 * every later request runs `pass`. An error from a pass is thrown into the loop, which handles a
 * trial point's model error and rethrows anything else. Shared by every streamed batch fit.
 */
export async function driveStream<P, S extends Statistics>(
  loop: EmLoop<P, S>,
  initial: P,
  first: EStepResult<S>,
  pass: (parameters: P) => Promise<EStepResult<S>>,
): Promise<SingleRun<P>> {
  let cached: EStepResult<S> | undefined = first;
  let step = loop.next();
  while (step.done !== true) {
    const request = step.value;
    let result: EStepResult<S>;
    try {
      if (cached !== undefined && request.parameters === initial) result = cached;
      else result = await pass(request.parameters);
      cached = undefined;
    } catch (error) {
      // A trial point's model error is the loop's to handle; a reader's error (not an EmError of the model) is rethrown there.
      step = loop.throw(error);
      continue;
    }
    step = loop.next([result]);
  }
  return step.value;
}

/** Options of `fitStreamStepwise`. */
export interface StreamStepwiseOptions<P> extends Omit<StepwiseOptions<P>, 'maxIterations'>, StreamReadOptions {
  /** Passes over the source (default 1); more than one needs a re-iterable source. */
  readonly passes?: number;
  /** Most blocks (= stepwise updates) to read over all passes (default: no limit besides the source's end). */
  readonly maxIterations?: number;
  /**
   * 'first-block' (default): the model's initialisation on the first block. 'reservoir': a first
   * pass draws a reservoir sample and the model initialises on it (needs a re-iterable source).
   */
  readonly initialization?: 'first-block' | 'reservoir';
}

/** Most passes a streamed stepwise fit accepts (stepwise EM is meant for one or a few). */
export const MAX_STEPWISE_PASSES = 1000;

/**
 * Stepwise (online) EM over a DataSource: one update per block (the block is the stepwise batch),
 * for `passes` passes. Works on a source that can be read only once (stdin) with `passes: 1`.
 * The initialisation is the model's on the first block, unless `initialParameters` are given or
 * — with a re-iterable source — `initialization: 'reservoir'` asks for a sampling pass first.
 * The history is bounded (`historyLimit`, see StepwiseOptions): one entry per block until the
 * limit, then one per 2^k blocks.
 */
export async function fitStreamStepwise<P, B extends DenseMatrix | CsrMatrix, S extends Statistics>(
  model: StreamModel<P, B, S>,
  source: DataSource<B>,
  options: StreamStepwiseOptions<P> = {},
): Promise<StepwiseResult<P>> {
  assertStreamArguments(model, source, options, 'fitStreamStepwise');
  const passes = options.passes ?? 1;
  if (!Number.isInteger(passes) || passes < 1 || passes > MAX_STEPWISE_PASSES) {
    throw new InvalidOptionsError(`passes must be an integer in [1, ${MAX_STEPWISE_PASSES}]; got ${String(passes)}.`, 'Pass e.g. { passes: 1 }.', { option: 'passes' });
  }
  const initialization = options.initialization ?? 'first-block';
  if (initialization !== 'first-block' && initialization !== 'reservoir') {
    throw new InvalidOptionsError(`initialization must be 'first-block' or 'reservoir'; got ${String(initialization)}.`, "Pass { initialization: 'reservoir' } or omit it.", { option: 'initialization' });
  }
  const sampling = initialization === 'reservoir' && options.initialParameters === undefined;
  if (!source.reiterable && (passes > 1 || sampling)) {
    throw new InvalidOptionsError(
      `${source.description} can be read only once, but ${passes > 1 ? `${passes} passes` : 'a sampling pass and a fitting pass'} were asked for.`,
      'Use { passes: 1 } with the first-block initialisation, or spool the stream to a file.',
      { option: passes > 1 ? 'passes' : 'initialization' },
    );
  }
  const plan = planStream(source.columns, options);
  if (options.random === undefined && options.seed !== undefined) assertSeed(options.seed);
  const root = options.random ?? new Random(options.seed ?? 0);
  const reader = new StreamReader(model, source, plan, options);
  let initialParameters = options.initialParameters;
  if (sampling) {
    const sample = await reader.sample(root.fork());
    initialParameters = model.initialize(sample, root.fork());
    model.validateParameters(initialParameters);
  }
  async function* batches(): AsyncGenerator<MixtureData<B>> {
    for (let p = 0; p < passes; p++) {
      reader.passes++;
      const started = now();
      const tally: PassTally = { rows: 0, bytes: undefined, observations: 0 };
      for await (const block of source.pass({ blockRows: plan.blockRows, ...(options.signal === undefined ? {} : { signal: options.signal }) })) {
        // Blocks are validated by the stepwise run itself (validateData on every batch); the check here adds the row position.
        const data = reader.check(block, undefined, false);
        try {
          model.validateData(data);
        } catch (error) {
          throw locate(error, source.description, block.firstRow);
        }
        yield data;
        tally.rows += block.data.rows;
        if (block.bytesRead !== undefined) tally.bytes = block.bytesRead;
        reader.progress('stepwise', started, tally, false);
      }
      reader.endPass(tally);
      reader.progress('stepwise', started, tally, true);
    }
  }
  const { passes: _passes, memoryBudget: _budget, blockRows: _blockRows, reservoirRows: _reservoir, onProgress: _progress, initialization: _initialization, maxIterations, ...stepwise } = options;
  return fitEmStepwiseAsync(model, batches(), {
    ...stepwise,
    ...(initialParameters === undefined ? {} : { initialParameters }),
    random: root.fork(),
    // The source's end bounds the loop; maxIterations, when given, bounds it further.
    maxIterations: maxIterations ?? Number.MAX_SAFE_INTEGER,
  });
}

/** Describes a plan for progress lines, e.g. "blocks of 65536 rows, reservoir 50000 rows, budget 256 MiB". */
export function describeStreamPlan(plan: StreamPlan): string {
  return `blocks of ${plan.blockRows} rows, reservoir of ${plan.reservoirRows} rows, memory budget ${formatBytes(plan.memoryBudget)}`;
}
