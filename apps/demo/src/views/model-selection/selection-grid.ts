import { DenseMatrix } from '@em/core';
import { COVARIANCE_MODELS, selectGaussianMixture, type CovarianceModel } from '@em/gaussian-mixture';

/** The covariance models the grid runs: every name selectGaussianMixture accepts as 'all' (mclust's fourteen, in its order). */
export const SELECTION_MODELS: readonly CovarianceModel[] = COVARIANCE_MODELS;

export type SelectionCriterion = 'bic' | 'icl';

/** The grid's input: plain data, so it crosses to a Web Worker by structured clone. */
export interface SelectionGridInput {
  /** n×d row-major. */
  readonly values: Float64Array;
  readonly rows: number;
  readonly columns: number;
  readonly models: readonly CovarianceModel[];
  readonly maxComponents: number;
  readonly seed: number;
}

/** One fitted cell (model, K). Failed fits (e.g. a component collapsing) have infinite criteria and `error`. */
export interface SelectionCell {
  readonly model: CovarianceModel;
  readonly components: number;
  readonly logLikelihood: number;
  readonly freeParameters: number;
  /** −2 log-likelihood + p ln n: lower is better (mclust reports the negative). */
  readonly bic: number;
  /** BIC − 2 Σ_i ln z_i,MAP(i): lower is better. */
  readonly icl: number;
  readonly error?: string;
}

/** The winner under one criterion, with what the scatter needs. */
export interface SelectionWinner {
  readonly model: CovarianceModel;
  readonly components: number;
  readonly value: number;
  /** MAP component of each row. */
  readonly classification: Int32Array;
  /** 1 − max_k p(z_i = k | x_i): 0 for a certain classification, up to 1 − 1/K. */
  readonly uncertainty: Float64Array;
}

export interface SelectionGridResult {
  readonly cells: readonly SelectionCell[];
  readonly winners: { readonly bic: SelectionWinner; readonly icl: SelectionWinner };
}

export interface SelectionProgress {
  readonly done: number;
  readonly total: number;
  readonly cell: SelectionCell;
}

/** MAP classes and uncertainties from n×K responsibilities. */
export function classify(responsibilities: readonly (readonly number[])[]): { classification: Int32Array; uncertainty: Float64Array } {
  const classification = new Int32Array(responsibilities.length);
  const uncertainty = new Float64Array(responsibilities.length);
  responsibilities.forEach((row, i) => {
    let best = 0;
    for (let k = 1; k < row.length; k++) if ((row[k] as number) > (row[best] as number)) best = k;
    classification[i] = best;
    uncertainty[i] = Math.min(1, Math.max(0, 1 - (row[best] as number)));
  });
  return { classification, uncertainty };
}

/**
 * Fits every covariance model × K = 1 … maxComponents with selectGaussianMixture, one cell at a
 * time so progress can be reported, and keeps the BIC and the ICL winners' classifications.
 */
export function runSelectionGrid(input: SelectionGridInput, onProgress?: (progress: SelectionProgress) => void): SelectionGridResult {
  const data = DenseMatrix.fromArray(input.values, input.rows, input.columns);
  const total = input.models.length * input.maxComponents;
  const cells: SelectionCell[] = [];
  const winners: { bic?: SelectionWinner; icl?: SelectionWinner } = {};
  for (const model of input.models) {
    for (let components = 1; components <= input.maxComponents; components++) {
      let cell: SelectionCell;
      try {
        const selection = selectGaussianMixture({ data, components: [components], covarianceTypes: [model], seed: input.seed });
        const row = selection.best;
        cell = { model, components, logLikelihood: row.logLikelihood, freeParameters: row.freeParameters, bic: row.bic, icl: row.icl };
        for (const criterion of ['bic', 'icl'] as const) {
          const current = winners[criterion];
          if (Number.isFinite(cell[criterion]) && (current === undefined || cell[criterion] < current.value)) {
            winners[criterion] = { model, components, value: cell[criterion], ...classify(selection.model.predictProba(data)) };
          }
        }
      } catch (error) {
        // A cell that cannot be fitted (every restart degenerate) is a gap in its line, as in mclust's plot.
        cell = { model, components, logLikelihood: Number.NaN, freeParameters: Number.NaN, bic: Infinity, icl: Infinity, error: error instanceof Error ? error.message : String(error) };
      }
      cells.push(cell);
      onProgress?.({ done: cells.length, total, cell });
    }
  }
  if (winners.bic === undefined || winners.icl === undefined) {
    throw new Error(`No cell of the grid could be fitted: ${cells.find((cell) => cell.error !== undefined)?.error ?? 'unknown error'}`);
  }
  return { cells, winners: { bic: winners.bic, icl: winners.icl } };
}
