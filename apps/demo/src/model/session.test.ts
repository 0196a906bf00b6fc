import { fitEm } from '@em/core';
import { describe, expect, it } from 'vitest';
import { datasetById, observationsOf } from '../datasets.js';
import { createDemoMixture, type DemoMixtureOptions } from './demo-mixture.js';
import { objectiveChartMarkup } from '../plot/objective-chart.js';
import { createSession } from './session.js';

const faithful = observationsOf(datasetById('faithful'), [0, 1]);
const iris = observationsOf(datasetById('iris'), [0, 1, 2, 3]);

describe('createSession', () => {
  const cases: Array<{ name: string; options: DemoMixtureOptions; data: typeof faithful; seed: number }> = [
    { name: 'faithful, full, random points', options: { components: 2, covariance: 'full', initialization: 'random-points' }, data: faithful, seed: 0 },
    { name: 'iris, tied, k-means++', options: { components: 3, covariance: 'tied', initialization: 'kmeans++' }, data: iris, seed: 3 },
    { name: 'iris, spherical, random', options: { components: 4, covariance: 'spherical', initialization: 'random' }, data: iris, seed: 11 },
  ];

  for (const { name, options, data, seed } of cases) {
    it(`steps by hand along exactly fitEm's path (${name}, seed ${seed})`, () => {
      const session = createSession(createDemoMixture(options), data, { seed, maxIterations: 100, tolerance: 1e-3 });
      expect(session.status.iteration).toBe(0);
      const steps = 6;
      for (let t = 0; t < steps; t++) session.step();
      const reference = fitEm(createDemoMixture(options).model, { observations: data }, { seed, maxIterations: steps, tolerance: 0 });
      expect(session.status.iteration).toBe(steps);
      expect(session.status.logLikelihood).toBe(reference.logLikelihood);
      expect(session.status.history).toEqual(reference.history);
      expect(session.status.logLikelihoodHistory).toEqual(reference.logLikelihoodHistory);
      expect(session.status.bic).toBeCloseTo(reference.bic, 9);
    });
  }

  it('fit() returns one frame per iteration plus θ0, ends where fitEm ends, and never lowers the objective', () => {
    const options: DemoMixtureOptions = { components: 3, covariance: 'full', initialization: 'random-points' };
    const session = createSession(createDemoMixture(options), iris, { seed: 5, maxIterations: 100, tolerance: 1e-3 });
    const frames = session.fit();
    const reference = fitEm(createDemoMixture(options).model, { observations: iris }, { seed: 5, maxIterations: 100, tolerance: 1e-3 });
    expect(frames).toHaveLength(reference.iterations + 1);
    expect(frames.map((frame) => frame.iteration)).toEqual(frames.map((_, t) => t));
    expect(frames.at(-1)?.logLikelihood).toBe(reference.logLikelihood);
    expect(session.status.logLikelihood).toBe(reference.logLikelihood);
    expect(session.status.stopReason).toBe(reference.stopReason);
    for (let t = 1; t < frames.length; t++) {
      const previous = (frames[t - 1] as (typeof frames)[number]).objective;
      expect((frames[t] as (typeof frames)[number]).objective).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
    // A step after the fit continues from the fitted parameters.
    session.step();
    expect(session.status.iteration).toBe(reference.iterations + 1);
  });

  it("Old Faithful under the default regCovar: the chart's log-likelihood series ends at the reported log-likelihood, the objective below it by the log-prior", () => {
    const options: DemoMixtureOptions = { components: 2, covariance: 'full', initialization: 'random-points' };
    const session = createSession(createDemoMixture(options), faithful, { seed: 0, maxIterations: 100, tolerance: 1e-3 });
    const frames = session.fit();
    const { logLikelihoodHistory, history, logLikelihood, objective } = session.status;
    expect(logLikelihoodHistory).toHaveLength(frames.length);
    expect(logLikelihoodHistory).toEqual(frames.map((frame) => frame.logLikelihood));
    expect(history).toEqual(frames.map((frame) => frame.objective));
    expect(logLikelihoodHistory.at(-1)).toBe(logLikelihood);
    expect(history.at(-1)).toBe(objective);
    // The regCovar prior puts the objective tens of nats below the log-likelihood (−1218 vs −1130 at the optimum).
    expect(logLikelihood - objective).toBeGreaterThan(10);
    const markup = objectiveChartMarkup({ width: 420, height: 240, logLikelihood: logLikelihoodHistory, objective: history });
    expect(markup).toContain(`<title>iteration ${frames.length - 1}: log-likelihood ${logLikelihood}; objective ${objective}</title>`);
    expect(markup).toContain('objective = log-likelihood + log-prior (regCovar)');
  });

  it('gives responsibilities that sum to one per row and full covariance views of every type', () => {
    for (const covariance of ['full', 'tied', 'diagonal', 'spherical'] as const) {
      const session = createSession(createDemoMixture({ components: 3, covariance, initialization: 'kmeans' }), iris, { seed: 1, maxIterations: 10, tolerance: 1e-3 });
      const frame = session.step();
      const k = frame.view.weights.length;
      for (let i = 0; i < iris.rows; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += frame.responsibilities[i * k + j] as number;
        expect(sum).toBeCloseTo(1, 12);
      }
      const d = frame.view.dimension;
      expect(frame.view.covariances).toHaveLength(k * d * d);
      for (let j = 0; j < k; j++) {
        for (let a = 0; a < d; a++) {
          expect(frame.view.covariances[j * d * d + a * d + a]).toBeGreaterThan(0);
          for (let b = 0; b < d; b++) {
            const value = frame.view.covariances[j * d * d + a * d + b] as number;
            expect(value).toBe(frame.view.covariances[j * d * d + b * d + a]);
            if (a !== b && (covariance === 'diagonal' || covariance === 'spherical')) expect(value).toBe(0);
          }
        }
      }
    }
  });

  it('reports the stop reason once stepping converges', () => {
    const session = createSession(createDemoMixture({ components: 2, covariance: 'full', initialization: 'kmeans' }), faithful, { seed: 0, maxIterations: 100, tolerance: 1e-3 });
    for (let t = 0; t < 100 && session.status.stopReason === undefined; t++) session.step();
    expect(session.status.stopReason).toBe('converged');
  });
});

describe('compareAcceleration (the plain-vs-SQUAREM toggle)', () => {
  it('fits both from the same start to the same optimum; SQUAREM spends fewer E-steps; the session is left as it was', () => {
    // A start from which plain EM is slow (151 E-steps under the default rule; SQUAREM pays only then).
    const session = createSession(createDemoMixture({ components: 3, covariance: 'full', initialization: 'random-points' }), faithful, { seed: 0, maxIterations: 1000, tolerance: 1e-10 });
    const before = session.status;
    const { plain, accelerated } = session.compareAcceleration();
    expect(plain.logLikelihood[0]).toBe(accelerated.logLikelihood[0]);
    const plainEnd = plain.logLikelihood.at(-1) as number;
    const acceleratedEnd = accelerated.logLikelihood.at(-1) as number;
    expect(Math.abs(acceleratedEnd - plainEnd) / Math.abs(plainEnd)).toBeLessThan(1e-6);
    expect(accelerated.eSteps.at(-1) as number).toBeLessThan(plain.eSteps.at(-1) as number);
    expect(plain.eSteps).toEqual(plain.logLikelihood.map((_, t) => t + 1));
    expect(accelerated.eSteps).toHaveLength(accelerated.logLikelihood.length);
    expect(session.status).toEqual(before);
  });
});
