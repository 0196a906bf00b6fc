// What the bundled page runs: a Gaussian mixture fitted with its E-steps on two bundled Web
// Workers, the same fit in the page's thread, and two broken workers (one that never serves,
// one that does not exist) that must fail fast with a WorkerError. Results are plain data.
import { DenseMatrix, Random } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { GaussianMixture } from '@em/gaussian-mixture';

/** Three seeded Gaussian blobs in 2-D. */
function blobs(rows) {
  const random = new Random(11);
  const values = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const cluster = i % 3;
    values[2 * i] = 4 * cluster + random.normal();
    values[2 * i + 1] = -2 * cluster + 0.5 * random.normal() + 0.2 * values[2 * i];
  }
  return DenseMatrix.fromArray(values, rows, 2);
}

function summary(fit) {
  return { logLikelihood: fit.logLikelihood, iterations: fit.iterations, stopReason: fit.stopReason, means: fit.parameters.means };
}

function describe(error) {
  return { name: error?.name ?? 'unknown', message: String(error?.message ?? error) };
}

const OPTIONS = { components: 3, seed: 5, maxIterations: 200 };

/** Fits with `workerUrl`; the error (name, message) and how long it took to arrive when it fails. */
async function fitOnWorkers(data, executorOptions) {
  const started = performance.now();
  let executor;
  try {
    executor = createWorkerExecutor(executorOptions);
    const fit = await new GaussianMixture(OPTIONS).fitAsync(data, { executor });
    return { fit: summary(fit), tasksSent: executor.tasksSent, concurrency: executor.concurrency, milliseconds: performance.now() - started };
  } catch (error) {
    return { error: describe(error), milliseconds: performance.now() - started };
  } finally {
    await executor?.close();
  }
}

export async function runBundleScenarios({ workerUrl, emptyWorkerUrl, missingWorkerUrl }) {
  const data = blobs(3000);
  const results = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    inPage: summary(new GaussianMixture(OPTIONS).fit(data)),
  };
  // oversubscribe: the test machine may report fewer hardware threads than 2.
  results.onWorkers = await fitOnWorkers(data, { workerUrl, workers: 2, oversubscribe: true, taskTimeoutMs: 60_000 });
  results.emptyWorker = await fitOnWorkers(data, { workerUrl: emptyWorkerUrl, workers: 1, startTimeoutMs: 3000 });
  results.missingWorker = await fitOnWorkers(data, { workerUrl: missingWorkerUrl, workers: 1, startTimeoutMs: 30_000 });
  return results;
}

/** Runs the scenarios and publishes their JSON on globalThis.emBundleResults (the test polls it). */
export function publishBundleScenarios(urls) {
  runBundleScenarios(urls).then(
    (results) => {
      globalThis.emBundleResults = JSON.stringify(results);
    },
    (error) => {
      globalThis.emBundleResults = JSON.stringify({ fatal: describe(error) });
    },
  );
}
