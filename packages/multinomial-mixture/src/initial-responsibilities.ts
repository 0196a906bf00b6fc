import type { Random } from '@em/core';
import { kmeansPlusPlusResponsibilities, type SeedingRows } from './kmeans-plus-plus.js';
import type { InitMethod } from './options.js';
import { randomPrototypeResponsibilities } from './random-prototypes.js';

/** The initial responsibilities of an init method (call after the table check: the seeding allocates a V-length centre). */
export function initialResponsibilities(init: InitMethod, seeding: SeedingRows, k: number, random: Random, weights: Float64Array | undefined): Float64Array {
  return init === 'kmeans++' ? kmeansPlusPlusResponsibilities(seeding, k, random, weights) : randomPrototypeResponsibilities(seeding, k, random, weights);
}
