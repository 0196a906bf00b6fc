// Page entry for the esbuild bundle: esbuild does not bundle workers by itself, so the worker is
// a second entry point written next to this one (worker.js).
import { publishBundleScenarios } from './scenario.mjs';

publishBundleScenarios({
  workerUrl: new URL('./worker.js', import.meta.url),
  emptyWorkerUrl: new URL('/empty-worker.js', import.meta.url),
  missingWorkerUrl: new URL('/missing-worker.js', import.meta.url),
});
