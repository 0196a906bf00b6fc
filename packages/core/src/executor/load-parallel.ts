// The worker pool, loaded only when a fit decides to use it. The specifier is a variable, so
// bundlers do not pull `@em/core/parallel` (≈ 3 KB gzip) into every browser bundle of an estimator:
// in Node and unbundled ES modules it resolves like any import; a bundled browser app that wants
// workers creates its pool itself (`createWorkerExecutor` from '@em/core/parallel') and passes it
// as `executor`.
import { InvalidOptionsError } from '../errors.js';
import { isNode } from './platform.js';
import type * as Parallel from '../parallel.js';

const PARALLEL_ENTRY = '@em/core/parallel';

/** `@em/core/parallel`, imported on demand; an InvalidOptionsError saying what to do when the runtime cannot load it. */
export async function loadParallel(): Promise<typeof Parallel> {
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ PARALLEL_ENTRY)) as typeof Parallel;
  } catch (error) {
    throw new InvalidOptionsError(
      `The worker pool (${PARALLEL_ENTRY}) could not be loaded here: ${error instanceof Error ? error.message.split('\n', 1)[0] : String(error)}.`,
      isNode()
        ? "Check that @em/core is installed with its './parallel' export, or pass { workers: 1 } to fit in process."
        : "In a bundled app, create the pool yourself — executor: createWorkerExecutor({ workerUrl }) from '@em/core/parallel' — or pass { workers: 1 }.",
      { option: 'workers' },
    );
  }
}
