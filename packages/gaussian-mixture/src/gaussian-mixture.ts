import {
  aic,
  assertSeed,
  checkAllocation,
  bic,
  DEFAULT_FIT_SETTINGS,
  DenseMatrix,
  fitEm,
  fitEmAsync,
  InvalidDataError,
  InvalidOptionsError,
  parseSerializedModel,
  Random,
  resolveMemoryBudget,
  serializeModel,
  type DenseInput,
  type EStepExecutor,
  type FitEvent,
  type FitMetadata,
  type FitOptions,
  type FitResult,
  type IterationInfo,
  type JsonValue,
  type MixtureData,
  type SerializedModel,
  type ToleranceRule,
} from '@em/core';
import { isCovarianceType, type CovarianceType } from './gaussian-components.js';
import { gaussianFitBytes, gaussianPosteriorBytes } from './memory-estimate.js';
import { DEFAULT_REG_COVAR } from './gaussian-family.js';
import { GAUSSIAN_MIXTURE_KIND, gaussianMixtureModel, modelFromConfig, type GaussianMixtureEmModel } from './gaussian-mixture-model.js';
import { INITIALIZATION_METHODS, type InitializationMethod } from './initialization.js';
import { fromNestedParameters, toNestedParameters, type GaussianMixtureInitialParameters, type GaussianMixtureParameters, type GaussianMixtureState } from './parameters.js';

/** Data accepted everywhere: number[] (one column), number[][] (rows) or a DenseMatrix. */
export type GaussianMixtureData = DenseInput;

export interface GaussianMixtureOptions {
  /** Number of components K ≥ 1. */
  readonly components: number;
  /** Covariance structure (default 'full'). */
  readonly covariance?: CovarianceType;
  /** Covariance prior strength λ ≥ 0 (default 1e-6; 0 = plain maximum likelihood). See the README. */
  readonly regCovar?: number;
  /** Dirichlet concentration α ≥ 1 on the weights (default 1 = no prior). */
  readonly weightConcentration?: number;
  /** 'kmeans' (default), 'kmeans++', 'random', 'random-points', or initial parameters. */
  readonly init?: InitializationMethod | GaussianMixtureInitialParameters;
  /** Restarts (default 1); the best final objective wins and every run is reported. */
  readonly nInit?: number;
  /** Seed of every random choice (default 0; an integer, else InvalidOptionsError). */
  readonly seed?: number;
  /** Maximum EM iterations (default DEFAULT_FIT_SETTINGS.maxIterations from @em/core, 10 000). */
  readonly maxIterations?: number;
  /**
   * Convergence tolerance, applied by `toleranceRule` (default DEFAULT_FIT_SETTINGS: stop when
   * |Δ objective| / max(1, |objective|) < 1e-10). scikit-learn's `tol` is
   * `{ toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 }`.
   */
  readonly tolerance?: number;
  /** 'relative' (default), 'per-observation' (scikit-learn's) or 'absolute' (hmmlearn's); see @em/core's ToleranceRule. */
  readonly toleranceRule?: ToleranceRule;
  /** Which parameters EM updates (default all); frozen ones keep their initial values and drop out of BIC. */
  readonly update?: { readonly weights?: boolean; readonly means?: boolean; readonly covariances?: boolean };
  /** Marginalise NaN entries as missing values (default false: NaN is an error). */
  readonly missingValues?: boolean;
  /**
   * What a fit or a prediction may allocate beyond the data (parameters, statistics, Cholesky
   * factors and responsibilities): bytes, or a size such as '1GiB' (default 256 MiB, @em/core's
   * DEFAULT_MEMORY_BUDGET). Checked before allocating; over it is a MemoryBudgetError.
   */
  readonly memoryBudget?: number | string;
}

export interface GaussianMixtureFitOptions {
  /** One non-negative weight per row (a weight of 2 counts the row twice). */
  readonly sampleWeights?: ArrayLike<number>;
  readonly onIteration?: (info: IterationInfo<GaussianMixtureState>) => void;
  readonly onEvent?: (event: FitEvent) => void;
  readonly signal?: AbortSignal;
}

export interface GaussianMixtureAsyncFitOptions extends GaussianMixtureFitOptions {
  /** Where E-steps run, e.g. `createWorkerExecutor` from '@em/core/parallel'. */
  readonly executor?: EStepExecutor;
  /**
   * Data chunks (default: four per worker of the executor, so a worker that finishes early takes
   * the next chunk instead of waiting for the slowest; the data is shared, not copied, per chunk).
   */
  readonly chunks?: number;
}

/** Default chunks per worker of an executor (see GaussianMixtureAsyncFitOptions.chunks). */
const CHUNKS_PER_WORKER = 4;

/** What `fit` returns: core's FitResult, with the parameters as nested arrays. */
export interface GaussianMixtureFitSummary extends Omit<FitResult<GaussianMixtureState>, 'parameters' | 'iterationSeconds' | 'toleranceRule'> {
  readonly parameters: GaussianMixtureParameters;
}

interface ResolvedSettings {
  readonly nInit: number;
  readonly seed: number;
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly toleranceRule: ToleranceRule;
  readonly memoryBudget: number;
}

/**
 * A Gaussian mixture model with scikit-learn's API shape: fit, predict, predictProba,
 * scoreSamples, score, sample, bic, aic, toJSON / fromJSON.
 */
export class GaussianMixture {
  readonly options: GaussianMixtureOptions;
  readonly covarianceType: CovarianceType;
  /** The core EmModel (for fitEm, fitEmAsync, the conformance kit). */
  readonly model: GaussianMixtureEmModel;
  private readonly settings: ResolvedSettings;
  private state: GaussianMixtureState | undefined;
  private summary: GaussianMixtureFitSummary | undefined;

  constructor(options: GaussianMixtureOptions) {
    if (options === null || typeof options !== 'object') throw new InvalidOptionsError('GaussianMixture needs an options object.', 'Pass e.g. { components: 3 }.');
    const covariance = options.covariance ?? 'full';
    if (!isCovarianceType(covariance)) {
      throw new InvalidOptionsError(`covariance must be one of full, tied, diagonal, spherical; got ${JSON.stringify(covariance)}.`, "Pass e.g. { covariance: 'diagonal' }.", {
        option: 'covariance',
      });
    }
    const init = options.init ?? 'kmeans';
    if (typeof init === 'string' && !(INITIALIZATION_METHODS as readonly string[]).includes(init)) {
      throw new InvalidOptionsError(`init must be one of ${INITIALIZATION_METHODS.join(', ')} or initial parameters; got ${JSON.stringify(init)}.`, "Pass e.g. { init: 'kmeans' }.", {
        option: 'init',
      });
    }
    this.options = options;
    this.covarianceType = covariance;
    this.model = gaussianMixtureModel({
      components: options.components,
      covariance,
      regCovar: options.regCovar ?? DEFAULT_REG_COVAR,
      ...(options.weightConcentration !== undefined ? { weightConcentration: options.weightConcentration } : {}),
      ...(options.update !== undefined ? { update: options.update } : {}),
      ...(options.missingValues !== undefined ? { missingValues: options.missingValues } : {}),
      init: typeof init === 'string' ? init : 'kmeans',
    });
    if (options.seed !== undefined) assertSeed(options.seed);
    this.settings = {
      nInit: options.nInit ?? 1,
      seed: options.seed ?? 0,
      maxIterations: options.maxIterations ?? DEFAULT_FIT_SETTINGS.maxIterations,
      tolerance: options.tolerance ?? DEFAULT_FIT_SETTINGS.tolerance,
      toleranceRule: options.toleranceRule ?? DEFAULT_FIT_SETTINGS.toleranceRule,
      memoryBudget: resolveMemoryBudget(options.memoryBudget),
    };
  }

  /** Fit metadata read by fromJSON (written back by toJSON until the next fit). */
  private loadedFit: FitMetadata | undefined;

  /** Whether `fit` (or fromJSON) has set parameters. */
  get fitted(): boolean {
    return this.state !== undefined;
  }

  /** Fitted parameters as nested arrays (weights [K], means [K][D], covariances shaped by type). */
  get parameters(): GaussianMixtureParameters {
    return toNestedParameters(this.requireState());
  }

  /** Fitted parameters in the core's Float64Array form (for the EmModel API). */
  get fittedState(): GaussianMixtureState {
    return this.requireState();
  }

  /** The summary of the last fit (undefined before fitting or after fromJSON). */
  get lastFit(): GaussianMixtureFitSummary | undefined {
    return this.summary;
  }

  /** Fits by EM in this thread. */
  fit(data: GaussianMixtureData, options: GaussianMixtureFitOptions = {}): GaussianMixtureFitSummary {
    const prepared = this.prepareFit(data, options);
    const result = fitEm(this.model, prepared.data, prepared.fitOptions);
    return this.finishFit(result);
  }

  /** Fits by EM with E-steps on an executor (e.g. worker threads); same result as `fit` up to round-off. */
  async fitAsync(data: GaussianMixtureData, options: GaussianMixtureAsyncFitOptions = {}): Promise<GaussianMixtureFitSummary> {
    const prepared = this.prepareFit(data, options);
    const result = await fitEmAsync(this.model, prepared.data, {
      ...prepared.fitOptions,
      ...(options.executor !== undefined ? { executor: options.executor } : {}),
      ...(options.executor !== undefined ? { chunks: options.chunks ?? CHUNKS_PER_WORKER * options.executor.concurrency } : {}),
    });
    return this.finishFit(result);
  }

  /** Most probable component of each row. */
  predict(data: GaussianMixtureData): Int32Array {
    return this.model.predict(this.requireState(), this.checkedData(data));
  }

  /** Posterior probabilities p(component k | row), one array of K per row. */
  predictProba(data: GaussianMixtureData): number[][] {
    const k = this.model.k;
    const checked = this.checkedData(data);
    const rows = checked.observations.rows;
    checkAllocation(gaussianPosteriorBytes(rows, k), this.settings.memoryBudget, `Posteriors of ${rows} rows under ${k} components`, 'Call predictProba on smaller batches of rows');
    const r = this.model.responsibilities(this.requireState(), checked);
    return DenseMatrix.fromArray(r, r.length / k, k).toArrays();
  }

  /** log p(x_i) per row (natural log; over the observed coordinates when values are missing). */
  scoreSamples(data: GaussianMixtureData): Float64Array {
    return this.model.scoreSamples(this.requireState(), this.checkedData(data));
  }

  /**
   * Mean log-likelihood per row, like scikit-learn's `score` (a total would be n times this); with
   * sample weights, the weighted mean Σ w_i log p(x_i) / Σ w_i.
   */
  score(data: GaussianMixtureData, options: { readonly sampleWeights?: ArrayLike<number> } = {}): number {
    const d = this.checkedData(data, options.sampleWeights);
    return this.model.logLikelihood(this.requireState(), d) / this.model.observationCount(d);
  }

  /** −2·logL + p·ln n on `data` (lower is better, as scikit-learn). */
  bic(data: GaussianMixtureData, options: { readonly sampleWeights?: ArrayLike<number> } = {}): number {
    const d = this.checkedData(data, options.sampleWeights);
    const state = this.requireState();
    return bic(this.model.logLikelihood(state, d), this.model.freeParameterCount(state), this.model.observationCount(d));
  }

  /** −2·logL + 2p on `data` (lower is better). */
  aic(data: GaussianMixtureData, options: { readonly sampleWeights?: ArrayLike<number> } = {}): number {
    const d = this.checkedData(data, options.sampleWeights);
    const state = this.requireState();
    return aic(this.model.logLikelihood(state, d), this.model.freeParameterCount(state));
  }

  /** n draws from the fitted mixture (seeded, default seed 0), with the component of each. */
  sample(n: number, options: { readonly seed?: number } = {}): { observations: number[][]; labels: number[] } {
    if (!Number.isInteger(n) || n < 0) throw new InvalidOptionsError(`sample(n) needs an integer n ≥ 0; got ${String(n)}.`, 'Pass the number of draws.', { option: 'n' });
    const drawn = this.model.sample(this.requireState(), n, new Random(options.seed ?? 0));
    const observations: number[][] = [];
    for (let i = 0; i < n; i++) observations.push(Array.from(drawn.observations.subarray(i * drawn.dimension, (i + 1) * drawn.dimension)));
    return { observations, labels: Array.from(drawn.labels) };
  }

  /** Versioned JSON document (core serializeModel); numbers round-trip exactly. */
  toJSON(): SerializedModel {
    const state = this.requireState();
    const s = this.summary;
    const settings: JsonValue = {
      nInit: this.settings.nInit,
      seed: this.settings.seed,
      maxIterations: this.settings.maxIterations,
      tolerance: this.settings.tolerance,
      toleranceRule: this.settings.toleranceRule,
    };
    return serializeModel(
      GAUSSIAN_MIXTURE_KIND,
      this.model.config,
      this.model.parametersToJSON(state),
      s === undefined
        ? (this.loadedFit ?? { settings })
        : {
            settings,
            logLikelihood: s.logLikelihood,
            objective: s.objective,
            iterations: s.iterations,
            converged: s.converged,
            stopReason: s.stopReason,
            observations: s.observations,
            freeParameters: s.freeParameters,
            bic: s.bic,
            aic: s.aic,
          },
    );
  }

  /** Rebuilds a fitted model from `toJSON()` output (object or JSON text). */
  static fromJSON(input: string | SerializedModel | unknown): GaussianMixture {
    const doc = parseSerializedModel(input, GAUSSIAN_MIXTURE_KIND);
    const model = modelFromConfig(doc.config);
    const state = model.parametersFromJSON(doc.parameters);
    model.validateParameters(state);
    const settings = readSettings(doc.fit?.['settings']);
    const family = model.family.options;
    const init = (doc.config.options as { readonly [key: string]: JsonValue })['init'];
    const mixture = new GaussianMixture({
      components: model.k,
      covariance: family.covariance,
      regCovar: family.regCovar,
      weightConcentration: model.weightConcentration,
      update: { weights: model.updateWeights, means: family.update.means, covariances: family.update.covariances },
      missingValues: family.missingValues,
      ...(typeof init === 'string' && (INITIALIZATION_METHODS as readonly string[]).includes(init) ? { init: init as InitializationMethod } : {}),
      ...settings,
    });
    mixture.state = state;
    // Keep the stored fit metadata so toJSON(fromJSON(doc)) reproduces doc exactly.
    if (doc.fit !== undefined) mixture.loadedFit = doc.fit;
    return mixture;
  }

  private requireState(): GaussianMixtureState {
    if (this.state === undefined) throw new InvalidOptionsError('This GaussianMixture has not been fitted yet.', 'Call fit(data) first, or load a model with GaussianMixture.fromJSON.');
    return this.state;
  }

  private checkedData(data: GaussianMixtureData, sampleWeights?: ArrayLike<number>): MixtureData<DenseMatrix> {
    const x = DenseMatrix.from(data);
    const out: MixtureData<DenseMatrix> = sampleWeights === undefined ? { observations: x } : { observations: x, sampleWeights: Float64Array.from(sampleWeights) };
    this.model.validateData(out, this.state);
    return out;
  }

  private prepareFit(
    data: GaussianMixtureData,
    options: GaussianMixtureFitOptions,
  ): {
    data: MixtureData<DenseMatrix>;
    fitOptions: FitOptions<GaussianMixtureState>;
  } {
    const x = DenseMatrix.from(data);
    const mixtureData: MixtureData<DenseMatrix> =
      options.sampleWeights === undefined ? { observations: x } : { observations: x, sampleWeights: Float64Array.from(options.sampleWeights) };
    const k = this.model.k;
    this.model.validateData(mixtureData);
    if (k > x.rows) {
      throw new InvalidDataError(`Cannot fit ${k} components to ${x.rows} observations.`, `Use at most ${x.rows} components, or provide more data.`, {
        components: k,
        rows: x.rows,
      });
    }
    checkAllocation(
      gaussianFitBytes(x.rows, x.cols, k, this.covarianceType),
      this.settings.memoryBudget,
      `A ${k}-component ${this.covarianceType} Gaussian mixture of ${x.rows} rows in ${x.cols} dimensions (parameters, statistics, factors and initial responsibilities)`,
      this.covarianceType === 'full' || this.covarianceType === 'tied' ? "Use fewer components, or covariance 'diagonal' or 'spherical'" : 'Use fewer components',
    );
    rejectIdenticalRows(x);
    const init = this.options.init;
    let initialParameters: GaussianMixtureState | undefined;
    if (init !== undefined && typeof init !== 'string') {
      initialParameters = fromNestedParameters(init, this.covarianceType, k, x.cols);
      this.model.validateParameters(initialParameters);
    }
    return {
      data: mixtureData,
      fitOptions: {
        maxIterations: this.settings.maxIterations,
        tolerance: this.settings.tolerance,
        toleranceRule: this.settings.toleranceRule,
        // User-given parameters are one deterministic start: restarts would repeat it.
        nInit: initialParameters === undefined ? this.settings.nInit : 1,
        seed: this.settings.seed,
        ...(initialParameters !== undefined ? { initialParameters } : {}),
        ...(options.onIteration !== undefined ? { onIteration: options.onIteration } : {}),
        ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
    };
  }

  private finishFit(result: FitResult<GaussianMixtureState>): GaussianMixtureFitSummary {
    this.state = result.parameters;
    this.loadedFit = undefined;
    this.summary = {
      parameters: toNestedParameters(result.parameters),
      logLikelihood: result.logLikelihood,
      logPrior: result.logPrior,
      objective: result.objective,
      history: result.history,
      logLikelihoodHistory: result.logLikelihoodHistory,
      iterations: result.iterations,
      converged: result.converged,
      stopReason: result.stopReason,
      secondsPerIteration: result.secondsPerIteration,
      observations: result.observations,
      freeParameters: result.freeParameters,
      bic: result.bic,
      aic: result.aic,
      runs: result.runs,
      bestRun: result.bestRun,
      events: result.events,
    };
    return this.summary;
  }
}

/** All rows equal (observed values compared; NaN = NaN): no covariance can be estimated. */
function rejectIdenticalRows(x: DenseMatrix): void {
  const { rows: n, cols: d, data } = x;
  for (let i = 1; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = data[i * d + a] as number;
      const first = data[a] as number;
      if (v !== first && !(Number.isNaN(v) && Number.isNaN(first))) return;
    }
  }
  throw new InvalidDataError(
    `All ${n} rows of the data are identical: a Gaussian mixture cannot estimate a covariance from them.`,
    'Check that the right columns were read; data with no spread has no mixture structure to fit.',
    { rows: n },
  );
}

function readSettings(json: JsonValue | undefined): Partial<Pick<GaussianMixtureOptions, 'nInit' | 'seed' | 'maxIterations' | 'tolerance' | 'toleranceRule'>> {
  if (json === null || json === undefined || typeof json !== 'object' || Array.isArray(json)) return {};
  const record = json as { readonly [key: string]: JsonValue };
  const out: { nInit?: number; seed?: number; maxIterations?: number; tolerance?: number; toleranceRule?: ToleranceRule } = {};
  for (const key of ['nInit', 'seed', 'maxIterations', 'tolerance'] as const) {
    const v = record[key];
    if (typeof v === 'number') out[key] = v;
  }
  const rule = record['toleranceRule'];
  if (rule === 'relative' || rule === 'per-observation' || rule === 'absolute') out.toleranceRule = rule;
  // Documents saved before the rule was recorded used scikit-learn's per-observation rule.
  else if (out.tolerance !== undefined) out.toleranceRule = 'per-observation';
  return out;
}
