// Parallel E-steps on worker threads (Node) or module Web Workers (browsers). Chunks are whole
// units of work (row ranges, whole sequences); results are reduced with `add` by the fit loop.
// Data should live on SharedArrayBuffers (fitEmAsync calls model.shareData), so a task message
// carries only the parameters and views, never a copy of the data.
// No static import of a Node built-in anywhere below: this entry bundles for browsers as it is.
/**
 * Parallel E-steps: `createWorkerExecutor` runs a model's E-step on Node worker threads or module
 * Web Workers; pass it to `fitEmAsync` or an estimator's `fitAsync`.
 *
 * @packageDocumentation
 * @module @em/core/parallel
 */
import type { EmModel, EStepResult } from './contract.js';
import { InvalidOptionsError } from './errors.js';
import type { EStepExecutor } from './executor/executor.js';
import { deserializeError } from './executor/revive.js';
import { prepareTransfer } from './executor/transfer.js';
import { resolveWorkerExecutorOptions, type WorkerExecutorOptions } from './executor/worker-executor-options.js';
import { liveWorkerThreads, WorkerPool } from './executor/worker-pool.js';
import { checkAllocation, WORKER_THREAD_BYTES } from './memory-budget.js';
import type { Statistics } from './statistics/algebra.js';

export type { WorkerExecutorOptions } from './executor/worker-executor-options.js';

export interface WorkerExecutor extends EStepExecutor {
  /** Tasks sent so far (for tests and diagnostics). */
  readonly tasksSent: number;
  /** Worker threads started and not yet stopped: 0 once `close()` has settled (for tests and diagnostics). */
  readonly liveThreads: number;
  /**
   * Runs a task the worker entry registered by name (`serveModels(factory, { tasks })`), e.g.
   * `'gaussian-mixture:select-cell'`, on a free worker; rejects with the task's typed error. Put
   * large arrays on SharedArrayBuffers so the message does not copy them.
   */
  runTask<T>(task: string, payload: unknown): Promise<T>;
}

/**
 * A pool of workers behind the EStepExecutor interface. Every option is checked (and the workers'
 * memory against the budget) before a thread starts; a worker that throws, exits, hangs or never
 * serves fails its task with a WorkerError; close() stops every thread, stuck ones included.
 */
export function createWorkerExecutor(options: WorkerExecutorOptions): WorkerExecutor {
  const resolved = resolveWorkerExecutorOptions(options);
  const pool = new WorkerPool({ url: resolved.url, kind: resolved.kind, size: resolved.workers, taskTimeoutMs: resolved.taskTimeoutMs, startTimeoutMs: resolved.startTimeoutMs, deferStart: resolved.start === 'first-task' });
  let tasksSent = 0;
  let closed = false;
  return {
    concurrency: resolved.workers,
    get tasksSent() {
      return tasksSent;
    },
    get liveThreads() {
      return pool.liveThreads;
    },
    async runTask<T>(task: string, payload: unknown): Promise<T> {
      if (closed) throw new InvalidOptionsError('This worker executor was closed.', 'Create a new executor for another fit.');
      const sent = prepareTransfer(payload);
      checkAllocation(
        resolved.workers * WORKER_THREAD_BYTES + sent.copiedBytes,
        resolved.memoryBudget,
        `${resolved.workers} worker threads and the data copied to them`,
        'Put the data on SharedArrayBuffers, or use fewer workers',
      );
      tasksSent++;
      const reply = await pool.execTask(task, sent.value);
      if (!reply.ok) throw deserializeError(reply.error);
      return reply.result as T;
    },
    async run<P, D, S extends Statistics>(model: EmModel<P, D, S>, parameters: P, chunks: readonly D[]): Promise<EStepResult<S>[]> {
      if (closed) throw new InvalidOptionsError('This worker executor was closed.', 'Create a new executor for another fit.');
      // Structured clone copies what is not on a SharedArrayBuffer: each chunk (trimmed to its own
      // rows) once, the parameters once per task in flight.
      const sentParameters = prepareTransfer(parameters);
      const sentChunks = chunks.map((chunk) => prepareTransfer(chunk));
      let copied = Math.min(resolved.workers, chunks.length) * sentParameters.copiedBytes;
      for (const chunk of sentChunks) copied += chunk.copiedBytes;
      checkAllocation(
        resolved.workers * WORKER_THREAD_BYTES + copied,
        resolved.memoryBudget,
        `${resolved.workers} worker threads and the data copied to them`,
        'Put the data on SharedArrayBuffers (fitAsync does, through model.shareData; DenseMatrix.toShared() by hand), or use fewer workers',
      );
      tasksSent += chunks.length;
      const replies = await Promise.all(sentChunks.map((chunk) => pool.exec(model.config, sentParameters.value, chunk.value)));
      return replies.map((reply) => {
        if (!reply.ok) throw deserializeError(reply.error);
        return reply.result as EStepResult<S>;
      });
    },
    async close(): Promise<void> {
      closed = true;
      await pool.close();
    },
  };
}

export { reviveData, serializeError, deserializeError, type SerializedError } from './executor/revive.js';

/**
 * Worker threads started by any executor of this thread and not yet stopped: 0 after every fit
 * that started its own (fitAsync with `workers`), whether it succeeded, failed or was aborted.
 */
export function activeWorkerThreads(): number {
  return liveWorkerThreads();
}
