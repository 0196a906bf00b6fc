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
import { isEStepRequest, type WorkerMessage, type WorkerReply } from './executor/worker-protocol.js';
import type { Statistics } from './statistics/algebra.js';

export type { WorkerReply } from './executor/worker-protocol.js';

/** Rebuilds a model from its config (each model package exports one). */
export type ModelFactory = (config: ModelConfig) => EmModel<unknown, unknown, Statistics>;

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

/** Starts serving E-step requests in this worker (Node worker thread or Web Worker), then says it is ready. */
export function serveModels(factory: ModelFactory): void {
  const handle = createEStepHandler(factory);
  const start = (port: Port): void => {
    port.listen((data) => {
      if (!isEStepRequest(data)) return;
      port.post({ kind: 'em:reply', id: data.id, reply: handle(data.config, data.parameters, data.chunk) });
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
