import { bestByCriterion, EmError, InvalidOptionsError, type DenseInput } from '@em/core';
import { COVARIANCE_MODELS, covarianceModelOf, type CovarianceModel, type CovarianceOption } from './constrained/covariance-models.js';
import { GaussianMixture } from './gaussian-mixture.js';
import type { GaussianMixtureOptions } from './options.js';

export interface SelectGaussianMixtureOptions {
  readonly data: DenseInput;
  /** Component counts to try, e.g. [1, 2, 3, 4, 5, 6]. */
  readonly components: readonly number[];
  /** Covariance models to try, by mclust name or alias (default 'all': mclust's fourteen, in its order). */
  readonly covarianceTypes?: readonly CovarianceOption[] | 'all';
  /** Restarts per cell (default 1). */
  readonly nInit?: number;
  readonly seed?: number;
  /** Which criterion picks the winner (default 'bic'; lower is better). */
  readonly criterion?: 'bic' | 'aic';
  readonly sampleWeights?: ArrayLike<number>;
  /** Other options passed to every GaussianMixture (regCovar, maxIterations, tolerance, init…). */
  readonly modelOptions?: Omit<GaussianMixtureOptions, 'components' | 'covariance' | 'nInit' | 'seed'>;
  /** Called after each cell is fitted (or failed), in table order: progress for long grids. */
  readonly onCell?: (row: SelectionTableRow, index: number, cells: number) => void;
}

/** One cell of the model-selection table. A cell whose fit failed has infinite criteria and `error`. */
export interface SelectionTableRow {
  readonly components: number;
  /** The name asked for (a model or an alias). */
  readonly covarianceType: CovarianceOption;
  /** mclust's name of the model. */
  readonly model: CovarianceModel;
  readonly logLikelihood: number;
  /** mclust's count (nMclustParams) unless some parameters are frozen. */
  readonly freeParameters: number;
  readonly bic: number;
  readonly aic: number;
  /**
   * Integrated complete-data likelihood, lower is better: BIC − 2·Σ_i Σ_k C_ik·ln z_ik with C the
   * MAP classification and z the responsibilities (mclust reports the negative).
   */
  readonly icl: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly error?: string;
}

export interface SelectionResult {
  readonly criterion: 'bic' | 'aic';
  /** Every cell, in order covariance type × component count. */
  readonly table: readonly SelectionTableRow[];
  /** The row with the lowest criterion. */
  readonly best: SelectionTableRow;
  /** The fitted winner. */
  readonly model: GaussianMixture;
}

/**
 * Fits every component count × covariance type (with restarts) and returns the whole BIC/AIC
 * table and the best model, in the spirit of mclust's Mclust (whose BIC has the opposite sign:
 * here lower is better, as in scikit-learn).
 */
export function selectGaussianMixture(options: SelectGaussianMixtureOptions): SelectionResult {
  const grid = selectionGrid(options);
  const table: SelectionTableRow[] = [];
  const models: Array<GaussianMixture | undefined> = [];
  let firstError: unknown;
  for (const { covarianceType, components, model } of grid.cells) {
    let row: SelectionTableRow;
    try {
      row = cellRow(options, covarianceType, components, model, model.fit(options.data, fitOptionsOf(options)));
      models.push(model);
    } catch (error) {
      row = failedCellRow(error, covarianceType, components);
      firstError ??= error;
      models.push(undefined);
    }
    table.push(row);
    options.onCell?.(row, table.length - 1, grid.cells.length);
  }
  return selectionResult(grid.criterion, table, models, firstError);
}

/** One cell of the grid: its covariance type, component count and unfitted model. */
export interface SelectionCell {
  readonly covarianceType: CovarianceOption;
  readonly components: number;
  readonly model: GaussianMixture;
}

/** The options checked and the grid's cells in table order (covariance type × component count). */
export function selectionGrid(options: SelectGaussianMixtureOptions): { readonly criterion: 'bic' | 'aic'; readonly cells: readonly SelectionCell[] } {
  const criterion = options.criterion ?? 'bic';
  if (criterion !== 'bic' && criterion !== 'aic') {
    throw new InvalidOptionsError(`criterion must be 'bic' or 'aic'; got ${JSON.stringify(criterion)}.`, "Pass 'bic' or 'aic'.", { option: 'criterion' });
  }
  const types = options.covarianceTypes === undefined || options.covarianceTypes === 'all' ? COVARIANCE_MODELS : options.covarianceTypes;
  if (types.length === 0 || !types.every((t) => covarianceModelOf(t) !== undefined)) {
    throw new InvalidOptionsError(
      `covarianceTypes must be 'all' or a non-empty list of mclust's models (${COVARIANCE_MODELS.join(', ')}) or full, tied, diagonal, spherical.`,
      "Pass e.g. ['VVV', 'EEE'] or 'all'.",
      { option: 'covarianceTypes' },
    );
  }
  if (options.components.length === 0 || !options.components.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new InvalidOptionsError('components must be a non-empty list of integers ≥ 1.', 'Pass e.g. [1, 2, 3, 4, 5, 6].', { option: 'components' });
  }
  const cells: SelectionCell[] = [];
  for (const covarianceType of types) {
    for (const components of options.components) {
      const model = new GaussianMixture({
        ...(options.modelOptions ?? {}),
        components,
        covariance: covarianceType,
        ...(options.nInit !== undefined ? { nInit: options.nInit } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
      cells.push({ covarianceType, components, model });
    }
  }
  return { criterion, cells };
}

/** The per-call fit options of every cell. */
export function fitOptionsOf(options: SelectGaussianMixtureOptions): { sampleWeights?: ArrayLike<number> } {
  return options.sampleWeights !== undefined ? { sampleWeights: options.sampleWeights } : {};
}

/** The table row of a fitted cell. */
export function cellRow(
  options: SelectGaussianMixtureOptions,
  covarianceType: CovarianceOption,
  components: number,
  model: GaussianMixture,
  fit: { readonly logLikelihood: number; readonly freeParameters: number; readonly bic: number; readonly aic: number; readonly converged: boolean; readonly iterations: number },
): SelectionTableRow {
  return {
    components,
    covarianceType,
    model: covarianceModelOf(covarianceType) as CovarianceModel,
    logLikelihood: fit.logLikelihood,
    freeParameters: fit.freeParameters,
    bic: fit.bic,
    aic: fit.aic,
    icl: fit.bic - 2 * classificationLogLikelihood(model.predictProba(options.data), options.sampleWeights),
    converged: fit.converged,
    iterations: fit.iterations,
  };
}

/** The table row of a cell whose fit failed; rethrows what fails every cell alike (bad input). */
export function failedCellRow(error: unknown, covarianceType: CovarianceOption, components: number): SelectionTableRow {
  // Bad input fails every cell alike: report it rather than an empty table.
  if (!(error instanceof EmError) || error.code === 'INVALID_DATA' || error.code === 'INVALID_OPTIONS') throw error;
  return {
    components,
    covarianceType,
    model: covarianceModelOf(covarianceType) as CovarianceModel,
    logLikelihood: Number.NaN,
    freeParameters: Number.NaN,
    bic: Infinity,
    aic: Infinity,
    icl: Infinity,
    converged: false,
    iterations: 0,
    error: error.message,
  };
}

/** The result once every cell is in: the best row by the criterion and its fitted model. */
export function selectionResult(criterion: 'bic' | 'aic', table: SelectionTableRow[], models: ReadonlyArray<GaussianMixture | undefined>, firstError: unknown): SelectionResult {
  const bestIndex = bestByCriterion(table, criterion);
  if (bestIndex < 0) throw firstError;
  return { criterion, table, best: table[bestIndex] as SelectionTableRow, model: models[bestIndex] as GaussianMixture };
}

/** Σ_i w_i·ln z_i,MAP(i): the responsibilities' entropy term of ICL (≤ 0). */
export function classificationLogLikelihood(responsibilities: readonly (readonly number[])[], sampleWeights?: ArrayLike<number>): number {
  let total = 0;
  responsibilities.forEach((row, i) => {
    let largest = 0;
    for (const z of row) largest = Math.max(largest, z);
    const weight = sampleWeights === undefined ? 1 : (sampleWeights[i] as number);
    if (weight !== 0) total += weight * Math.log(largest);
  });
  return total;
}
