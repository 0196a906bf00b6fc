import {
  DenseMatrix,
  type EStepExecutor,
  type FitEvent,
  type FitMetadata,
  type FitOptions,
  type FitResult,
  type IterationInfo,
  InvalidParametersError,
  type MixtureData,
  type MixtureModel,
  type MixtureParameters,
  Random,
  type SerializedModel,
  type Statistics,
  type ToleranceRule,
  aic,
  bic,
  fitEm,
  fitEmAsync,
  serializeModel,
} from '@em/core';

/** Fit settings chosen when the estimator is built (each can be overridden per `fit` call). */
export interface FitSettings {
  /** Maximum EM iterations (default DEFAULT_FIT_SETTINGS.maxIterations from @em/core, 10 000). */
  readonly maxIterations?: number;
  /**
   * Convergence tolerance, applied by `toleranceRule` (default DEFAULT_FIT_SETTINGS, the same for
   * every model: |Δ objective| / max(1, |objective|) < 1e-10). scikit-learn's rule is
   * `{ toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 }`.
   */
  readonly tolerance?: number;
  /** 'relative' (default), 'per-observation' or 'absolute'; see @em/core's ToleranceRule. */
  readonly toleranceRule?: ToleranceRule;
  /** Restarts from independent initialisations; the best final objective wins (default 1). */
  readonly nInit?: number;
  /** Seed of every random choice (default 0). */
  readonly seed?: number;
}

/** Per-call fit options. `Plain` is the estimator's plain-array parameter shape. */
export interface EstimatorFitOptions<Plain> extends FitSettings {
  /** Non-negative weight per row (0 drops the row). */
  readonly sampleWeights?: ArrayLike<number>;
  /** Start from these parameters (warm start / user initialisation) instead of the seeding. */
  readonly initialParameters?: Plain;
  readonly onIteration?: (info: IterationInfo<unknown>) => void;
  readonly onEvent?: (event: FitEvent) => void;
  readonly signal?: AbortSignal;
  /** Split the data into chunks (results equal one chunk up to round-off). */
  readonly chunks?: number;
}

export interface EstimatorAsyncFitOptions<Plain> extends EstimatorFitOptions<Plain> {
  /** Where E-steps run, e.g. `createWorkerExecutor({ workerUrl: import.meta.resolve('@em/multinomial-mixture/worker') })`. */
  readonly executor?: EStepExecutor;
}

/** What `fit` returns: the core FitResult with the parameters as plain nested arrays. */
export type MixtureFitSummary<Plain> = Omit<FitResult<unknown>, 'parameters'> & { readonly parameters: Plain };

/** A row sample with the component that generated each row. */
export interface MixtureSample {
  readonly observations: DenseMatrix;
  readonly labels: Int32Array;
}

/**
 * The shared domain API over a core MixtureModel: fit, predict, score, sample, save. Subclasses
 * say how user input becomes observations and how parameters look as plain arrays.
 */
export abstract class FamilyMixture<C, X, FS extends Statistics, Prepared, Input, Plain> {
  readonly model: MixtureModel<C, X, FS, Prepared>;
  protected readonly settings: FitSettings;
  protected state: MixtureParameters<C> | undefined;
  protected metadata: FitMetadata | undefined;

  protected constructor(model: MixtureModel<C, X, FS, Prepared>, settings: FitSettings) {
    this.model = model;
    this.settings = settings;
  }

  /** User input as the family's observations (may convert nested arrays). */
  protected abstract observationsFrom(input: Input): X;
  /** Parameters as plain nested arrays. */
  protected abstract toPlain(parameters: MixtureParameters<C>): Plain;
  /** Plain nested arrays as parameters (shape checked; simplex checked by validateParameters). */
  protected abstract fromPlain(plain: Plain): MixtureParameters<C>;

  /** True once fitted or given parameters. */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Fitted parameters as plain nested arrays. */
  get parameters(): Plain {
    return this.toPlain(this.current());
  }

  /** Fitted parameters in the core's typed-array form. */
  get modelParameters(): MixtureParameters<C> {
    return this.current();
  }

  /** Sets the parameters (validated), e.g. to predict with a known model. */
  setParameters(plain: Plain): this {
    const parameters = this.fromPlain(plain);
    this.model.validateParameters(parameters);
    this.state = parameters;
    this.metadata = undefined;
    return this;
  }

  /** Takes the parameters and fit summary of a saved document (for the subclasses' `fromJSON`). */
  protected restore(document: SerializedModel): this {
    const parameters = this.model.parametersFromJSON(document.parameters);
    this.model.validateParameters(parameters);
    this.state = parameters;
    this.metadata = document.fit;
    return this;
  }

  protected current(): MixtureParameters<C> {
    if (this.state === undefined) {
      throw new InvalidParametersError('The model has no parameters yet.', 'Call fit(data) first, or setParameters(...), or load a saved model with fromJSON.');
    }
    return this.state;
  }

  protected dataFrom(input: Input, sampleWeights?: ArrayLike<number>): MixtureData<X> {
    const observations = this.observationsFrom(input);
    return sampleWeights === undefined ? { observations } : { observations, sampleWeights: Float64Array.from(sampleWeights) };
  }

  private coreOptions(options: EstimatorFitOptions<Plain>): FitOptions<MixtureParameters<C>> {
    const merged = { ...this.settings, ...options };
    return {
      ...(merged.maxIterations === undefined ? {} : { maxIterations: merged.maxIterations }),
      ...(merged.tolerance === undefined ? {} : { tolerance: merged.tolerance }),
      ...(merged.toleranceRule === undefined ? {} : { toleranceRule: merged.toleranceRule }),
      ...(merged.nInit === undefined ? {} : { nInit: merged.nInit }),
      ...(merged.seed === undefined ? {} : { seed: merged.seed }),
      ...(options.chunks === undefined ? {} : { chunks: options.chunks }),
      ...(options.initialParameters === undefined ? {} : { initialParameters: this.fromPlain(options.initialParameters) }),
      ...(options.onIteration === undefined ? {} : { onIteration: options.onIteration as (info: IterationInfo<MixtureParameters<C>>) => void }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
  }

  /** Fits by EM (in this thread) and keeps the best parameters. */
  fit(input: Input, options: EstimatorFitOptions<Plain> = {}): MixtureFitSummary<Plain> {
    const data = this.dataFrom(input, options.sampleWeights);
    return this.adopt(fitEm(this.model, data, this.coreOptions(options)), data);
  }

  /** Fits with E-steps on an executor (worker threads); same result as `fit` up to round-off. */
  async fitAsync(input: Input, options: EstimatorAsyncFitOptions<Plain> = {}): Promise<MixtureFitSummary<Plain>> {
    const data = this.dataFrom(input, options.sampleWeights);
    const core = this.coreOptions(options);
    const result = await fitEmAsync(this.model, data, options.executor === undefined ? core : { ...core, executor: options.executor });
    return this.adopt(result, data);
  }

  protected adopt(result: FitResult<MixtureParameters<C>>, _data: MixtureData<X>): MixtureFitSummary<Plain> {
    this.state = result.parameters;
    const { parameters, ...rest } = result;
    this.metadata = {
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
    return { ...rest, parameters: this.toPlain(parameters) };
  }

  private checked(input: Input, sampleWeights?: ArrayLike<number>): MixtureData<X> {
    const data = this.dataFrom(input, sampleWeights);
    this.model.validateData(data, this.current());
    return data;
  }

  /** Most probable component of each row. */
  predict(input: Input): Int32Array {
    return this.model.predict(this.current(), this.checked(input));
  }

  /** Posterior probabilities p(component | row), one array of K per row. */
  predictProba(input: Input): number[][] {
    const k = this.model.k;
    const flat = this.model.responsibilities(this.current(), this.checked(input));
    return DenseMatrix.fromArray(flat, flat.length / k, k).toArrays();
  }

  /** log p(row; θ) per row (natural log; −∞ marks an impossible row). */
  scoreSamples(input: Input): Float64Array {
    return this.model.scoreSamples(this.current(), this.checked(input));
  }

  /** Mean log-likelihood per row (weighted mean with sample weights), as scikit-learn's `score`. */
  score(input: Input, sampleWeights?: ArrayLike<number>): number {
    const data = this.checked(input, sampleWeights);
    return this.model.logLikelihood(this.current(), data) / this.model.observationCount(data);
  }

  /** Total log-likelihood Σ_i w_i log p(x_i; θ). */
  logLikelihood(input: Input, sampleWeights?: ArrayLike<number>): number {
    return this.model.logLikelihood(this.current(), this.checked(input, sampleWeights));
  }

  /** −2·logL + p·ln n (lower is better). */
  bic(input: Input, sampleWeights?: ArrayLike<number>): number {
    const data = this.checked(input, sampleWeights);
    const parameters = this.current();
    return bic(this.model.logLikelihood(parameters, data), this.model.freeParameterCount(parameters), this.model.observationCount(data));
  }

  /** −2·logL + 2p (lower is better). */
  aic(input: Input, sampleWeights?: ArrayLike<number>): number {
    const parameters = this.current();
    return aic(this.model.logLikelihood(parameters, this.checked(input, sampleWeights)), this.model.freeParameterCount(parameters));
  }

  /** n rows drawn from the fitted mixture (seeded). */
  sample(n: number, options: { readonly seed?: number } = {}): MixtureSample {
    const drawn = this.model.sample(this.current(), n, new Random(options.seed ?? 0));
    return { observations: new DenseMatrix(drawn.observations, n, drawn.dimension), labels: drawn.labels };
  }

  /** Versioned JSON document (model config, parameters, fit summary); `fromJSON` restores it exactly. */
  toJSON(): SerializedModel {
    return serializeModel(this.model.config.kind, this.model.config, this.model.parametersToJSON(this.current()), this.metadata);
  }
}
