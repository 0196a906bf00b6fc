// A component on fewer than D + 1 points (iris, VVE, K = 9, k-means seed 3, no prior: 3 points in
// 4-D) has a singular scatter. The constrained M-step accepted a VVE covariance whose variance
// along one direction was round-off (5.6e-19 against 0.1): the classic models refuse such a
// collapse, the constrained ones only checked positive definiteness. From that point Q is
// round-off too, and the next M-step lowered it by 45 nats: EM's objective fell at iteration 1
// (−107.56 → −149.40). The collapse test now applies to every constrained model, and a settled
// inner loop whose result has lower Q than the previous covariances keeps them (the generalised-EM
// guard had covered only loops that did not settle).
import { readFileSync } from 'node:fs';
import type { FitEvent, MStepContext } from '@em/core';
import { describe, expect, it } from 'vitest';
import { DenseMatrix } from './imports.js';
import { firstDecrease, gaussianFamily, GaussianMixture, type GaussianComponents } from './helpers.js';
import { shippedData } from './shipped-data.js';

const iris = shippedData('iris.csv', 4);
const x = DenseMatrix.from(iris.table);

interface Start {
  readonly weights: number[];
  readonly means: number[][];
  readonly covariances: number[][][];
}
const start = JSON.parse(readFileSync(new URL('./__fixtures__/vve-collapsed-start.json', import.meta.url), 'utf8')) as Start;

/** Statistics at `previous` (responsibilities by log-sum-exp), the M-step from them, and Q + log-prior before and after. */
function mStep(previous: GaussianComponents, weights: readonly number[]) {
  const family = gaussianFamily({ covariance: 'VVE', regCovar: 0 });
  const k = weights.length;
  const n = x.rows;
  const joint = new Float64Array(n * k);
  family.logDensities(family.prepare(previous), x, 0, n, joint);
  const responsibilities = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let largest = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      joint[i * k + c] = (joint[i * k + c] as number) + Math.log(weights[c] as number);
      largest = Math.max(largest, joint[i * k + c] as number);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((joint[i * k + c] as number) - largest);
    for (let c = 0; c < k; c++) responsibilities[i * k + c] = Math.exp((joint[i * k + c] as number) - largest) / sum;
  }
  const stats = family.zeroStatistics(previous);
  family.accumulate(family.prepare(previous), stats, x, 0, n, responsibilities);
  const events: FitEvent[] = [];
  const context: MStepContext = { iteration: 1, report: (event) => events.push(event) };
  const next = family.maximize(stats, previous, context);
  const objective = (components: GaussianComponents) => family.expectedLogDensity(components, stats) + family.logPrior(components);
  return { before: objective(previous), after: objective(next), events };
}

describe('constrained M-step: a collapsed covariance is refused, so Q never falls (iris, VVE, no prior)', () => {
  it('from the start that lowered Q by 45 (K = 9, a component on 3 points): Q after the M-step ≥ Q before, and the kept covariances are reported', () => {
    const previous: GaussianComponents = {
      covarianceType: 'full',
      dimension: 4,
      means: Float64Array.from(start.means.flat()),
      covariances: Float64Array.from(start.covariances.flat(2)),
    };
    const { before, after, events } = mStep(previous, start.weights);
    expect(after).toBeGreaterThanOrEqual(before - 1e-9 * Math.max(1, Math.abs(before)));
    // The candidate left the collapsed direction and lost Q: the previous covariances are kept, and said so.
    expect(events.some((event) => event.type === 'degenerate-component' && event.action === 'kept-previous')).toBe(true);
  });

  it('EM never decreases its objective for EVE and VVE, K = 1..9, k-means seeds 1–5', () => {
    const failures: string[] = [];
    for (const covariance of ['EVE', 'VVE'] as const) {
      for (let seed = 1; seed <= 5; seed++) {
        for (let components = 1; components <= 9; components++) {
          try {
            const result = new GaussianMixture({ components, covariance, regCovar: 0, seed, init: 'kmeans', onEvent: () => {} }).fit(iris.table);
            const t = firstDecrease(result.history);
            if (t >= 0) failures.push(`${covariance} K=${components} seed=${seed}: ${result.history[t - 1]} → ${result.history[t]} at iteration ${t}`);
          } catch (error) {
            // A start with a collapsed component is refused with a typed error, as the classic models refuse it: not a decrease.
            if (!(error instanceof Error) || error.name !== 'DegenerateModelError') throw error;
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
