// Page entry for the Vite bundle: "?worker&url" makes Vite bundle worker.mjs as a worker chunk
// and gives its URL, which is what createWorkerExecutor takes.
import workerUrl from './worker.mjs?worker&url';
import { publishBundleScenarios } from './scenario.mjs';

publishBundleScenarios({
  workerUrl: new URL(workerUrl, import.meta.url),
  emptyWorkerUrl: new URL('/empty-worker.js', import.meta.url),
  missingWorkerUrl: new URL('/missing-worker.js', import.meta.url),
});
