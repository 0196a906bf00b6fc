import type { Random } from '@em/core';
import { SEEDING_SMOOTHING, seedingEligibility, squaredDistancesTo, squaredRowNorms, type SeedingRows } from './kmeans-plus-plus.js';

/**
 * The 'random' start: K distinct rows drawn at random (∝ sample weight, empty rows excluded while
 * enough others remain) as prototypes, every row given to its nearest prototype (a tie is shared
 * evenly), with the seeding's smoothing ε: responsibilities ε/K + (1 − ε)/t on the t nearest.
 *
 * Why not random responsibilities (a Dirichlet draw per row): each component's first estimate is
 * then an average over about n/K random rows, all within O(√(K/n)) of the pooled estimate, so the
 * start is nearly the one-cluster answer and the first EM step gains almost nothing (a 300-row
 * latent class fit stopped after one iteration, 48 nats short). Prototypes make the components
 * start as far apart as the data's own rows.
 */
export function randomPrototypeResponsibilities(seeding: SeedingRows, k: number, random: Random, sampleWeights?: Float64Array): Float64Array {
  const rows = seeding.rows;
  const squaredNorms = squaredRowNorms(seeding);
  const eligible = seedingEligibility(seeding, sampleWeights);
  const distances = new Float64Array(rows * k);
  const center = new Float64Array(seeding.cols);
  const toCenter = new Float64Array(rows);
  for (let c = 0; c < k; c++) {
    let remaining = 0;
    for (let i = 0; i < rows; i++) remaining += eligible[i] as number;
    // Fewer eligible rows than components (e.g. mostly empty documents): draw among the unchosen rows.
    const chosen = random.categorical(remaining > 0 ? eligible : unchosenRows(distances, rows, k, c));
    eligible[chosen] = 0;
    squaredDistancesTo(seeding, squaredNorms, chosen, center, toCenter);
    for (let i = 0; i < rows; i++) distances[i * k + c] = toCenter[i] as number;
    // Mark the prototype itself so the fallback never draws it twice.
    distances[chosen * k + c] = -1;
  }
  const responsibilities = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const base = i * k;
    let nearest = Infinity;
    for (let c = 0; c < k; c++) nearest = Math.min(nearest, Math.max(0, distances[base + c] as number));
    let ties = 0;
    for (let c = 0; c < k; c++) if (Math.max(0, distances[base + c] as number) === nearest) ties++;
    for (let c = 0; c < k; c++) {
      const share = Math.max(0, distances[base + c] as number) === nearest ? (1 - SEEDING_SMOOTHING) / ties : 0;
      responsibilities[base + c] = SEEDING_SMOOTHING / k + share;
    }
  }
  return responsibilities;
}

/** Draw weights 1 for rows not yet chosen as one of the first `chosenSoFar` prototypes (marked −1). */
function unchosenRows(distances: Float64Array, rows: number, k: number, chosenSoFar: number): Float64Array {
  const weights = new Float64Array(rows).fill(1);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < chosenSoFar; c++) if ((distances[i * k + c] as number) < 0) weights[i] = 0;
  }
  return weights;
}
