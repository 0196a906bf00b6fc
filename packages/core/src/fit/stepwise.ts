import type { EmModel, FitEvent, MStepContext } from '../contract.js';
import { InvalidDataError, InvalidOptionsError } from '../errors.js';
import { assertSeed, Random } from '../random.js';
import { addScaled, scaleStatistics, type Statistics } from '../statistics/algebra.js';
import { assertFiniteObjective, assertFitArguments, describeValue } from './engine.js';
import type { StopReason } from './monitor.js';

/**
 * Stepwise (online) EM for streams of batches — Cappé & Moulines (2009), Liang & Klein (2009).
 *
 * A running average of per-observation statistics is blended with each new batch,
 *   s̄_t = (1 − η_t)·s̄_{t−1} + η_t·(s_t / n_t),
 * and the parameters are re-maximised from it, θ_t = M(N_eff·s̄_t). The first batch sets s̄ to its
 * own average (η_1 = 1), so the arbitrary starting point carries no weight. Scaling by N_eff
 * (default: the observations seen so far) keeps priors meaning what they mean in batch EM.
 */

/** η_t = (t + offset)^(−exponent) for t ≥ 2. */
export interface StepSizeSchedule {
  /** α ∈ (0.5, 1] (default 0.7): Σ η_t diverges and Σ η_t² converges, as stochastic approximation needs. */
  readonly exponent?: number;
  /** t0 ≥ 0 (default 2): larger values damp the first updates. */
  readonly offset?: number;
}

/** A schedule, or a function of the batch index t ≥ 2 returning η_t ∈ (0, 1]. */
export type StepSize = StepSizeSchedule | ((t: number) => number);

/** What `onIteration` receives after each batch. */
export interface StepwiseIterationInfo<P> {
  /** Batch index t (1-based) = number of updates so far. */
  readonly iteration: number;
  /** θ_t, after this batch's update. */
  readonly parameters: P;
  /** n_t (sum of sample weights where weighted). */
  readonly batchObservations: number;
  /** log p(batch_t; θ_{t−1}) / n_t: the batch scored before it was learnt from. */
  readonly batchLogLikelihood: number;
  /** η_t used for this batch (1 for the first). */
  readonly stepSize: number;
  /** Σ n over the batches so far. */
  readonly observationsSeen: number;
}

export interface StepwiseOptions<P> {
  /**
   * Maximum number of batches to consume. Required unless `batches` is an array: an iterator or
   * stream may never end, and every fit loop must be bounded.
   */
  readonly maxIterations?: number;
  /** Default { exponent: 0.7, offset: 2 }. */
  readonly stepSize?: StepSize;
  /** N_eff, the sample size the running average stands for in the M-step (default: observations seen so far). */
  readonly effectiveObservations?: number;
  /** Start from these parameters instead of `model.initialize(first batch, random)`. */
  readonly initialParameters?: P;
  /** Seed of the generator used by `model.initialize` (default 0). */
  readonly seed?: number;
  /** Or pass a generator directly (takes precedence over seed). */
  readonly random?: Random;
  readonly onIteration?: (info: StepwiseIterationInfo<P>) => void;
  /** Structured events reported by the M-step (degenerate components…). */
  readonly onEvent?: (event: FitEvent) => void;
  /** Checked before each batch is read; a fired signal stops with `aborted`. */
  readonly signal?: AbortSignal;
  /**
   * Most entries kept in `history`, `logLikelihoodHistory` and `stepSizes` (an even integer ≥ 2,
   * default DEFAULT_STEPWISE_HISTORY_LIMIT): a long stream would otherwise grow them by one number
   * per batch without bound. When the limit is reached, neighbouring entries are merged pairwise
   * and each entry from then on covers twice as many batches (`batchesPerEntry`).
   */
  readonly historyLimit?: number;
}

/**
 * Default `historyLimit` of a stepwise fit: 4096 entries (32 KiB per series). Up to 4096 batches
 * keep one entry per batch, as before; longer streams keep 2048–4096 entries, each covering
 * 2^k consecutive batches.
 */
export const DEFAULT_STEPWISE_HISTORY_LIMIT = 4096;

export interface StepwiseResult<P> {
  /** θ after the last batch. */
  readonly parameters: P;
  /**
   * Per batch t: log p(batch_t; θ_{t−1}) / n_t, the per-observation log-likelihood of each batch at
   * the parameters *before* its update (a held-out score, so it is noisy and need not increase).
   * With more batches than `historyLimit`, each entry covers `batchesPerEntry` consecutive batches
   * (the last entry possibly fewer) and is their log-likelihood sum divided by their observations.
   */
  readonly history: readonly number[];
  /** Batches each `history` entry covers (1 until the stream outgrows `historyLimit`, then a power of 2). */
  readonly batchesPerEntry: number;
  /**
   * The same per-batch log-likelihoods as `history` (stepwise scores carry no log-prior, so the
   * objective and the log-likelihood series coincide); named as in the batch FitResult.
   */
  readonly logLikelihoodHistory: readonly number[];
  /** Batches consumed = updates made (history.length when batchesPerEntry is 1). */
  readonly iterations: number;
  /** `streamEnded`, `maxIterations` or `aborted`. */
  readonly stopReason: StopReason;
  /** Σ n over the consumed batches. */
  readonly observations: number;
  /** η_t per batch (the first is 1); with batchesPerEntry > 1, η of each entry's last batch. */
  readonly stepSizes: readonly number[];
  readonly events: readonly FitEvent[];
}

/** η_t for t ≥ 2, validated. */
function stepSizeFunction(stepSize: StepSize | undefined): (t: number) => number {
  if (typeof stepSize === 'function') {
    return (t) => {
      const eta = stepSize(t);
      if (!(eta > 0 && eta <= 1)) {
        throw new InvalidOptionsError(`stepSize(${t}) returned ${String(eta)}; step sizes must lie in (0, 1].`, 'Return a number in (0, 1] for every t ≥ 2, e.g. (t) => (t + 2) ** -0.7.', {
          option: 'stepSize',
        });
      }
      return eta;
    };
  }
  const exponent = stepSize?.exponent ?? 0.7;
  const offset = stepSize?.offset ?? 2;
  if (!(exponent > 0.5 && exponent <= 1)) {
    throw new InvalidOptionsError(`stepSize.exponent must lie in (0.5, 1]; got ${String(exponent)}.`, 'Use e.g. 0.7 (smaller values forget faster but converge more noisily).', {
      option: 'stepSize.exponent',
    });
  }
  if (!(offset >= 0) || !Number.isFinite(offset)) {
    throw new InvalidOptionsError(`stepSize.offset must be a finite number ≥ 0; got ${String(offset)}.`, 'Use e.g. 2.', { option: 'stepSize.offset' });
  }
  return (t) => (t + offset) ** -exponent;
}

/** The stepwise entries' call shape: a model, an iterable of batches (async allowed where said), options. */
function assertStepwiseArguments(model: unknown, batches: unknown, options: unknown, entry: string, allowAsync: boolean): void {
  assertFitArguments(model, batches, options, entry);
  const iterable =
    batches !== null &&
    typeof batches === 'object' &&
    (typeof (batches as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function' ||
      (allowAsync && typeof (batches as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'));
  if (!iterable) {
    throw new InvalidDataError(
      `${entry}(model, batches, options) needs the batches as ${allowAsync ? 'an iterable or async iterable' : 'an iterable (an array, a generator…)'} of the model's data; got ${describeValue(batches)}.`,
      `Pass e.g. ${entry}(model, [batch1, batch2], { seed: 1 }) with each batch what fitEm takes (for a mixture, { observations: DenseMatrix }).`,
    );
  }
}

/** The state of one stepwise fit; the sync and async drivers only feed it batches. */
class StepwiseRun<P, D, S extends Statistics> {
  private parameters: P | undefined;
  private average: S | undefined;
  private t = 0;
  private seen = 0;
  private stop: StopReason | undefined;
  private history: number[] = [];
  /** Observations behind each history entry (to merge entries as weighted means). */
  private historyObservations: number[] = [];
  private stepSizes: number[] = [];
  private batchesPerEntry = 1;
  /** The entry being filled: log-likelihood sum, observations, batches, last η. */
  private pending = { logLikelihood: 0, observations: 0, batches: 0, stepSize: 1 };
  private readonly historyLimit: number;
  private readonly events: FitEvent[] = [];
  private readonly maxIterations: number;
  private readonly eta: (t: number) => number;
  private readonly random: Random;
  private readonly context: MStepContext;

  constructor(
    private readonly model: EmModel<P, D, S>,
    private readonly options: StepwiseOptions<P>,
    finite: boolean,
  ) {
    const max = options.maxIterations;
    if (max === undefined && !finite) {
      throw new InvalidOptionsError(
        'maxIterations is required when the batches are an iterator or stream (it may never end).',
        'Pass { maxIterations: <most batches to read> }, or pass the batches as an array.',
        { option: 'maxIterations' },
      );
    }
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new InvalidOptionsError(`maxIterations must be an integer ≥ 1 (batches to read); got ${String(max)}.`, 'Pass e.g. { maxIterations: 1000 }.', {
        option: 'maxIterations',
      });
    }
    this.maxIterations = max ?? Number.POSITIVE_INFINITY;
    const nEff = options.effectiveObservations;
    if (nEff !== undefined && !(nEff > 0 && Number.isFinite(nEff))) {
      throw new InvalidOptionsError(`effectiveObservations must be a finite number > 0; got ${String(nEff)}.`, 'Pass the sample size the model stands for, or omit it.', {
        option: 'effectiveObservations',
      });
    }
    const limit = options.historyLimit ?? DEFAULT_STEPWISE_HISTORY_LIMIT;
    if (!Number.isInteger(limit) || limit < 2 || limit % 2 !== 0) {
      throw new InvalidOptionsError(`historyLimit must be an even integer ≥ 2; got ${String(limit)}.`, `Pass e.g. { historyLimit: ${DEFAULT_STEPWISE_HISTORY_LIMIT} }.`, {
        option: 'historyLimit',
      });
    }
    this.historyLimit = limit;
    this.eta = stepSizeFunction(options.stepSize);
    if (options.random === undefined && options.seed !== undefined) assertSeed(options.seed);
    this.random = options.random ?? new Random(options.seed ?? 0);
    if (options.initialParameters !== undefined) {
      model.validateParameters(options.initialParameters);
      this.parameters = options.initialParameters;
    }
    const events = this.events;
    const batchIndex = (): number => this.t;
    this.context = {
      get iteration() {
        return batchIndex();
      },
      report(event) {
        events.push(event);
        options.onEvent?.(event);
      },
    };
  }

  /** Whether another batch should be read (records the stop reason when not). */
  wantsBatch(): boolean {
    if (this.stop !== undefined) return false;
    if (this.options.signal?.aborted === true) this.stop = 'aborted';
    else if (this.t >= this.maxIterations) this.stop = 'maxIterations';
    return this.stop === undefined;
  }

  streamEnded(): void {
    this.stop = 'streamEnded';
  }

  process(batch: D): void {
    const { model } = this;
    model.validateData(batch, this.parameters);
    const t = this.t + 1;
    const n = model.observationCount(batch);
    if (!(n > 0)) {
      throw new InvalidDataError(`Batch ${t} has no observations (total weight ${n}).`, 'Skip empty batches before passing them to the stepwise fit.', { batch: t });
    }
    let parameters = this.parameters;
    if (parameters === undefined) {
      parameters = model.initialize(batch, this.random);
      model.validateParameters(parameters);
    }
    const { statistics, logLikelihood } = model.eStep(parameters, batch);
    assertFiniteObjective(logLikelihood, 0, `batch ${t}`, { batch: t });
    const eta = t === 1 ? 1 : this.eta(t);
    // s̄_t = (1 − η)·s̄_{t−1} + η·s_t/n_t (per-observation averages).
    this.average =
      this.average === undefined ? scaleStatistics(statistics, 1 / n) : addScaled(scaleStatistics(this.average, 1 - eta), statistics, eta / n);
    this.t = t;
    this.seen += n;
    const nEff = this.options.effectiveObservations ?? this.seen;
    parameters = model.mStep(scaleStatistics(this.average, nEff), parameters, this.context);
    this.parameters = parameters;
    this.recordHistory(logLikelihood, n, eta);
    this.options.onIteration?.({
      iteration: t,
      parameters,
      batchObservations: n,
      batchLogLikelihood: logLikelihood / n,
      stepSize: eta,
      observationsSeen: this.seen,
    });
  }

  /** Adds a batch to the pending entry; a full entry joins the history, which is halved at the limit. */
  private recordHistory(logLikelihood: number, observations: number, stepSize: number): void {
    const pending = this.pending;
    pending.logLikelihood += logLikelihood;
    pending.observations += observations;
    pending.batches++;
    pending.stepSize = stepSize;
    if (pending.batches < this.batchesPerEntry) return;
    this.flushPending();
    if (this.history.length < this.historyLimit) return;
    // Merge neighbours: entry i of the halved series is the weighted mean of entries 2i and 2i + 1.
    const history: number[] = [];
    const observationsPerEntry: number[] = [];
    const stepSizes: number[] = [];
    for (let i = 0; i + 1 < this.history.length; i += 2) {
      const n0 = this.historyObservations[i] as number;
      const n1 = this.historyObservations[i + 1] as number;
      history.push(((this.history[i] as number) * n0 + (this.history[i + 1] as number) * n1) / (n0 + n1));
      observationsPerEntry.push(n0 + n1);
      stepSizes.push(this.stepSizes[i + 1] as number);
    }
    this.history = history;
    this.historyObservations = observationsPerEntry;
    this.stepSizes = stepSizes;
    this.batchesPerEntry *= 2;
  }

  private flushPending(): void {
    const pending = this.pending;
    if (pending.batches === 0) return;
    this.history.push(pending.logLikelihood / pending.observations);
    this.historyObservations.push(pending.observations);
    this.stepSizes.push(pending.stepSize);
    this.pending = { logLikelihood: 0, observations: 0, batches: 0, stepSize: 1 };
  }

  result(): StepwiseResult<P> {
    if (this.parameters === undefined) {
      throw new InvalidDataError('The stream ended before its first batch, so there is nothing to fit.', 'Pass at least one batch, or initialParameters.');
    }
    this.flushPending();
    return {
      parameters: this.parameters,
      history: this.history,
      batchesPerEntry: this.batchesPerEntry,
      logLikelihoodHistory: [...this.history],
      iterations: this.t,
      stopReason: this.stop ?? 'streamEnded',
      observations: this.seen,
      stepSizes: this.stepSizes,
      events: this.events,
    };
  }
}

/**
 * Stepwise EM over an iterable of batches, in this thread. Reads at most `maxIterations` batches
 * (required unless `batches` is an array), one update per batch; deterministic for a seed.
 */
export function fitEmStepwise<P, D, S extends Statistics>(model: EmModel<P, D, S>, batches: Iterable<D>, options: StepwiseOptions<P> = {}): StepwiseResult<P> {
  assertStepwiseArguments(model, batches, options, 'fitEmStepwise', false);
  const run = new StepwiseRun(model, options, Array.isArray(batches));
  const iterator = batches[Symbol.iterator]();
  let ended = false;
  try {
    while (run.wantsBatch()) {
      const next = iterator.next();
      if (next.done === true) {
        ended = true;
        run.streamEnded();
        break;
      }
      run.process(next.value);
    }
  } finally {
    // Stopping early (or failing) closes a generator so it can release its resources.
    if (!ended) iterator.return?.();
  }
  return run.result();
}

/**
 * Stepwise EM over an async iterable (a stream of batches) or an iterable; the same algorithm as
 * `fitEmStepwise`, awaiting each batch.
 */
export async function fitEmStepwiseAsync<P, D, S extends Statistics>(
  model: EmModel<P, D, S>,
  batches: AsyncIterable<D> | Iterable<D>,
  options: StepwiseOptions<P> = {},
): Promise<StepwiseResult<P>> {
  assertStepwiseArguments(model, batches, options, 'fitEmStepwiseAsync', true);
  const run = new StepwiseRun(model, options, Array.isArray(batches));
  const iterator: AsyncIterator<D> | Iterator<D> = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
  let ended = false;
  try {
    while (run.wantsBatch()) {
      const next = await iterator.next();
      if (next.done === true) {
        ended = true;
        run.streamEnded();
        break;
      }
      run.process(next.value);
    }
  } finally {
    if (!ended) await iterator.return?.();
  }
  return run.result();
}
