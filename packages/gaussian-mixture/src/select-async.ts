import type { EStepExecutor } from '@em/core';
import type { GaussianMixture } from './gaussian-mixture.js';
import { cellRow, failedCellRow, fitOptionsOf, selectionGrid, selectionResult, type SelectGaussianMixtureOptions, type SelectionResult, type SelectionTableRow } from './select.js';

/** selectGaussianMixture's options and where the cells' E-steps run. */
export interface SelectGaussianMixtureAsyncOptions extends SelectGaussianMixtureOptions {
  /**
   * Where every cell's E-steps run (e.g. `createWorkerExecutor` from @em/core/parallel, worker
   * threads); the caller closes it. Without one this is selectGaussianMixture.
   */
  readonly executor?: EStepExecutor;
}

/**
 * selectGaussianMixture with each cell fitted by `fitAsync` on `executor`: the same table, up to
 * the round-off of summing the E-step in chunks, and the same onCell progress in table order.
 */
export async function selectGaussianMixtureAsync(options: SelectGaussianMixtureAsyncOptions): Promise<SelectionResult> {
  const grid = selectionGrid(options);
  const table: SelectionTableRow[] = [];
  const models: Array<GaussianMixture | undefined> = [];
  let firstError: unknown;
  for (const { covarianceType, components, model } of grid.cells) {
    let row: SelectionTableRow;
    try {
      const fitOptions = fitOptionsOf(options);
      const fit = options.executor === undefined ? model.fit(options.data, fitOptions) : await model.fitAsync(options.data, { ...fitOptions, executor: options.executor });
      row = cellRow(options, covarianceType, components, model, fit);
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
