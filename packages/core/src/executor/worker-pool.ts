// A fixed number of workers and a queue of E-step tasks. Every way a worker can fail ends in a
// WorkerError for the task it held (never a hang): an uncaught error, an exit, no answer within
// the task timeout (the thread is stopped, since it may be stuck in a loop), or an entry that
// never starts serving. close() stops every thread without waiting for running tasks.
import type { ModelConfig } from '../contract.js';
import { WorkerError } from '../errors.js';
import { spawnWorker, type WorkerHandle, type WorkerKind } from './worker-handle.js';
import { isWorkerMessage, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

export interface WorkerPoolOptions {
  readonly url: string | URL;
  readonly kind: WorkerKind;
  readonly size: number;
  readonly taskTimeoutMs: number;
  readonly startTimeoutMs: number;
  /** Start the threads with the first task (pump spawns them) instead of in the constructor. */
  readonly deferStart?: boolean;
}

/** A request before the pool numbers it. */
type Unnumbered<R> = R extends WorkerRequest ? Omit<R, 'id'> : never;

interface Task {
  readonly request: WorkerRequest;
  readonly resolve: (reply: WorkerReply<unknown>) => void;
  readonly reject: (error: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  handle?: WorkerHandle;
  /** Pending while worker_threads loads asynchronously (Node < 20.16). */
  spawning?: Promise<void>;
  ready: boolean;
  gone: boolean;
  task?: Task | undefined;
  startTimer?: ReturnType<typeof setTimeout>;
}

/** "an E-step", or the name of a registered task, for messages. */
function describeTask(request: WorkerRequest): string {
  return request.kind === 'em:e-step' ? 'an E-step' : `a "${request.task}" task`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A timer that does not keep a Node process alive on its own. */
function unrefTimer(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** "TypeError: x is undefined", first line only: messages stay one line. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

const ENTRY_REMEDY =
  'Point workerUrl at the built worker entry of a model package (e.g. import.meta.resolve("@em/gaussian-mixture/worker"), not a .ts source); ' +
  'if a bundler built the worker, check that it kept the entry\'s side effects (the package lists its worker in "sideEffects").';

/** Threads of every pool in this thread, started and not yet stopped. */
let liveAcrossPools = 0;

/** Worker threads started by any pool of this thread and not yet stopped (diagnostics; tests check that fits leave none). */
export function liveWorkerThreads(): number {
  return liveAcrossPools;
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Threads being stopped (a retired worker's terminate): close() waits for these too. */
  private readonly stopping = new Set<Promise<void>>();
  /** Set when the entry failed to start: it is a property of the file, so later tasks fail at once. */
  private startFailure: WorkerError | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    if (options.deferStart !== true) for (let i = 0; i < options.size; i++) this.spawn();
  }

  exec(config: ModelConfig, parameters: unknown, chunk: unknown): Promise<WorkerReply> {
    return this.send({ kind: 'em:e-step', config, parameters, chunk }) as Promise<WorkerReply>;
  }

  /** Runs a task the worker entry registered under `task` (see serveModels). */
  execTask(task: string, payload: unknown): Promise<WorkerReply<unknown>> {
    return this.send({ kind: 'em:task', task, payload });
  }

  /** Threads started and not yet stopped (0 once close() has settled). */
  get liveThreads(): number {
    return this.slots.size;
  }

  private send(request: Unnumbered<WorkerRequest>): Promise<WorkerReply<unknown>> {
    if (this.closed) return Promise.reject(new WorkerError('This worker executor was closed.', 'Create a new executor for another fit.'));
    if (this.startFailure !== undefined) return Promise.reject(this.startFailure);
    return new Promise<WorkerReply<unknown>>((resolve, reject) => {
      this.queue.push({ request: { ...request, id: this.nextId++ } as WorkerRequest, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closedError = new WorkerError('The worker executor was closed before this E-step finished.', 'Close the executor only after the fit has returned.');
    for (const task of this.queue.splice(0)) task.reject(closedError);
    for (const slot of [...this.slots]) void this.retire(slot, closedError);
    // Also the threads retired before close (a worker that failed or timed out): when close()
    // settles, no thread of this pool is running.
    await Promise.allSettled([...this.stopping]);
  }

  /** Sends queued tasks to ready workers, replacing workers that died (not ones that failed to start). */
  private pump(): void {
    if (this.closed) return;
    while (this.startFailure === undefined && this.queue.length > 0 && this.slots.size < this.options.size) this.spawn();
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.ready && slot.task === undefined && slot.handle !== undefined) this.dispatch(slot, this.queue.shift() as Task);
    }
    this.updateKeepAlive();
  }

  private dispatch(slot: Slot, task: Task): void {
    try {
      (slot.handle as WorkerHandle).post(task.request);
    } catch (error) {
      task.reject(new WorkerError(`${capitalized(describeTask(task.request))} could not be sent to a worker: ${describeError(error)}.`, 'Pass data and parameters made of numbers, arrays and typed arrays.', {}, { cause: error }));
      return;
    }
    slot.task = task;
    const { taskTimeoutMs } = this.options;
    task.timer = setTimeout(() => {
      void this.retire(
        slot,
        new WorkerError(
          `A worker did not answer ${describeTask(task.request)} within ${taskTimeoutMs} ms, so its thread was stopped.`,
          'Raise taskTimeoutMs for very large chunks, or use more chunks; if the worker entry is your own, check that it calls serveModels(modelFromConfig).',
          { timeoutMs: taskTimeoutMs },
        ),
      );
      this.pump();
    }, taskTimeoutMs);
  }

  private spawn(): void {
    const slot: Slot = { ready: false, gone: false };
    this.slots.add(slot);
    liveAcrossPools++;
    const { url, kind, startTimeoutMs } = this.options;
    const fail = (): void => {
      if (slot.ready || slot.gone) return;
      this.failToStart(slot, new WorkerError(`The worker entry ${String(url)} did not call serveModels within ${startTimeoutMs} ms, so it never served an E-step.`, ENTRY_REMEDY, { workerUrl: String(url), timeoutMs: startTimeoutMs }));
    };
    slot.startTimer = unrefTimer(
      setTimeout(() => {
        // When this thread was busy past the deadline (the pool starts its workers at once, and a fit
        // then initialises synchronously: k-means on 1e6 rows of a loaded machine took > 30 s), the
        // worker's ready message waits behind this timer: look again once pending messages are read.
        slot.startTimer = unrefTimer(setTimeout(fail, 0));
      }, startTimeoutMs),
    );
    const events = {
      message: (data: unknown) => this.onMessage(slot, data),
      error: (error: unknown) => this.onError(slot, error),
      exit: (code: number) => this.onExit(slot, code),
    };
    const adopt = (handle: WorkerHandle): Promise<void> | undefined => {
      if (slot.gone) return handle.terminate().catch(() => undefined);
      slot.handle = handle;
      this.updateKeepAlive();
      return undefined;
    };
    try {
      const handle = spawnWorker(url, kind, events);
      if (handle instanceof Promise) {
        slot.spawning = handle.then(
          (loaded) => adopt(loaded),
          (error: unknown) => this.onError(slot, error),
        );
      } else {
        void adopt(handle);
      }
    } catch (error) {
      this.onError(slot, error);
    }
  }

  private onMessage(slot: Slot, data: unknown): void {
    if (slot.gone || !isWorkerMessage(data)) return;
    if (data.kind === 'em:ready') {
      slot.ready = true;
      clearTimeout(slot.startTimer);
      this.pump();
      return;
    }
    const task = slot.task;
    if (task === undefined || task.request.id !== data.id) return;
    clearTimeout(task.timer);
    slot.task = undefined;
    task.resolve(data.reply);
    this.pump();
  }

  private onError(slot: Slot, error: unknown): void {
    if (slot.gone) return;
    const { url } = this.options;
    if (!slot.ready) {
      this.failToStart(slot, new WorkerError(`The worker entry ${String(url)} failed to start: ${describeError(error)}.`, ENTRY_REMEDY, { workerUrl: String(url) }, { cause: error }));
      return;
    }
    void this.retire(
      slot,
      new WorkerError(`A worker failed while running an E-step: ${describeError(error)}.`, 'Run the same fit without an executor to see the error in this thread; report it if it comes from an @em package.', {}, { cause: error }),
    );
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.gone) return;
    const { url } = this.options;
    if (!slot.ready) {
      this.failToStart(slot, new WorkerError(`The worker entry ${String(url)} exited with code ${code} before calling serveModels, so it never served an E-step.`, ENTRY_REMEDY, { workerUrl: String(url), exitCode: code }));
      return;
    }
    void this.retire(
      slot,
      new WorkerError(
        `A worker thread exited with code ${code} ${slot.task === undefined ? 'while idle' : 'while running an E-step'}.`,
        'Something in the worker ended its thread (process.exit, or out of memory); run the same fit without an executor to see it.',
        { exitCode: code },
      ),
    );
    this.pump();
  }

  /** The entry cannot serve: every waiting task fails now, and so will every later one. */
  private failToStart(slot: Slot, error: WorkerError): void {
    this.startFailure ??= error;
    void this.retire(slot, error);
    for (const task of this.queue.splice(0)) task.reject(error);
  }

  /** Removes a worker: its task (if any) fails with `error`, and its thread is stopped. */
  private retire(slot: Slot, error: WorkerError): Promise<void> {
    if (slot.gone) return Promise.resolve();
    const stopped = this.stop(slot, error).finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
    return stopped;
  }


  private async stop(slot: Slot, error: WorkerError): Promise<void> {
    slot.gone = true;
    this.slots.delete(slot);
    clearTimeout(slot.startTimer);
    const task = slot.task;
    slot.task = undefined;
    if (task !== undefined) {
      clearTimeout(task.timer);
      task.reject(error);
    }
    try {
      if (slot.handle !== undefined) await slot.handle.terminate().catch(() => undefined);
      else if (slot.spawning !== undefined) await slot.spawning; // adopt() terminates it, since the slot is gone
    } finally {
      liveAcrossPools--;
    }
  }

  /** Busy workers (and starting ones that tasks wait for) keep a Node process alive; idle ones do not. */
  private updateKeepAlive(): void {
    for (const slot of this.slots) slot.handle?.keepAlive(slot.task !== undefined || (!slot.ready && this.queue.length > 0));
  }
}
