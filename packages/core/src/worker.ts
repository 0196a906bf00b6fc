// Worker-side half of the parallel E-step. A model package's worker entry is three lines:
//   import { serveModels } from '@em/core/worker';
//   import { modelFromConfig } from './index.js';
//   serveModels(modelFromConfig);
// It runs in a Node worker thread or a module Web Worker; no static import of a Node built-in,
// so bundlers build it for browsers as it is.
/**
 * The worker side of `@em/core/parallel`: `serveModels(modelFromConfig)` is all a model package's
 * worker entry contains.
 *
 * @packageDocumentation
 * @module @em/core/worker
 */
import type { EmModel, ModelConfig } from './contract.js';
import { nodeBuiltin, isNode, type WorkerThreadsModule } from './executor/platform.js';
import { reviveData, serializeError } from './executor/revive.js';
import { CLASSIFY_TASK, isEStepRequest, isNamedTaskRequest, type WorkerMessage, type WorkerReply } from './executor/worker-protocol.js';
import type { Statistics } from './statistics/algebra.js';
import { InvalidOptionsError } from './errors.js';

export type { WorkerReply } from './executor/worker-protocol.js';

/** Rebuilds a model from its config (each model package exports one). */
export type ModelFactory = (config: ModelConfig) => EmModel<unknown, unknown, Statistics>;

/**
 * A task a worker entry serves besides E-steps, by name (e.g. @em/gaussian-mixture's whole
 * model-selection cell): it takes the posted payload (typed arrays and core data containers
 * revived) and returns a value made of numbers, strings, arrays and typed arrays. A thrown error
 * reaches the caller typed, as an E-step's does.
 */
export type NamedTask = (payload: unknown) => unknown;

/** Options of serveModels. */
export interface ServeOptions {
  /** Named tasks this worker runs (`WorkerExecutor.runTask(name, payload)`). */
  readonly tasks?: Readonly<Record<string, NamedTask>>;
}

/** Handles one named-task request (exported for tests; `serveModels` wires it to the pool). */
export function createTaskHandler(tasks: Readonly<Record<string, NamedTask>>): (task: string, payload: unknown) => WorkerReply<unknown> {
  return (task, payload) => {
    try {
      const run = Object.prototype.hasOwnProperty.call(tasks, task) ? tasks[task] : undefined;
      if (run === undefined) {
        throw new InvalidOptionsError(`This worker entry serves no task "${task}".`, 'Point workerUrl at the worker entry of the package that offers the task (e.g. @em/gaussian-mixture/worker).', { option: 'workerUrl' });
      }
      return { ok: true, result: run(reviveData(payload)) };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  };
}

/** Handles one E-step request (exported for tests; `serveModels` wires it to the pool). */
export function createEStepHandler(factory: ModelFactory): (config: ModelConfig, parameters: unknown, chunk: unknown) => WorkerReply {
  const models = new Map<string, EmModel<unknown, unknown, Statistics>>();
  return (config, parameters, chunk) => {
    try {
      const key = JSON.stringify(config);
      let model = models.get(key);
      if (model === undefined) {
        model = factory(config);
        models.set(key, model);
      }
      return { ok: true, result: model.eStep(parameters, reviveData(chunk)) };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  };
}

interface Port {
  post(message: WorkerMessage): void;
  listen(handler: (data: unknown) => void): void;
}

function threadPort(threads: WorkerThreadsModule): Port {
  const parent = threads.parentPort;
  if (parent === null) throw new Error('serveModels must run inside a worker thread (pass this file as workerUrl to createWorkerExecutor).');
  return { post: (message) => parent.postMessage(message), listen: (handler) => parent.on('message', handler) };
}

function webPort(): Port {
  const scope = globalThis as unknown as { postMessage?: (message: unknown) => void; addEventListener?: (type: string, listener: (event: MessageEvent) => void) => void };
  const { postMessage, addEventListener } = scope;
  if (typeof postMessage !== 'function' || typeof addEventListener !== 'function') {
    throw new Error('serveModels must run inside a Web Worker (pass this file as workerUrl to createWorkerExecutor).');
  }
  return { post: (message) => postMessage.call(scope, message), listen: (handler) => addEventListener.call(scope, 'message', (event) => handler(event.data)) };
}

export { CLASSIFY_TASK } from './executor/worker-protocol.js';

/** What a CLASSIFY_TASK request carries: the model's config, its parameters, a chunk of data, and whether posteriors are wanted. */
export interface ClassifyPayload {
  /** The model's config (the worker rebuilds the model from it). */
  readonly config: ModelConfig;
  /** The model's parameters in the engine's form. */
  readonly parameters: unknown;
  /** A chunk of the data (rows, or whole sequences). */
  readonly chunk: unknown;
  /** Also return p(class | row), row-major n × K. */
  readonly probabilities: boolean;
}

/** A prediction pass's answer for one chunk: the most probable class per row and, if asked, the posteriors. */
export interface ClassifyResult {
  /** The most probable class per row (time step). */
  readonly labels: Int32Array;
  /** p(class | row), row-major n × K, when asked for. */
  readonly probabilities?: Float64Array;
}

interface Classifier {
  predict(parameters: unknown, data: unknown): Int32Array;
  responsibilities(parameters: unknown, data: unknown): Float64Array;
}

/**
 * The built-in prediction task every worker entry serves: labels (and posteriors) of one chunk
 * with a model rebuilt from its config, for models that can predict (every estimator's model).
 */
export function createClassifyTask(factory: ModelFactory): NamedTask {
  const models = new Map<string, EmModel<unknown, unknown, Statistics>>();
  return (payload) => {
    const { config, parameters, chunk, probabilities } = payload as ClassifyPayload;
    const key = JSON.stringify(config);
    let model = models.get(key);
    if (model === undefined) {
      model = factory(config);
      models.set(key, model);
    }
    const classifier = model as unknown as Partial<Classifier>;
    if (typeof classifier.predict !== 'function' || typeof classifier.responsibilities !== 'function') {
      throw new InvalidOptionsError(`The ${config.kind} model cannot predict on a worker.`, 'Predict in process (workers: 1).', { option: 'workers' });
    }
    const labels = classifier.predict.call(model, parameters, chunk);
    return probabilities ? { labels, probabilities: classifier.responsibilities.call(model, parameters, chunk) } : { labels };
  };
}

/**
 * Starts serving E-step requests (and the named `tasks`) in this worker (Node worker thread or Web
 * Worker), then says it is ready.
 */
export function serveModels(factory: ModelFactory, options: ServeOptions = {}): void {
  const handle = createEStepHandler(factory);
  const handleTask = createTaskHandler({ [CLASSIFY_TASK]: createClassifyTask(factory), ...(options.tasks ?? {}) });
  const start = (port: Port): void => {
    port.listen((data) => {
      if (isEStepRequest(data)) port.post({ kind: 'em:reply', id: data.id, reply: handle(data.config, data.parameters, data.chunk) });
      else if (isNamedTaskRequest(data)) port.post({ kind: 'em:reply', id: data.id, reply: handleTask(data.task, data.payload) });
    });
    port.post({ kind: 'em:ready' });
  };
  if (!isNode()) {
    start(webPort());
    return;
  }
  const threads = nodeBuiltin<WorkerThreadsModule>('node:worker_threads');
  if (threads instanceof Promise) {
    void threads.then((loaded) => start(threadPort(loaded)));
  } else {
    start(threadPort(threads));
  }
}
