// A VEV component on fewer than D + 1 effective points (2 of 190 in 3-D, no prior) has a scatter of
// rank 1: its two smallest eigenvalues are round-off, of either sign. The VEV M-step refused the
// update when the round-off was negative (non-finite volume: previous covariances kept) and took a
// collapse step when it was positive, so from one EM iterate to the next the M-step flipped between
// "keep Σ" (objective unchanged to 1e-16) and an update worth +0.44 nats. SQUAREM's fit stopped
// 'converged' after two "kept" steps, and one more plain EM step moved the objective by 4e-4
// (relative): the accelerated-em law failed (EM_CONFORMANCE_SEED=1242547216, VEV, maximum
// likelihood). Such a scatter is now refused whatever the sign of its round-off.
import { checkEmConformance } from '@em/conformance';
import { describe, expect, it } from 'vitest';
import { maximizeConstrainedCovariances } from '../src/constrained/constrained-maximization.js';
import { componentsFromFullCovariances } from '../src/constrained/full-matrix-start.js';
import { constrainedConformanceOptions } from './constrained-cases.js';

const d = 3;
const counts = Float64Array.of(188, 2);

/** W_0 well conditioned, W_1 = diag(0.49, ε₁, ε₂): rank 1 up to round-off. */
function scatterWith(roundOff: readonly [number, number]): Float64Array {
  const scatter = new Float64Array(2 * d * d);
  [1524, 384, 238].forEach((v, a) => (scatter[a * d + a] = v));
  [0.49, ...roundOff].forEach((v, a) => (scatter[d * d + a * d + a] = v));
  return scatter;
}

function maximize(scatter: Float64Array): Float64Array {
  const identity = new Float64Array(2 * d * d);
  for (let c = 0; c < 2; c++) for (let a = 0; a < d; a++) identity[c * d * d + a * d + a] = 1;
  const previous = componentsFromFullCovariances('VEV', d, new Float64Array(2 * d), identity);
  return maximizeConstrainedCovariances('VEV', counts, scatter, Uint8Array.of(1, 1), previous).covariances;
}

describe('VEV M-step on a singular scatter', () => {
  it('refuses the update whatever the sign of the round-off eigenvalues', () => {
    for (const roundOff of [
      [8.4e-17, 2.7e-17],
      [-1e-17, 2.7e-17],
      [-5e-17, -1.1e-16],
      [0, 0],
    ] as const) {
      const covariances = maximize(scatterWith(roundOff));
      expect(covariances.every((v) => Number.isNaN(v)), `round-off eigenvalues ${roundOff.join(', ')}`).toBe(true);
    }
  });

  it('still updates a scatter whose smallest eigenvalue is small but not round-off', () => {
    const covariances = maximize(scatterWith([1e-6, 2e-6]));
    expect(covariances.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('lets the accelerated fit stop only where plain EM stops (seed 1242547216 of the constrained conformance)', () => {
    const report = checkEmConformance({ ...constrainedConformanceOptions('VEV', 'maximum likelihood', 2), seed: 1242547216, shrink: false }, ['accelerated-em']);
    const outcome = report.laws[0];
    expect(outcome?.status === 'failed' ? outcome.message : outcome?.status).toBe('passed');
  });
});
