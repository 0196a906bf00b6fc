// The boundary of the one deferral left in the covariance M-step (IMPRECISE_UPDATE in
// gaussian-maximization.ts): statistics about a reference r, a mean that moves t standard
// deviations away from it, M = Q − S·Sᵀ/n with relative error ≈ ε·cancellation·conditioning.
// Below the threshold the update is taken (and is accurate); above it the update waits one
// iteration; the update after a wait is always taken (a wait never repeats), and when the next
// statistics are centred on the mean the wait produced — batch EM — it is exact.
import type { FitEvent, MStepContext } from '@em/core';
import { describe, expect, it } from 'vitest';
import { maximizeGaussian } from '../src/gaussian-maximization.js';
import { DenseMatrix, Random } from './imports.js';
import { gaussianFamily, type GaussianComponents, type GaussianStatistics } from './helpers.js';

const SEED = 20261206;
const RHO = 0.9999;
const N = 400;

/** N rows of a 2-D Gaussian with correlation RHO about (3, −2) (seeded). */
function correlatedRows(): DenseMatrix {
  const random = new Random(SEED);
  const rows: number[][] = [];
  for (let i = 0; i < N; i++) {
    const u = random.normal();
    const v = random.normal();
    rows.push([3 + u, -2 + RHO * u + Math.sqrt(1 - RHO * RHO) * v]);
  }
  return DenseMatrix.from(rows);
}

/** Two-pass mean and scatter Σ (x − x̄)(x − x̄)ᵀ (row-major 2×2). */
function twoPass(x: DenseMatrix): { mean: number[]; scatter: number[] } {
  const mean = [0, 0];
  for (let i = 0; i < x.rows; i++) for (let a = 0; a < 2; a++) mean[a] = (mean[a] as number) + (x.data[i * 2 + a] as number) / x.rows;
  const scatter = [0, 0, 0, 0];
  for (let i = 0; i < x.rows; i++) {
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) scatter[a * 2 + b] = (scatter[a * 2 + b] as number) + ((x.data[i * 2 + a] as number) - (mean[a] as number)) * ((x.data[i * 2 + b] as number) - (mean[b] as number));
    }
  }
  return { mean, scatter };
}

const family = gaussianFamily({ covariance: 'full', regCovar: 0 });
const x = correlatedRows();
const exact = twoPass(x);
const variance0 = (exact.scatter[0] as number) / N;
// conditioning of the new matrix = Σ_11 / conditional variance of coordinate 1 = 1 / (1 − ρ̂²).
const conditioning = 1 / (1 - (exact.scatter[1] as number) ** 2 / ((exact.scatter[0] as number) * (exact.scatter[3] as number)));

function componentsAt(mean: readonly number[], covariances: Float64Array = Float64Array.from([1, 0, 0, 1])): GaussianComponents {
  return { covarianceType: 'full', dimension: 2, means: Float64Array.from(mean), covariances };
}

/** Statistics of every row (weight 1) about the reference `mean`. */
function statisticsAbout(components: GaussianComponents): GaussianStatistics {
  const stats = family.zeroStatistics(components);
  family.accumulate(family.prepare(components), stats, x, 0, N, new Float64Array(N).fill(1));
  return stats;
}

/** A reference t standard deviations (coordinate 0) from the data mean: cancellation = 1 + t². */
function referenceFor(cancellation: number): number[] {
  const t = Math.sqrt(cancellation - 1);
  return [(exact.mean[0] as number) - t * Math.sqrt(variance0), exact.mean[1] as number];
}

function step(stats: GaussianStatistics, previous: GaussianComponents) {
  const events: FitEvent[] = [];
  const context: MStepContext = { iteration: 1, report: (e) => events.push(e) };
  const next = maximizeGaussian(stats, previous, { ...family.options, layout: family.layout }, context);
  const waited = events.some((e) => e.type === 'degenerate-component' && e.message.includes('waits one iteration'));
  return { next, waited, events };
}

/** Largest |Σ − Σ_exact| entry in units of √(Σ_aa·Σ_bb). */
function covarianceError(covariances: Float64Array): number {
  let worst = 0;
  for (let a = 0; a < 2; a++) {
    for (let b = 0; b < 2; b++) {
      const expected = (exact.scatter[a * 2 + b] as number) / N;
      const unit = Math.sqrt(((exact.scatter[a * 2 + a] as number) / N) * ((exact.scatter[b * 2 + b] as number) / N));
      worst = Math.max(worst, Math.abs((covariances[a * 2 + b] as number) - expected) / unit);
    }
  }
  return worst;
}

describe(`covariance update waits only past cancellation × conditioning = 1e6 (seed ${SEED}, ρ = ${RHO})`, () => {
  it('the data are as ill-conditioned as the boundary needs (conditioning ≈ 5e3)', () => {
    expect(conditioning).toBeGreaterThan(2e3);
    expect(conditioning).toBeLessThan(2e4);
  });

  it('just below the threshold (×0.9): the update is taken and agrees with the two-pass covariance', () => {
    const previous = componentsAt(referenceFor((0.9 * 1e6) / conditioning));
    const { next, waited } = step(statisticsAbout(previous), previous);
    expect(waited).toBe(false);
    expect(covarianceError(next.covariances)).toBeLessThan(1e-9);
  });

  it('just above it (×1.1): the mean moves, the covariance waits; the next step — statistics centred on that mean — takes the exact update', () => {
    const previous = componentsAt(referenceFor((1.1 * 1e6) / conditioning));
    const first = step(statisticsAbout(previous), previous);
    expect(first.waited).toBe(true);
    expect(Array.from(first.next.covariances)).toEqual([1, 0, 0, 1]);
    expect(Math.abs((first.next.means[0] as number) - (exact.mean[0] as number))).toBeLessThan(1e-9 * Math.sqrt(variance0));
    const second = step(statisticsAbout(first.next), first.next);
    expect(second.waited).toBe(false);
    expect(second.events).toEqual([]);
    expect(covarianceError(second.next.covariances)).toBeLessThan(1e-12);
  });

  it('a large cancellation on well-conditioned data (conditioning 1) is taken: conditioning and cancellation must both be large', () => {
    const previous = componentsAt(referenceFor(1e5));
    const diagonalFamily = gaussianFamily({ covariance: 'full', regCovar: 0 });
    const decorrelated = DenseMatrix.from(Array.from({ length: N }, (_, i) => [(x.data[i * 2] as number) + 0, (i % 7) - 3]));
    const stats = diagonalFamily.zeroStatistics(previous);
    diagonalFamily.accumulate(diagonalFamily.prepare(previous), stats, decorrelated, 0, N, new Float64Array(N).fill(1));
    expect(step(stats, previous).waited).toBe(false);
  });

  it('a wait never repeats: after a wait, the same far statistics give an update, not a second wait', () => {
    const previous = componentsAt(referenceFor((10 * 1e6) / conditioning));
    const stats = statisticsAbout(previous);
    const first = step(stats, previous);
    expect(first.waited).toBe(true);
    // The statistics say the mean moved far again (as if the responsibilities jumped twice).
    const repeated = step(stats, { ...first.next, means: previous.means });
    expect(repeated.waited).toBe(false);
    expect(covarianceError(repeated.next.covariances)).toBeLessThan(1e-6);
  });
});
