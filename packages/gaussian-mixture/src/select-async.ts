// Model selection off the main thread. Two ways to use worker threads: whole cells (a covariance
// model × a component count) on each worker — the common case, since a selection grid has many small
// fits whose E-steps are too short to split — or each cell's E-steps spread over the workers, for
// data large enough that one E-step pays for the messages. `workers: 'auto'` chooses (selectionPlan).
import {
  availableParallelism,
  bestByCriterion,
  DENSE_ROWS,
  InvalidOptionsError,
  loadParallel,
  packageWorkerEntry,
  planWorkers,
  workerEntryProblem,
  WORKER_THREAD_BYTES,
  WORKERS_MIN_WORK,
  assertWorkersOption,
  type DenseMatrix,
  type EStepExecutor,
  type SerializedModel,
  type WorkersOption,
} from '@em/core';
import type { SerializedError } from '@em/core/parallel';
import { storageOf, covarianceModelOf, type CovarianceModel, type CovarianceOption } from './constrained/covariance-models.js';
import { GaussianMixture, gaussianEStepWork } from './gaussian-mixture.js';
import { gaussianFitBytes } from './memory-estimate.js';
import { cellRow, failedCellRow, fitOptionsOf, selectionGrid, selectionResult, type SelectGaussianMixtureOptions, type SelectionResult, type SelectionTableRow } from './select.js';

/** The task name a Gaussian-mixture worker entry serves whole selection cells under. */
export const SELECT_CELL_TASK = 'gaussian-mixture:select-cell';

/** How a selection runs: in process, whole cells on workers, or each cell's E-steps on workers. */
export type SelectionParallelism = 'auto' | 'cells' | 'e-steps';

/** selectGaussianMixture's options and where the cells run. */
export interface SelectGaussianMixtureAsyncOptions extends SelectGaussianMixtureOptions {
  /**
   * Every cell's E-steps on this executor (e.g. `createWorkerExecutor` from @em/core/parallel); the
   * caller closes it. Overrides `workers`.
   */
  readonly executor?: EStepExecutor;
  /**
   * 'auto' (default): worker threads when they pay, as many as the machine, the memory budget and
   * the grid allow; in process for small grids, without a worker entry, and in browsers unless
   * `workerUrl` is given. A number: that many workers (1 = in process).
   */
  readonly workers?: WorkersOption;
  /**
   * With workers: 'cells' fits whole cells on each worker, 'e-steps' spreads each cell's E-steps;
   * 'auto' (default) takes e-steps when one E-step of the largest cell reaches WORKERS_MIN_WORK, cells otherwise.
   */
  readonly parallel?: SelectionParallelism;
  /** The worker entry (default: this package's built worker.js, in Node). */
  readonly workerUrl?: string | URL;
}

/** Where a selection ran and why. */
export interface SelectionPlan {
  /** In this thread, whole cells on worker threads, or each cell's E-steps on worker threads. */
  readonly mode: 'in-process' | 'cells' | 'e-steps';
  /** Worker threads (1 in process). */
  readonly workers: number;
  /** Why, in words: "2 workers, whole fits on each (126 fits)", "in process: 3 fits, too few …". */
  readonly reason: string;
}

/** What a worker needs to fit one cell: the data (on a SharedArrayBuffer: not copied), the cell, the options every cell shares. */
export interface SelectCellPayload {
  /** The whole data set (on a SharedArrayBuffer where the runtime has one). */
  readonly data: DenseMatrix;
  /** One weight per row, if the selection has them. */
  readonly sampleWeights?: Float64Array;
  /** The cell's covariance model (as the grid names it). */
  readonly covarianceType: CovarianceOption;
  /** The cell's component count K. */
  readonly components: number;
  /** Restarts per cell, as the selection's `nInit`. */
  readonly nInit?: number;
  /** The selection's seed (every cell starts from it, as in process). */
  readonly seed?: number;
  /** The selection's modelOptions without callbacks, signals or executors (they cannot cross threads). */
  readonly modelOptions: Readonly<Record<string, unknown>>;
}

/** A fitted cell: its table row and the fitted model as a saved document; a failed cell: its row and the error. */
export interface SelectCellReply {
  /** The cell's row of the table (infinite criteria and `error` for a failed fit). */
  readonly row: SelectionTableRow;
  /** The fitted model's saved document (`toJSON`); absent for a failed fit. */
  readonly model?: SerializedModel;
  /** Why the fit failed, as data (rebuilt into its typed error by the caller). */
  readonly error?: SerializedError;
}

/**
 * Grids with fewer cells run in process under 'auto': starting the threads (0.2–0.5 s measured)
 * costs more than a few small fits take. Measured in contributing/architecture.md ("When workers pay").
 */
export const MIN_CELLS_FOR_WORKERS = 8;

/** Model options that cannot cross to a worker thread. */
const THREAD_BOUND_OPTIONS = ['onIteration', 'onEvent', 'signal', 'executor', 'workers', 'workerUrl'] as const;

function modelOptionsForWorkers(options: SelectGaussianMixtureOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(options.modelOptions ?? {}) };
  for (const name of THREAD_BOUND_OPTIONS) delete out[name];
  return out;
}

function hasCallbacks(options: SelectGaussianMixtureOptions): boolean {
  const given = (options.modelOptions ?? {}) as Record<string, unknown>;
  return given['onIteration'] !== undefined || given['onEvent'] !== undefined || given['signal'] !== undefined;
}

/**
 * Where selectGaussianMixtureAsync runs the grid, and why (the same decision it makes; the CLI
 * prints it). `rows × cols` is the data's shape.
 */
export function selectionPlan(options: SelectGaussianMixtureAsyncOptions, rows: number, cols: number): SelectionPlan {
  if (options.executor !== undefined) return { mode: 'e-steps', workers: options.executor.concurrency, reason: `each fit's E-steps on the given executor (${options.executor.concurrency} workers)` };
  const workers = options.workers ?? 'auto';
  assertWorkersOption(workers);
  const parallel = options.parallel ?? 'auto';
  if (parallel !== 'auto' && parallel !== 'cells' && parallel !== 'e-steps') {
    throw new InvalidOptionsError(`parallel must be 'auto', 'cells' or 'e-steps'; got ${JSON.stringify(parallel)}.`, "Pass 'cells' (whole fits on each worker), 'e-steps', or leave it out.", { option: 'parallel' });
  }
  const grid = selectionGrid(options);
  const cells = grid.cells.length;
  const budget = grid.cells[0]?.model.settings.memoryBudget ?? 256 * 1024 * 1024;
  const types = [...new Set(grid.cells.map((cell) => storageOf(covarianceModelOf(cell.covarianceType) as CovarianceModel)))];
  const largest = Math.max(...options.components);
  // The largest cell's E-step: what one E-step on workers would have to pay for.
  let work = gaussianEStepWork(rows, cols, largest, 'spherical');
  let fitBytes = 0;
  for (const type of types) {
    const candidate = gaussianEStepWork(rows, cols, largest, type);
    if (candidate.work > work.work) work = candidate;
    fitBytes = Math.max(fitBytes, gaussianFitBytes(rows, cols, largest, type));
  }
  const weights = options.sampleWeights === undefined ? 0 : 8 * rows;
  const sharedCopyBytes = 8 * rows * cols + weights;
  const parallelism = availableParallelism();
  const noWorkerEntry = workers === 'auto' ? workerEntryProblem(options.workerUrl ?? packageWorkerEntry(import.meta.url)) : undefined;
  const eSteps = parallel === 'e-steps' || (parallel === 'auto' && (work.work >= WORKERS_MIN_WORK || hasCallbacks(options)));
  if (eSteps) {
    const plan = planWorkers({ workers, work, memoryBudget: budget, sharedCopyBytes, parallelism, noWorkerEntry });
    return plan.mode === 'in-process' ? { mode: 'in-process', workers: 1, reason: plan.reason } : { mode: 'e-steps', workers: plan.workers, reason: `each fit's E-steps on ${plan.reason}` };
  }
  if (hasCallbacks(options)) {
    throw new InvalidOptionsError("parallel 'cells' cannot call modelOptions' onIteration, onEvent or signal (they stay in this thread).", "Use parallel 'e-steps', or drop the callbacks (onCell reports each cell).", { option: 'parallel' });
  }
  if (workers === 1) return { mode: 'in-process', workers: 1, reason: 'in process: 1 worker asked for' };
  if (workers === 'auto') {
    if (noWorkerEntry !== undefined) return { mode: 'in-process', workers: 1, reason: `in process: ${noWorkerEntry}` };
    if (cells < MIN_CELLS_FOR_WORKERS) return { mode: 'in-process', workers: 1, reason: `in process: ${cells} fit${cells === 1 ? '' : 's'}, too few for worker threads to pay (from ${MIN_CELLS_FOR_WORKERS})` };
    if ((parallelism ?? 1) < 2) return { mode: 'in-process', workers: 1, reason: `in process: this machine runs ${parallelism ?? 'an unknown number of'} thread${parallelism === 1 ? '' : 's'} at once` };
  }
  // Each worker holds one cell's fit at a time: its thread and the largest cell's working arrays.
  const affordable = Math.max(0, Math.floor((budget - sharedCopyBytes) / (WORKER_THREAD_BYTES + fitBytes)));
  const wanted = workers === 'auto' ? (parallelism ?? 1) : workers;
  const count = Math.min(wanted, affordable, cells);
  if (count < 2) {
    const why = count === cells ? `${cells} fit` : `the memory budget leaves room for ${affordable} worker${affordable === 1 ? '' : 's'} fitting a ${largest}-component model each`;
    return { mode: 'in-process', workers: 1, reason: `in process: ${why}` };
  }
  return { mode: 'cells', workers: count, reason: `${count} workers, whole fits on each (${cells} fits${workers === 'auto' ? '; auto' : ''})` };
}

/**
 * selectGaussianMixture on worker threads where they pay: the same table (whole cells on workers:
 * identical numbers; E-steps on workers: up to the round-off of summing in chunks), the same best
 * model. `onCell` reports each cell as it completes — with whole cells on workers that is out of
 * table order (its `index` is the cell's place in the table, which keeps the canonical order).
 * Threads it starts are stopped before the promise settles, on success and on error.
 */
export async function selectGaussianMixtureAsync(options: SelectGaussianMixtureAsyncOptions): Promise<SelectionResult & { readonly execution: SelectionPlan }> {
  const matrix = DENSE_ROWS.toData(options.data, undefined, 'selectGaussianMixtureAsync(data)').observations;
  const plan = selectionPlan(options, matrix.rows, matrix.cols);
  if (plan.mode === 'cells') return { ...(await selectOnCellWorkers(options, matrix, plan)), execution: plan };
  if (plan.mode === 'in-process' || options.executor !== undefined) return { ...(await selectWithExecutor(options, options.executor)), execution: plan };
  const { createWorkerExecutor } = await loadParallel();
  const workerUrl = options.workerUrl ?? packageWorkerEntry(import.meta.url);
  if (workerUrl === undefined) throw new InvalidOptionsError('No worker entry to start workers from.', "Pass workerUrl (a worker that imports '@em/gaussian-mixture/worker').", { option: 'workerUrl' });
  const budget = selectionGrid(options).cells[0]?.model.settings.memoryBudget;
  // Threads start with the first E-step, after the first cell's initialisation in this thread.
  const executor = createWorkerExecutor({ workerUrl, workers: plan.workers, start: 'first-task', ...(budget === undefined ? {} : { memoryBudget: budget }) });
  try {
    return { ...(await selectWithExecutor(options, executor)), execution: plan };
  } finally {
    await executor.close();
  }
}

/** Every cell in table order, in process or with its E-steps on `executor`. */
async function selectWithExecutor(options: SelectGaussianMixtureOptions, executor: EStepExecutor | undefined): Promise<SelectionResult> {
  const grid = selectionGrid(options);
  const table: SelectionTableRow[] = [];
  const models: Array<GaussianMixture | undefined> = [];
  let firstError: unknown;
  for (const { covarianceType, components, model } of grid.cells) {
    let row: SelectionTableRow;
    try {
      const fitOptions = fitOptionsOf(options);
      const fit = executor === undefined ? model.fit(options.data, fitOptions) : await model.fitAsync(options.data, { ...fitOptions, executor });
      row = cellRow(options, covarianceType, components, model, fit);
      models.push(model);
    } catch (error) {
      row = failedCellRow(error, covarianceType, components);
      firstError ??= error;
      models.push(undefined);
    }
    table.push(row);
    options.onCell?.(row, table.length - 1, grid.cells.length);
  }
  return selectionResult(grid.criterion, table, models, firstError);
}

/** Every cell fitted whole by a pool of workers on a shared view of the data; the table in canonical order. */
async function selectOnCellWorkers(options: SelectGaussianMixtureAsyncOptions, matrix: DenseMatrix, plan: SelectionPlan): Promise<SelectionResult> {
  const grid = selectionGrid(options);
  const { createWorkerExecutor, deserializeError } = await loadParallel();
  const workerUrl = options.workerUrl ?? packageWorkerEntry(import.meta.url);
  if (workerUrl === undefined) throw new InvalidOptionsError('No worker entry to start workers from.', "Pass workerUrl (a worker that imports '@em/gaussian-mixture/worker').", { option: 'workerUrl' });
  const memoryBudget = grid.cells[0]?.model.settings.memoryBudget;
  const data = matrix.toShared();
  const sampleWeights = options.sampleWeights === undefined ? undefined : shared(Float64Array.from(options.sampleWeights));
  const modelOptions = modelOptionsForWorkers(options);
  const executor = createWorkerExecutor({ workerUrl, workers: plan.workers, ...(memoryBudget === undefined ? {} : { memoryBudget }) });
  const table: Array<SelectionTableRow | undefined> = new Array<SelectionTableRow | undefined>(grid.cells.length);
  const documents: Array<SerializedModel | undefined> = new Array<SerializedModel | undefined>(grid.cells.length);
  const errors: Array<SerializedError | undefined> = new Array<SerializedError | undefined>(grid.cells.length);
  try {
    await Promise.all(
      grid.cells.map(async ({ covarianceType, components }, index) => {
        const payload: SelectCellPayload = {
          data,
          ...(sampleWeights === undefined ? {} : { sampleWeights }),
          covarianceType,
          components,
          ...(options.nInit !== undefined ? { nInit: options.nInit } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          modelOptions,
        };
        const reply = await executor.runTask<SelectCellReply>(SELECT_CELL_TASK, payload);
        table[index] = reply.row;
        documents[index] = reply.model;
        errors[index] = reply.error;
        options.onCell?.(reply.row, index, grid.cells.length);
      }),
    );
  } finally {
    await executor.close();
  }
  const rows = table as SelectionTableRow[];
  const bestIndex = bestByCriterion(rows, grid.criterion);
  const models = rows.map((_, index) => (index === bestIndex ? reviveModel(documents[index], memoryBudget) : undefined));
  const firstFailure = errors.find((error) => error !== undefined);
  return selectionResult(grid.criterion, rows, models, firstFailure === undefined ? undefined : deserializeError(firstFailure));
}

function reviveModel(document: SerializedModel | undefined, memoryBudget: number | undefined): GaussianMixture | undefined {
  return document === undefined ? undefined : GaussianMixture.fromJSON(document, memoryBudget === undefined ? {} : { memoryBudget });
}

function shared(values: Float64Array): Float64Array {
  if (typeof SharedArrayBuffer === 'undefined') return values;
  const out = new Float64Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}
