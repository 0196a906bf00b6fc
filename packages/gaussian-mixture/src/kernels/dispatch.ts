import type { CovarianceType } from '../gaussian-components.js';
import type { GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';
import { diagonalAccumulate, diagonalLogDensities } from './diagonal-kernel.js';
import { fullAccumulate, fullLogDensities } from './full-kernel.js';
import { accumulateThroughRows, logDensitiesThroughRows, type AccumulateKernel, type LogDensityKernel } from './layout-adapters.js';
import { missingValuesAccumulate, missingValuesLogDensities } from './missing-values-kernel.js';
import { smallFullKernels } from './small-full-kernel.js';
import { sphericalAccumulate, sphericalLogDensities } from './spherical-kernel.js';
import { tiedLogDensities } from './tied-kernel.js';

/** The E-step kernels of a covariance storage type (chosen once, when the family is built). */
export interface GaussianKernels {
  readonly logDensities: LogDensityKernel;
  readonly accumulate: AccumulateKernel;
}

export function kernelsFor(type: CovarianceType, missingValues: boolean): GaussianKernels {
  if (missingValues) return { logDensities: logDensitiesThroughRows(missingValuesLogDensities), accumulate: accumulateThroughRows(missingValuesAccumulate) };
  switch (type) {
    case 'full':
      return { logDensities: fullLogDensitiesAnyDimension, accumulate: fullAccumulateAnyDimension };
    case 'tied':
      // One factor for the densities; statistics per component about its own mean, pooled in the M-step (see ScatterLayout).
      return { logDensities: tiedLogDensities, accumulate: fullAccumulateAnyDimension };
    case 'diagonal':
      return { logDensities: diagonalLogDensities, accumulate: diagonalAccumulate };
    case 'spherical':
      return { logDensities: sphericalLogDensities, accumulate: sphericalAccumulate };
  }
}

/** Full covariances: the row-at-a-time kernels in small dimension (when available), else the blocked ones. */
function fullLogDensitiesAnyDimension(p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent: boolean): void {
  const small = smallFullKernels(p.d);
  if (small === undefined) fullLogDensities(p, x, start, end, out, byComponent);
  else logDensitiesThroughRows(small.logDensities)(p, x, start, end, out, byComponent);
}

function fullAccumulateAnyDimension(p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean): void {
  const small = smallFullKernels(p.d);
  if (small === undefined) fullAccumulate(p, stats, x, start, end, weights, byComponent);
  else accumulateThroughRows(small.accumulate)(p, stats, x, start, end, weights, byComponent);
}
