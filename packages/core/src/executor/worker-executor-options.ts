// The options of createWorkerExecutor, checked all at once before any thread starts.
import { InvalidOptionsError } from '../errors.js';
import { checkAllocation, resolveMemoryBudget, WORKER_THREAD_BYTES } from '../memory-budget.js';
import { availableParallelism, isNode } from './platform.js';
import type { WorkerKind } from './worker-handle.js';

export interface WorkerExecutorOptions {
  /**
   * The model package's worker entry, e.g. `import.meta.resolve('@em/gaussian-mixture/worker')`,
   * `new URL('./worker.js', import.meta.url)`, or the URL of a bundled worker.
   */
  readonly workerUrl: string | URL;
  /**
   * Number of workers (default 2), capped at the threads the machine runs at once
   * (`os.availableParallelism()`, `navigator.hardwareConcurrency`) unless `oversubscribe` is set.
   * Chunks default to this number (the executor's `concurrency`).
   */
  readonly workers?: number;
  /** Use `workers` as given even above the available parallelism (default false). The memory budget still applies. */
  readonly oversubscribe?: boolean;
  /** 'auto' (default): worker_threads in Node, module Web Workers in browsers. */
  readonly workerType?: 'auto' | 'thread' | 'web';
  /**
   * A task that gets no answer within this many milliseconds fails with a WorkerError and its
   * worker is stopped (it may be stuck in a loop). Default 600 000 (10 min).
   */
  readonly taskTimeoutMs?: number;
  /**
   * A worker whose entry has not called serveModels within this many milliseconds fails every
   * waiting task with a WorkerError (e.g. a bundler dropped the entry's side effects).
   * Default 30 000, or taskTimeoutMs when that is shorter.
   */
  readonly startTimeoutMs?: number;
  /**
   * Bytes the executor may take: `workers × WORKER_THREAD_BYTES`, plus, for each run, the data it
   * copies to the workers (nothing for data on SharedArrayBuffers, which fitAsync arranges).
   * A number of bytes or a size such as '1GiB'; default DEFAULT_MEMORY_BUDGET (256 MiB).
   */
  readonly memoryBudget?: number | string;
  /**
   * When the threads start: 'now' (default) as the executor is created, so they load while this
   * thread does other work; 'first-task' when the first task is sent, so a caller that computes
   * for long before its first E-step (fitAsync initialises in this thread, e.g. k-means) starts no
   * thread that would wait behind it, and `startTimeoutMs` counts from when it waits for them.
   */
  readonly start?: 'now' | 'first-task';
}

export interface ResolvedWorkerExecutorOptions {
  readonly url: string | URL;
  readonly kind: WorkerKind;
  /** After the cap. */
  readonly workers: number;
  readonly taskTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly memoryBudget: number;
  readonly start: 'now' | 'first-task';
}

const KNOWN_OPTIONS = /* @__PURE__ */ new Set(['workerUrl', 'workers', 'oversubscribe', 'workerType', 'taskTimeoutMs', 'startTimeoutMs', 'memoryBudget', 'start']);
/** setTimeout fires at once for longer delays. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const DEFAULT_WORKERS = 2;
const DEFAULT_TASK_TIMEOUT_MS = 600_000;
const DEFAULT_START_TIMEOUT_MS = 30_000;

function refuse(option: string, problem: string, remedy: string): never {
  throw new InvalidOptionsError(problem, remedy, { option });
}

function timeout(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    refuse(option, `${option} must be a number of milliseconds in (0, ${MAX_TIMEOUT_MS}]; got ${String(value)}.`, `Pass e.g. { ${option}: 60000 } (one minute).`);
  }
  return value;
}

function workerKind(value: unknown): WorkerKind {
  const hasWebWorker = typeof (globalThis as { Worker?: unknown }).Worker === 'function';
  switch (value ?? 'auto') {
    case 'auto':
      if (isNode()) return 'thread';
      if (hasWebWorker) return 'web';
      return refuse('workerType', 'This runtime has neither worker_threads nor Web Workers.', 'Run the fit without an executor (in process).');
    case 'thread':
      if (isNode()) return 'thread';
      return refuse('workerType', "workerType 'thread' needs Node's worker_threads, which this runtime lacks.", "Use workerType 'web' or 'auto'.");
    case 'web':
      if (hasWebWorker) return 'web';
      return refuse('workerType', "workerType 'web' needs a global Worker (Web Workers), which this runtime lacks.", "Use workerType 'thread' or 'auto' in Node.");
    default:
      return refuse('workerType', `workerType must be 'auto', 'thread' or 'web'; got ${String(value)}.`, "Pass { workerType: 'auto' } or leave it out.");
  }
}

/** Checks every option and the memory the workers take; throws before anything is started. */
export function resolveWorkerExecutorOptions(options: WorkerExecutorOptions): ResolvedWorkerExecutorOptions {
  if (options === null || typeof options !== 'object') {
    refuse('options', `createWorkerExecutor takes an options object; got ${String(options)}.`, "Call createWorkerExecutor({ workerUrl: import.meta.resolve('@em/gaussian-mixture/worker'), workers: 2 }).");
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) refuse(key, `createWorkerExecutor has no option "${key}".`, `Use only ${[...KNOWN_OPTIONS].join(', ')}.`);
  }
  const url = options.workerUrl;
  if (!(url instanceof URL) && (typeof url !== 'string' || url.trim() === '')) {
    refuse('workerUrl', `workerUrl must be a URL or a non-empty string; got ${String(url)}.`, "Pass e.g. { workerUrl: import.meta.resolve('@em/gaussian-mixture/worker') }.");
  }
  const requested = options.workers ?? DEFAULT_WORKERS;
  if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) {
    refuse('workers', `workers must be an integer ≥ 1; got ${String(requested)}.`, 'Pass e.g. { workers: 2 }.');
  }
  const oversubscribe = options.oversubscribe ?? false;
  if (typeof oversubscribe !== 'boolean') refuse('oversubscribe', `oversubscribe must be true or false; got ${String(oversubscribe)}.`, 'Pass { oversubscribe: true } to run more workers than the machine has threads.');
  const kind = workerKind(options.workerType);
  const taskTimeoutMs = timeout(options.taskTimeoutMs, 'taskTimeoutMs', DEFAULT_TASK_TIMEOUT_MS);
  const startTimeoutMs = timeout(options.startTimeoutMs, 'startTimeoutMs', Math.min(DEFAULT_START_TIMEOUT_MS, taskTimeoutMs));
  const memoryBudget = resolveMemoryBudget(options.memoryBudget);
  const start = options.start ?? 'now';
  if (start !== 'now' && start !== 'first-task') refuse('start', `start must be 'now' or 'first-task'; got ${String(start)}.`, "Pass { start: 'first-task' } to start the threads with the first task, or leave it out.");

  const parallelism = availableParallelism();
  const workers = oversubscribe || parallelism === undefined ? requested : Math.min(requested, parallelism);
  checkAllocation(
    workers * WORKER_THREAD_BYTES,
    memoryBudget,
    `${workers} worker threads`,
    `Use fewer workers${parallelism === undefined ? '' : ` (this machine runs ${parallelism} threads at once)`}`,
  );
  return { url, kind, workers, taskTimeoutMs, startTimeoutMs, memoryBudget, start };
}
