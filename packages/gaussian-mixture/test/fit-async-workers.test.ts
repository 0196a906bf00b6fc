// fitAsync with `workers`: the estimator plans where E-steps run, starts its own pool when it uses
// workers, and stops it before the promise settles — on success, on error and on abort. Worker
// threads run the built package (test/fixtures/gmm-worker.mjs starts dist/worker.js).
import { describe, expect, it } from 'vitest';
import { activeWorkerThreads } from '@em/core/parallel';
import { GaussianMixture, type CovarianceType } from '../src/index.js';
import { faithful } from './helpers.js';

const workerUrl = new URL('./fixtures/gmm-worker.mjs', import.meta.url);
const brokenUrl = new URL('../../core/test/fixtures/throwing-worker.mjs', import.meta.url);

describe('GaussianMixture.fitAsync with workers', () => {
  for (const covariance of ['full', 'diagonal', 'spherical', 'tied'] as CovarianceType[]) {
    it(`${covariance}: the same fit as in process to 1e-12 on 2 workers it starts and stops`, { timeout: 60_000 }, async () => {
      const options = { components: 3, covariance, seed: 4, tolerance: 0, maxIterations: 15 };
      const serial = new GaussianMixture(options).fit(faithful());
      const parallel = await new GaussianMixture({ ...options, workers: 2, workerUrl }).fitAsync(faithful());
      expect(parallel.execution).toMatchObject({ mode: 'workers', workers: 2 });
      expect(serial.execution?.mode).toBe('in-process');
      expect(parallel.history).toHaveLength(serial.history.length);
      serial.history.forEach((value, t) => expect(Math.abs((parallel.history[t] as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value)));
      const a = serial.parameters.means.flat();
      parallel.parameters.means.flat().forEach((value, i) => expect(Math.abs(value - (a[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a[i] as number))));
      expect(activeWorkerThreads()).toBe(0);
    });
  }

  // Regression (issue #12): fitAsync started its pool before the initialisation in this thread
  // (k-means on 1e6 rows took > 30 s on a loaded machine), so the threads waited behind it and
  // `em fit gmm --workers auto` failed with "did not call serveModels". Now they start with the
  // first E-step; restarts reuse the one pool.
  it('initialises in this thread before any worker thread starts; restarts reuse one pool of 2', { timeout: 60_000 }, async () => {
    const options = { components: 3, seed: 5, tolerance: 0, maxIterations: 5, nInit: 3 };
    const model = new GaussianMixture({ ...options, workers: 2, workerUrl });
    const engine = (model as unknown as { model: { initialize: (...args: unknown[]) => unknown } }).model;
    const threadsAtInitialisation: number[] = [];
    const initialize = engine.initialize.bind(engine);
    engine.initialize = (...args: unknown[]) => {
      threadsAtInitialisation.push(activeWorkerThreads());
      return initialize(...args);
    };
    const summary = await model.fitAsync(faithful());
    expect(summary.execution).toMatchObject({ mode: 'workers', workers: 2 });
    expect(threadsAtInitialisation).toEqual([0, 2, 2]);
    expect(activeWorkerThreads()).toBe(0);
    const serial = new GaussianMixture(options).fit(faithful());
    summary.history.forEach((value, t) => expect(Math.abs(value - (serial.history[t] as number))).toBeLessThanOrEqual(1e-12 * Math.abs(value)));
  });

  it("auto on small data fits in process and says why; fit's summary says it is in process", async () => {
    const model = new GaussianMixture({ components: 2, seed: 1, workerUrl });
    const summary = await model.fitAsync(faithful());
    expect(summary.execution?.mode).toBe('in-process');
    expect(summary.execution?.reason).toMatch(/^in process: data too small for workers to pay \(N·K·\(D²\/2 \+ D \+ 20\) = 1\.3e\+4 < 2e\+8\)$/);
    expect(model.planExecution(faithful())).toEqual(summary.execution);
    expect(activeWorkerThreads()).toBe(0);
  });

  it('a failing worker entry: the fit rejects with a WorkerError and leaves no thread running', { timeout: 60_000 }, async () => {
    const model = new GaussianMixture({ components: 2, seed: 1, workers: 2, workerUrl: brokenUrl });
    const error = await model.fitAsync(faithful()).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('WORKER');
    expect(activeWorkerThreads()).toBe(0);
  });

  it('an abort mid-fit: the fit settles as aborted and leaves no thread running', { timeout: 60_000 }, async () => {
    const controller = new AbortController();
    const model = new GaussianMixture({ components: 3, seed: 1, tolerance: 0, maxIterations: 500, workers: 2, workerUrl, signal: controller.signal });
    const settled = await model
      .fitAsync(faithful(), { onIteration: (info) => (info.iteration === 3 ? controller.abort() : undefined) })
      .then((summary) => summary.stopReason)
      .catch((e: unknown) => (e as { code?: string }).code);
    expect(['aborted', 'ABORTED']).toContain(settled);
    expect(activeWorkerThreads()).toBe(0);
  });

  it('an error inside the fit (more components than rows) settles before any thread starts', async () => {
    const error = await new GaussianMixture({ components: 400, workers: 2, workerUrl }).fitAsync(faithful()).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('INVALID_DATA');
    expect(activeWorkerThreads()).toBe(0);
  });
});

describe('GaussianMixture.predictAsync', () => {
  it('on 2 workers: the labels and posteriors of predict and predictProba, exactly; in process under auto for small data', { timeout: 60_000 }, async () => {
    const model = new GaussianMixture({ components: 3, seed: 2, workerUrl });
    model.fit(faithful());
    const parallel = await model.predictAsync(faithful(), { workers: 2, probabilities: true });
    expect(parallel.execution).toMatchObject({ mode: 'workers', workers: 2 });
    expect(Array.from(parallel.labels)).toEqual(Array.from(model.predict(faithful())));
    expect(parallel.probabilities).toEqual(model.predictProba(faithful()));
    const auto = await model.predictAsync(faithful());
    expect(auto.execution.mode).toBe('in-process');
    expect(auto.execution.reason).toMatch(/data too small for workers to pay .* < 4e\+9\)$/);
    expect(auto.probabilities).toBeUndefined();
    expect(activeWorkerThreads()).toBe(0);
  });
});
