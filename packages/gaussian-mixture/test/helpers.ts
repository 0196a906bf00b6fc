import type { MixtureStatistics } from '@em/core';

export * from '../src/index.js';

/** Statistics type of a Gaussian mixture model. */
export type MixtureStatisticsOf<FS> = MixtureStatistics<FS>;
