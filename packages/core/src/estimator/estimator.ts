import type { EmModel, ModelConfig } from '../contract.js';
import { DenseMatrix } from '../data/dense-matrix.js';
import { InvalidOptionsError, NotFittedError } from '../errors.js';
import { fitEm, fitEmAsync, type AsyncFitOptions } from '../fit/fit.js';
import type { FitResult } from '../fit/types.js';
import type { EStepExecutor } from '../executor/executor.js';
import { loadParallel } from '../executor/load-parallel.js';
import { CLASSIFY_TASK } from '../executor/worker-protocol.js';
import { availableParallelism } from '../executor/platform.js';
import { workerEntryProblem } from '../executor/worker-entry.js';
import { planWorkers, PREDICTION_MIN_WORK, type EStepWork, type ExecutionPlan, type WorkersOption } from '../executor/worker-plan.js';
import { checkAllocation, float64Bytes } from '../memory-budget.js';
import { aic, bic } from '../model-selection.js';
import { parseSerializedModel, serializeModel, type FitMetadata, type SerializedModel } from '../persistence.js';
import { Random } from '../random.js';
import type { Statistics } from '../statistics/algebra.js';
import type { DataKind } from './input.js';
import {
  FORWARDED_FIT_SETTINGS,
  pickEstimatorSettings,
  resolveEstimatorSettings,
  settingsFromJSON,
  settingsToJSON,
  type EstimatorSettings,
  type ResolvedEstimatorSettings,
} from './settings.js';

/** Where `fit` runs. */
const SPARSE_IN_PROCESS: ExecutionPlan = /* @__PURE__ */ Object.freeze({ mode: 'in-process', workers: 1, reason: "in process: estep 'sparse' keeps each observation's active components in this thread" });
const IN_PROCESS: ExecutionPlan = /* @__PURE__ */ Object.freeze({ mode: 'in-process', workers: 1, reason: 'in process: fit is synchronous (fitAsync can use worker threads)' });

/**
 * What an estimator needs from its engine model beyond the EM contract: the number of latent
 * classes K (components or states) and, per row (time step), the posteriors and the most probable
 * class; per sample (row, or sequence), the log-density; and seeded draws with their classes.
 */
export interface EstimatorModel<P, D, S extends Statistics> extends EmModel<P, D, S> {
  readonly k: number;
  /** p(class | x) per row (time step), row-major n × K. */
  responsibilities(params: P, data: D): Float64Array;
  /** The most probable class per row (for a sequence model: the most probable path, per time step). */
  predict(params: P, data: D): Int32Array;
  /** log p(sample; θ) per sample: per row for a mixture, per sequence for a sequence model. */
  scoreSamples(params: P, data: D): Float64Array;
  sample(params: P, n: number, random: Random): { readonly observations: Float64Array; readonly labels: Int32Array; readonly dimension: number };
}

/**
 * What `fit` returns: core's FitResult with the parameters nested as the estimator shows them, and
 * where the E-steps ran (`fitAsync` decides; `fit` is always in process).
 */
export type FitSummary<Plain> = Omit<FitResult<unknown>, 'parameters'> & { readonly parameters: Plain; readonly execution?: ExecutionPlan };

/** Options of one `fit` / `fitAsync` call: any setting (but the memory budget) for this call only, sample weights, a start. */
export type EstimatorFitOptions<P, PlainInput> = Omit<EstimatorSettings<P>, 'memoryBudget'> & {
  /** One non-negative weight per row (a weight of 2 counts the row twice; not for sequences). */
  readonly sampleWeights?: ArrayLike<number>;
  /** Start from these parameters (nested as `parameters` shows them) instead of the model's initialisation: one run. */
  readonly initialParameters?: PlainInput;
};

/** Options of `predictAsync`. */
export interface PredictAsyncOptions {
  /** 'auto' (default: the estimator's `workers` setting): worker threads for a pass of at least PREDICTION_MIN_WORK; a number: that many (1 = in process). */
  readonly workers?: WorkersOption;
  /** The worker entry (default: the estimator's `workerUrl`, else the package's built worker.js in Node). */
  readonly workerUrl?: string | URL;
  /** Also return p(class | row) per row, as `predictProba` (default false). */
  readonly probabilities?: boolean;
}

/** What `predictAsync` returns: the labels as `predict`, the posteriors as `predictProba` when asked, and where the pass ran. */
export interface PredictAsyncResult {
  /** The most probable class per row (per time step for sequences). */
  readonly labels: Int32Array;
  /** One row of K per row (per time step), when `probabilities` was asked for. */
  readonly probabilities?: number[][];
  /** In process or on worker threads, and why. */
  readonly execution: ExecutionPlan;
}

/** Options of score, logLikelihood, bic and aic. */
export interface ScoreOptions {
  readonly sampleWeights?: ArrayLike<number>;
}

/** Options of `sample`. */
export interface SampleOptions {
  /** Seed of the draws (default 0). */
  readonly seed?: number;
}

/** n draws with the class (component or state) that generated each, as `predict` would number them. */
export interface EstimatorSample {
  readonly observations: number[][];
  readonly labels: Int32Array;
}

/** Settings of the machine that loads a saved model (not saved with it). */
export interface EstimatorReviveOptions {
  /** What predictions may allocate beyond the data (bytes or e.g. '1GiB'; default 256 MiB). */
  readonly memoryBudget?: number | string;
}

/** What the static `fromJSON` needs from a subclass: its saved-model kind and how a config becomes an estimator. */
export interface EstimatorReviver<T> {
  readonly kind: string;
  fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): T;
}

/**
 * The one base class of every user-facing model. It owns the fit settings and every generic
 * member (fit, fitAsync, fitPredict, predict, predictProba, scoreSamples, score, logLikelihood,
 * bic, aic, sample, parameters, setParameters, isFitted, lastFit, toJSON, fromJSON). A subclass
 * supplies its engine `model`, its data kind, and how its parameters nest for users
 * (`toPlain` / `fromPlain`); a static `kind` and `fromConfig` make `fromJSON` work.
 *
 * P — engine parameters; D — engine data; S — statistics; Input — what users pass as data;
 * Plain — parameters as users see them; PlainInput — what users may pass as parameters;
 * Summary — what `fit` returns.
 *
 * Conventions, the same for every model: predict returns an Int32Array with one class per row
 * (per time step for sequences); predictProba returns number[][] with one row of K per row (per
 * time step); scoreSamples returns a Float64Array with one log-density per sample (row, or
 * sequence); score is the mean log-likelihood per observation (row, or time step), weighted with
 * `{ sampleWeights }`; bic and aic are lower-is-better.
 */
export abstract class Estimator<P, D, S extends Statistics, Input, Plain, PlainInput = Plain, Summary extends FitSummary<Plain> = FitSummary<Plain>> {
  /** The engine model (for fitEm, fitEmAsync, the conformance kit). */
  abstract readonly model: EstimatorModel<P, D, S>;
  /** The settings after defaults, checked once at construction. */
  readonly settings: ResolvedEstimatorSettings<P>;
  /** How user data becomes the engine's data. */
  protected abstract readonly dataKind: DataKind<Input, D>;
  /**
   * Data chunks per executor worker when `chunks` is not set (default 1). More than one lets a
   * worker that finishes early take the next chunk instead of waiting for the slowest.
   */
  protected readonly chunksPerWorker: number = 1;
  private state: P | undefined;
  private summary: Summary | undefined;
  /** Fit metadata of a loaded document, written back by toJSON until the next fit. */
  private metadata: FitMetadata | undefined;

  /** `settings` may be the whole options object: only setting names are read. */
  protected constructor(settings: object) {
    if (settings === null || typeof settings !== 'object') {
      throw new InvalidOptionsError(`${new.target.name} needs an options object; got ${String(settings)}.`, `Pass e.g. new ${new.target.name}({ components: 2 }).`);
    }
    this.settings = resolveEstimatorSettings<P>(settings);
  }

  /** Parameters as users see them (nested arrays). */
  protected abstract toPlain(parameters: P): Plain;
  /** User-given parameters in the engine's form (shape checked here, values by validateParameters). */
  protected abstract fromPlain(plain: PlainInput): P;

  /** Model checks on the data before fitting (sizes, budgets): none by default. */
  protected checkFitData(_data: D): void {}
  /** A start given through the model options (none by default; `initialParameters` in fit takes precedence). */
  protected startingParameters(_data: D): P | undefined {
    return undefined;
  }
  /** Frees buffers the engine keeps between E-steps (after every fit). */
  protected releaseBuffers(): void {}
  /** The fit summary (override to add model fields; call super). */
  protected summarize(result: FitResult<P>, _data: D): Summary {
    const { parameters, ...rest } = result;
    return { ...rest, parameters: this.toPlain(parameters) } as Summary;
  }
  /** The saved fit metadata (override to add model fields; call super). */
  protected fitMetadata(result: FitResult<P>, _data: D): FitMetadata {
    return {
      settings: settingsToJSON(this.settings),
      logLikelihood: result.logLikelihood,
      objective: result.objective,
      iterations: result.iterations,
      converged: result.converged,
      stopReason: result.stopReason,
      observations: result.observations,
      freeParameters: result.freeParameters,
      bic: result.bic,
      aic: result.aic,
    };
  }
  /**
   * The work of one E-step on `data` and how far the data splits, for `workers: 'auto'` (override
   * with the model's cost; by default K·20 multiply-adds per row, rows as chunks).
   */
  protected eStepWork(data: D): EStepWork {
    const rows = this.dataKind.rows(data);
    const k = this.model.k;
    return { work: rows * k * 20, formula: `N·K·20 = ${(rows * k * 20).toExponential(1)}`, maxChunks: rows };
  }
  /** Bytes fitAsync copies to share `data` with worker threads (0 when it is already shared). */
  protected sharedCopyBytes(_data: D): number {
    return 0;
  }
  /** The model package's own worker entry (its built worker.js, in Node), or undefined. */
  protected defaultWorkerUrl(): URL | undefined {
    return undefined;
  }

  /**
   * Where `fitAsync(input, options)` would run its E-steps, and why: in process, on N worker
   * threads it starts, or on the given executor. The same decision fitAsync makes (the CLI prints it).
   */
  planExecution(input: Input, options: EstimatorFitOptions<P, PlainInput> = {}): ExecutionPlan {
    return this.planFor(this.dataKind.toData(input, options.sampleWeights, 'fit(data)'), options);
  }

  private planFor(data: D, options: EstimatorFitOptions<P, PlainInput>): ExecutionPlan {
    const executor = options.executor ?? this.settings.executor;
    if (executor !== undefined) return { mode: 'executor', workers: executor.concurrency, reason: `on the given executor (${executor.concurrency} worker${executor.concurrency === 1 ? '' : 's'})` };
    const workers: WorkersOption = options.workers ?? this.settings.workers;
    // Sparse E-steps keep each observation's active components in this thread: 'auto' and 1 stay here.
    if ((options.estep ?? this.settings.estep) === 'sparse') {
      if (workers === 'auto' || workers === 1) return SPARSE_IN_PROCESS;
      throw new InvalidOptionsError(`estep 'sparse' runs in this thread; workers: ${workers} cannot be used with it.`, "Use workers: 'auto' (or 1) with estep 'sparse', or estep 'full' on worker threads.", { option: 'workers' });
    }
    const url = this.workerUrlOf(options);
    return planWorkers({
      workers,
      work: this.eStepWork(data),
      memoryBudget: this.settings.memoryBudget,
      sharedCopyBytes: this.sharedCopyBytes(data),
      parallelism: availableParallelism(),
      ...(workers === 'auto' ? { noWorkerEntry: workerEntryProblem(url) } : {}),
    });
  }

  private workerUrlOf(options: EstimatorFitOptions<P, PlainInput>): string | URL | undefined {
    return options.workerUrl ?? this.settings.workerUrl ?? this.defaultWorkerUrl();
  }

  /** Draws for `sample` (override to pass model options such as a start state). */
  protected draw(parameters: P, n: number, random: Random, _options: SampleOptions): { readonly observations: Float64Array; readonly labels: Int32Array; readonly dimension: number } {
    return this.model.sample(parameters, n, random);
  }

  /** True once fitted, given parameters, or loaded. */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** The summary of the last fit (undefined before fitting, after setParameters or fromJSON). */
  get lastFit(): Summary | undefined {
    return this.summary;
  }

  /** Fitted parameters as nested arrays. */
  get parameters(): Plain {
    return this.toPlain(this.fittedParameters('parameters'));
  }

  /** Fitted parameters in the engine's typed-array form. */
  get modelParameters(): P {
    return this.fittedParameters('modelParameters');
  }

  /** Sets the parameters (validated), e.g. to predict with a known model. */
  setParameters(plain: PlainInput): this {
    return this.setModelParameters(this.fromPlain(plain));
  }

  /** Fits by EM in this thread and keeps the best parameters. */
  fit(input: Input, options: EstimatorFitOptions<P, PlainInput> = {}): Summary {
    return this.fitData(this.fitDataFrom(input, options), options);
  }

  /**
   * Fits with E-steps on worker threads where they pay: on `executor` if one is given, else as
   * `workers` says ('auto' by default: threads for large data, in process for small data and in
   * browsers without `workerUrl`). A pool it starts itself starts its threads with the first
   * E-step (after the initialisation, which runs in this thread), serves every restart, and is
   * stopped before the promise settles, on success, error and abort alike. The same result as `fit` up to round-off (1e-12 relative);
   * the summary's `execution` says where the E-steps ran and why.
   */
  async fitAsync(input: Input, options: EstimatorFitOptions<P, PlainInput> = {}): Promise<Summary> {
    const data = this.fitDataFrom(input, options);
    let fitOptions = this.fitOptions(options, data, true);
    const plan = this.planFor(data, options);
    let own: EStepExecutor | undefined;
    let result: FitResult<P>;
    try {
      if (plan.mode === 'workers') {
        const { createWorkerExecutor } = await loadParallel();
        const workerUrl = this.workerUrlOf(options);
        if (workerUrl === undefined) {
          throw new InvalidOptionsError(`${this.constructor.name} has no worker entry to start ${plan.workers} workers from.`, 'Pass workerUrl (the URL of a worker that imports the model package\'s /worker entry), or an executor.', {
            option: 'workerUrl',
          });
        }
        // Threads start with the first E-step, after the initialisation in this thread (k-means on
        // 1e6 rows took > 30 s on a loaded machine): none waits behind it, none past its start timeout.
        own = createWorkerExecutor({ workerUrl, workers: plan.workers, memoryBudget: this.settings.memoryBudget, start: 'first-task' });
        fitOptions = { ...fitOptions, executor: own, chunks: fitOptions.chunks ?? this.chunksPerWorker * own.concurrency };
      }
      result = await fitEmAsync(this.model, data, fitOptions);
    } finally {
      this.releaseBuffers();
      await own?.close();
    }
    return this.adopt(result, data, plan);
  }

  /** Fits, then returns the most probable class of each row (time step) of the same data. */
  fitPredict(input: Input, options: EstimatorFitOptions<P, PlainInput> = {}): Int32Array {
    const data = this.fitDataFrom(input, options);
    this.fitData(data, options);
    return this.model.predict(this.fittedParameters('fitPredict'), data);
  }

  /** The most probable class of each row (per time step for sequences: the most probable path). */
  predict(input: Input): Int32Array {
    const parameters = this.fittedParameters('predict');
    return this.model.predict(parameters, this.checked(input, undefined, parameters, 'predict(data)'));
  }

  /**
   * `predict` (and, with `probabilities`, `predictProba`) with the pass split over worker threads
   * when it is long enough to pay for starting them (`workers: 'auto'`: work ≥ PREDICTION_MIN_WORK)
   * or when `workers` asks for them; the same labels and posteriors as in process. Threads it starts
   * are stopped before the promise settles.
   */
  async predictAsync(input: Input, options: PredictAsyncOptions = {}): Promise<PredictAsyncResult> {
    const parameters = this.fittedParameters('predictAsync');
    const data = this.checked(input, undefined, parameters, 'predictAsync(data)');
    const rows = this.dataKind.rows(data);
    const k = this.model.k;
    const wantProbabilities = options.probabilities === true;
    if (wantProbabilities) checkAllocation(2 * float64Bytes(rows, k), this.settings.memoryBudget, `Posteriors of ${rows} rows under ${k} classes`, 'Predict smaller batches of rows');
    const workers: WorkersOption = options.workers ?? this.settings.workers;
    const url = options.workerUrl ?? this.settings.workerUrl ?? this.defaultWorkerUrl();
    const plan = planWorkers({
      workers,
      work: this.eStepWork(data),
      memoryBudget: this.settings.memoryBudget,
      sharedCopyBytes: this.sharedCopyBytes(data),
      parallelism: availableParallelism(),
      minWork: PREDICTION_MIN_WORK,
      ...(workers === 'auto' ? { noWorkerEntry: workerEntryProblem(url) } : {}),
    });
    const posteriors = (flat: Float64Array): number[][] => DenseMatrix.fromArray(flat, rows, k).toArrays();
    if (plan.mode !== 'workers') {
      const labels = this.model.predict(parameters, data);
      return wantProbabilities ? { labels, probabilities: posteriors(this.model.responsibilities(parameters, data)), execution: plan } : { labels, execution: plan };
    }
    if (url === undefined) throw new InvalidOptionsError(`${this.constructor.name} has no worker entry to start ${plan.workers} workers from.`, 'Pass workerUrl, or workers: 1.', { option: 'workerUrl' });
    const { createWorkerExecutor } = await loadParallel();
    const executor = createWorkerExecutor({ workerUrl: url, workers: plan.workers, memoryBudget: this.settings.memoryBudget });
    try {
      const shared = this.model.shareData === undefined ? data : this.model.shareData(data);
      const chunks = this.model.splitData(shared, plan.workers);
      const replies = await Promise.all(
        chunks.map((chunk) => executor.runTask<{ labels: Int32Array; probabilities?: Float64Array }>(CLASSIFY_TASK, { config: this.model.config, parameters, chunk, probabilities: wantProbabilities })),
      );
      const labels = new Int32Array(rows);
      const flat = wantProbabilities ? new Float64Array(rows * k) : undefined;
      let offset = 0;
      for (const reply of replies) {
        labels.set(reply.labels, offset);
        if (flat !== undefined && reply.probabilities !== undefined) flat.set(reply.probabilities, offset * k);
        offset += reply.labels.length;
      }
      return flat === undefined ? { labels, execution: plan } : { labels, probabilities: posteriors(flat), execution: plan };
    } finally {
      await executor.close();
    }
  }

  /** p(class | row) as one array of K per row (per time step for sequences). */
  predictProba(input: Input): number[][] {
    const parameters = this.fittedParameters('predictProba');
    const data = this.checked(input, undefined, parameters, 'predictProba(data)');
    const k = this.model.k;
    const rows = this.dataKind.rows(data);
    // Typed posteriors, then the same numbers as nested arrays.
    checkAllocation(2 * float64Bytes(rows, k), this.settings.memoryBudget, `Posteriors of ${rows} rows under ${k} classes`, 'Call predictProba on smaller batches of rows');
    return DenseMatrix.fromArray(this.model.responsibilities(parameters, data), rows, k).toArrays();
  }

  /** log p(sample; θ) per sample (natural log): per row for a mixture, per sequence for a sequence model. */
  scoreSamples(input: Input): Float64Array {
    const parameters = this.fittedParameters('scoreSamples');
    return this.model.scoreSamples(parameters, this.checked(input, undefined, parameters, 'scoreSamples(data)'));
  }

  /** Total log-likelihood Σ w_i log p(x_i; θ) (natural log). */
  logLikelihood(input: Input, options: ScoreOptions = {}): number {
    const parameters = this.fittedParameters('logLikelihood');
    return this.model.logLikelihood(parameters, this.checked(input, options.sampleWeights, parameters, 'logLikelihood(data)'));
  }

  /** Mean log-likelihood per observation (row, or time step), weighted with sample weights, as scikit-learn's `score`. */
  score(input: Input, options: ScoreOptions = {}): number {
    const parameters = this.fittedParameters('score');
    const data = this.checked(input, options.sampleWeights, parameters, 'score(data)');
    return this.model.logLikelihood(parameters, data) / this.model.observationCount(data);
  }

  /** −2·logL + p·ln n on the data (lower is better; n = rows, or time steps). */
  bic(input: Input, options: ScoreOptions = {}): number {
    const parameters = this.fittedParameters('bic');
    const data = this.checked(input, options.sampleWeights, parameters, 'bic(data)');
    return bic(this.model.logLikelihood(parameters, data), this.model.freeParameterCount(parameters), this.model.observationCount(data));
  }

  /** −2·logL + 2p on the data (lower is better). */
  aic(input: Input, options: ScoreOptions = {}): number {
    const parameters = this.fittedParameters('aic');
    const data = this.checked(input, options.sampleWeights, parameters, 'aic(data)');
    return aic(this.model.logLikelihood(parameters, data), this.model.freeParameterCount(parameters));
  }

  /** n seeded draws (for a sequence model: one sequence of n steps) with the class of each. */
  sample(n: number, options: SampleOptions = {}): EstimatorSample {
    const parameters = this.fittedParameters('sample');
    if (!Number.isInteger(n) || n < 0) throw new InvalidOptionsError(`sample(n) needs an integer n ≥ 0; got ${String(n)}.`, 'Pass the number of draws.', { option: 'n' });
    const drawn = this.draw(parameters, n, new Random(options.seed ?? 0), options);
    return { observations: DenseMatrix.fromArray(drawn.observations, n, drawn.dimension).toArrays(), labels: drawn.labels };
  }

  /** Versioned JSON document (config, parameters, fit summary with the settings); `fromJSON` restores it exactly. */
  toJSON(): SerializedModel {
    const parameters = this.fittedParameters('toJSON');
    const config = this.model.config;
    return serializeModel(config.kind, config, this.model.parametersToJSON(parameters), this.metadata ?? { settings: settingsToJSON(this.settings) });
  }

  /** Rebuilds a saved estimator from `toJSON()` output (object or JSON text): `GaussianMixture.fromJSON(text)`. */
  static fromJSON<T>(this: EstimatorReviver<T>, input: string | SerializedModel | unknown, options: EstimatorReviveOptions = {}): T {
    const document = parseSerializedModel(input, this.kind);
    // The memory budget is the machine's, not the model's: the caller of fromJSON gives it.
    const saved = settingsFromJSON<unknown>(document.fit?.['settings']);
    const settings = options.memoryBudget === undefined ? saved : { ...saved, memoryBudget: options.memoryBudget };
    const estimator = this.fromConfig(document.config, settings);
    (estimator as unknown as { restore(document: SerializedModel): void }).restore(document);
    return estimator;
  }

  /** Sets the parameters in the engine's typed-array form (validated), e.g. parameters computed elsewhere. */
  setModelParameters(parameters: P): this {
    this.model.validateParameters(parameters);
    this.state = parameters;
    this.summary = undefined;
    this.metadata = undefined;
    return this;
  }

  /** Takes a saved document's parameters and fit metadata (used by fromJSON). */
  protected restore(document: SerializedModel): void {
    const parameters = this.model.parametersFromJSON(document.parameters);
    this.model.validateParameters(parameters);
    this.state = parameters;
    this.summary = undefined;
    this.metadata = document.fit;
  }

  /** The fitted parameters, or a NotFittedError naming the member that needed them. */
  protected fittedParameters(member: string): P {
    if (this.state === undefined) throw new NotFittedError(this.constructor.name, member);
    return this.state;
  }

  private fitDataFrom(input: Input, options: EstimatorFitOptions<P, PlainInput>): D {
    const data = this.dataKind.toData(input, options.sampleWeights, 'fit(data)');
    this.model.validateData(data);
    this.checkFitData(data);
    return data;
  }

  private fitData(data: D, options: EstimatorFitOptions<P, PlainInput>): Summary {
    const fitOptions = this.fitOptions(options, data, false);
    let result: FitResult<P>;
    try {
      result = fitEm(this.model, data, fitOptions);
    } finally {
      this.releaseBuffers();
    }
    return this.adopt(result, data);
  }

  /** The settings merged with this call's, forwarded by name, with the start and the default chunking. */
  private fitOptions(options: EstimatorFitOptions<P, PlainInput>, data: D, onExecutor: boolean): AsyncFitOptions<P> {
    const perCall = pickEstimatorSettings<P>(options, FORWARDED_FIT_SETTINGS);
    const merged: Record<string, unknown> = {};
    for (const name of FORWARDED_FIT_SETTINGS) {
      const value = (perCall as Record<string, unknown>)[name] ?? (this.settings as Record<string, unknown>)[name];
      if (value !== undefined) merged[name] = value;
    }
    const initialParameters = options.initialParameters === undefined ? this.startingParameters(data) : this.fromPlain(options.initialParameters);
    if (initialParameters !== undefined) {
      this.model.validateParameters(initialParameters);
      merged['initialParameters'] = initialParameters;
      // Given parameters are one deterministic start: restarts would repeat it.
      merged['nInit'] = 1;
    }
    const executor = merged['executor'] as AsyncFitOptions<P>['executor'];
    // `fit` runs in this thread whatever the settings say; `fitAsync` spreads chunks over the executor's workers.
    if (!onExecutor) delete merged['executor'];
    else if (executor !== undefined && merged['chunks'] === undefined) merged['chunks'] = this.chunksPerWorker * executor.concurrency;
    return merged as AsyncFitOptions<P>;
  }

  private adopt(result: FitResult<P>, data: D, execution: ExecutionPlan = IN_PROCESS): Summary {
    this.state = result.parameters;
    this.metadata = this.fitMetadata(result, data);
    this.summary = { ...this.summarize(result, data), execution };
    return this.summary;
  }

  private checked(input: Input, sampleWeights: ArrayLike<number> | undefined, parameters: P, call: string): D {
    const data = this.dataKind.toData(input, sampleWeights, call);
    this.model.validateData(data, parameters);
    return data;
  }
}
