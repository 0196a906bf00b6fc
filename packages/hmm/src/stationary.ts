import { InvalidParametersError } from '@em/core';

/** Cesàro-average steps for chains whose stationary distribution is not unique. */
const AVERAGING_STEPS = 100_000;

/**
 * Stationary distribution π of a K×K row-stochastic matrix (π A = π, Σ π = 1), solved directly
 * by Gaussian elimination with partial pivoting on (Aᵀ − I) with one equation replaced by Σ π = 1.
 * When that system is singular (a reducible chain: several closed classes), there is no unique
 * answer; we return the long-run average distribution started from `initial` (default uniform),
 * (1/N) Σ_{t<N} initial·A^t, which is stationary up to O(1/N).
 */
export function stationaryDistribution(transition: Float64Array, k: number, initial?: Float64Array): Float64Array {
  if (transition.length !== k * k) {
    throw new InvalidParametersError(`The transition matrix has ${transition.length} entries; expected ${k * k}.`, `Give a ${k}×${k} matrix.`);
  }
  // Row r of the system: Σ_i (A_ir − [i = r]) π_i = 0, except the last row: Σ_i π_i = 1.
  const m = new Float64Array(k * (k + 1));
  for (let r = 0; r < k; r++) {
    for (let i = 0; i < k; i++) m[r * (k + 1) + i] = r === k - 1 ? 1 : (transition[i * k + r] as number) - (i === r ? 1 : 0);
    m[r * (k + 1) + k] = r === k - 1 ? 1 : 0;
  }
  const solved = solveAugmented(m, k);
  if (solved !== undefined && solved.every((v) => v > -1e-12)) {
    let total = 0;
    for (let i = 0; i < k; i++) {
      solved[i] = Math.max(0, solved[i] as number);
      total += solved[i] as number;
    }
    for (let i = 0; i < k; i++) solved[i] = (solved[i] as number) / total;
    return solved;
  }
  let current = initial === undefined ? new Float64Array(k).fill(1 / k) : Float64Array.from(initial);
  let next = new Float64Array(k);
  const average = new Float64Array(k);
  for (let step = 0; step < AVERAGING_STEPS; step++) {
    for (let j = 0; j < k; j++) average[j] = (average[j] as number) + (current[j] as number);
    next.fill(0);
    for (let i = 0; i < k; i++) {
      const p = current[i] as number;
      if (p === 0) continue;
      for (let j = 0; j < k; j++) next[j] = (next[j] as number) + p * (transition[i * k + j] as number);
    }
    const swap = current;
    current = next;
    next = swap;
  }
  for (let j = 0; j < k; j++) average[j] = (average[j] as number) / AVERAGING_STEPS;
  return average;
}

/** Solves the k×(k+1) augmented system in place; undefined when (numerically) singular. */
function solveAugmented(m: Float64Array, k: number): Float64Array | undefined {
  const w = k + 1;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * w + col] as number) > Math.abs(m[pivot * w + col] as number)) pivot = r;
    if (Math.abs(m[pivot * w + col] as number) < 1e-12) return undefined;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const tmp = m[col * w + c] as number;
        m[col * w + c] = m[pivot * w + c] as number;
        m[pivot * w + c] = tmp;
      }
    }
    const diagonal = m[col * w + col] as number;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const factor = (m[r * w + col] as number) / diagonal;
      if (factor === 0) continue;
      for (let c = col; c < w; c++) m[r * w + c] = (m[r * w + c] as number) - factor * (m[col * w + c] as number);
    }
  }
  const out = new Float64Array(k);
  for (let r = 0; r < k; r++) out[r] = (m[r * w + k] as number) / (m[r * w + r] as number);
  return out;
}
