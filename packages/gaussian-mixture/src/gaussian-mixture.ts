import {
  checkAllocation,
  DENSE_ROWS,
  Estimator,
  InvalidDataError,
  packageWorkerEntry,
  unsharedBytes,
  type DenseMatrix,
  type EStepWork,
  type EstimatorFitOptions,
  type EstimatorSettings,
  type FitSummary,
  type MixtureData,
  type MixtureStatistics,
  type ModelConfig,
  type RowInput,
} from '@em/core';
import type { CovarianceType } from './gaussian-components.js';
import { gaussianMixtureModelOf, type GaussianMixtureEmModel } from './gaussian-mixture-model.js';
import type { GaussianStatistics } from './gaussian-statistics.js';
import { gaussianFitBytes } from './memory-estimate.js';
import { GAUSSIAN_MIXTURE_KIND, gaussianMixtureFromConfig, resolveGaussianMixtureOptions, type GaussianMixtureOptions, type ResolvedGaussianMixtureOptions } from './options.js';
import { fromNestedParameters, toNestedParameters, type GaussianMixtureInitialParameters, type GaussianMixtureParameters, type GaussianMixtureState } from './parameters.js';

/** Data accepted everywhere: rows as number[][], one column, a DenseMatrix, an ml-matrix Matrix, or `{ data: Float64Array, columns }`. */
export type GaussianMixtureData = RowInput;

/** Options of one fit call (settings for this call, sampleWeights, initialParameters). */
export type GaussianMixtureFitOptions = EstimatorFitOptions<GaussianMixtureState, GaussianMixtureInitialParameters>;

/** What `fit` returns: core's FitResult, with the parameters as nested arrays. */
export type GaussianMixtureFitSummary = FitSummary<GaussianMixtureParameters>;

/**
 * A Gaussian mixture model with scikit-learn's API shape (every member comes from @em/core's
 * Estimator): fit, fitAsync, fitPredict, predict, predictProba, scoreSamples, score, sample, bic,
 * aic, toJSON / fromJSON.
 */
export class GaussianMixture extends Estimator<
  GaussianMixtureState,
  MixtureData<DenseMatrix>,
  MixtureStatistics<GaussianStatistics>,
  GaussianMixtureData,
  GaussianMixtureParameters,
  GaussianMixtureInitialParameters
> {
  /** The kind of saved models (`fromJSON` refuses any other). */
  static readonly kind = GAUSSIAN_MIXTURE_KIND;
  /** The model options after defaults (the settings are in `settings`). */
  readonly options: ResolvedGaussianMixtureOptions;
  /** The core EmModel (for fitEm, fitEmAsync, the conformance kit). */
  readonly model: GaussianMixtureEmModel;
  protected readonly dataKind = DENSE_ROWS;
  /** Four chunks per worker: the data is shared, not copied, per chunk, and a worker that finishes early takes the next. */
  protected override readonly chunksPerWorker = 4;

  /**
   * @param options the model's options and the estimator settings.
   * @param resolved the model's options already resolved (`fromConfig` passes those of a saved
   *   config); by default resolved from `options`.
   */
  constructor(options: GaussianMixtureOptions, resolved: ResolvedGaussianMixtureOptions = resolveGaussianMixtureOptions(options)) {
    super(options);
    this.options = resolved;
    this.model = gaussianMixtureModelOf(resolved);
  }

  /** Builds the estimator a saved config describes (used by `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): GaussianMixture {
    const resolved = gaussianMixtureFromConfig(config);
    return new GaussianMixture({ components: resolved.components, ...settings }, resolved);
  }

  /** How the covariances are stored: 'full', 'tied', 'diagonal' or 'spherical'. */
  get covarianceType(): CovarianceType {
    return this.model.family.options.covariance;
  }

  protected toPlain(parameters: GaussianMixtureState): GaussianMixtureParameters {
    return toNestedParameters(parameters, this.model.family.options.model);
  }

  protected fromPlain(plain: GaussianMixtureInitialParameters): GaussianMixtureState {
    const first = (plain.means as ArrayLike<ArrayLike<number>>)[0];
    const dimension = first !== undefined && typeof first === 'object' ? first.length : 1;
    return fromNestedParameters(plain, this.covarianceType, this.model.k, dimension, this.model.family.options.model);
  }

  protected override checkFitData(data: MixtureData<DenseMatrix>): void {
    const x = data.observations;
    const k = this.model.k;
    if (k > x.rows) {
      throw new InvalidDataError(`Cannot fit ${k} components to ${x.rows} observations.`, `Use at most ${x.rows} components, or provide more data.`, {
        components: k,
        rows: x.rows,
      });
    }
    const type = this.covarianceType;
    checkAllocation(
      gaussianFitBytes(x.rows, x.cols, k, type),
      this.settings.memoryBudget,
      `A ${k}-component ${type} Gaussian mixture of ${x.rows} rows in ${x.cols} dimensions (parameters, statistics, factors and initial responsibilities)`,
      type === 'full' || type === 'tied' ? "Use fewer components, or covariance 'diagonal' or 'spherical'" : 'Use fewer components',
    );
    rejectIdenticalRows(x);
  }

  /** Multiply-adds of one E-step: the Mahalanobis terms per row and component (one shared whitening for tied), a log and an exp each. */
  protected override eStepWork(data: MixtureData<DenseMatrix>): EStepWork {
    return gaussianEStepWork(data.observations.rows, data.observations.cols, this.model.k, this.covarianceType);
  }

  protected override sharedCopyBytes(data: MixtureData<DenseMatrix>): number {
    return unsharedBytes(data.observations.data, data.sampleWeights);
  }

  protected override defaultWorkerUrl(): URL | undefined {
    return packageWorkerEntry(import.meta.url);
  }

  protected override startingParameters(data: MixtureData<DenseMatrix>): GaussianMixtureState | undefined {
    const given = this.options.initialParameters;
    return given === undefined ? undefined : fromNestedParameters(given, this.covarianceType, this.model.k, data.observations.cols, this.model.family.options.model);
  }
}

/** The work of one Gaussian-mixture E-step on n rows of D columns under K components (see WORKERS_MIN_WORK). */
export function gaussianEStepWork(n: number, d: number, k: number, type: CovarianceType): EStepWork {
  const [work, formula] =
    type === 'full'
      ? [n * k * ((d * d) / 2 + d + 20), 'N·K·(D²/2 + D + 20)']
      : type === 'tied'
        ? [n * ((d * d) / 2) + n * k * (d + 20), 'N·D²/2 + N·K·(D + 20)']
        : type === 'diagonal'
          ? [n * k * (2 * d + 20), 'N·K·(2D + 20)']
          : [n * k * (d + 20), 'N·K·(D + 20)'];
  return { work, formula: `${formula} = ${work.toExponential(1)}`, maxChunks: n };
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
