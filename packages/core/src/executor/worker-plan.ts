// Where a fit's E-steps run when the caller leaves it to us (`workers: 'auto'`), or asks for a
// number of workers: a pure decision from the machine, the memory budget and the data's size, so
// the CLI, fitAsync and the tests reach the same answer and can say why.
import { InvalidOptionsError } from '../errors.js';
import { formatBytes, WORKER_THREAD_BYTES } from '../memory-budget.js';

/** 'auto' (use worker threads when the data is large enough to pay), or a number of workers (1 = in process). */
export type WorkersOption = 'auto' | number;

/**
 * Estimated work of one E-step, in multiply-adds (a log or exp counts as 20), and what the data
 * can be split into: a model package computes it from the data's shape (e.g. N·K·(D²/2 + D + 20)
 * for a full-covariance Gaussian mixture).
 */
export interface EStepWork {
  /** Multiply-adds per E-step. */
  readonly work: number;
  /** The formula and its value, for messages: "N·K·(D²/2 + D + 20) = 1.2e6". */
  readonly formula: string;
  /** The most chunks the data splits into (rows for a mixture, sequences for an HMM). */
  readonly maxChunks: number;
}

/**
 * Work per E-step from which `workers: 'auto'` uses worker threads: below it, starting the
 * threads (0.1–0.8 s measured on a loaded 2-core machine) and the messages per iteration cost more
 * than the second core saves over a typical fit. Measured in contributing/architecture.md
 * ("When workers pay"), with the scripts in each model package's bench/workers-threshold.ts.
 */
export const WORKERS_MIN_WORK = 2e8;

/**
 * Work of one prediction pass from which `predictAsync` under 'auto' uses worker threads: a
 * prediction is a single pass, so the threads' start (≈ 0.5 s) is paid back only when half the pass
 * saves more, from ≈ 1 s of pass in process — twenty times WORKERS_MIN_WORK.
 */
export const PREDICTION_MIN_WORK = 20 * WORKERS_MIN_WORK;

/** How a fit runs: in this thread, on a pool the fit starts (and stops), or on the caller's executor. */
export interface ExecutionPlan {
  /** In this thread, on worker threads the fit starts and stops, or on the executor the caller gave. */
  readonly mode: 'in-process' | 'workers' | 'executor';
  /** Worker threads (1 in process). */
  readonly workers: number;
  /** Why, in words: "2 workers (auto: …)", "in process: data too small for workers to pay (…)". */
  readonly reason: string;
}

/** What planWorkers decides from. */
export interface WorkerPlanInput {
  /** What the caller asked for. */
  readonly workers: WorkersOption;
  /** The E-step's work and how far the data splits. */
  readonly work: EStepWork;
  /** Bytes the fit may take beyond the data (the estimator's memory budget). */
  readonly memoryBudget: number;
  /** Bytes the fit copies once to share the data with the workers (0 when it is already shared). */
  readonly sharedCopyBytes: number;
  /** Threads the machine runs at once (undefined: unknown). */
  readonly parallelism: number | undefined;
  /** Why there is no worker entry to start (undefined when there is one). */
  readonly noWorkerEntry?: string | undefined;
  /** Work per E-step from which auto uses workers (default WORKERS_MIN_WORK). */
  readonly minWork?: number;
}

/** Checks a `workers` value: 'auto' or an integer ≥ 1 (InvalidOptionsError otherwise). */
export function assertWorkersOption(value: unknown, option = 'workers'): asserts value is WorkersOption {
  if (value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return;
  throw new InvalidOptionsError(`${option} must be 'auto' or an integer ≥ 1; got ${JSON.stringify(value) ?? String(value)}.`, "Pass { workers: 'auto' } (the default), 1 to fit in process, or e.g. 2.", { option });
}

/** Bytes the workers' fixed costs and the shared copy of the data leave room for, in workers. */
function workersWithinBudget(input: WorkerPlanInput): number {
  return Math.max(0, Math.floor((input.memoryBudget - input.sharedCopyBytes) / WORKER_THREAD_BYTES));
}

/**
 * The plan for `workers`. A number is taken as asked (1 = in process), capped at the chunks the data
 * splits into (the machine's parallelism and the memory budget are checked by createWorkerExecutor,
 * which refuses what the budget cannot hold). 'auto' uses min(parallelism, what the budget allows,
 * what the data can use) workers when the E-step's work reaches `minWork` and there is a worker entry;
 * in process otherwise.
 */
export function planWorkers(input: WorkerPlanInput): ExecutionPlan {
  assertWorkersOption(input.workers);
  const { work } = input;
  if (input.workers !== 'auto') {
    if (input.workers === 1) return { mode: 'in-process', workers: 1, reason: 'in process: 1 worker asked for' };
    const workers = Math.min(input.workers, work.maxChunks);
    if (workers < 2) return { mode: 'in-process', workers: 1, reason: `in process: the data splits into ${work.maxChunks} chunk (${input.workers} workers asked for)` };
    return { mode: 'workers', workers, reason: `${workers} workers${workers < input.workers ? ` (${input.workers} asked for; the data splits into ${work.maxChunks} chunks)` : ''}` };
  }
  if (input.noWorkerEntry !== undefined) return { mode: 'in-process', workers: 1, reason: `in process: ${input.noWorkerEntry}` };
  const minWork = input.minWork ?? WORKERS_MIN_WORK;
  if (!(work.work >= minWork)) return { mode: 'in-process', workers: 1, reason: `in process: data too small for workers to pay (${work.formula} < ${minWork.toExponential(0)})` };
  const parallelism = input.parallelism ?? 1;
  if (parallelism < 2) return { mode: 'in-process', workers: 1, reason: `in process: this machine runs ${input.parallelism === undefined ? 'an unknown number of' : parallelism} thread${parallelism === 1 ? '' : 's'} at once` };
  const affordable = workersWithinBudget(input);
  const workers = Math.min(parallelism, affordable, work.maxChunks);
  if (workers < 2) {
    const why =
      affordable < 2
        ? `the memory budget (${formatBytes(input.memoryBudget)}) leaves room for ${affordable} worker thread${affordable === 1 ? '' : 's'} of ${formatBytes(WORKER_THREAD_BYTES)}`
        : `the data splits into ${work.maxChunks} chunk`;
    return { mode: 'in-process', workers: 1, reason: `in process: ${why}` };
  }
  const limits = [workers === parallelism ? 'the machine' : undefined, workers === affordable ? 'the memory budget' : undefined, workers === work.maxChunks ? 'the data' : undefined].filter((x) => x !== undefined);
  return { mode: 'workers', workers, reason: `${workers} workers (auto: ${work.formula} ≥ ${minWork.toExponential(0)}; as many as ${limits.join(' and ')} allow${limits.length === 1 ? 's' : ''})` };
}

/** Bytes of the arrays not already on a SharedArrayBuffer: what sharing them with workers copies once. */
export function unsharedBytes(...arrays: ReadonlyArray<ArrayBufferView | undefined>): number {
  let bytes = 0;
  for (const array of arrays) {
    if (array === undefined) continue;
    if (typeof SharedArrayBuffer !== 'undefined' && array.buffer instanceof SharedArrayBuffer) continue;
    bytes += array.byteLength;
  }
  return bytes;
}
