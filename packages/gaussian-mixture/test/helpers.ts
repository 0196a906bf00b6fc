import { readFileSync } from 'node:fs';
import type { MixtureStatistics } from '@em/core';

export * from '../src/index.js';

/** Statistics type of a Gaussian mixture model. */
export type MixtureStatisticsOf<FS> = MixtureStatistics<FS>;

/** Old Faithful (eruptions, waiting), 272 rows, from the shared data folder. */
export function faithful(): number[][] {
  const lines = readFileSync(new URL('./__fixtures__/faithful.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => line.split(',').map(Number));
}

/** Every adjacent pair of the history non-decreasing within round-off (1e-9·max(1, |value|)). */
export function firstDecrease(history: readonly number[]): number {
  for (let t = 1; t < history.length; t++) {
    const previous = history[t - 1] as number;
    if ((history[t] as number) < previous - 1e-9 * Math.max(1, Math.abs(previous))) return t;
  }
  return -1;
}
