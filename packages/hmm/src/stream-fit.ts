/**
 * Baum–Welch over sequences that need not sit in memory: each iteration reads the row source once,
 * cuts it into blocks of whole sequences (sequence-source.ts), runs the HMM's E-step on each block
 * and adds the statistics and log-likelihoods in block order, then runs the M-step on the sums —
 * the same loop as core's `fitEm` and `fitStream` (batchLoop / squaremLoop), so from the same
 * initial parameters it follows the in-memory trajectory up to the round-off of the summation
 * order. (core's `fitStream` takes models whose data is rows; an HMM's data is sequences whose
 * boundaries must not be cut by a block, hence this driver.)
 */
import {
  type DataSource,
  DenseMatrix,
  type EStepResult,
  type FitEvent,
  type FitOptions,
  type FitPlan,
  type FitResult,
  type EmLoop,
  type SingleRun,
  type Statistics,
  type StreamProgress,
  InvalidDataError,
  InvalidOptionsError,
  MAX_RESTARTS,
  Random,
  Sequences,
  accumulateInto,
  assembleResult,
  assertSeed,
  batchLoop,
  cloneStatistics,
  driveStream,
  eventRecorder,
  isRecoverable,
  resolveAcceleration,
  resolveMemoryBudget,
  settingsFrom,
  squaremLoop,
} from '@em/core';
import { checkpointedSequenceStatistics, CheckpointWorkspace } from './checkpointed-forward-backward.js';
import type { HmmModel, HmmStatistics } from './hmm-model.js';
import type { HmmParameters } from './parameters.js';
import { checkBoundaries, locateInSource, observationColumns, sequenceBlocks, type SequenceBlock, type SequenceBoundaries, type SequencePassTally } from './sequence-source.js';

/** Rows a block aims at by default (a block is handed out once its whole sequences reach it). */
export const DEFAULT_SEQUENCE_BLOCK_ROWS = 65_536;

/** Share of the memory budget a block (its rows and forward–backward tables) may take. */
const BLOCK_SHARE = 1 / 2;
/** Share of the memory budget the set of sequence ids seen (id-column boundaries) may take. */
const ID_SHARE = 1 / 8;
/** Bytes a Set<number> entry is counted at (V8: hash table slot, entry and a heap number). */
const BYTES_PER_ID = 64;

/** Options of `fitHmmStream`. */
export interface HmmStreamFitOptions<C> extends Omit<FitOptions<HmmParameters<C>>, 'chunks' | 'estep' | 'fullEStepEvery' | 'sparseThreshold'> {
  /** Where the sequences begin and end (default: the whole source is one sequence). */
  readonly boundaries?: SequenceBoundaries;
  /** Bytes the blocks may hold (default: the model's memory budget). Half goes to a block. */
  readonly memoryBudget?: number | string;
  /** Rows a block aims at (default DEFAULT_SEQUENCE_BLOCK_ROWS, at most what the budget allows). */
  readonly blockRows?: number;
  /** Called after each block and at the end of each pass ('sample' is the pass that reads the first block to initialise on). */
  readonly onProgress?: (progress: StreamProgress) => void;
}

/** Block sizes of a streamed HMM fit. */
export interface SequenceStreamPlan {
  /** The budget in bytes. */
  readonly memoryBudget: number;
  /** Rows a block aims at. */
  readonly targetRows: number;
  /** Most rows a block may hold (the longest sequence the fit accepts). */
  readonly maxRows: number;
  /** Bytes a row of a block is counted at. */
  readonly bytesPerRow: number;
  /** Most distinct sequence ids (id-column boundaries). */
  readonly maxIds: number;
  /** Steps per segment of a checkpointed forward–backward (a sequence longer than `maxRows`). */
  readonly segmentRows: number;
  /** Most rows of one sequence: its rows alone in the block, its forward–backward checkpointed in segments. */
  readonly maxSequenceRows: number;
  /** Bytes a row of such a sequence is counted at (its values twice and the reader's columns, plus its share of the checkpoints). */
  readonly sequenceBytesPerRow: number;
  /** Most rows the initialisation runs on (the first block's first sequences; a longer first sequence is cut to a prefix). */
  readonly initRows: number;
}

/**
 * A block row is counted as its values twice (the block and the reader's buffer), the source's
 * columns once more (the reader's parse), and the forward–backward tables of K states (2K + 2
 * doubles: densities, forward variables then posteriors, scale and shift). A sequence longer than
 * such a block runs checkpointed (checkpointedSequenceStatistics): segments of a quarter of the
 * block's rows, and the sequence's rows alone (no tables) fill the rest of the block's share.
 */
export function planSequenceStream(states: number, sourceColumns: number, columns: number, options: { readonly memoryBudget?: number | string; readonly blockRows?: number }): SequenceStreamPlan {
  const memoryBudget = resolveMemoryBudget(options.memoryBudget);
  const bytesPerRow = 8 * (2 * columns + sourceColumns + 2 * states + 2);
  const maxRows = Math.floor((memoryBudget * BLOCK_SHARE) / bytesPerRow);
  if (maxRows < 1) {
    throw new InvalidOptionsError(`A memory budget of ${memoryBudget} bytes leaves no room for one row of ${columns} columns and ${states} states.`, 'Raise the memory budget.', { option: 'memoryBudget' });
  }
  if (options.blockRows !== undefined && (!Number.isInteger(options.blockRows) || options.blockRows < 1)) {
    throw new InvalidOptionsError(`blockRows must be an integer ≥ 1; got ${String(options.blockRows)}.`, 'Pass e.g. { blockRows: 65536 }, or omit it.', { option: 'blockRows' });
  }
  const targetRows = Math.min(maxRows, options.blockRows ?? DEFAULT_SEQUENCE_BLOCK_ROWS);
  // A longer sequence: segment tables of a quarter of a block's rows, its rows and K checkpoint doubles per segment in the rest.
  const segmentRows = Math.max(1, Math.floor(maxRows / 4));
  const sequenceBytesPerRow = 8 * (2 * columns + sourceColumns) + (8 * states) / segmentRows;
  const maxSequenceRows = Math.max(maxRows, Math.floor((memoryBudget * BLOCK_SHARE - 8 * (2 * states + 2) * segmentRows) / sequenceBytesPerRow));
  // The initialisation's copy and its n×K responsibilities (twice when reordered along the chain) within a quarter of the budget.
  const initRows = Math.max(1, Math.min(Math.max(targetRows, DEFAULT_SEQUENCE_BLOCK_ROWS), Math.floor(memoryBudget / 4 / (8 * (columns + 2 * states)))));
  return { memoryBudget, targetRows, maxRows, bytesPerRow, maxIds: Math.max(1, Math.floor((memoryBudget * ID_SHARE) / BYTES_PER_ID)), segmentRows, maxSequenceRows, sequenceBytesPerRow, initRows };
}

/**
 * Batch Baum–Welch over a DataSource of rows cut into whole sequences (`boundaries`: lengths, a
 * sequence-id column, or one sequence). Each iteration is one pass over the source; the E-step
 * statistics of the blocks are added in block order, so from the same initial parameters the fit
 * follows `fitEm` on the same sequences in memory (to ≈1e-15 relative per iteration: only the
 * summation order differs). Peak memory: one block (whole sequences, at least `blockRows` rows
 * unless the source ends) and the model. A sequence whose forward–backward tables do not fit a
 * block runs checkpointed (only its rows in the block, tables of one segment, α̂ kept at segment
 * boundaries and recomputed: the same statistics to round-off, twice the forward work); a sequence
 * whose rows alone do not fit is refused (MemoryBudgetError naming it).
 *
 * Without `initialParameters`, the model's given values (`model.givenParameters()`) or else a
 * first pass that keeps the first block's first sequences (a copy of at most `initRows` rows, a
 * longer first sequence cut to a prefix) and each restart runs `model.initialize` on them —
 * the in-memory fit initialises on all the data, so the two start differently unless the first
 * block is the whole source. The source must be re-iterable; the caller closes it.
 */
export async function fitHmmStream<C, FS extends Statistics, Prepared>(
  model: HmmModel<C, DenseMatrix, FS, Prepared>,
  source: DataSource<DenseMatrix>,
  options: HmmStreamFitOptions<C> = {},
): Promise<FitResult<HmmParameters<C>>> {
  if (source === null || typeof source !== 'object' || typeof source.pass !== 'function') {
    throw new InvalidOptionsError('fitHmmStream(model, source, options) needs a DataSource as its source.', 'Open a file with openDataSource(path), or wrap rows in memory with arraySource(matrix).', {
      option: 'source',
    });
  }
  if (!source.reiterable) {
    throw new InvalidOptionsError(
      `Baum–Welch reads the data once per iteration, but ${source.description} can be read only once.`,
      'Spool it to a file first (the CLI does this for --data -).',
      { option: 'source' },
    );
  }
  const boundaries = options.boundaries ?? { kind: 'single' };
  checkBoundaries(source, boundaries);
  const nInit = options.nInit ?? 1;
  if (!Number.isInteger(nInit) || nInit < 1 || nInit > MAX_RESTARTS) {
    throw new InvalidOptionsError(`nInit must be an integer in [1, ${MAX_RESTARTS}]; got ${String(nInit)}.`, 'Pass the number of restarts, e.g. { nInit: 5 }.', { option: 'nInit' });
  }
  if (options.random === undefined && options.seed !== undefined) assertSeed(options.seed);
  const acceleration = resolveAcceleration(options.acceleration);
  const accelerationNote =
    acceleration === 'squarem' && model.parameterMap === undefined
      ? `acceleration 'squarem' needs the model's parameterMap (parameters ↔ ℝ^p), which this HMM's emission family does not provide: plain EM ran.`
      : undefined;
  const accelerate = acceleration === 'squarem' && accelerationNote === undefined;
  const given = options.initialParameters ?? model.givenParameters();
  if (given !== undefined) model.validateParameters(given);
  const plan = planSequenceStream(model.k, source.columns, observationColumns(source, boundaries), { memoryBudget: options.memoryBudget ?? model.memoryBudget, ...(options.blockRows === undefined ? {} : { blockRows: options.blockRows }) });
  settingsFrom(options, 1, () => undefined, 0);
  const root = options.random ?? new Random(options.seed ?? 0);
  const randoms = Array.from({ length: nInit }, () => root.fork());
  const reader = new SequenceReader(model, source, boundaries, plan, options);

  const events: FitEvent[] = [];
  const emit = eventRecorder(events, options.onEvent, '@em/hmm');
  let firstBlock: Sequences<DenseMatrix> | undefined;
  let observations = 0;
  let validated = false;
  const results: Array<SingleRun<HmmParameters<C>> | Error> = [];
  for (let run = 0; run < nInit && (run === 0 || options.signal?.aborted !== true); run++) {
    try {
      let initial: HmmParameters<C>;
      if (run === 0 && given !== undefined) initial = given;
      else {
        firstBlock ??= await reader.firstBlock();
        initial = model.initialize(firstBlock, randoms[run] as Random);
        model.validateParameters(initial);
      }
      // The first E-step pass checks every block's values (the first-block pass saw only the first block).
      const first = await reader.eStepPass(initial, !validated);
      validated = true;
      observations = first.observations;
      const settings = settingsFrom(options, observations, emit, run);
      const loop: EmLoop<HmmParameters<C>, HmmStatistics<FS>> = accelerate ? squaremLoop(model, 1, initial, settings) : batchLoop(model, 1, initial, settings);
      results.push(await driveStream(loop, initial, first, (parameters) => reader.eStepPass(parameters, false)));
    } catch (error) {
      if (!isRecoverable(error, nInit)) throw error;
      results.push(error);
    }
  }
  const fitPlan = { model, nInit, events, observations, accelerationNote } as unknown as FitPlan<HmmParameters<C>, Sequences<DenseMatrix>, HmmStatistics<FS>>;
  return assembleResult(fitPlan, results);
}

/** The passes of one streamed fit: blocks of sequences, progress, and the same rows every pass. */
class SequenceReader<C, FS extends Statistics, Prepared> {
  private passes = 0;
  private rows: number | undefined;
  private sequences: number | undefined;
  private readonly checkpoints = new CheckpointWorkspace();

  constructor(
    private readonly model: HmmModel<C, DenseMatrix, FS, Prepared>,
    private readonly source: DataSource<DenseMatrix>,
    private readonly boundaries: SequenceBoundaries,
    private readonly plan: SequenceStreamPlan,
    private readonly options: HmmStreamFitOptions<C>,
  ) {
    this.rows = source.rows;
  }

  private blocks(tally: SequencePassTally): AsyncGenerator<SequenceBlock> {
    const { targetRows, maxRows, bytesPerRow, memoryBudget, maxIds, maxSequenceRows, sequenceBytesPerRow } = this.plan;
    const signal = this.options.signal === undefined ? {} : { signal: this.options.signal };
    return sequenceBlocks(this.source, this.boundaries, { targetRows, maxRows, bytesPerRow, memoryBudget, maxIds, maxSequenceRows, sequenceBytesPerRow, ...signal }, tally);
  }

  private progress(purpose: StreamProgress['purpose'], started: number, tally: SequencePassTally, done: boolean): void {
    this.options.onProgress?.({
      pass: this.passes,
      purpose,
      rowsRead: tally.rows,
      bytesRead: tally.bytes,
      totalRows: this.rows,
      totalBytes: this.source.bytes,
      seconds: (performance.now() - started) / 1000,
      done,
    });
  }

  /** A copy of the first block's first sequences, at most initRows rows (the initialisation's data); the pass stops there. */
  async firstBlock(): Promise<Sequences<DenseMatrix>> {
    this.passes++;
    const started = performance.now();
    const tally: SequencePassTally = { rows: 0, sequences: 0, bytes: undefined };
    const blocks = this.blocks(tally);
    try {
      const next = await blocks.next();
      if (next.done === true) throw new InvalidDataError(`${this.source.description} has no rows.`, 'Check the file: a fit needs at least one observation.', { rows: 0 });
      const block = next.value;
      try {
        this.model.validateData(block.sequences);
      } catch (error) {
        throw locateInSource(error, this.source.description, block);
      }
      // Whole sequences up to initRows rows; a first sequence longer than that is cut to its first initRows steps.
      const limit = this.plan.initRows;
      const { lengths } = block.sequences;
      const kept: number[] = [];
      let rows = 0;
      for (let s = 0; s < lengths.length && rows < limit; s++) {
        const length = lengths[s] as number;
        if (rows + length > limit && kept.length > 0) break;
        const taken = Math.min(length, limit - rows);
        kept.push(taken);
        rows += taken;
      }
      const x = block.sequences.observations;
      const copy = new Sequences(new DenseMatrix(x.data.slice(0, rows * x.cols), rows, x.cols), kept);
      this.progress('sample', started, tally, true);
      return copy;
    } finally {
      await blocks.return(undefined);
    }
  }

  /** One pass: the E-step of every block at `parameters`, summed in block order. */
  async eStepPass(parameters: HmmParameters<C>, validate: boolean): Promise<EStepResult<HmmStatistics<FS>> & { readonly observations: number }> {
    this.passes++;
    const started = performance.now();
    const tally: SequencePassTally = { rows: 0, sequences: 0, bytes: undefined };
    let statistics: HmmStatistics<FS> | undefined;
    let logLikelihood = 0;
    let compensation = 0;
    for await (const block of this.blocks(tally)) {
      let result: EStepResult<HmmStatistics<FS>>;
      try {
        if (validate) this.model.validateData(block.sequences, parameters);
        result = this.eStep(parameters, block.sequences);
      } catch (error) {
        throw locateInSource(error, this.source.description, block);
      }
      statistics = statistics === undefined ? cloneStatistics(result.statistics) : accumulateInto(statistics, result.statistics);
      // Neumaier-compensated, as the in-memory E-step sums its sequences.
      const term = result.logLikelihood;
      const next = logLikelihood + term;
      compensation += Math.abs(logLikelihood) >= Math.abs(term) ? logLikelihood - next + term : term - next + logLikelihood;
      logLikelihood = next;
      this.progress('e-step', started, tally, false);
    }
    this.endPass(tally);
    this.progress('e-step', started, tally, true);
    return { statistics: statistics as HmmStatistics<FS>, logLikelihood: logLikelihood + compensation, observations: tally.rows };
  }

  /**
   * The E-step of one block: the model's, unless a sequence is longer than a block's forward–backward
   * tables allow; then sequence by sequence, the long ones checkpointed (the same statistics to round-off).
   */
  private eStep(parameters: HmmParameters<C>, data: Sequences<DenseMatrix>): EStepResult<HmmStatistics<FS>> {
    const { maxRows, segmentRows } = this.plan;
    let longest = 0;
    for (let s = 0; s < data.count; s++) longest = Math.max(longest, data.lengths[s] as number);
    if (longest <= maxRows) return this.model.eStep(parameters, data);
    const statistics = this.model.zeroStatistics(parameters);
    const prepared = this.model.family.prepare(parameters.emissions);
    let total = 0;
    let compensation = 0;
    for (let s = 0; s < data.count; s++) {
      const length = data.lengths[s] as number;
      let term: number;
      if (length <= maxRows) {
        const part = this.model.eStep(parameters, data.slice(s, s + 1));
        accumulateInto(statistics, part.statistics);
        term = part.logLikelihood;
      } else {
        term = checkpointedSequenceStatistics(this.model.family, this.model.k, parameters, prepared, data.observations, data.offsets[s] as number, length, segmentRows, statistics, this.checkpoints, s);
      }
      const next = total + term;
      compensation += Math.abs(total) >= Math.abs(term) ? total - next + term : term - next + total;
      total = next;
    }
    return { statistics, logLikelihood: total + compensation };
  }

  /** Every pass must read the same rows and sequences (a file that changed during the fit is refused). */
  private endPass(tally: SequencePassTally): void {
    if ((this.rows !== undefined && tally.rows !== this.rows) || (this.sequences !== undefined && tally.sequences !== this.sequences)) {
      throw new InvalidDataError(
        `${this.source.description}: pass ${this.passes} read ${tally.rows} rows in ${tally.sequences} sequences, but ${this.source.rows === undefined || this.sequences !== undefined ? 'an earlier pass read' : 'the source declares'} ${this.rows ?? '?'} rows${this.sequences === undefined ? '' : ` in ${this.sequences} sequences`}.`,
        'The file changed (or was truncated) during the fit; fit a stable copy.',
        { rows: tally.rows, pass: this.passes },
      );
    }
    this.rows = tally.rows;
    this.sequences = tally.sequences;
  }
}
