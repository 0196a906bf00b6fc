// Parallel E-steps on worker threads (Node) or Web Workers (browsers), on the workerpool library.
// Chunks are whole units of work (row ranges, whole sequences); results are reduced with `add`
// by the fit loop. Data should live on SharedArrayBuffers (fitEmAsync calls model.shareData), so
// a task message carries only the parameters and views, never a copy of the data.
import workerpool from 'workerpool';
import type { EmModel, EStepResult } from './contract.js';
import { DegenerateModelError, InvalidOptionsError } from './errors.js';
import type { EStepExecutor } from './executor/executor.js';
import { deserializeError } from './executor/revive.js';
import type { Statistics } from './statistics/algebra.js';
import type { WorkerReply } from './worker.js';

export interface WorkerExecutorOptions {
  /**
   * The model package's worker entry, e.g. `new URL('./worker.js', import.meta.url)` or
   * `import.meta.resolve('@em/gaussian-mixture/worker')`.
   */
  readonly workerUrl: string | URL;
  /** Number of workers (default 2). Chunks default to this number. */
  readonly workers?: number;
  /** 'auto' (default): worker_threads in Node, module Web Workers in browsers. */
  readonly workerType?: 'auto' | 'thread' | 'web';
  /**
   * A task that gets no answer within this many milliseconds fails with a clear error instead of
   * waiting forever (e.g. a worker entry that never calls `serveModels`). Default 600 000 (10 min).
   */
  readonly taskTimeoutMs?: number;
}

export interface WorkerExecutor extends EStepExecutor {
  /** Tasks sent so far (for tests and diagnostics). */
  readonly tasksSent: number;
}

function scriptPath(url: string | URL): string {
  const text = url instanceof URL ? url.href : url;
  // worker_threads takes a file path; browsers take the URL as is.
  if (text.startsWith('file:') && typeof process !== 'undefined' && process.versions?.node !== undefined) return decodeURIComponent(new URL(text).pathname);
  return text;
}

/** A pool of workers behind the EStepExecutor interface. Designed for N workers. */
export function createWorkerExecutor(options: WorkerExecutorOptions): WorkerExecutor {
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InvalidOptionsError(`workers must be an integer ≥ 1; got ${String(workers)}.`, 'Pass e.g. { workers: 2 }.', { option: 'workers' });
  }
  const pool = workerpool.pool(scriptPath(options.workerUrl), {
    maxWorkers: workers,
    minWorkers: workers,
    workerType: options.workerType ?? 'auto',
    workerOpts: { type: 'module' },
  });
  const taskTimeoutMs = options.taskTimeoutMs ?? 600_000;
  if (!(taskTimeoutMs > 0)) {
    throw new InvalidOptionsError(`taskTimeoutMs must be > 0; got ${String(taskTimeoutMs)}.`, 'Pass a time in milliseconds, e.g. { taskTimeoutMs: 60000 }.', { option: 'taskTimeoutMs' });
  }
  let tasksSent = 0;
  let closed = false;
  return {
    concurrency: workers,
    get tasksSent() {
      return tasksSent;
    },
    async run<P, D, S extends Statistics>(model: EmModel<P, D, S>, parameters: P, chunks: readonly D[]): Promise<EStepResult<S>[]> {
      if (closed) throw new InvalidOptionsError('This worker executor was closed.', 'Create a new executor for another fit.');
      tasksSent += chunks.length;
      let replies: WorkerReply[];
      try {
        replies = (await Promise.all(chunks.map((chunk) => pool.exec('eStep', [model.config, parameters, chunk]).timeout(taskTimeoutMs)))) as WorkerReply[];
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') {
          throw new DegenerateModelError(
            `A worker did not answer an E-step within ${taskTimeoutMs} ms.`,
            'Check that the worker entry calls serveModels(modelFromConfig) and loads built JavaScript (not .ts sources), or raise taskTimeoutMs for very large chunks.',
            { timeoutMs: taskTimeoutMs },
          );
        }
        throw error;
      }
      return replies.map((reply) => {
        if (!reply.ok) throw deserializeError(reply.error);
        return reply.result as EStepResult<S>;
      });
    },
    async close(): Promise<void> {
      closed = true;
      await pool.terminate();
    },
  };
}

export { reviveData, serializeError, deserializeError } from './executor/revive.js';
