// One cell of a model selection (a covariance model × a component count), fitted whole in a worker
// thread: the worker entry serves it as the named task SELECT_CELL_TASK, and selectGaussianMixtureAsync
// sends every cell of the grid to a pool, each worker fitting on its shared view of the data.
// Only the worker entry imports this module (it needs @em/core/parallel's serializeError).
import { serializeError } from '@em/core/parallel';
import { GaussianMixture } from './gaussian-mixture.js';
import type { SelectCellPayload, SelectCellReply } from './select-async.js';
import { cellRow, failedCellRow, type SelectGaussianMixtureOptions } from './select.js';

/**
 * Fits one cell exactly as selectGaussianMixture does in process (same model, options, seed and
 * data, so the same numbers). Errors that fail every cell alike (bad data or options) are thrown,
 * and reach the caller typed.
 */
export function fitSelectionCell(payload: SelectCellPayload): SelectCellReply {
  const { data, sampleWeights, covarianceType, components } = payload;
  const model = new GaussianMixture({
    ...(payload.modelOptions as object),
    components,
    covariance: covarianceType,
    ...(payload.nInit !== undefined ? { nInit: payload.nInit } : {}),
    ...(payload.seed !== undefined ? { seed: payload.seed } : {}),
  });
  const options: Pick<SelectGaussianMixtureOptions, 'data' | 'sampleWeights'> = sampleWeights === undefined ? { data } : { data, sampleWeights };
  try {
    const fit = model.fit(data, sampleWeights === undefined ? {} : { sampleWeights });
    return { row: cellRow(options as SelectGaussianMixtureOptions, covarianceType, components, model, fit), model: model.toJSON() };
  } catch (error) {
    return { row: failedCellRow(error, covarianceType, components), error: serializeError(error) };
  }
}
